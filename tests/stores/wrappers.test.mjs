// The cache-manager and cacheable examples of the README, run as written
// (with edgecache/keyv as their Keyv store), plus a refused value through each.
import { describe, expect, it } from 'vitest';
import { createCache as createEdgecache } from 'edgecache';
import { KeyvEdgecache } from 'edgecache/keyv';
import { Keyv } from 'keyv';
import { createCache as createCacheManager } from 'cache-manager';
import { Cacheable } from 'cacheable';

describe('cache-manager 7 over edgecache/keyv', () => {
  it('runs the README example', async () => {
    // ---- README: cache-manager ----
    const edge = createEdgecache({ maxBytes: 8 << 20 });
    const cache = createCacheManager({
      stores: [new Keyv({ store: new KeyvEdgecache(edge), namespace: 'app' })],
    });
    await cache.set('user:1', { name: 'Ada' }, 60_000);
    const user = await cache.get('user:1');
    const config = await cache.wrap('config', async () => ({ region: 'eu' }), 60_000);
    // ---- end ----
    expect(user).toEqual({ name: 'Ada' });
    expect(config).toEqual({ region: 'eu' });
    expect(await edge.namespace('app').has('user:1')).toBe(true);
    expect(await edge.namespace('app').ttl('user:1')).toBeLessThanOrEqual(60_000);
  });

  it('a refused value rejects set (Keyv throwOnErrors) and the older value is not served', async () => {
    const edge = createEdgecache({ maxValueBytes: 1024 });
    const cache = createCacheManager({ stores: [new Keyv({ store: new KeyvEdgecache(edge), namespace: 'app', throwOnErrors: true })] });
    const errors = [];
    cache.on('set', ({ error }) => { if (error) errors.push(error); });
    await cache.set('k', 'small');
    await expect(cache.set('k', 'x'.repeat(4096))).rejects.toMatchObject({ code: 'VALUE_TOO_LARGE' });
    expect(errors.length).toBe(1);
    expect(await cache.get('k')).toBeUndefined();
  });

  it('without throwOnErrors, Keyv reports it through its error event, and the older value is not served', async () => {
    const edge = createEdgecache({ maxValueBytes: 1024 });
    const keyv = new Keyv({ store: new KeyvEdgecache(edge), namespace: 'app' });
    const errors = [];
    keyv.on('error', (err) => errors.push(err));
    const cache = createCacheManager({ stores: [keyv] });
    await cache.set('k', 'small');
    await cache.set('k', 'x'.repeat(4096));
    expect(errors.map((err) => err.code)).toEqual(['VALUE_TOO_LARGE']);
    expect(await cache.get('k')).toBeUndefined();
  });
});

describe('cacheable over edgecache/keyv', () => {
  it('runs the README example', async () => {
    // ---- README: cacheable ----
    const edge = createEdgecache({ maxBytes: 8 << 20 });
    const cache = new Cacheable({
      secondary: new Keyv({ store: new KeyvEdgecache(edge), namespace: 'shared' }),
      ttl: '1h',
    });
    await cache.set('user:1', { name: 'Ada' });
    const user = await cache.get('user:1');
    // ---- end ----
    expect(user).toEqual({ name: 'Ada' });
    expect(await edge.namespace('shared').has('user:1')).toBe(true);
  });

  it('a refused value is reported and the older value is not served', async () => {
    const edge = createEdgecache({ maxValueBytes: 1024 });
    const secondary = new Keyv({ store: new KeyvEdgecache(edge), namespace: 'shared' });
    const cache = new Cacheable({ secondary, nonBlocking: false });
    const errors = [];
    cache.on('error', (err) => errors.push(err));
    secondary.on('error', (err) => errors.push(err));
    await cache.set('k', 'small');
    await cache.set('k', 'x'.repeat(4096)).catch((err) => errors.push(err));
    expect(errors.some((err) => err?.code === 'VALUE_TOO_LARGE')).toBe(true);
    expect(await secondary.get('k')).toBeUndefined();
  });
});
