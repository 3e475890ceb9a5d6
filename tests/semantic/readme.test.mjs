// The Workers AI example of README.md (between the semantic-example markers),
// run as written in workerd from the packed tarball: bundled the way wrangler
// bundles, its `env.AI` a stand-in (Workers AI cannot run here) whose
// bge-small embeddings are deterministic (a bag of words hashed into 384
// dimensions) and whose LLM counts its calls. Run by scripts/test-js.sh.
import { test, after } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { t } from '../conformance/assert.mjs';
import { fixtureDir } from '../hosts/fixture.mjs';
import { bundleWorker, startWorker } from '../../scripts/lib/workerd.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(join(here, '..', '..', 'README.md'), 'utf8');
const block = /<!-- semantic-example:start -->\s*(?:<!-- docs-test:[^>]*-->\s*)?```js\n([\s\S]*?)```\s*<!-- semantic-example:end -->/.exec(readme);
if (!block) throw new Error('README.md has no semantic-example block');

const fixture = fixtureDir();
writeFileSync(join(fixture, 'readme-semantic.mjs'), block[1]);
writeFileSync(join(fixture, 'readme-semantic-host.mjs'), `
import example from './readme-semantic.mjs';

// A bag of words hashed into 384 dimensions: paraphrases sharing most words are close.
function embed(text) {
  const v = new Array(384).fill(0);
  for (const word of text.split(/\\W+/).filter(Boolean)) {
    let h = 2166136261;
    for (const c of word) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    v[h % 384] += 1;
  }
  return v;
}

let llmCalls = 0;
const AI = {
  async run(model, input) {
    if (model === '@cf/baai/bge-small-en-v1.5') return { shape: [input.text.length, 384], data: input.text.map(embed) };
    llmCalls += 1;
    return { response: 'answer to: ' + input.prompt };
  },
};

export default {
  async fetch(request) {
    if (new URL(request.url).pathname === '/calls') return Response.json({ llmCalls });
    return example.fetch(request, { AI });
  },
};
`);

const scriptPath = await bundleWorker({ entry: join(fixture, 'readme-semantic-host.mjs'), outdir: join(fixture, 'readme-semantic-dist') });
const mf = startWorker({ scriptPath });
after(() => mf.dispose());

async function ask(prompt) {
  const res = await mf.dispatchFetch('http://localhost/', { method: 'POST', body: JSON.stringify({ prompt }) });
  return res.json();
}

test('the README Workers AI example: miss, exact and similar hits, one LLM call', async () => {
  const first = await ask('How do I purge the cache of my zone after a deploy to production today?');
  t.deepEqual(first, { answer: 'answer to: How do I purge the cache of my zone after a deploy to production today?', cached: false });
  const again = await ask('how do I purge the cache of my   ZONE after a deploy to production today?');
  t.equal(again.cached, 'exact');
  const like = await ask('How do I purge the cache of my zone after a deploy to production today, please?');
  t.equal(like.cached, 'similar');
  t.ok(like.score >= 0.95 && like.score < 1, `score ${like.score}`);
  t.equal(like.answer, first.answer);
  const other = await ask('What is the price of a Workers plan?');
  t.equal(other.cached, false);
  const { llmCalls } = await (await mf.dispatchFetch('http://localhost/calls')).json();
  t.equal(llmCalls, 2, 'the LLM ran for the two different questions only');
});
