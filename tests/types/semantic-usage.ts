// Type-checks the 'edgecache/semantic' declarations (semantic.d.ts) the way a
// user writes against them; compiled with tsc --noEmit, never run.
import { createCache, semanticCache, normalizeQuery, simdAvailable, type SemanticCache } from 'edgecache/semantic';

export async function semantic(env: { AI: { run(model: string, input: unknown): Promise<{ data: number[][] }> } }): Promise<void> {
  const answers: SemanticCache = semanticCache({
    cache: createCache({ maxBytes: 1 << 20 }),
    embed: async (texts) => (await env.AI.run('@cf/baai/bge-small-en-v1.5', { text: texts })).data.map((v) => Float32Array.from(v)),
    threshold: 0.9,
    dimensions: 384,
    precision: 'int8',
    ttl: '1h',
  });
  const hit = await answers.lookup<string>(normalizeQuery(' Hello '), { model: 'm' });
  if (hit.tier !== 'miss') {
    const text: string = hit.response;
    const score: number = hit.score;
    void text; void score;
  }
  await answers.store('hello', 'world', { model: 'm', tags: ['t'], ttl: 5000 });
  const removed: boolean = await answers.invalidate('hello');
  const s = answers.stats();
  const n: number = s.exactHits + s.similarHits + s.misses + s.embedCalls + (s.vectors ?? 0);
  void removed; void n; void simdAvailable();
}
