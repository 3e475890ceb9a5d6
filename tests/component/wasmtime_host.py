"""A wasmtime host for the edgecache component (the `wasmtime` PyPI wheel).

`load()` instantiates pkg/component/edgecache.wasm with the standard WASI 0.2
imports (`Linker.add_wasip2`) and nothing else; `CacheClient` calls the
exported `edgecache:cache/cache` resource and turns WIT values into plain
Python ones. Used by wasmtime_host_test.py and examples/component/.
"""

import os

from wasmtime import Engine, Store, WasiConfig
from wasmtime.component import Component, Linker, Record, ResourceAny, Variant

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_WASM = os.path.join(ROOT, "pkg", "component", "edgecache.wasm")
CACHE_INTERFACE = "edgecache:cache/cache@0.1.0"

OPTION_FIELDS = [
    "max-entries", "max-bytes", "max-value-bytes", "max-key-bytes", "max-tags-per-entry",
    "default-ttl-ms", "default-idle-ms", "policy", "compression-threshold", "compression-level",
]
ERROR_CASES = {
    "invalid-key", "value-too-large", "invalid-ttl", "invalid-option", "not-an-integer",
    "overflow", "invalid-pattern", "corrupt-data", "unsupported-version", "decompression-limit",
    "limit-exceeded", "closed", "backend-error", "backend-timeout", "unsupported",
}


class CacheError(Exception):
    """The component returned its WIT `error` variant (never a trap)."""

    def __init__(self, case, detail):
        super().__init__(f"{case}: {plain(detail)}")
        self.case = case
        self.detail = detail


def plain(v):
    """WIT values as plain Python: records -> dicts, list<u8> stays bytes."""
    if isinstance(v, Record):
        return {k: plain(x) for k, x in v.__dict__.items()}
    if isinstance(v, Variant):
        return {"tag": v.tag, "val": plain(v.payload)}
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, tuple):
        return tuple(plain(x) for x in v)
    return v


def _record(fields):
    r = Record()
    for k, v in fields.items():
        setattr(r, k, v)
    return r


def _expiry(v):
    # option<expiry>: `none` is the cache default; expiry is never | after-ms(u64),
    # which wasmtime-py passes untagged (None = never, int = after-ms).
    if v is None:
        return Variant("none")
    return Variant("some", None if v == "never" else int(v))


def set_options(ttl=None, idle=None, stale=None, tags=()):
    """A WIT `set-options`: ttl/idle are ms, "never", or None for the default."""
    return _record({"ttl": _expiry(ttl), "idle": _expiry(idle), "stale-ms": stale, "tags": list(tags)})


class Host:
    """One component instance in its own store."""

    def __init__(self, wasm_path=DEFAULT_WASM):
        self.engine = Engine()
        self.store = Store(self.engine)
        self.store.set_wasi(WasiConfig())
        self.component = Component.from_file(self.engine, wasm_path)
        linker = Linker(self.engine)
        linker.add_wasip2()
        self.instance = linker.instantiate(self.store, self.component)
        self._iface = self.instance.get_export_index(self.store, CACHE_INTERFACE)
        self._funcs = {}

    def func(self, name):
        if name not in self._funcs:
            idx = self.instance.get_export_index(self.store, name, self._iface)
            if idx is None:
                raise KeyError(name)
            self._funcs[name] = self.instance.get_func(self.store, idx)
        return self._funcs[name]

    def call(self, name, *args):
        f = self.func(name)
        out = f(self.store, *args)
        f.post_return(self.store)
        return unwrap(out)

    def cache(self, **options):
        """A new `cache` resource; options use snake_case names of the WIT fields."""
        fields = {k: None for k in OPTION_FIELDS}
        for k, v in options.items():
            name = k.replace("_", "-")
            if name not in fields:
                raise KeyError(k)
            fields[name] = v
        return CacheClient(self, self.call("[constructor]cache", _record(fields)))


def unwrap(out):
    """Splits a WIT `result`: the ok value, or CacheError for the error variant.

    wasmtime-py returns a result untagged when its ok and err types differ in
    Python class, and as Variant('ok' | 'err', ...) when they do not."""
    if isinstance(out, Variant) and out.tag in ("ok", "err"):
        if out.tag == "err":
            raise CacheError(out.payload.tag, out.payload.payload)
        return out.payload
    if isinstance(out, Variant) and out.tag in ERROR_CASES:
        raise CacheError(out.tag, out.payload)
    return out


class CacheClient:
    """The `cache` resource: method names are the WIT names with `_` for `-`."""

    def __init__(self, host, handle: ResourceAny):
        self.host = host
        self.handle = handle

    def __getattr__(self, attr):
        wit_name = "[method]cache." + attr.replace("_", "-")

        def method(*args):
            return self.host.call(wit_name, self.handle, *args)

        return method

    def namespace(self, name):
        return CacheClient(self.host, self.host.call("[method]cache.namespace", self.handle, name))

    def drop(self):
        self.handle.drop(self.host.store)
