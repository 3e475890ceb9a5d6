// Stand-ins for what a getOrSet fragment leaves to the reader (tests/docs:
// prelude=users): a cache, a database, an id and a Workers execution context.
import { createCache } from 'edgecache';

const cache = createCache();
const db = { async user(id) { return { id, name: 'Ada' }; } };
const id = 1;
const ctx = new (class ExecutionContext {
  #pending = [];
  waitUntil(promise) { this.#pending.push(promise); }
})();
