// An example Deno server: caches a deliberately slow origin with getOrSet.
// GET /item/:id -> the item (200 ms origin on a miss), with x-cache: hit|miss|stale
// GET /stats    -> the cache's counters
//   deno run --allow-read --allow-net examples/deno-server/server.js [port]
// (deno.json beside this file maps `edgecache` to the built package in pkg/.)
import { createCache } from 'edgecache';

const cache = createCache({ maxEntries: 1_000, maxBytes: 8 << 20, namespace: 'example' });

/** The slow origin: 200 ms per request. */
async function origin(id) {
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { id, title: `Item ${id}`, renderedAt: new Date() };
}

async function handle(request) {
  const url = new URL(request.url);
  if (url.pathname === '/stats') return Response.json(await cache.stats());
  const match = url.pathname.match(/^\/item\/([\w-]{1,64})$/);
  if (!match) return new Response('try /item/42 or /stats', { status: 404 });

  const started = performance.now();
  let status = 'hit';
  const item = await cache.getOrSet(`item:${match[1]}`, async () => {
    status = 'miss';
    return origin(match[1]);
  }, { ttl: '2s', staleWhileRevalidate: '60s', staleIfError: '10m' });
  // Older than its 2 s of freshness: served stale while the refresh runs behind
  // (the refresh's loader may start after we answer, so its age tells).
  if (status === 'hit' && Date.now() - item.renderedAt.getTime() > 2_000) status = 'stale';
  const ms = (performance.now() - started).toFixed(1);
  return Response.json(item, { headers: { 'x-cache': status, 'x-time-ms': ms } });
}

const port = Number(Deno.args[0] ?? 8000);
Deno.serve({
  port,
  hostname: '127.0.0.1',
  onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}/`),
}, handle);
