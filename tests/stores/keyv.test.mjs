// The official @keyv/test-suite (store, values, namespace and iterator suites)
// against edgecache/keyv over a memory-tier cache from the packed package, plus
// what the suite does not cover: namespaces land in edgecache namespaces,
// batches are cut to the 10 000-item limit, refused values surface as errors.
// Run by scripts/test-stores.sh (vitest, from the fixture project).
import * as vitest from 'vitest';
import { describe, expect, it } from 'vitest';
import Keyv from 'keyv';
import keyvTestSuite, { keyvIteratorTests } from '@keyv/test-suite';
import { createCache, isEdgeCacheError } from 'edgecache';
import { KeyvEdgecache, enableIterator } from 'edgecache/keyv';

const cache = createCache({ maxEntries: 100_000, maxValueBytes: 64 * 1024 });
const store = () => new KeyvEdgecache(cache);

// Keyv 5 wires keyv.iterator() only for its own adapter list; this is how a user turns it on.
class KeyvWithIterator extends Keyv {
  constructor(...args) {
    super(...args);
    if (this.opts.store instanceof KeyvEdgecache) enableIterator(this);
  }
}

describe('@keyv/test-suite: store', () => keyvTestSuite(vitest, Keyv, store));
describe('@keyv/test-suite: iterator', () => keyvIteratorTests(vitest, KeyvWithIterator, store));

describe('edgecache/keyv beyond the suite', () => {
  it('Keyv namespaces are edgecache namespaces, and clear() empties only its own', async () => {
    const own = createCache();
    const users = new Keyv({ store: new KeyvEdgecache(own), namespace: 'users' });
    const posts = new Keyv({ store: new KeyvEdgecache(own), namespace: 'posts' });
    await users.set('1', 'Ada');
    await posts.set('1', 'Hello');
    expect(await own.namespace('users').keys('*')).toEqual(['1']);
    expect(JSON.parse(await own.namespace('posts').get('1')).value).toBe('Hello');
    await users.clear();
    expect(await users.get('1')).toBeUndefined();
    expect(await posts.get('1')).toBe('Hello');
  });

  it('TTLs reach edgecache (the entry expires in the cache itself)', async () => {
    let now = 1_700_000_000_000;
    const own = createCache({ now: () => now });
    const keyv = new Keyv({ store: new KeyvEdgecache(own), namespace: 'ttl' });
    await keyv.set('k', 'v', 5000);
    expect(await own.namespace('ttl').ttl('k')).toBe(5000);
    now += 5001;
    expect(await own.namespace('ttl').has('k')).toBe(false);
  });

  it('batches are cut to the 10 000-item limit', async () => {
    const own = createCache({ maxEntries: 30_000 });
    const sizes = [];
    // The real cache, with its namespace views' batch calls recorded.
    const recorded = {
      namespace(name) {
        const view = own.namespace(name);
        const record = (method) => (items, ...rest) => { sizes.push([method, [...items].length]); return view[method](items, ...rest); };
        return Object.assign(Object.create(view), { getMany: record('getMany'), setMany: record('setMany'), deleteMany: record('deleteMany') });
      },
    };
    const keyv = new Keyv({ store: new KeyvEdgecache(recorded), namespace: 'big' });
    const keys = Array.from({ length: 25_000 }, (_, i) => `k${i}`);
    await keyv.setMany(keys.map((key, i) => ({ key, value: i })));
    const values = await keyv.getMany(keys);
    expect(values[24_999]).toBe(24_999);
    expect(await keyv.deleteMany(keys)).toBe(true);
    expect(sizes).toEqual(['setMany', 'getMany', 'deleteMany'].flatMap((m) => [[m, 10_000], [m, 10_000], [m, 5000]]));
  });

  it('a value edgecache refuses is an error Keyv reports, and the older value is gone', async () => {
    const own = createCache({ maxValueBytes: 1024 });
    const keyv = new Keyv({ store: new KeyvEdgecache(own), namespace: 'refuse' });
    const errors = [];
    keyv.on('error', (err) => errors.push(err));
    await keyv.set('k', 'small');
    expect(await keyv.set('k', 'x'.repeat(4096))).toBe(false);
    expect(errors.length).toBe(1);
    expect(isEdgeCacheError(errors[0], 'VALUE_TOO_LARGE')).toBe(true);
    expect(await keyv.get('k')).toBeUndefined();

    const strict = new Keyv({ store: new KeyvEdgecache(own), namespace: 'strict', throwOnErrors: true });
    await strict.set('k', 'small');
    await expect(strict.set('k', 'x'.repeat(4096))).rejects.toMatchObject({ code: 'VALUE_TOO_LARGE' });
    expect(await strict.get('k')).toBeUndefined();

    const many = new Keyv({ store: new KeyvEdgecache(own), namespace: 'many', throwOnErrors: true });
    await many.setMany([{ key: 'a', value: 1 }, { key: 'b', value: 2 }]);
    await expect(many.setMany([{ key: 'a', value: 3 }, { key: 'b', value: 'x'.repeat(4096) }])).rejects.toMatchObject({ code: 'VALUE_TOO_LARGE' });
    expect(await many.get(['a', 'b'])).toEqual([undefined, undefined]);
  });
});
