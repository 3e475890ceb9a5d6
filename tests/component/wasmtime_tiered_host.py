"""A wasmtime host for the `tiered-cache` world (pkg/component/edgecache-tiered.wasm).

The host supplies the two custom imports in Python:
- `edgecache:cache/backend` over a plain dict (`DictBackend`): several component
  instances given the same DictBackend share one L2, like isolates sharing a KV
  namespace. Failures can be injected per call, and TTL hints are recorded.
- `edgecache:cache/loader` calling a Python function (`Host.loader`).

`TieredClient` calls the exported `edgecache:cache/tiered` resource.
"""

import os

from wasmtime import Engine, Store, WasiConfig
from wasmtime.component import Component, Linker, Variant
from wasmtime.component._types import ResultType

from wasmtime_host import ROOT, OPTION_FIELDS, CacheError, _expiry, _record, unwrap

# wasmtime-py passes a `result` untagged unless its cases clash by Python class,
# and lowers an untagged one by isinstance, ok case first. For
# result<option<list<u8>>, backend-failure> the `none` case accepts any object,
# so a failure record returned by the host would be taken for `ok`. Tagging
# every result (Variant('ok'|'err', x)) in both directions avoids that;
# `unwrap` already accepts tagged results.
ResultType._tagged = lambda self: True

DEFAULT_WASM = os.path.join(ROOT, "pkg", "component", "edgecache-tiered.wasm")
TIERED_INTERFACE = "edgecache:cache/tiered@0.1.0"
BACKEND_INTERFACE = "edgecache:cache/backend@0.1.0"
LOADER_INTERFACE = "edgecache:cache/loader@0.1.0"


def ok(v=None):
    return Variant("ok", v)


def failure(kind, message, after_ms=None):
    """A WIT backend-failure: kind is "transient", "permanent" or "timeout"."""
    k = Variant(kind, after_ms) if kind == "timeout" else Variant(kind)
    return Variant("err", _record({"kind": k, "message": message}))


class DictBackend:
    """The L2: a dict of str -> bytes with caps, TTL hints and injected failures."""

    def __init__(self, min_ttl_ms=0, max_key_bytes=512, max_value_bytes=1 << 20,
                 max_batch_get=100, has_listing=True, has_atomic=False):
        self.data = {}
        self.ttl_hints = {}
        self.failures = []  # (kind, after_ms) consumed one per call
        self.calls = 0
        self.caps = {
            "min-ttl-ms": min_ttl_ms, "max-ttl-ms": None, "max-key-bytes": max_key_bytes,
            "max-value-bytes": max_value_bytes, "max-batch-get": max_batch_get,
            "has-listing": has_listing, "has-atomic": has_atomic,
        }

    def fail_next(self, n, kind="transient", after_ms=None):
        self.failures.extend([(kind, after_ms)] * n)

    def _enter(self):
        """An injected failure for this call, or None."""
        self.calls += 1
        if self.failures:
            kind, after_ms = self.failures.pop(0)
            return failure(kind, f"injected {kind} failure", after_ms)
        return None

    def link(self, linker):
        inst = linker.root().add_instance(BACKEND_INTERFACE)

        def guarded(f):
            def call(_store, *args):
                return self._enter() or f(*args)
            return call

        def set_(key, value, ttl_hint):
            self.data[key] = bytes(value)
            self.ttl_hints[key] = ttl_hint
            return ok()

        def set_if_absent(key, value, ttl_ms):
            if key in self.data:
                return ok(False)
            set_(key, value, ttl_ms)
            return ok(True)

        # wasmtime charges hostcall fuel for every byte a call copies (about
        # 2.79 MB per call, then the instance traps for good), and the cache
        # never stores a value over max-value-bytes: a larger one was forged,
        # so it is refused here, before it is copied (a counted backend error).
        limit = self.caps["max-value-bytes"]

        def read(k):
            v = self.data.get(k)
            if v is not None and len(v) > limit:
                return failure("permanent", f"stored value over max-value-bytes ({len(v)} bytes)")
            return ok(v)

        def read_many(ks):
            vs = [self.data.get(k) for k in ks]
            if sum(len(v) for v in vs if v is not None) > limit:
                return failure("permanent", "stored values over max-value-bytes in one batch")
            return ok(vs)

        inst.add_func("caps", lambda _store: _record(dict(self.caps)))
        inst.add_func("get", guarded(read))
        inst.add_func("set", guarded(set_))
        inst.add_func("delete", guarded(lambda k: ok(self.data.pop(k, None) and None)))
        inst.add_func("get-many", guarded(read_many))
        inst.add_func("list-keys", guarded(
            lambda p: ok(sorted(k for k in self.data if k.startswith(p)))))
        inst.add_func("set-if-absent", guarded(set_if_absent))


class Host:
    """One component instance (its own store and memory) over `backend`."""

    def __init__(self, backend, wasm_path=DEFAULT_WASM):
        self.backend = backend
        self.loads = []  # (namespace, key) of every loader call
        self.loader = lambda ns, key: None  # returns bytes, or a str error
        self.engine = Engine()
        self.store = Store(self.engine)
        self.store.set_wasi(WasiConfig())
        component = Component.from_file(self.engine, wasm_path)
        linker = Linker(self.engine)
        linker.add_wasip2()
        backend.link(linker)
        linker.root().add_instance(LOADER_INTERFACE).add_func("load", self._load)
        self.instance = linker.instantiate(self.store, component)
        self._iface = self.instance.get_export_index(self.store, TIERED_INTERFACE)
        self._funcs = {}

    def _load(self, _store, ns, key):
        self.loads.append((ns, key))
        out = self.loader(ns, key)
        return Variant("err", out) if isinstance(out, str) else ok(out)

    def call(self, name, *args):
        if name not in self._funcs:
            idx = self.instance.get_export_index(self.store, name, self._iface)
            self._funcs[name] = self.instance.get_func(self.store, idx)
        f = self._funcs[name]
        out = f(self.store, *args)
        f.post_return(self.store)
        return out

    def cache(self, prefix=None, retries=None, breaker_threshold=None,
              breaker_cooldown_ms=None, tag_cache_ms=None, retry_base_ms=None,
              retry_max_ms=None, chunking=None, max_chunks=None, signing_keys=None,
              encryption_keys=None, **memory):
        mem = {k: None for k in OPTION_FIELDS}
        for k, v in memory.items():
            mem[k.replace("_", "-")] = v
        opts = _record({
            "memory": _record(mem), "prefix": prefix, "l1-max-ttl-ms": None,
            "tag-cache-ms": tag_cache_ms, "retries": retries,
            "breaker-threshold": breaker_threshold, "breaker-cooldown-ms": breaker_cooldown_ms,
            "retry-base-ms": retry_base_ms, "retry-max-ms": retry_max_ms,
            "chunking": chunking, "max-chunks": max_chunks,
            "signing-keys": signing_keys, "encryption-keys": encryption_keys,
        })
        return TieredClient(self, unwrap(self.call("[constructor]cache", opts)))


def write_options(ttl=None, stale=None, tags=()):
    """ttl: ms, "never", or None for the L1 default."""
    return _record({"ttl": _expiry(ttl), "stale-ms": stale, "tags": list(tags)})


def status(v):
    """An l2-status as "written", "skipped" or ("failed", error-case)."""
    if v.tag == "failed":
        return ("failed", v.payload.tag)
    return v.tag


class TieredClient:
    def __init__(self, host, handle):
        self.host = host
        self.handle = handle

    def _m(self, name, *args):
        return self.host.call("[method]cache." + name, self.handle, *args)

    def get(self, key, ns=""):
        return unwrap(self._m("get", ns, key))

    def lookup(self, key, ns=""):
        r = unwrap(self._m("lookup", ns, key))
        return None if r is None else (r.value, "stale" if r.stale else "fresh")

    def set(self, key, value, ns="", **opts):
        return status(unwrap(self._m("set", ns, key, value, write_options(**opts))))

    def delete(self, key, ns=""):
        return status(unwrap(self._m("delete", ns, key)))

    def invalidate_tags(self, tags, ns=""):
        return status(unwrap(self._m("invalidate-tags", ns, list(tags))))

    def get_or_set(self, key, ns="", **opts):
        """(value, source, loader-error); raises CacheError('loader', msg) or the cache error."""
        out = self._m("get-or-set", ns, key, write_options(**opts))
        if out.tag == "err":
            f = out.payload  # load-failure arrives untagged: str (loader) or the error variant
            if isinstance(f, str):
                raise CacheError("loader", f)
            if f.tag == "loader":
                raise CacheError("loader", f.payload)
            if f.tag == "cache":
                f = f.payload
            raise CacheError(f.tag, f.payload)
        r = out.payload
        return (r.value, r.source, getattr(r, "loader-error"))

    def stats(self):
        s = self._m("stats")
        l2 = {k: v for k, v in s.l2.__dict__.items()}
        return {"l1": dict(s.l1.__dict__), "l2": l2,
                "breaker": (s.breaker.tag, s.breaker.payload)}

    def drop(self):
        self.handle.drop(self.host.store)
