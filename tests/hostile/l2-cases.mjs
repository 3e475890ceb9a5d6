// Hostile L2: what a backend (or whoever writes to its store) returns. See cases.mjs.

export const l2Cases = [];
