// Shared pieces of the JS benchmarks: a seeded RNG, a Zipf sampler, the four
// value kinds, the side-by-side rounds (order rotated every round, medians)
// and the markdown table. No dependencies.
//
// Why not tinybench or mitata: both time one task to completion before the
// next, so a burst of load from a neighbour on these shared 2-core machines
// lands on one cache and skews its ratio. Here every round runs every cache
// once, in a rotated order, and the figure is the median over rounds (the
// same design as benches/common/harness.rs on the native side).

/** splitmix64 on two 32-bit halves would be slow in JS; mulberry32 is enough for workloads. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform ids in [from, from + span), `n` of them. */
export function uniformIds(n, from, span, seed) {
  const r = rng(seed);
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = from + Math.floor(r() * span);
  return ids;
}

/**
 * `n` Zipf(alpha) draws over `universe` ids, ranks scattered by a random
 * permutation (popularity says nothing about an id), plus a write flag on ~`writeShare`.
 */
export function zipfOps(n, universe, alpha, writeShare, seed) {
  const r = rng(seed);
  const cdf = new Float64Array(universe);
  let total = 0;
  for (let k = 0; k < universe; k++) cdf[k] = total += 1 / Math.pow(k + 1, alpha);
  const perm = new Int32Array(universe);
  for (let i = 0; i < universe; i++) perm[i] = i;
  for (let i = universe - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const t = perm[i]; perm[i] = perm[j]; perm[j] = t;
  }
  const ids = new Int32Array(n);
  const writes = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const u = r() * total;
    let lo = 0, hi = universe - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] <= u) lo = mid + 1; else hi = mid;
    }
    ids[i] = perm[lo];
    writes[i] = r() < writeShare ? 1 : 0;
  }
  return { ids, writes };
}

// ---- values ----------------------------------------------------------------
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];

function user(i, r) {
  const word = () => WORDS[Math.floor(r() * WORDS.length)];
  return {
    id: i * 7919,
    name: `${word()} ${word()}`,
    email: `${word()}.${i}@example.com`,
    active: r() > 0.5,
    score: Math.round(r() * 10000) / 100,
    tags: [word(), word(), word()],
    address: { city: word(), zip: String(10000 + Math.floor(r() * 89999)), geo: [r() * 180 - 90, r() * 360 - 180] },
  };
}

/** A JSON-like object whose JSON text is about `bytes` long. */
export function jsonObjectOfSize(bytes, seed = 42) {
  const r = rng(seed);
  const users = [];
  const doc = { page: 1, total: 0, users };
  while (JSON.stringify(doc).length < bytes) {
    users.push(user(users.length, r));
    doc.total = users.length;
  }
  return doc;
}

/** The four value kinds of issue 6; `make(i)` builds a distinct value for entry `i`. */
export const VALUE_KINDS = {
  str100: {
    label: '100-byte string',
    make: (i) => `${'The quick brown fox jumps over the lazy dog; '.repeat(3).slice(0, 90)}#${String(i).padStart(9, '0')}`,
  },
  json1k: {
    label: '1 KB JSON object',
    template: JSON.stringify(jsonObjectOfSize(1024)),
    make(i) { const o = JSON.parse(this.template); o.page = i; return o; },
  },
  json16k: {
    label: '16 KB JSON object',
    template: JSON.stringify(jsonObjectOfSize(16 * 1024)),
    make(i) { const o = JSON.parse(this.template); o.page = i; return o; },
  },
  bytes4k: {
    label: '4 KB Uint8Array',
    make: (i) => {
      const r = rng(i + 1);
      const b = new Uint8Array(4096);
      for (let k = 0; k < b.length; k++) b[k] = Math.floor(r() * 256);
      return b;
    },
  },
};

// ---- rounds ----------------------------------------------------------------
/** Sorted-sample quantile, linear interpolation. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Runs `entrants` side by side: a short probe pass and one untimed warm-up pass
 * each, then `rounds` timed passes, the order rotated every round.
 * `entrant.run(round, limit)` does one pass (sync or async) of at most `limit`
 * operations (all of them when undefined) and returns how many it did.
 * An entrant whose probe is slower than `capNsPerOp` is measured on
 * `probeOps`-long passes from then on (a full pass could take minutes, e.g.
 * an O(n) eviction at 1M entries) and flagged `capped`.
 * Returns per-entrant { median, iqr, capped } in ns/op.
 */
export async function sideBySide(entrants, rounds, { capNsPerOp = Infinity, probeOps = 1000 } = {}) {
  const limits = [];
  for (const e of entrants) {
    const start = process.hrtime.bigint();
    const ops = await e.run(-2, probeOps);
    const nsPerOp = Number(process.hrtime.bigint() - start) / ops;
    limits.push(nsPerOp > capNsPerOp ? probeOps : undefined);
  }
  for (let i = 0; i < entrants.length; i++) await entrants[i].run(-1, limits[i]);
  const samples = entrants.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < entrants.length; k++) {
      const i = (k + round) % entrants.length;
      const start = process.hrtime.bigint();
      const ops = await entrants[i].run(round, limits[i]);
      samples[i].push(Number(process.hrtime.bigint() - start) / ops);
    }
  }
  return samples.map((s, i) => {
    s.sort((a, b) => a - b);
    const median = quantile(s, 0.5);
    return { median, iqr: (quantile(s, 0.75) - quantile(s, 0.25)) / median, capped: limits[i] !== undefined };
  });
}

// ---- output ----------------------------------------------------------------
export function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function fmtNs(ns) {
  if (!Number.isFinite(ns)) return '-';
  return ns >= 100 ? ns.toFixed(0) : ns.toFixed(1);
}

export function fmtRatio(r) {
  return Number.isFinite(r) ? `${r.toFixed(2)}×` : '-';
}
