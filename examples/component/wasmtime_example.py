"""Loads the edgecache component in wasmtime (Python) and uses the cache.

    scripts/build-component.sh
    python3 -m venv .venv && .venv/bin/pip install wasmtime==50.0.1
    .venv/bin/python examples/component/wasmtime_example.py
"""

import os
import time

from wasmtime import Engine, Store, WasiConfig
from wasmtime.component import Component, Linker, Record, Variant

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
engine = Engine()
store = Store(engine)
store.set_wasi(WasiConfig())
linker = Linker(engine)
linker.add_wasip2()  # the standard WASI 0.2 imports are all the component needs
instance = linker.instantiate(store, Component.from_file(engine, f"{ROOT}/pkg/component/edgecache.wasm"))
iface = instance.get_export_index(store, "edgecache:cache/cache@0.1.0")


def call(name, *args):
    f = instance.get_func(store, instance.get_export_index(store, name, iface))
    out = f(store, *args)
    f.post_return(store)
    return out


def record(**fields):
    r = Record()
    for k, v in fields.items():
        setattr(r, k.replace("_", "-"), v)
    return r


options = record(max_entries=1000, max_bytes=1 << 20, max_value_bytes=None, max_key_bytes=None,
                 max_tags_per_entry=None, default_ttl_ms=None, default_idle_ms=None,
                 policy="lru", compression_threshold=None, compression_level=None)
cache = call("[constructor]cache", options)

# option<expiry>: Variant("none") = the default, Variant("some", None) = never, Variant("some", ms).
short = record(ttl=Variant("some", 50), idle=Variant("none"), stale_ms=None, tags=["user:1"])
call("[method]cache.set", cache, "user:1:name", b"Ada", short)
print("get  ->", call("[method]cache.get", cache, "user:1:name"))
print("incr ->", call("[method]cache.incr", cache, "visits", 3))
print("bad  ->", call("[method]cache.get", cache, ""))  # the error variant, not a trap
time.sleep(0.1)
print("after the TTL ->", call("[method]cache.get", cache, "user:1:name"))
print("stats ->", call("[method]cache.stats", cache).__dict__)
