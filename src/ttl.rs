pub const MAX_TTL_MS: u64 = 10 * 366 * 24 * 3600 * 1000;
