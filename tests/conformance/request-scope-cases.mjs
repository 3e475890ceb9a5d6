// The request scope (js/request-scope.js) in every host: the explicit handle
// everywhere, and the automatic AsyncLocalStorage scope where the runner says
// the host has it (Node, Deno, Workers with nodejs_compat) or its UNSUPPORTED
// answer where it says not (Workers without). Cases assert work done (reads
// counted by stats()), never times.
//
// requestScopeCases({ asyncContext }) -> [{ name, run(lib, t) }]; `asyncContext`
// is set by the runner, never derived.

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A gate a test opens by hand, to interleave two requests. */
function gate() {
  let open;
  const promise = new Promise((resolve) => { open = resolve; });
  return { promise, open };
}

const explicit = [
  {
    name: 'request scope: two reads of a key in one request agree, even if the cache changes between them',
    async run(lib, t) {
      const cache = lib.createCache();
      await cache.set('user', { name: 'Ada' });
      const scope = lib.requestScope(cache);
      const first = await scope.get('user');
      await cache.set('user', { name: 'Grace' }); // another request writes meanwhile
      const second = await scope.get('user');
      t.ok(first === second, 'the very same value');
      t.deepEqual(second, { name: 'Ada' });
      t.equal((await cache.stats()).hits, 1, 'one cache read for two scope reads');
      t.deepEqual(await lib.requestScope(cache).get('user'), { name: 'Grace' }, 'the next request sees the new value');
    },
  },
  {
    name: 'request scope: overlapping reads share one cache read; misses are remembered too',
    async run(lib, t) {
      const cache = lib.createCache();
      await cache.set('k', 1);
      const scope = lib.requestScope(cache);
      t.deepEqual(await Promise.all([scope.get('k'), scope.get('k'), scope.getMany(['k', 'absent'])]), [1, 1, [1, undefined]]);
      t.equal(await scope.get('absent'), undefined);
      t.equal(await scope.has('absent'), false);
      const s = await cache.stats();
      t.equal(s.hits + s.misses, 2, 'one read of k, one of absent');
      t.equal(scope.size, 2);
    },
  },
  {
    name: 'request scope: getOrSet loads once per request, writes and deletes are read back without the cache',
    async run(lib, t) {
      const cache = lib.createCache();
      let loads = 0;
      const loader = async () => { loads += 1; return { n: loads }; };
      const scope = lib.requestScope(cache);
      const [a, b] = await Promise.all([scope.getOrSet('p', loader), scope.getOrSet('p', loader)]);
      t.ok(a === b, 'one value for the request');
      t.equal(loads, 1);
      t.deepEqual(await lib.requestScope(cache).getOrSet('p', loader), { n: 1 }, 'stored for the next request');
      t.equal(loads, 1);
      const before = await cache.stats();
      await scope.set('w', 'written');
      t.equal(await scope.get('w'), 'written');
      await scope.delete('p');
      t.equal(await scope.get('p'), undefined);
      const after = await cache.stats();
      t.equal(after.hits + after.misses, before.hits + before.misses, 'no cache reads for what the request wrote');
      t.equal(await cache.get('w'), 'written', 'written through');
      t.equal(await cache.has('p'), false, 'deleted through');
      scope.forget('w');
      await cache.set('w', 'changed');
      t.equal(await scope.get('w'), 'changed', 'forget: the next read goes to the cache');
      t.equal(await scope.get('later'), undefined, 'a miss first');
      const [l1, l2] = await Promise.all([scope.getOrSet('later', loader), scope.getOrSet('later', loader)]);
      t.ok(l1 === l2 && l1.n === 2, 'then getOrSet loads once, replacing the remembered miss');
      t.equal(await scope.get('later'), l1);
    },
  },
  {
    name: 'request scope: a failed load is not remembered; end() drops everything and later calls reject with CLOSED',
    async run(lib, t) {
      const cache = lib.createCache();
      const scope = lib.requestScope(cache);
      let calls = 0;
      const flaky = async () => { calls += 1; if (calls === 1) throw new Error('origin down'); return 'up'; };
      let error;
      try { await scope.getOrSet('f', flaky); } catch (err) { error = err; }
      t.equal(error?.message, 'origin down', 'the loader error');
      t.equal(await scope.getOrSet('f', flaky), 'up', 'retried in the same request');
      t.equal(calls, 2);
      scope.end();
      t.equal(scope.size, 0);
      t.equal(scope.ended, true);
      await t.rejects(scope.get('f'), 'CLOSED');
      await t.rejects(scope.set('f', 1), 'CLOSED');
      t.equal(await cache.get('f'), 'up', 'the cache itself is untouched');
      t.throws(() => lib.requestScope({}), 'INVALID_OPTION');
    },
  },
  {
    name: 'request scope: over a tiered cache, one L2 read per key per request',
    async run(lib, t) {
      const map = new Map();
      const backend = {
        caps: {},
        async get(key) { return map.get(key)?.slice(); },
        async set(key, value) { map.set(key, value.slice()); },
        async delete(key) { map.delete(key); },
      };
      await lib.tiered.createCache({ backend, timeoutMs: 0 }).set('k', { from: 'l2' });
      const reader = lib.tiered.createCache({ backend, timeoutMs: 0, maxEntries: 1 });
      const scope = lib.tiered.requestScope(reader);
      await reader.set('other', 1); // keeps k out of this cache's L1 (one entry)
      t.deepEqual(await scope.get('k'), { from: 'l2' });
      await reader.set('other2', 2);
      t.deepEqual(await scope.get('k'), { from: 'l2' });
      t.equal((await reader.stats()).l2.hits, 1, 'one L2 read for two scope reads');
    },
  },
];

function automatic(asyncContext) {
  if (!asyncContext) {
    return [{
      name: 'request scope: without AsyncLocalStorage, withRequestScope rejects with UNSUPPORTED before running',
      async run(lib, t) {
        t.equal(lib.hasRequestContext(), false);
        let ran = false;
        await t.rejects(lib.withRequestScope(() => { ran = true; }), 'UNSUPPORTED');
        t.equal(ran, false);
        t.equal(lib.currentRequestScope(lib.createCache()), undefined);
      },
    }];
  }
  return [
    {
      name: 'request scope (AsyncLocalStorage): one scope per request across awaits, ended when the request settles',
      async run(lib, t) {
        t.equal(lib.hasRequestContext(), true, 'the runner says this host has AsyncLocalStorage');
        const cache = lib.createCache();
        await cache.set('k', 'v1');
        t.equal(lib.currentRequestScope(cache), undefined, 'no scope outside a request');
        let seen;
        const result = await lib.withRequestScope(async () => {
          const scope = lib.currentRequestScope(cache);
          await scope.get('k');
          await tick();
          t.ok(lib.currentRequestScope(cache) === scope, 'the same scope after an await and a timer');
          t.ok(lib.currentRequestScope(cache.namespace('x')) !== scope, 'another cache view has its own');
          seen = scope;
          return 'done';
        });
        t.equal(result, 'done', 'the handler result passes through');
        t.equal(seen.ended, true, 'ended with its request');
        t.equal(seen.size, 0, 'nothing kept');
        t.equal(lib.currentRequestScope(cache), undefined);
        let failed;
        await lib.withRequestScope(async () => { failed = lib.currentRequestScope(cache); throw new Error('handler failed'); })
          .catch((err) => t.equal(err.message, 'handler failed'));
        t.equal(failed.ended, true, 'ended when the request fails too');
      },
    },
    {
      name: 'request scope (AsyncLocalStorage): two overlapping requests each keep their own reads; nothing leaks to the next',
      async run(lib, t) {
        const cache = lib.createCache();
        await cache.set('k', 'v1');
        const aRead = gate();
        const bWrote = gate();
        const read = () => lib.currentRequestScope(cache).get('k');
        const a = lib.withRequestScope(async () => {
          const first = await read();
          aRead.open();
          await bWrote.promise;
          return [first, await read()];
        });
        const b = lib.withRequestScope(async () => {
          await aRead.promise;
          await lib.currentRequestScope(cache).set('k', 'v2');
          const mine = await read();
          bWrote.open();
          return mine;
        });
        t.deepEqual(await a, ['v1', 'v1'], 'request A agrees with itself');
        t.equal(await b, 'v2', 'request B sees its own write');
        t.equal(await lib.withRequestScope(read), 'v2', 'a later request starts afresh');
        t.equal(await lib.tiered.withRequestScope(() => lib.currentRequestScope(cache) !== undefined), true,
          'both builds share one request context');
      },
    },
  ];
}

export function requestScopeCases({ asyncContext }) {
  if (typeof asyncContext !== 'boolean') throw new Error('the runner must state whether the host has AsyncLocalStorage');
  return [...explicit, ...automatic(asyncContext)];
}
