// Which getOrSet loads the current code runs inside, so a loader that calls
// getOrSet on its own key is refused (LOADER_REENTRY) instead of joining its
// own flight and waiting for itself forever. It needs AsyncLocalStorage:
// Node and Deno have it, workerd with nodejs_compat too; it is looked up at
// run time (no import of node:async_hooks, which a plain Worker lacks).
// Without it a re-entrant load ends at its loader timeout (LOADER_TIMEOUT).

function findAsyncLocalStorage() {
  try {
    return globalThis.AsyncLocalStorage
      ?? globalThis.process?.getBuiltinModule?.('node:async_hooks')?.AsyncLocalStorage;
  } catch {
    return undefined; // a host whose process object refuses the call
  }
}

const Storage = findAsyncLocalStorage();
const storage = typeof Storage === 'function' ? new Storage() : undefined;

/** True when re-entry can be told (AsyncLocalStorage exists on this host). */
export const detectsReentry = storage !== undefined;

/** True when the code running now is inside the loader of (`flights`, `key`). */
export function insideLoad(flights, key) {
  const chain = storage?.getStore();
  return chain !== undefined && chain.some((load) => load.flights === flights && load.key === key);
}

/** Calls `loader()` marked as the load of (`flights`, `key`). */
export function runLoader(flights, key, loader) {
  if (storage === undefined) return loader();
  const chain = storage.getStore() ?? [];
  return storage.run([...chain, { flights, key }], loader);
}
