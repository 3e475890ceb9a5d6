// An example Cloudflare Worker: caches a deliberately slow origin with getOrSet.
// GET /item/:id  -> the item (200 ms origin on a miss), with x-cache: hit|miss|stale
//                  ('hit' also when the request joined another one's origin call)
// GET /stats     -> the cache's counters
// Fresh for 2 s, then served stale for up to 60 s while one background refresh
// (kept alive by ctx.waitUntil) fetches the new value.
import { createCache } from 'edgecache';

// One cache per isolate: module scope outlives a request.
const cache = createCache({ maxEntries: 1_000, maxBytes: 8 << 20, namespace: 'example' });

/** The slow origin: 200 ms per request. */
async function origin(id) {
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { id, title: `Item ${id}`, renderedAt: new Date() };
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === '/stats') return Response.json(await cache.stats());
    const match = url.pathname.match(/^\/item\/([\w-]{1,64})$/);
    if (!match) return new Response('try /item/42 or /stats', { status: 404 });

    let status = 'hit';
    const item = await cache.getOrSet(`item:${match[1]}`, async () => {
      status = 'miss';
      return origin(match[1]);
    }, { ttl: '2s', staleWhileRevalidate: '60s', staleIfError: '10m', waitUntil: ctx });
    // Older than its 2 s of freshness: served stale while the refresh runs behind
    // (the refresh's loader has started by now, so the value's age tells, not the flag).
    if (Date.now() - item.renderedAt.getTime() > 2_000) status = 'stale';
    return Response.json(item, { headers: { 'x-cache': status } });
  },
};
