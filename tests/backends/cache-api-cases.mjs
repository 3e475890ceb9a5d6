// Cases only the Cache API adapter has (run beside the shared cases in workerd
// and Deno): its URL scheme, the headers it stores, its option checks.
// Each case is { name, run(lib, cache, t) } with `cache` a real Cache.

const base = () => `https://edgecache.invalid/t${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}/`;

export const cacheApiCases = [
  {
    name: 'keys that URL parsing could merge stay apart',
    async run(lib, cache, t) {
      const adapter = lib.cacheApi(cache, { baseUrl: base() });
      const keys = ['', '.', '..', 'a/b', 'a%2Fb', 'a%2fb', 'a b', 'a+b', '?q', '#h', 'é', 'e\u0301', 'k', 'kk', '%'];
      for (const [i, key] of keys.entries()) await adapter.set(key, new Uint8Array([i]));
      const read = [];
      for (const key of keys) read.push((await adapter.get(key))?.[0]);
      t.deepEqual(read, keys.map((_, i) => i), 'every key reads its own value');
      await adapter.delete('.');
      t.equal(await adapter.get('.'), undefined, 'deleted');
      t.equal((await adapter.get('..'))?.[0], 2, 'its neighbour is kept');
      t.equal((await adapter.get(''))?.[0], 0, 'the empty key is kept');
    },
  },
  {
    name: 'entries are octet-stream GET responses whose max-age is the TTL hint',
    async run(lib, cache, t) {
      const root = base();
      const adapter = lib.cacheApi(cache, { baseUrl: root });
      await adapter.set('short', new Uint8Array([1, 2, 3]), 4200);
      await adapter.set('forever', new Uint8Array([4]));
      const short = await cache.match(new Request(`${root}kshort`));
      t.equal(short?.headers.get('content-type'), 'application/octet-stream');
      t.equal(short?.headers.get('cache-control'), 'max-age=5', 'whole seconds, rounded up');
      t.deepEqual(Array.from(new Uint8Array(await short.arrayBuffer())), [1, 2, 3]);
      const forever = await cache.match(new Request(`${root}kforever`));
      t.equal(forever?.headers.get('cache-control'), 'max-age=31536000', 'no TTL: a year');
    },
  },
  {
    name: 'a record larger than the adapter ever writes is refused, not read',
    async run(lib, cache, t) {
      const root = base();
      const adapter = lib.cacheApi(cache, { baseUrl: root });
      await cache.put(new Request(`${root}khuge`), new Response(new Uint8Array((25 << 20) + 1), {
        headers: { 'cache-control': 'max-age=60' },
      }));
      let error;
      try { await adapter.get('huge'); } catch (err) { error = err; }
      t.equal(error?.kind, 'permanent', 'a permanent backend error');
      t.ok(/exceeds/.test(error?.message), error?.message);
      await adapter.delete('huge');
    },
  },
  {
    name: 'two base URLs on one cache are two stores',
    async run(lib, cache, t) {
      const one = lib.cacheApi(cache, { baseUrl: base() });
      const two = lib.cacheApi(cache, { baseUrl: base().slice(0, -1) }); // the '/' is added
      await one.set('k', new Uint8Array([1]));
      t.equal(await two.get('k'), undefined);
      await two.set('k', new Uint8Array([2]));
      t.equal((await one.get('k'))?.[0], 1);
    },
  },
  {
    name: 'bad arguments are refused at creation',
    async run(lib, cache, t) {
      for (const baseUrl of ['ftp://x/', 'not a url', 'https://x/?q=1', 'https://x/#f', 'https://u:p@x/']) {
        let error;
        try { lib.cacheApi(cache, { baseUrl }); } catch (err) { error = err; }
        t.ok(error instanceof TypeError, `baseUrl ${baseUrl} is refused`);
      }
      let error;
      try { lib.cacheApi({ get() {} }); } catch (err) { error = err; }
      t.ok(error instanceof TypeError, 'a non-Cache is refused');
      const caps = lib.cacheApi(cache).caps;
      t.equal(caps.hasListing, false, 'no listing');
      t.equal(caps.hasAtomic, false, 'no atomic writes');
    },
  },
  {
    name: 'through a tiered cache: tags invalidate across caches, patterns are UNSUPPORTED',
    async run(lib, cache, t) {
      const baseUrl = base();
      let now = 1_700_000_000_000;
      const make = () => lib.createCache({ backend: lib.cacheApi(cache, { baseUrl }), now: () => now, tagCacheMs: 0 });
      const a = make();
      const b = make();
      await a.set('p', 'one', { tags: ['t'], ttl: 60_000 });
      t.equal(await b.get('p'), 'one', 'read through');
      await a.invalidateTags('t');
      t.equal(await b.get('p'), undefined, 'the new generation reached the other cache');
      await t.rejects(a.deleteMatching('*'), 'UNSUPPORTED');
      await t.rejects(a.clear(), 'UNSUPPORTED');
      await a.set('x', 1, { ttl: 2000 });
      now += 2500;
      t.equal(await make().get('x'), undefined, 'the envelope expiry is the truth, whatever max-age kept');
    },
  },
];
