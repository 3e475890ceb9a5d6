// An unstorage driver conformance suite, written from unstorage's documented
// driver contract (hasItem, getItem, getItemRaw, setItem/setItemRaw with
// { ttl } in seconds, removeItem, getMeta, getKeys(base), clear(base), mounts,
// meta keys ending in '$'), run through createStorage against edgecache/unstorage
// over a memory-tier cache from the packed package. Run by scripts/test-stores.sh.
import { describe, expect, it } from 'vitest';
import { createStorage, prefixStorage } from 'unstorage';
import { createCache, isEdgeCacheError } from 'edgecache';
import edgecacheDriver from 'edgecache/unstorage';

function setup(options = {}) {
  let now = 1_700_000_000_000;
  const cache = createCache({ now: () => now, ...options });
  const driver = edgecacheDriver({ cache });
  const storage = createStorage({ driver });
  return { cache, driver, storage, advance: (ms) => { now += ms; } };
}

describe('unstorage driver contract: edgecache/unstorage', () => {
  it('hasItem and getItem answer false and null for a missing key', async () => {
    const { storage } = setup();
    expect(await storage.hasItem('missing')).toBe(false);
    expect(await storage.getItem('missing')).toBeNull();
    expect(await storage.getItemRaw('missing')).toBeNull();
  });

  it('setItem round-trips strings, numbers, booleans and objects (serialised by unstorage)', async () => {
    const { storage } = setup();
    const values = { s: 'text', n: 42, b: false, o: { a: [1, 'two', null] }, q: "it's" };
    for (const [k, v] of Object.entries(values)) await storage.setItem(k, v);
    for (const [k, v] of Object.entries(values)) expect(await storage.getItem(k)).toEqual(v);
    expect(await storage.hasItem('o')).toBe(true);
  });

  it('setItem(key, undefined) removes the key', async () => {
    const { storage } = setup();
    await storage.setItem('k', 'v');
    await storage.setItem('k', undefined);
    expect(await storage.hasItem('k')).toBe(false);
  });

  it('getItemRaw / setItemRaw keep bytes as bytes', async () => {
    const { storage } = setup();
    const bytes = new Uint8Array([0, 1, 2, 255, 128]);
    await storage.setItemRaw('bin', bytes);
    const back = await storage.getItemRaw('bin');
    expect(back).toBeInstanceOf(Uint8Array);
    expect(Array.from(back)).toEqual([0, 1, 2, 255, 128]);
  });

  it('setItem with { ttl } (seconds) expires, and getMeta reports the seconds left', async () => {
    const { storage, advance } = setup();
    await storage.setItem('session', 'abc', { ttl: 60 });
    await storage.setItem('forever', 'x');
    expect(await storage.getMeta('session')).toMatchObject({ ttl: 60 });
    advance(30_000);
    expect(await storage.getMeta('session')).toMatchObject({ ttl: 30 });
    expect((await storage.getMeta('forever')).ttl).toBeUndefined();
    advance(30_001);
    expect(await storage.getItem('session')).toBeNull();
    expect(await storage.hasItem('session')).toBe(false);
    expect(await storage.getItem('forever')).toBe('x');
  });

  it('getMeta merges the native meta with meta stored by setMeta', async () => {
    const { storage } = setup();
    await storage.setItem('doc', 'body', { ttl: 10 });
    await storage.setMeta('doc', { author: 'ada' });
    expect(await storage.getMeta('doc')).toEqual({ ttl: 10, author: 'ada' });
    expect(await storage.getMeta('doc', { nativeOnly: true })).toEqual({ ttl: 10 });
    expect(await storage.getKeys()).toEqual(['doc']);
  });

  it('removeItem removes', async () => {
    const { storage } = setup();
    await storage.setItem('k', 'v');
    await storage.removeItem('k');
    expect(await storage.hasItem('k')).toBe(false);
    expect(await storage.getItem('k')).toBeNull();
  });

  it('keys are normalised (/ and \\ become :) and getKeys(base) lists one base only', async () => {
    const { storage } = setup();
    await storage.setItem('a/b', 1);
    await storage.setItem('a:c:d', 2);
    await storage.setItem('ab', 3);
    await storage.setItem('z', 4);
    expect((await storage.getKeys()).sort()).toEqual(['a:b', 'a:c:d', 'ab', 'z']);
    expect((await storage.getKeys('a')).sort()).toEqual(['a:b', 'a:c:d']);
    expect((await storage.getKeys('a:c')).sort()).toEqual(['a:c:d']);
    expect(await storage.getItem('a:b')).toBe(1);
  });

  it('glob characters in a base are literal', async () => {
    const { driver, storage } = setup();
    await storage.setItem('x*:1', 1);
    await storage.setItem('xy:1', 2);
    await storage.setItem('x[y]:1', 3);
    expect(await storage.getKeys('x*')).toEqual(['x*:1']);
    expect(await storage.getKeys('x[y]')).toEqual(['x[y]:1']);
    await driver.clear('x*:');
    expect((await storage.getKeys()).sort()).toEqual(['x[y]:1', 'xy:1']);
  });

  // createStorage hands clear(base) to a driver mounted under that base only
  // (a root mount is not called for clear('a')): the driver's own clear(base)
  // is the contract, checked directly; through a mount below.
  it('driver.clear(base) clears that base only; clear() clears everything', async () => {
    const { driver, storage } = setup();
    await storage.setItem('a:1', 1);
    await storage.setItem('a:2', 2);
    await storage.setItem('ab:1', 3);
    await driver.clear('a:');
    expect((await storage.getKeys()).sort()).toEqual(['ab:1']);
    await storage.clear();
    expect(await storage.getKeys()).toEqual([]);
  });

  it('getItems and setItems batch through one mount', async () => {
    const { storage } = setup();
    await storage.setItems([{ key: 'p', value: 1 }, { key: 'q', value: { two: 2 } }]);
    expect(await storage.getItems(['p', 'q', 'r'])).toEqual([
      { key: 'p', value: 1 }, { key: 'q', value: { two: 2 } }, { key: 'r', value: null },
    ]);
  });

  it('mounted under a base, and through prefixStorage', async () => {
    const cache = createCache();
    const storage = createStorage();
    storage.mount('cache', edgecacheDriver({ cache }));
    await storage.setItem('cache:page:1', 'one');
    await storage.setItem('other', 'memory');
    expect(await cache.get('page:1')).toBe('one');
    expect((await storage.getKeys('cache')).sort()).toEqual(['cache:page:1']);
    const pages = prefixStorage(storage, 'cache:page');
    expect(await pages.getKeys()).toEqual(['1']);
    await storage.clear('cache');
    expect(await cache.has('page:1')).toBe(false);
    expect(await storage.getItem('other')).toBe('memory');
  });

  it('two drivers on two namespaces of one cache do not see each other', async () => {
    const cache = createCache();
    const one = createStorage({ driver: edgecacheDriver({ cache, namespace: 'one' }) });
    const two = createStorage({ driver: edgecacheDriver({ cache, namespace: 'two' }) });
    await one.setItem('k', 1);
    await two.setItem('k', 2);
    await one.clear();
    expect(await one.getItem('k')).toBeNull();
    expect(await two.getItem('k')).toBe(2);
  });

  it('a value edgecache refuses rejects setItem, and the older value is gone', async () => {
    const { storage } = setup({ maxValueBytes: 1024 });
    await storage.setItem('k', 'small');
    let error;
    try {
      await storage.setItem('k', 'x'.repeat(4096));
    } catch (err) {
      error = err;
    }
    expect(isEdgeCacheError(error, 'VALUE_TOO_LARGE')).toBe(true);
    expect(await storage.getItem('k')).toBeNull();
    await expect(storage.setItemRaw('k', new Uint8Array(4096))).rejects.toMatchObject({ code: 'VALUE_TOO_LARGE' });
  });

  it('dispose leaves the cache (it belongs to the caller) open', async () => {
    const { cache, storage } = setup();
    await storage.setItem('k', 'v');
    await storage.dispose();
    expect(await cache.get('k')).toBe('v');
    expect(cache.closed).toBe(false);
  });
});
