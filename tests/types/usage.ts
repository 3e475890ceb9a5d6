// Type-checked (tsc --noEmit) by scripts/test-js.sh against the built package's
// index.d.ts: what a TypeScript user writes must compile, and misuse must not.
import {
  cached, cacheAside, createCache, defaultCache, EdgeCacheError, invalidates, isEdgeCacheError, memoize, argsKey,
  type Cache,
} from 'edgecache';

interface User { id: number; name: string }

const cache: Cache = createCache({ maxEntries: 100, defaultTtl: '5m', policy: 'lru' });
export const byReference: Cache = createCache({ clone: false, sizeOf: (value) => JSON.stringify(value).length * 2 });

export async function reads(): Promise<void> {
  const user = await cache.get<User>('user:1');
  const name: string | undefined = user?.name;
  const loaded: User = await cache.getOrSet('user:2', async () => ({ id: 2, name: 'Ada' }), {
    ttl: '1m',
    staleWhileRevalidate: '10m',
    staleIfError: 60_000,
    waitUntil: (p) => void p,
    shouldCache: (u) => u.id > 0,
    tags: ['users'],
  });
  const n: number = await cache.wrap('n', () => 42);
  const stale = await cache.getAllowingStale<User>('user:2', '1m');
  if (stale?.stale) console.log(stale.value.name);
  // @ts-expect-error a loader's value type is kept
  const wrong: string = await cache.getOrSet('x', async () => 1);
  void [name, loaded, n, wrong];
  try {
    await cache.set('k', 1, { ttl: '1h', tags: 'a' });
  } catch (err) {
    if (isEdgeCacheError(err, 'INVALID_TTL')) console.log(err.code);
    if (err instanceof EdgeCacheError) console.log(err.message);
  }
}

const getUser = cached(async (id: number, at: Date): Promise<User> => ({ id, name: at.toISOString() }), {
  ttl: '5m',
  skipArgs: [1],
});
export const u: Promise<User> = getUser(1, new Date());
export const key: string = getUser.keyFor(1, new Date());
// @ts-expect-error arguments are checked
getUser('1', new Date());

const square = memoize((x: number) => x * x, { max: 10 });
export const sq: Promise<number> = square(3);
export const own: Cache = square.cache;

const byId = cacheAside((id: number) => `user:${id}`, { ttl: '1m' })(async (id: number) => ({ id }));
export const b: Promise<{ id: number }> = byId(1);

export const k: string = argsKey('f', [1n, new Date(), new Map()]);
export const d: Cache = defaultCache();

export class Users {
  @cached({ ttl: '1m', staleWhileRevalidate: '5m' })
  async find(id: number): Promise<User> {
    return { id, name: 'x' };
  }

  @cached
  async plain(id: number): Promise<number> {
    return id;
  }

  @memoize({ max: 5 })
  async count(): Promise<number> {
    return 1;
  }

  @invalidates((id: number) => ({ keys: [`user:${id}`], tags: ['users'] }))
  async save(id: number): Promise<void> {
    void id;
  }
}

export async function tiered(): Promise<void> {
  const { memoryBackend } = await import('edgecache/adapters');
  // Backends need the tiered build; it has the same types.
  const { createCache: createTiered } = await import('edgecache/tiered');
  const l2: Cache = createTiered({ backend: memoryBackend(), timeoutMs: 500, retries: { count: 2 }, breaker: { threshold: 5 } });
  // A cache with a backend has typed L2 counters and breaker state (issue 16: TS2339 on stats().l2).
  const stats = await createTiered({ backend: memoryBackend() }).stats();
  const l2Writes: number = stats.l2.writes;
  const breaker: 'closed' | 'open' | 'half-open' = stats.breaker;
  // @ts-expect-error a memory-only cache has no l2 counters
  void (await createCache().stats()).l2;
  void [l2Writes, breaker];
  const health = await l2.health({ probe: true });
  const l1Bytes: number = health.l1.bytes;
  const lastAt: number | undefined = health.lastError?.at;
  const probeMs: number | undefined = health.probe?.latencyMs;
  void [l1Bytes, lastAt, probeMs];
  await l2.set('k', 1, { writeBehind: true, waitUntil: { waitUntil: (p: Promise<unknown>) => void p } });
  const lease: 'acquired' | 'busy' | 'unavailable' = await l2.tryLease('k', '10s');
  void lease;
  await l2.getOrSet('k', () => 1, { ttl: '1m', lease: { ttl: '10s', wait: '2s' } });
  await l2.set('k', 1, { writeBehind: true, waitUntil: (p) => void p });
  const stop = await l2.onEvent((e) => {
    if (e.type === 'backend-error') void e.op;
  });
  stop();
}
