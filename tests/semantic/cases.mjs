// The semantic cache suite ('edgecache/semantic'), run unchanged in Node, Deno
// and workerd from the packed tarball: { name, run: async (lib, t) => ... } with
// `lib` the semantic entry. Embeddings come from a deterministic local table
// (no model downloads): each text maps to a direction, so the cosine of two
// texts is chosen by the test.

const DIMS = 16;

/** A unit vector at `degrees` in the plane of the first two axes. */
function at(degrees) {
  const v = new Float32Array(DIMS);
  v[0] = Math.cos((degrees * Math.PI) / 180);
  v[1] = Math.sin((degrees * Math.PI) / 180);
  return v;
}

/** The i-th axis: orthogonal to every other. */
function axis(i) {
  const v = new Float32Array(DIMS);
  v[i % DIMS] = 1;
  return v;
}

/** A deterministic embedder over a table of normalised texts; counts its calls. */
function tableEmbedder(table) {
  const e = {
    calls: 0,
    texts: [],
    embed: async (texts) => {
      e.calls += 1;
      e.texts.push(...texts);
      return texts.map((text) => {
        const v = table[text];
        if (v === undefined) throw new Error(`no embedding for ${JSON.stringify(text)}`);
        return v;
      });
    },
  };
  return e;
}

function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms) => { now += ms; } };
}

/** A seeded generator of unit vectors (xorshift32). */
function seeded(seed) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 2 ** 32 - 0.5;
  };
  return (dims) => Float32Array.from({ length: dims }, next);
}

/** A Vectorize-shaped index in memory (Vectorize does not run locally): query/upsert/deleteByIds. */
function vectorizeDouble() {
  const rows = new Map();
  const deleted = [];
  const cos = (a, b) => {
    let d = 0, na = 0, nb = 0;
    for (let i = 0; i < a.length; i++) { d += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
    return d / Math.sqrt(na * nb);
  };
  return {
    rows,
    deleted,
    async query(vector, { topK, filter }) {
      const matches = [...rows.values()]
        .filter((r) => filter === undefined || r.metadata.model === filter.model)
        .map((r) => ({ id: r.id, score: cos(vector, r.values), metadata: r.metadata }))
        .sort((a, b) => b.score - a.score)
        .slice(0, topK);
      return { matches, count: matches.length };
    },
    async upsert(vectors) {
      for (const v of vectors) rows.set(v.id, v);
      return { count: vectors.length };
    },
    async deleteByIds(ids) {
      for (const id of ids) { rows.delete(id); deleted.push(id); }
      return { count: ids.length };
    },
  };
}

export const semanticCases = [
  {
    name: 'semantic: an exact hit needs no embedding; normalisation is lower case, NFC and whitespace',
    async run(lib, t) {
      t.equal(lib.normalizeQuery('  CAFE\u0301\n\tAu   Lait '), 'caf\u00e9 au lait');
      const e = tableEmbedder({ 'caf\u00e9 au lait?': at(0) });
      const cache = lib.createCache();
      const sc = lib.semanticCache({ cache, embed: e.embed, dimensions: DIMS, model: 'llm-a' });
      await sc.store('Café au lait?', { text: 'milk coffee' });
      t.equal(e.calls, 1);
      t.deepEqual(e.texts, ['caf\u00e9 au lait?'], 'the normalised text is what gets embedded');
      // Decomposed accent, other case, other whitespace: the same key.
      const hit = await sc.lookup('  CAFE\u0301 AU\u00a0LAIT? ');
      t.deepEqual(hit, { tier: 'exact', response: { text: 'milk coffee' }, score: 1, query: 'caf\u00e9 au lait?' });
      t.equal(e.calls, 1, 'no embedding for an exact hit');
      t.equal(sc.stats().exactHits, 1);
    },
  },
  {
    name: 'semantic: a similar query at or above the threshold gets the cached answer with its score',
    async run(lib, t) {
      const e = tableEmbedder({ 'how tall is everest': at(0), 'what is the height of everest': at(10) });
      const sc = lib.semanticCache({ cache: lib.createCache(), embed: e.embed, threshold: 0.95 });
      await sc.store('How tall is Everest', '8849 m');
      const hit = await sc.lookup('What is the height of Everest');
      t.equal(hit.tier, 'similar');
      t.equal(hit.response, '8849 m');
      t.equal(hit.query, 'how tall is everest');
      t.ok(Math.abs(hit.score - Math.cos(Math.PI / 18)) < 1e-5, `score ${hit.score} is cos 10°`);
      const s = sc.stats();
      t.equal(s.similarHits, 1);
      t.deepEqual(s.similarScores.recent, [hit.score]);
      t.equal(s.embedCalls, 2);
      t.equal(s.vectors, 1);
    },
  },
  {
    name: 'semantic: a query below the threshold is a miss (and a lower threshold takes it)',
    async run(lib, t) {
      const table = { 'capital of france': at(0), 'capital of spain': at(30) };
      const cache = lib.createCache();
      const strict = lib.semanticCache({ cache, embed: tableEmbedder(table).embed });
      await strict.store('capital of france', 'Paris');
      t.deepEqual(await strict.lookup('capital of spain'), { tier: 'miss' }, 'cos 30° = 0.866 < 0.95');
      t.equal(strict.stats().misses, 1);
      const loose = lib.semanticCache({ cache, embed: tableEmbedder(table).embed, threshold: 0.85 });
      t.equal((await loose.lookup('capital of spain')).tier, 'similar');
    },
  },
  {
    name: 'semantic: two models never share an answer, exact or similar',
    async run(lib, t) {
      const e = tableEmbedder({ 'summarise the doc': at(0), 'summarize the doc': at(5) });
      const sc = lib.semanticCache({ cache: lib.createCache(), embed: e.embed });
      await sc.store('summarise the doc', 'from model one', { model: 'model-1' });
      t.deepEqual(await sc.lookup('summarise the doc', { model: 'model-2' }), { tier: 'miss' });
      t.deepEqual(await sc.lookup('summarize the doc', { model: 'model-2' }), { tier: 'miss' });
      t.equal((await sc.lookup('summarise the doc', { model: 'model-1' })).tier, 'exact');
      t.equal((await sc.lookup('summarize the doc', { model: 'model-1' })).tier, 'similar');
    },
  },
  {
    name: 'semantic: invalidate removes the answer and its vector',
    async run(lib, t) {
      const e = tableEmbedder({ 'q one': at(0), 'q two': at(3) });
      const sc = lib.semanticCache({ cache: lib.createCache(), embed: e.embed });
      await sc.store('q one', 1);
      t.equal(sc.stats().vectors, 1);
      t.equal(await sc.invalidate('Q  ONE'), true);
      t.equal(sc.stats().vectors, 0, 'the vector left with its entry');
      t.equal(sc.stats().vectorBytes, 0);
      t.deepEqual(await sc.lookup('q two'), { tier: 'miss' });
      t.equal(await sc.invalidate('q one'), false);
      // Tags work the same way.
      await sc.store('q one', 1, { tags: ['docs'] });
      t.equal(await sc.invalidateTags(['docs']), 1);
      t.equal(sc.stats().vectors, 0);
    },
  },
  {
    name: 'semantic: eviction removes the vector at once; vectors weigh on the byte bound',
    async run(lib, t) {
      const table = {};
      for (let i = 0; i < DIMS; i++) table[`question ${i}`] = axis(i);
      const maxBytes = 6000;
      const cache = lib.createCache({ maxBytes, policy: 'fifo' });
      const sc = lib.semanticCache({ cache, embed: tableEmbedder(table).embed, namespace: 'llm' });
      await sc.store('question 0', 'a0');
      const one = (await cache.stats()).bytes;
      t.ok(sc.stats().vectorBytes >= DIMS * 4, 'the vector is charged');
      t.ok(one >= sc.stats().vectorBytes, 'inside the entry weight');
      for (let i = 1; i < DIMS; i++) await sc.store(`question ${i}`, `a${i}`);
      const { bytes, entries } = await cache.stats();
      t.ok(bytes <= maxBytes, `${bytes} bytes within the bound`);
      t.ok(entries < DIMS, 'some answers were evicted');
      t.equal(sc.stats().vectors, entries, 'one vector per live entry, none for evicted ones');
      t.deepEqual(await sc.lookup('question 0'), { tier: 'miss' }, 'FIFO evicted the first answer');
      t.equal((await sc.lookup(`question ${DIMS - 1}`)).tier, 'exact');
    },
  },
  {
    name: 'semantic: an expired answer is neither an exact nor a similar hit, and its vector goes',
    async run(lib, t) {
      const clock = manualClock();
      const e = tableEmbedder({ 'weather today': at(0), "today's weather": at(8) });
      const cache = lib.createCache({ now: clock.now });
      const sc = lib.semanticCache({ cache, embed: e.embed, ttl: '1s' });
      await sc.store('weather today', 'sunny');
      t.equal((await sc.lookup("today's weather")).tier, 'similar');
      clock.advance(1001);
      t.deepEqual(await sc.lookup("today's weather"), { tier: 'miss' });
      t.equal(sc.stats().vectors, 0);
      t.deepEqual(await sc.lookup('weather today'), { tier: 'miss' });
      // A per-store TTL wins over the default.
      await sc.store('weather today', 'rain', { ttl: 5000 });
      clock.advance(2000);
      t.equal((await sc.lookup('weather today')).response, 'rain');
    },
  },
  {
    name: 'semantic: int8 vectors answer like f32 ones for a quarter of the bytes',
    async run(lib, t) {
      const e = tableEmbedder({ 'a b c': at(0), 'a b d': at(12) });
      const f32 = lib.semanticCache({ cache: lib.createCache(), embed: e.embed });
      const int8 = lib.semanticCache({ cache: lib.createCache(), embed: e.embed, precision: 'int8' });
      for (const sc of [f32, int8]) await sc.store('a b c', 'x');
      const [a, b] = [await f32.lookup('a b d'), await int8.lookup('a b d')];
      t.equal(b.tier, 'similar');
      t.ok(Math.abs(a.score - b.score) < 0.01, `${a.score} vs ${b.score}`);
      t.ok(int8.stats().vectorBytes < f32.stats().vectorBytes);
    },
  },
  {
    name: 'semantic: the SIMD and scalar kernels find the same nearest answers',
    async run(lib, t) {
      t.equal(lib.simdAvailable(), true, 'the semantic build carries wasm SIMD');
      const random = seeded(7);
      const table = {};
      for (let i = 0; i < 60; i++) table[`stored ${i}`] = random(DIMS);
      for (let i = 0; i < 20; i++) table[`probe ${i}`] = random(DIMS);
      for (const precision of ['f32', 'int8']) {
        const sc = lib.semanticCache({ cache: lib.createCache(), embed: tableEmbedder(table).embed, threshold: -1, precision });
        for (let i = 0; i < 60; i++) await sc.store(`stored ${i}`, i);
        const answers = async () => {
          const out = [];
          for (let i = 0; i < 20; i++) out.push(await sc.lookup(`probe ${i}`));
          return out;
        };
        const simd = await answers();
        sc.index.setKernel('scalar');
        const scalar = await answers();
        for (let i = 0; i < 20; i++) {
          t.equal(simd[i].response, scalar[i].response, `${precision} probe ${i}`);
          t.ok(Math.abs(simd[i].score - scalar[i].score) < 1e-5, `${precision} probe ${i} score`);
        }
      }
    },
  },
  {
    name: 'semantic: bad input and a failing embed are clear errors that change nothing',
    async run(lib, t) {
      const cache = lib.createCache();
      const good = tableEmbedder({ 'q': at(0) });
      t.throws(() => lib.semanticCache({ cache }), 'INVALID_OPTION', 'no embed');
      t.throws(() => lib.semanticCache({ cache, embed: good.embed, threshold: 2 }), 'INVALID_OPTION');
      t.throws(() => lib.semanticCache({ cache, embed: good.embed, precision: 'f16' }), 'INVALID_OPTION');
      t.throws(() => lib.semanticCache({ cache: cache.namespace('x'), embed: good.embed }), 'INVALID_OPTION',
        'the core index needs the root cache');
      t.throws(() => lib.semanticCache({ cache, embed: good.embed, index: {} }), 'INVALID_OPTION');
      const sc = lib.semanticCache({ cache, embed: good.embed, dimensions: DIMS });
      await t.rejects(sc.lookup(42), 'INVALID_OPTION');
      await t.rejects(sc.lookup('   '), 'INVALID_OPTION');
      await t.rejects(sc.store('q', 1, { model: 7 }), 'INVALID_OPTION');
      const wrongDims = lib.semanticCache({ cache, embed: async () => [new Float32Array(3).fill(1)], dimensions: DIMS });
      await t.rejects(wrongDims.store('q', 1), 'BACKEND_ERROR');
      const nan = lib.semanticCache({ cache, embed: async () => [[1, Number.NaN]] });
      await t.rejects(nan.store('q', 1), 'BACKEND_ERROR');
      const zero = lib.semanticCache({ cache, embed: async () => [new Float32Array(4)] });
      await t.rejects(zero.store('q', 1), 'INVALID_OPTION', 'an all-zero vector has no direction');
      const boom = new Error('model offline');
      const failing = lib.semanticCache({ cache, embed: async () => { throw boom; } });
      const err = await t.rejects(failing.lookup('q'), 'BACKEND_ERROR');
      t.equal(err.cause, boom, 'the host error travels as the cause');
      t.equal((await cache.stats()).entries, 0, 'no answer without its vector');
      t.equal(sc.stats().vectors, 0);
    },
  },
  {
    name: 'semantic: overlapping stores and lookups (Promise.all) each get their own answer',
    async run(lib, t) {
      const table = {};
      for (let i = 0; i < DIMS; i++) { table[`q${i}`] = axis(i); table[`q${i} again`] = axis(i); }
      const sc = lib.semanticCache({ cache: lib.createCache(), embed: tableEmbedder(table).embed });
      await Promise.all(Array.from({ length: DIMS }, (_, i) => sc.store(`q${i}`, i)));
      t.equal(sc.stats().vectors, DIMS);
      const hits = await Promise.all(Array.from({ length: DIMS }, (_, i) => sc.lookup(`q${i} again`)));
      t.deepEqual(hits.map((h) => [h.tier, h.response]), Array.from({ length: DIMS }, (_, i) => ['similar', i]));
    },
  },
  {
    name: 'semantic: a Vectorize-shaped host index keeps the same contract',
    async run(lib, t) {
      const index = vectorizeDouble();
      const table = {};
      for (let i = 0; i < DIMS; i++) table[`topic ${i}`] = axis(i);
      table['topic zero'] = at(5);
      const cache = lib.createCache({ maxBytes: 4000, policy: 'fifo' });
      const sc = lib.semanticCache({ cache, embed: tableEmbedder(table).embed, index, model: 'm' });
      await sc.store('topic 0', 'zero');
      t.equal(index.rows.size, 1);
      t.deepEqual(index.rows.values().next().value.metadata, { model: 'm' });
      const hit = await sc.lookup('topic zero');
      t.equal(hit.tier, 'similar');
      t.equal(hit.response, 'zero');
      t.deepEqual(await sc.lookup('topic zero', { model: 'other' }), { tier: 'miss' });
      // Evictions reach the host index through the cache's removal listener.
      for (let i = 1; i < DIMS; i++) await sc.store(`topic ${i}`, i);
      const { entries } = await cache.stats();
      t.ok(entries < DIMS, 'some answers were evicted');
      t.equal(index.rows.size, entries, 'the host index dropped the evicted rows');
      t.deepEqual(await sc.lookup('topic zero'), { tier: 'miss' });
      t.equal(sc.stats().vectors, undefined, 'a host index knows its own size');
      // A host index that fails is a BACKEND_ERROR with the cause.
      const broken = lib.semanticCache({
        cache: lib.createCache(), embed: tableEmbedder(table).embed,
        index: { ...index, query: async () => { throw new Error('down'); } },
      });
      const err = await t.rejects(broken.lookup('topic 1'), 'BACKEND_ERROR');
      t.equal(err.cause.message, 'down');
      const garbage = lib.semanticCache({
        cache: lib.createCache(), embed: tableEmbedder(table).embed, index: { ...index, query: async () => ({ matches: [{ id: 1 }] }) },
      });
      await t.rejects(garbage.lookup('topic 1'), 'BACKEND_ERROR');
    },
  },
];
