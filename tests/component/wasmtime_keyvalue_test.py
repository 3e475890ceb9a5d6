"""The `tiered-keyvalue` component in wasmtime, with wasi:keyvalue 0.2.0-draft
(store with its `bucket` resource, atomics, batch) implemented here in Python
over dicts: two instances over one bucket stand for two isolates.

Run: tests/component/.venv/bin/python -m unittest tests/component/wasmtime_keyvalue_test.py
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from wasmtime import Engine, Store, WasiConfig  # noqa: E402
from wasmtime.component import (  # noqa: E402
    Component, Linker, Record, ResourceHost, ResourceType, Variant)

import wasmtime_tiered_host  # noqa: E402,F401  (tags every WIT result, both ways)
from wasmtime_tiered_host import ROOT, Host, ok  # noqa: E402

KEYVALUE_WASM = os.path.join(ROOT, "pkg", "component", "edgecache-keyvalue.wasm")
STORE = "wasi:keyvalue/store@0.2.0-draft"
ATOMICS = "wasi:keyvalue/atomics@0.2.0-draft"
BATCH = "wasi:keyvalue/batch@0.2.0-draft"
BUCKET_TYPE = 7  # our host resource type id for `bucket`


def kv_error(tag, message=None):
    return Variant("err", Variant(tag, message) if tag == "other" else Variant(tag))


class Buckets:
    """The host's buckets: identifier -> dict of str -> bytes; every call is recorded."""

    def __init__(self):
        self.data = {"": {}}
        self.handles = {}  # rep -> identifier
        self.calls = []
        self.opened = []
        self.page_size = 2

    def _bucket(self, store, handle):
        rep = handle.rep if isinstance(handle, ResourceHost) else handle.to_host(store).rep
        return self.data[self.handles[rep]]

    def link(self, linker):
        # A linker is locked while an instance handle is open: one `with` per level.
        with linker.root() as root:
            with root.add_instance(STORE) as kv:
                self._link_store(kv)
            with root.add_instance(ATOMICS) as atomics:
                atomics.add_func("increment", self._call("increment", self._increment))
            with root.add_instance(BATCH) as bt:
                bt.add_func("get-many", self._call(
                    "get-many", lambda b, ks: ok([(k, b[k]) if k in b else None for k in ks])))
                bt.add_func("set-many", self._call(
                    "set-many", lambda b, kvs: ok([b.__setitem__(k, bytes(v)) for k, v in kvs] and None)))
                bt.add_func("delete-many", self._call(
                    "delete-many", lambda b, ks: ok([b.pop(k, None) for k in ks] and None)))

    def _call(self, name, f):
        def call(store, handle, *args):
            self.calls.append(name)
            return f(self._bucket(store, handle), *args)
        return call

    @staticmethod
    def _increment(b, k, delta):
        n = int(b.get(k, b"0")) + delta
        b[k] = str(n).encode()
        return ok(n)

    def _link_store(self, kv):
        kv.add_resource("bucket", ResourceType.host(BUCKET_TYPE), lambda _store, rep: self.handles.pop(rep, None))

        def open_(_store, identifier):
            self.opened.append(identifier)
            if identifier not in self.data:
                return kv_error("no-such-store")
            rep = len(self.handles) + 1000 + len(self.opened)
            self.handles[rep] = identifier
            return ok(ResourceHost.own(rep, BUCKET_TYPE))

        def method(name, f):
            kv.add_func(f"[method]bucket.{name}", self._call(name, f))

        def list_keys(b, cursor):
            keys = sorted(b)
            start = cursor or 0
            end = start + self.page_size
            page = Record()
            setattr(page, "keys", keys[start:end])
            setattr(page, "cursor", end if end < len(keys) else None)
            return ok(page)

        kv.add_func("open", open_)
        method("get", lambda b, k: ok(b.get(k)))
        method("set", lambda b, k, v: ok(b.__setitem__(k, bytes(v))))
        method("delete", lambda b, k: ok(b.pop(k, None) and None))
        method("exists", lambda b, k: ok(k in b))
        method("list-keys", list_keys)


class KeyvalueHost(Host):
    """One instance of the keyvalue world; `env` reaches it through wasi:cli/environment."""

    def __init__(self, buckets, env=()):
        self.backend = buckets
        self.loads = []
        self.loader = lambda ns, key: None
        self.engine = Engine()
        self.store = Store(self.engine)
        wasi = WasiConfig()
        wasi.env = list(env)
        self.store.set_wasi(wasi)
        component = Component.from_file(self.engine, KEYVALUE_WASM)
        linker = Linker(self.engine)
        linker.add_wasip2()
        buckets.link(linker)
        with linker.root() as root:
            with root.add_instance("edgecache:cache/loader@0.1.0") as loader:
                loader.add_func("load", self._load)
        self.instance = linker.instantiate(self.store, component)
        self._iface = self.instance.get_export_index(self.store, "edgecache:cache/tiered@0.1.0")
        self._funcs = {}


# The JS value codec's encoding of a string: what the npm build reads as that string.
def npm_string(s):
    return b"\x01\x20" + s.encode()


class KeyvalueInWasmtime(unittest.TestCase):
    def test_two_instances_share_one_bucket(self):
        kv = Buckets()
        a = KeyvalueHost(kv).cache(prefix="kv", tag_cache_ms=0)
        b = KeyvalueHost(kv).cache(prefix="kv", tag_cache_ms=0)
        self.assertEqual(kv.opened, ["", ""], 'the default bucket ("") without EDGECACHE_KV_BUCKET')
        self.assertEqual(a.set("user:1", npm_string("Ada"), ttl="never"), "written")
        self.assertIn(b"Ada", kv.data[""]["kv::user:1"], "the envelope holds the value")
        self.assertEqual(bytes(b.get("user:1")), npm_string("Ada"))
        self.assertEqual(b.stats()["l2"]["hits"], 1)
        a.set("p", npm_string("one"), tags=["product"], ttl="never")
        self.assertEqual(bytes(b.get("p")), npm_string("one"))
        kv.calls.clear()
        self.assertEqual(a.invalidate_tags(["product", "other"]), "written")
        self.assertIn("get-many", kv.calls)
        self.assertIn("set-many", kv.calls)
        self.assertIsNone(b.get("p"), "the new generation reached the other instance")
        self.assertEqual(a.delete("user:1"), "written")
        self.assertNotIn("kv::user:1", kv.data[""])

    def test_named_and_missing_buckets(self):
        kv = Buckets()
        kv.data["named"] = {}
        c = KeyvalueHost(kv, env=[("EDGECACHE_KV_BUCKET", "named")]).cache(prefix="kv")
        c.set("k", npm_string("v"), ttl="never")
        self.assertIn("kv::k", kv.data["named"])
        missing = KeyvalueHost(kv, env=[("EDGECACHE_KV_BUCKET", "missing")]).cache(prefix="kv", retries=0)
        self.assertEqual(missing.set("k", npm_string("v"), ttl="never")[0], "failed")
        self.assertEqual(bytes(missing.get("k")), npm_string("v"), "L1 keeps serving")
        self.assertGreaterEqual(missing.stats()["l2"]["errors"], 1)


if __name__ == "__main__":
    unittest.main()
