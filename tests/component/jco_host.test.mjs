// Runs tests/component/scenarios.json against the component transpiled by
// `jco transpile` (into tests/component/jco-out/, see scripts/test-component.sh),
// in Node with @bytecodealliance/preview2-shim as the WASI host.
// Every scenario shares ONE instance: errors must arrive as the WIT error
// variant (jco throws them with `payload`) and leave the instance usable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const { cache } = await import(process.env.EDGECACHE_JCO_MODULE ?? './jco-out/edgecache.js');
const { scenarios } = JSON.parse(readFileSync(new URL('./scenarios.json', import.meta.url), 'utf8'));

// Argument kinds per operation (same table as wasmtime_host_test.py):
// k text, v bytes, o set-options, n integer, K list of texts, I (text, bytes) items.
const SIGNATURES = {
  get: 'k', peek: 'k', has: 'k', delete: 'k', ttl: 'k', persist: 'k', touch: 'k',
  'get-stale': 'kn', set: 'kvo', add: 'kvo', replace: 'kvo', 'get-many': 'K', 'has-many': 'K',
  'delete-many': 'K', 'set-many': 'Io', expire: 'kn', incr: 'kn', decr: 'kn', keys: 'k',
  'count-matching': 'k', 'delete-matching': 'k', 'invalidate-tags': 'K', clear: '',
  'purge-expired': '', stats: '', namespace: 'k',
};
// WIT u64 option fields become BigInt in jco; u32/u8 stay numbers.
const U64_OPTIONS = new Set(['max-entries', 'max-bytes', 'max-value-bytes', 'default-ttl-ms',
  'default-idle-ms', 'compression-threshold']);

const camel = (s) => s.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
const kebab = (s) => s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
const text = (x) => (typeof x === 'object' ? x.repeat.repeat(x.times) : x);
const utf8 = new TextEncoder();
// JSON numbers above 2^53 are written as digit strings in the scenarios.
const big = (x) => BigInt(x);

function expiry(v) {
  if (v === undefined) return undefined;
  return v === 'never' ? { tag: 'never' } : { tag: 'after-ms', val: big(v) };
}

function arg(kind, x) {
  switch (kind) {
    case 'k': return text(x);
    case 'v': return utf8.encode(text(x));
    case 'n': return big(x);
    case 'o': return {
      ttl: expiry(x.ttl), idle: expiry(x.idle),
      staleMs: x.stale === undefined ? undefined : big(x.stale), tags: x.tags ?? [],
    };
    case 'K': return typeof x === 'object' && !Array.isArray(x)
      ? Array.from({ length: x.keys }, (_, i) => `key${i}`) : x.map(text);
    case 'I': return x.map(([k, v]) => [text(k), utf8.encode(text(v))]);
    default: throw new Error(kind);
  }
}

function options(o) {
  const out = {};
  for (const [k, v] of Object.entries(o)) out[camel(k)] = U64_OPTIONS.has(k) ? big(v) : v;
  return out;
}

// Host values in the shape the scenarios are written in.
function normal(v) {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  if (Array.isArray(v)) return v.map(normal);
  if (typeof v === 'object' && 'tag' in v) return v.val === undefined ? v.tag : { [v.tag]: normal(v.val) };
  if (typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [kebab(k), normal(x)]));
  }
  return v;
}

function matches(want, got) {
  if (want !== null && typeof want === 'object' && !Array.isArray(want)) {
    const entries = Object.entries(want);
    if (entries.length === 1) {
      const [[m, w]] = entries;
      if (m === 'len') return typeof got === 'string' && got.length === w;
      if (m === 'between') return typeof got === 'number' && w[0] <= got && got <= w[1];
      if (m === 'ms_between') return got?.ms !== undefined && w[0] <= got.ms && got.ms <= w[1];
      if (m === 'unordered') return Array.isArray(got) && JSON.stringify([...got].sort()) === JSON.stringify([...w].sort());
      if (m === 'subset') return got !== null && typeof got === 'object' && Object.entries(w).every(([k, x]) => k in got && matches(x, got[k]));
    }
    return got !== null && typeof got === 'object' && !Array.isArray(got)
      && Object.keys(got).length === entries.length && entries.every(([k, x]) => k in got && matches(x, got[k]));
  }
  if (Array.isArray(want)) return Array.isArray(got) && got.length === want.length && want.every((x, i) => matches(x, got[i]));
  return Object.is(want, got);
}

// The WIT error case of a thrown ComponentError, or rethrow anything else (a trap).
function errorCase(f) {
  try {
    f();
  } catch (e) {
    if (e?.payload?.tag) return e.payload.tag;
    throw e;
  }
  return 'no error';
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const method = (op) => (op === 'delete' ? 'delete' : camel(op));

for (const sc of scenarios) {
  test(sc.name, async () => {
    if (sc.construct_error) {
      assert.equal(errorCase(() => new cache.Cache(options(sc.options))), sc.construct_error);
      return;
    }
    const handles = { root: new cache.Cache(options(sc.options)) };
    for (const [i, step] of sc.steps.entries()) {
      const where = `${sc.name} / step ${i}: ${JSON.stringify(step)}`;
      if (step.sleep) {
        await sleep(step.sleep);
        continue;
      }
      const sig = SIGNATURES[step.op];
      assert.equal(sig.length, step.args.length, where);
      const args = step.args.map((x, j) => arg(sig[j], x));
      const target = handles[step.on ?? 'root'];
      const call = () => target[method(step.op)](...args);
      if (step.error) {
        assert.equal(errorCase(call), step.error, where);
      } else if (step.op === 'namespace') {
        handles[step.as] = call();
      } else {
        const got = normal(call());
        assert.ok(matches(step.expect, got), `${where}\n  got ${JSON.stringify(got)}`);
      }
    }
    for (const h of Object.values(handles)) h[Symbol.dispose]();
  });
}

test('the instance is still healthy after every error', () => {
  const c = new cache.Cache({});
  c.set('alive', utf8.encode('yes'), { tags: [] });
  assert.equal(new TextDecoder().decode(c.get('alive')), 'yes');
});
