// Loads the edgecache component in Node through `jco transpile`.
//
//   scripts/build-component.sh
//   scripts/node_modules/.bin/jco transpile pkg/component/edgecache.wasm -o examples/component/out --name edgecache
//   ln -sfn ../../scripts/node_modules examples/component/node_modules   # for @bytecodealliance/preview2-shim
//   node examples/component/node_example.mjs
import { cache } from './out/edgecache.js';

const bytes = (s) => new TextEncoder().encode(s);
const text = (b) => (b === undefined ? undefined : new TextDecoder().decode(b));

// u64 fields are BigInt in jco; omitted option fields take the defaults.
const c = new cache.Cache({ maxEntries: 1000n, policy: 'lru' });
c.set('user:1:name', bytes('Ada'), { ttl: { tag: 'after-ms', val: 50n }, tags: ['user:1'] });
console.log('get  ->', text(c.get('user:1:name')));
console.log('incr ->', c.incr('visits', 3n));
try {
  c.get('');
} catch (e) {
  console.log('bad  ->', e.payload); // { tag: 'invalid-key', val: 'key is empty' }
}
const users = c.namespace('users'); // a view of the same cache in another namespace
users.set('1', bytes('Grace'), { tags: [] });
console.log('namespaced ->', text(users.get('1')), '| root sees', text(c.get('1')));
await new Promise((r) => setTimeout(r, 100));
console.log('after the TTL ->', text(c.get('user:1:name')));
console.log('stats ->', c.stats());
