// The load-test Worker (run in workerd through miniflare by tests/load/driver.mjs).
// makeWorker(lib, adapters) gets the installed package's exports, so this file
// needs no bare imports; a stub in the fixture project bundles it.
//
// Routes (all state is per isolate, at module scope, like a real Worker):
//   GET  /hot?key=K        getOrSet(K) with a 50 ms loader over Workers KV (1 s fresh)
//   GET  /hot-stats        loader calls per key
//   POST /mixed?ops=N&seed=S&concurrency=C
//                          N mixed operations over a Workers KV binding wrapped to
//                          inject faults (timeouts, thrown 5xx errors, corrupt bodies)
//   GET  /verify           every acknowledged write is in KV (read by a fresh cache
//                          over the raw binding) or was reported failed
//   GET  /health           answers (the isolate is alive) with memory figures

const HOT_TTL_MS = 1000;
const LOADER_MS = 50;
const KEYS = 2000;
const GROUPS = 40; // tag groups: key i carries tag g<i % GROUPS>
const MAX_BYTES = 1 << 20;
const TIMEOUT_MS = 40;

export function makeWorker(lib, adapters) {
  const state = {
    rejections: 0,
    hot: undefined,
    loaderCalls: {},
    loaderTimes: {}, // key -> the Date.now() of each load
    mixed: undefined,
  };
  addEventListener('unhandledrejection', (event) => {
    state.rejections += 1;
    event.preventDefault();
  });

  function hotCache(env) {
    state.hot ??= lib.createCache({ backend: adapters.cloudflareKV(env.HOT), prefix: 'hot' });
    return state.hot;
  }

  async function hot(env, url) {
    const key = url.searchParams.get('key');
    const value = await hotCache(env).getOrSet(key, async () => {
      state.loaderCalls[key] = (state.loaderCalls[key] ?? 0) + 1;
      (state.loaderTimes[key] ??= []).push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, LOADER_MS));
      return { key, at: Date.now() };
    }, { ttl: HOT_TTL_MS });
    return Response.json({ ok: value.key === key });
  }

  function mixedState(env) {
    if (state.mixed !== undefined) return state.mixed;
    const faults = { timeouts: 0, errors: 0, corrupt: 0, calls: 0, faultedPuts: new Set() };
    const cache = lib.createCache({
      backend: adapters.cloudflareKV(faulty(env.KV, faults)),
      prefix: 'mx',
      maxBytes: MAX_BYTES,
      maxEntries: 5000,
      timeoutMs: TIMEOUT_MS,
      retries: { count: 2, baseMs: 1, maxMs: 5 },
      breaker: { threshold: 8, cooldownMs: 200 },
    });
    const m = {
      cache,
      faults,
      model: new Map(), // key -> { value } | { unknown: true } | { gone: true }
      busy: new Set(), // keys with an operation in flight
      // Bumped when a tag invalidation of the group starts AND when it ends, so a
      // write that overlaps any part of one sees a change: such a write may be
      // ordered before the invalidation, and then it is rightly invalidated.
      groupEpoch: new Array(GROUPS).fill(0),
      invalidating: new Array(GROUPS).fill(0), // invalidations of the group in flight
      failureReports: 0, // backend-error events about writes, and breaker rejections
      events: { 'backend-error': 0, 'corrupt-entry': 0, 'breaker-open': 0, 'breaker-close': 0 },
      ops: { get: 0, set: 0, delete: 0, getOrSet: 0, invalidateTags: 0 },
      rejected: 0, // operations that rejected (allowed: backend trouble may surface)
      wrongValues: 0, // a read returned a value never written for that key
      peakBytes: 0,
      peakWasm: 0,
      overBudget: 0,
      acked: 0,
      reportedFailed: 0,
    };
    cache.onEvent((e) => {
      m.events[e.type] = (m.events[e.type] ?? 0) + 1;
      if (e.type === 'backend-error') m.failureReports += 1;
    });
    state.mixed = m;
    return m;
  }

  // A KV binding that fails on purpose: 3% timeouts (never answered in time,
  // never applied), 3% thrown 5xx errors, 3% of reads return corrupt bytes.
  function faulty(kv, faults) {
    let x = 12345;
    const rand = () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x / 2 ** 32;
    };
    const hang = () => new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS * 2));
    const decide = () => {
      faults.calls += 1;
      const r = rand();
      if (r < 0.03) return 'timeout';
      if (r < 0.06) return 'error';
      if (r < 0.09) return 'corrupt';
      return 'ok';
    };
    return {
      async get(key, options) {
        const d = decide();
        // A slow answer, not a made-up one: after the cache's deadline has passed,
        // the real value arrives (a real KV never answers "absent" for a key it has).
        if (d === 'timeout') { faults.timeouts += 1; await hang(); return kv.get(key, options); }
        if (d === 'error') { faults.errors += 1; throw new Error('KV GET failed: 503 Service Unavailable'); }
        const body = await kv.get(key, options);
        if (d === 'corrupt' && body !== null) {
          faults.corrupt += 1;
          const bytes = new Uint8Array(body.slice(0));
          const at = Math.floor(rand() * bytes.length);
          bytes[at] ^= 0x5a;
          return rand() < 0.5 ? bytes.buffer : bytes.buffer.slice(0, at);
        }
        return body;
      },
      async put(key, value, options) {
        const d = decide();
        if (d === 'timeout') { faults.timeouts += 1; faults.faultedPuts.add(key); await hang(); return; }
        if (d === 'error') { faults.errors += 1; faults.faultedPuts.add(key); throw new Error('KV PUT failed: 500 Internal Server Error'); }
        return kv.put(key, value, options);
      },
      async delete(key) {
        const d = decide();
        if (d === 'timeout') { faults.timeouts += 1; await hang(); return; }
        if (d === 'error') { faults.errors += 1; throw new Error('KV DELETE failed: 502 Bad Gateway'); }
        return kv.delete(key);
      },
      list: (options) => kv.list(options),
    };
  }

  async function mixed(env, url) {
    const m = mixedState(env);
    const ops = Number(url.searchParams.get('ops') ?? 10000);
    const concurrency = Number(url.searchParams.get('concurrency') ?? 32);
    let seed = Number(url.searchParams.get('seed') ?? 1) >>> 0;
    const rand = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    let started = 0;
    const pickKey = () => {
      for (;;) {
        const i = Math.floor(rand() * KEYS);
        if (!m.busy.has(i)) return i;
      }
    };
    const one = async () => {
      const i = pickKey();
      const key = `k${i}`;
      const group = i % GROUPS;
      m.busy.add(i);
      // -1 never matches: a write that starts during an invalidation is ambiguous.
      const epoch = m.invalidating[group] > 0 ? -1 : m.groupEpoch[group];
      const reportsBefore = m.failureReports + (await m.cache.stats()).l2.rejected;
      const reported = async () => m.failureReports + (await m.cache.stats()).l2.rejected > reportsBefore;
      const r = rand();
      const value = { key, n: started, pad: 'x'.repeat(Math.floor(rand() * rand() * 20000)) };
      try {
        if (r < 0.35) {
          m.ops.get += 1;
          const got = await m.cache.get(key);
          if (got !== undefined && got.key !== key) m.wrongValues += 1;
        } else if (r < 0.7) {
          m.ops.set += 1;
          // set says where the entry landed: anything but 'written' is a reported failure.
          const status = await m.cache.set(key, value, { ttl: 600_000, tags: [`g${group}`] });
          await acked(m, i, value, epoch, group, status !== 'written');
        } else if (r < 0.8) {
          m.ops.delete += 1;
          await m.cache.delete(key);
          m.model.set(i, { gone: true });
        } else if (r < 0.97) {
          m.ops.getOrSet += 1;
          let loaded = false;
          const got = await m.cache.getOrSet(key, () => { loaded = true; return value; }, { ttl: 600_000, tags: [`g${group}`] });
          if (got.key !== key) m.wrongValues += 1;
          if (loaded) await acked(m, i, value, epoch, group, await reported());
        } else {
          m.ops.invalidateTags += 1;
          m.groupEpoch[group] += 1;
          m.invalidating[group] += 1;
          try {
            await m.cache.invalidateTags([`g${group}`]);
          } finally {
            m.invalidating[group] -= 1;
            m.groupEpoch[group] += 1;
          }
          for (let k = group; k < KEYS; k += GROUPS) m.model.set(k, { unknown: true });
        }
      } catch (err) {
        m.rejected += 1;
        m.model.set(i, { unknown: true });
        if (err?.name !== 'EdgeCacheError') throw err;
      } finally {
        m.busy.delete(i);
      }
    };
    const workers = [];
    for (let w = 0; w < concurrency; w++) {
      workers.push((async () => {
        while (started < ops) {
          started += 1;
          await one();
          if (started % 500 === 0) await sample(m);
        }
      })());
    }
    await Promise.all(workers);
    await sample(m);
    return Response.json(figures(m));
  }

  async function acked(m, i, value, epoch, group, reported) {
    m.acked += 1;
    // A tag invalidation of its group during the write makes its L2 state ambiguous.
    m.model.set(i, m.groupEpoch[group] === epoch ? { value, reported } : { unknown: true });
  }

  async function sample(m) {
    const s = await m.cache.stats();
    m.peakBytes = Math.max(m.peakBytes, s.bytes);
    if (s.bytes > MAX_BYTES) m.overBudget += 1;
    m.peakWasm = Math.max(m.peakWasm, lib.wasmMemoryBytes());
  }

  function figures(m) {
    const f = m.faults;
    return {
      ops: m.ops,
      opsRun: Object.values(m.ops).reduce((a, b) => a + b, 0),
      faults: { calls: f.calls, timeouts: f.timeouts, errors: f.errors, corrupt: f.corrupt },
      events: m.events,
      rejectedOps: m.rejected,
      wrongValues: m.wrongValues,
      peakStatsBytes: m.peakBytes,
      maxBytes: MAX_BYTES,
      overBudgetSamples: m.overBudget,
      peakWasmMemoryBytes: m.peakWasm,
      rejectionsEscaped: state.rejections,
    };
  }

  // Reads KV directly (a fresh cache, empty L1, over the raw binding, no faults).
  async function verify(env) {
    const m = state.mixed;
    if (m === undefined) return Response.json({ error: 'run /mixed first' }, { status: 400 });
    const reader = lib.createCache({ backend: adapters.cloudflareKV(env.KV), prefix: 'mx', timeoutMs: 0 });
    const out = { checked: 0, inL2: 0, missingReported: 0, missingUnreported: 0, unreportedKeys: [] };
    for (const [i, entry] of m.model) {
      if (entry.value === undefined) continue;
      out.checked += 1;
      const got = await reader.get(`k${i}`);
      if (got !== undefined && got.key === entry.value.key && got.n === entry.value.n) {
        out.inL2 += 1;
      } else if (entry.reported) {
        out.missingReported += 1;
      } else {
        out.missingUnreported += 1;
        if (out.unreportedKeys.length < 10) out.unreportedKeys.push({ key: `k${i}`, got: got && { n: got.n }, want: entry.value.n });
      }
    }
    await reader.close();
    return Response.json(out);
  }

  return {
    async fetch(request, env) {
      const url = new URL(request.url);
      switch (url.pathname) {
        case '/hot': return hot(env, url);
        case '/hot-stats': return Response.json({ loaderCalls: state.loaderCalls, loaderTimes: state.loaderTimes, ttlMs: HOT_TTL_MS, rejectionsEscaped: state.rejections });
        case '/mixed': return mixed(env, url);
        case '/verify': return verify(env);
        case '/health': {
          const s = state.mixed && (await state.mixed.cache.stats());
          return Response.json({ alive: true, wasmMemoryBytes: lib.wasmMemoryBytes(), statsBytes: s?.bytes, rejectionsEscaped: state.rejections });
        }
        default: return new Response('not found', { status: 404 });
      }
    },
  };
}
