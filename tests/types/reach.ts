// Type-checked with usage.ts: the request scope, the Cache API adapter, and the
// Keyv / unstorage integrations as a TypeScript user writes them.
import { createCache, requestScope, withRequestScope, currentRequestScope, hasRequestContext, type RequestScope } from 'edgecache';
import { cacheApi, type BackendAdapter } from 'edgecache/adapters';
import { KeyvEdgecache, enableIterator } from 'edgecache/keyv';
import edgecacheDriver from 'edgecache/unstorage';

interface User { id: number; name: string }
const cache = createCache();

export async function scoped(): Promise<User | undefined> {
  const scope: RequestScope = requestScope(cache);
  const user = await scope.getOrSet('u', async (): Promise<User> => ({ id: 1, name: 'Ada' }), { ttl: '1m' });
  scope.end();
  const n: number = await withRequestScope(async () => (await currentRequestScope(cache)?.get<User>('u'))?.id ?? 0);
  const ok: boolean = hasRequestContext();
  // @ts-expect-error: a scope needs a cache
  requestScope();
  return ok && n > 0 ? user : undefined;
}

export function adapters(cacheStorage: unknown): BackendAdapter {
  // @ts-expect-error: baseUrl is a string
  cacheApi(cacheStorage, { baseUrl: 1 });
  return cacheApi(cacheStorage, { baseUrl: 'https://cache.example/' });
}

export async function stores(): Promise<void> {
  const store = new KeyvEdgecache(cache);
  await store.set('k', 'v', 1000);
  const driver = edgecacheDriver({ cache, namespace: 'pages' });
  await driver.setItem('k', 'v', { ttl: 60 });
  const keys: string[] = await driver.getKeys('a:');
  enableIterator({ iterator: undefined });
  void keys;
}
