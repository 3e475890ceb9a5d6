// The TC39 decorator syntax on class methods, in TypeScript, run by Deno (which
// compiles standard TS 5 decorators): @cached, @memoize, @invalidates against the
// package installed from its tarball (see deno.test.mjs for how it is found).
import { t } from '../conformance/assert.mjs';

const fixture = Deno.env.get('EDGECACHE_FIXTURE');
if (!fixture) throw new Error('EDGECACHE_FIXTURE is not set: run scripts/test-js.sh');
const { default: lib } = await import(new URL(`file://${fixture}/load.mjs`).href);
const { cached, memoize, invalidates, createCache, argsKey } = lib;

const cache = createCache();
let loads = 0;

class Users {
  prefix = 'user-';

  @cached({ cache, ttl: '1m' })
  async find(id: bigint, since: Date): Promise<string> {
    loads += 1;
    return `${this.prefix}${id}@${since.getTime()}`;
  }

  @cached({ cache, skipArgs: [1] })
  async profile(id: number, _trace: { requestId: string }): Promise<{ id: number; n: number }> {
    loads += 1;
    return { id, n: loads };
  }

  @invalidates((id: number) => ({ keys: [argsKey('Users.profile', [id])] }), { cache })
  async rename(id: number, fail: boolean): Promise<string> {
    if (fail) throw new Error('rename failed');
    return `renamed ${id}`;
  }

  @memoize({ max: 10 })
  static async double(x: number): Promise<number> {
    loads += 1;
    return x * 2;
  }
}

Deno.test('@cached on a method: `this`, BigInt and Date arguments, Class.method keys', async () => {
  const users = new Users();
  const at = new Date(1000);
  t.equal(await users.find(7n, at), 'user-7@1000');
  t.equal(await users.find(7n, new Date(1000)), 'user-7@1000');
  t.equal(loads, 1, 'the second call was a hit');
  t.equal(await cache.has(argsKey('Users.find', [7n, at])), true, 'keyed by Class.method');
  await users.find(8n, at);
  t.equal(loads, 2);
});

Deno.test('@cached skipArgs and @invalidates only after success', async () => {
  const users = new Users();
  const first = await users.profile(1, { requestId: 'a' });
  t.deepEqual(await users.profile(1, { requestId: 'b' }), first, 'the trace argument is skipped');
  const failed = await users.rename(1, true).then(() => undefined, (err: Error) => err);
  t.equal(failed?.message, 'rename failed', 'the method\'s own error reaches the caller unchanged');
  t.equal(await cache.has(argsKey('Users.profile', [1])), true, 'kept when the method throws');
  t.equal(await users.rename(1, false), 'renamed 1');
  t.equal(await cache.has(argsKey('Users.profile', [1])), false, 'removed after success');
});

Deno.test('@memoize on a static method', async () => {
  const before = loads;
  t.equal(await Users.double(21), 42);
  t.equal(await Users.double(21), 42);
  t.equal(loads, before + 1);
});
