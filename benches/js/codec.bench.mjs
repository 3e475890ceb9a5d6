// Side-by-side: edgecache codec (encodeValue + decodeValue) against the JSON route
// (JSON.stringify + TextEncoder.encode, then TextDecoder.decode + JSON.parse), which is
// what a cache without a codec would store. No dependencies:
//   node benches/js/codec.bench.mjs [rounds]
// Each round measures both contenders on every case, alternating which goes first; the
// report gives the median ns per encode+decode and the ratio codec/JSON (< 1 = codec faster).

import { decodeValue, encodeValue } from '../../js/codec.js';
import { jsonObjectOfSize, rng } from './harness.mjs';

const ROUNDS = Number(process.argv[2] ?? 15);
const SAMPLE_MS = 40; // each sample runs the operation for roughly this long

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

// Deterministic pseudo-random data (the JSON documents of the other JS benches), so runs are comparable.
const bytes4k = new Uint8Array(4096);
const rand = rng(42);
for (let i = 0; i < bytes4k.length; i++) bytes4k[i] = Math.floor(rand() * 256);

const CASES = [
  { name: '100-byte string', value: 'The quick brown fox jumps over the lazy dog; 0123456789. '.repeat(2).slice(0, 100) },
  { name: '1 KB JSON object', value: jsonObjectOfSize(1024) },
  { name: '16 KB JSON object', value: jsonObjectOfSize(16 * 1024) },
  {
    name: '4 KB Uint8Array',
    value: bytes4k,
    // JSON cannot hold bytes; the usual workaround is an array of numbers.
    toJson: (v) => Array.from(v),
    fromJson: (v) => Uint8Array.from(v),
  },
];

function codecRoundTrip(c) {
  return decodeValue(encodeValue(c.value));
}

function jsonRoundTrip(c) {
  const plain = c.toJson ? c.toJson(c.value) : c.value;
  const parsed = JSON.parse(textDecoder.decode(textEncoder.encode(JSON.stringify(plain))));
  return c.fromJson ? c.fromJson(parsed) : parsed;
}

let sink = 0; // keeps results alive so nothing is optimised away

function sample(fn, c) {
  let iterations = 0;
  const start = performance.now();
  let now = start;
  while (now - start < SAMPLE_MS) {
    for (let i = 0; i < 32; i++) sink ^= fn(c) === undefined ? 1 : 0;
    iterations += 32;
    now = performance.now();
  }
  return ((now - start) * 1e6) / iterations;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

// Sanity: both routes really round-trip the data.
for (const c of CASES) {
  const a = JSON.stringify(c.toJson ? c.toJson(codecRoundTrip(c)) : codecRoundTrip(c));
  const b = JSON.stringify(c.toJson ? c.toJson(jsonRoundTrip(c)) : jsonRoundTrip(c));
  if (a !== b) throw new Error(`round trips differ for ${c.name}`);
}

// Warm up both paths.
for (const c of CASES) {
  sample(codecRoundTrip, c);
  sample(jsonRoundTrip, c);
}

const results = CASES.map(() => ({ codec: [], json: [] }));
for (let round = 0; round < ROUNDS; round++) {
  CASES.forEach((c, i) => {
    if (round % 2 === 0) {
      results[i].codec.push(sample(codecRoundTrip, c));
      results[i].json.push(sample(jsonRoundTrip, c));
    } else {
      results[i].json.push(sample(jsonRoundTrip, c));
      results[i].codec.push(sample(codecRoundTrip, c));
    }
  });
}

console.log(`node ${process.version}, ${ROUNDS} rounds, median ns per encode+decode`);
console.log('case                 encoded B   JSON B    codec ns     JSON ns   codec/JSON');
CASES.forEach((c, i) => {
  const codec = median(results[i].codec);
  const json = median(results[i].json);
  const encoded = encodeValue(c.value).length;
  const jsonBytes = textEncoder.encode(JSON.stringify(c.toJson ? c.toJson(c.value) : c.value)).length;
  console.log(
    `${c.name.padEnd(20)} ${String(encoded).padStart(9)} ${String(jsonBytes).padStart(8)} ` +
      `${codec.toFixed(0).padStart(11)} ${json.toFixed(0).padStart(11)} ${(codec / json).toFixed(2).padStart(11)}x`,
  );
});
if (sink === -1) console.log(sink);
