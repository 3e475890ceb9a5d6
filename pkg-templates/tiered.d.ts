// 'edgecache/tiered': the same API as 'edgecache', from the build that also
// holds tiered caching, so createCache accepts `backend` (an adapter from
// 'edgecache/adapters') and the options that go with it.
export * from './index.js';
