"""The `tiered-cache` component in wasmtime with a Python dict as its backend.

Two component instances on one DictBackend stand for two isolates sharing a
KV namespace. Every error must come back as a WIT error (never a trap): each
test ends by checking its instances still answer.
Run: tests/component/.venv/bin/python -m unittest tests/component/wasmtime_tiered_test.py
"""

import os
import struct
import sys
import time
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from wasmtime_tiered_host import DictBackend, Host  # noqa: E402
from wasmtime_host import CacheError  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
INTEROP = os.path.join(HERE, "interop")
# Written natively by tests/tiered_interop.rs (same envelope, same key layout).
NATIVE_ENTRIES = os.path.join(INTEROP, "native_entries.txt")
# Where this test dumps what the component wrote, for tests/tiered_interop.rs.
COMPONENT_OUT = os.environ.get(
    "EDGECACHE_COMPONENT_ENTRIES", os.path.join(INTEROP, "out", "component_entries.txt"))


def envelope(stored, declared, compressed=False):
    """An entry as src/codec/envelope.rs lays it out: no expiry, no tags."""
    body = bytes([0xEC, 0xCA, 1, 1 if compressed else 0]) + bytes(24)
    body += struct.pack("<IIH", declared, len(stored), 0) + stored
    return body + struct.pack("<I", zlib.crc32(body))


def manifest(count, total, chunk_len):
    """A version 2 chunk manifest (src/tiered/chunks.rs) with a valid CRC."""
    body = bytes([0xEC, 0xCB, 2, 0]) + struct.pack("<III", count, total, chunk_len) + bytes(32)
    return body + struct.pack("<I", zlib.crc32(body))


def read_entries(path):
    """`key<TAB>hex value` lines, `#` comments."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                key, value = line.split("\t")
                out[key] = bytes.fromhex(value)
    return out


class TieredInWasmtime(unittest.TestCase):
    def setUp(self):
        self.kv = DictBackend()
        self.a = Host(self.kv)
        self.b = Host(self.kv)

    def tearDown(self):
        # Still alive after whatever the test did: nothing trapped.
        self.kv.failures.clear()
        for host in (self.a, self.b):
            c = host.cache(prefix="health")
            self.assertEqual(c.set("alive", b"yes"), "written")
            self.assertEqual(c.get("alive"), b"yes")

    def test_write_through_is_visible_from_a_second_instance_and_backfills_it(self):
        ca, cb = self.a.cache(), self.b.cache()
        self.assertEqual(ca.set("user:1", b"ada", ttl=60_000), "written")
        self.assertIn("ec::user:1", self.kv.data)
        self.assertEqual(cb.get("user:1"), b"ada")
        self.assertEqual(cb.stats()["l2"]["hits"], 1)
        calls = self.kv.calls
        # Backfilled: the second read is served by B's own L1.
        self.assertEqual(cb.get("user:1"), b"ada")
        self.assertEqual(self.kv.calls, calls)
        self.assertEqual(cb.stats()["l1"]["hits"], 1)

    def test_namespaces_and_deletes_reach_the_shared_backend(self):
        ca, cb = self.a.cache(prefix="app"), self.b.cache(prefix="app")
        ca.set("k", b"in-ns", ns="tenant1")
        self.assertIn("app:tenant1:k", self.kv.data)
        self.assertIsNone(cb.get("k"))
        self.assertEqual(cb.get("k", ns="tenant1"), b"in-ns")
        self.assertEqual(ca.delete("k", ns="tenant1"), "written")
        self.assertNotIn("app:tenant1:k", self.kv.data)

    def test_tags_invalidate_across_instances(self):
        ca, cb = self.a.cache(tag_cache_ms=0), self.b.cache(tag_cache_ms=0)
        ca.set("p:1", b"one", tags=["products"])
        ca.set("u:1", b"user", tags=["users"])
        self.assertEqual(cb.get("p:1"), b"one")  # now in B's L1 too
        self.assertEqual(ca.invalidate_tags(["products"]), "written")
        self.assertIsNone(cb.get("p:1"))
        self.assertIsNone(ca.get("p:1"))
        self.assertEqual(cb.get("u:1"), b"user")

    def test_corrupt_bytes_in_the_backend_are_a_counted_miss(self):
        c = self.a.cache()
        for key, junk in [("ec::bad", b"garbage"), ("ec::empty", b""),
                          ("ec::magic", bytes([0xEC, 0xCA, 99]) + b"\x00" * 40),
                          ("ec::manifest", bytes([0xEC, 0xCB, 1, 0]) + b"\xff" * 44)]:
            self.kv.data[key] = junk
        for key in ("bad", "empty", "magic", "manifest"):
            self.assertIsNone(c.get(key), key)
        self.assertEqual(c.stats()["l2"]["corrupt"], 4)
        c.set("bad", b"repaired")
        self.assertEqual(self.b.cache().get("bad"), b"repaired")

    def test_forged_entries_are_a_counted_miss_not_a_trap(self):
        # Issue 11: a 25 KB entry deflating to 25 MiB used to exhaust the
        # host's hostcall fuel on `get` and leave the instance unusable.
        bomb = zlib.compress(bytes(25 << 20))
        self.assertLess(len(bomb), 64 << 10)
        self.kv.data["ec::bomb"] = envelope(bomb, 25 << 20, compressed=True)
        self.kv.data["ec::liar"] = envelope(bomb, 1 << 20, compressed=True)
        # Larger than any value the cache stores: the host refuses it uncopied.
        self.kv.data["ec::huge"] = bytes(40 << 20)
        # A chunk manifest naming 512 chunks of 4 MiB: no chunk is fetched.
        self.kv.data["ec::forged"] = manifest(512, 512 * (4 << 20) - 1, 4 << 20)
        c = self.a.cache()
        calls = self.kv.calls
        for key in ("bomb", "liar", "huge", "forged"):
            self.assertIsNone(c.get(key), key)
        self.assertEqual(self.kv.calls - calls, 4, "one read each, no chunk")
        l2 = c.stats()["l2"]
        self.assertEqual((l2["corrupt"], l2["errors"]), (3, 1))
        # A value of the largest accepted size still reads back in another instance.
        big = bytes(range(256)) * (2 << 12)
        self.assertEqual(c.set("big", big), "written")
        self.assertEqual(self.b.cache().get("big"), big)

    def test_transient_failures_are_retried(self):
        ca = self.a.cache(retries=2)
        ca.set("k", b"v")
        cb = self.b.cache(retries=2)
        self.kv.fail_next(2, "transient")
        self.assertEqual(cb.get("k"), b"v")
        s = cb.stats()["l2"]
        self.assertEqual((s["retries"], s["errors"]), (2, 2))

    def test_permanent_failures_and_timeouts_are_not_retried_but_counted(self):
        c = self.a.cache(retries=2)
        self.kv.fail_next(1, "permanent")
        self.assertEqual(c.set("k", b"v"), ("failed", "backend-error"))
        self.kv.fail_next(1, "timeout", 250)
        self.assertEqual(c.set("k2", b"v"), ("failed", "backend-timeout"))
        s = c.stats()["l2"]
        self.assertEqual((s["errors"], s["timeouts"], s["retries"]), (2, 1, 0))
        # L1 took both writes anyway.
        self.assertEqual((c.get("k"), c.get("k2")), (b"v", b"v"))

    def test_consecutive_failures_open_the_breaker_and_l1_keeps_serving(self):
        c = self.a.cache(retries=0, breaker_threshold=3, breaker_cooldown_ms=60_000)
        c.set("warm", b"from-l1")
        self.kv.fail_next(100, "transient")
        for i in range(3):
            self.assertIsNone(c.get(f"cold{i}"))
        self.assertEqual(c.stats()["breaker"][0], "open")
        calls = self.kv.calls
        self.assertEqual(c.get("warm"), b"from-l1")
        self.assertEqual(c.set("new", b"l1-only"), "skipped")
        self.assertEqual(c.get("new"), b"l1-only")
        self.assertEqual(self.kv.calls, calls, "no backend call while open")
        self.assertGreaterEqual(c.stats()["l2"]["rejected"], 1)

    def test_ttl_hints_are_clamped_to_the_backend_minimum(self):
        kv = DictBackend(min_ttl_ms=60_000)
        c = Host(kv).cache()
        c.set("short", b"v", ttl=1_000)
        c.set("long", b"v", ttl=120_000)
        c.set("forever", b"v", ttl="never")
        self.assertEqual(kv.ttl_hints["ec::short"], 60_000)
        self.assertEqual(kv.ttl_hints["ec::long"], 120_000)
        self.assertIsNone(kv.ttl_hints["ec::forever"])

    def test_long_keys_are_hashed_to_fit_the_backend(self):
        kv = DictBackend(max_key_bytes=64)
        c = Host(kv).cache()
        key = "k" * 200
        c.set(key, b"v")
        (stored,) = kv.data.keys()
        self.assertLessEqual(len(stored.encode()), 64)
        self.assertEqual(Host(kv).cache().get(key), b"v")

    def test_get_or_set_loads_on_a_miss_and_then_serves_the_cache(self):
        self.a.loader = lambda ns, key: f"loaded {ns}/{key}".encode()
        c = self.a.cache()
        self.assertEqual(c.get_or_set("k", ns="n", ttl=60_000),
                         (b"loaded n/k", "loaded", None))
        self.assertEqual(c.get_or_set("k", ns="n", ttl=60_000),
                         (b"loaded n/k", "cache", None))
        self.assertEqual(self.a.loads, [("n", "k")])
        # Stored through to L2: another instance needs no loader.
        self.assertEqual(self.b.cache().get_or_set("k", ns="n"), (b"loaded n/k", "cache", None))
        self.assertEqual(self.b.loads, [])

    def test_get_or_set_serves_stale_when_the_loader_fails(self):
        c = self.a.cache()
        c.set("k", b"old", ttl=1, stale=600_000)
        time.sleep(0.01)  # past the 1 ms TTL, well inside the stale window
        self.assertEqual(c.lookup("k"), (b"old", "stale"))
        self.a.loader = lambda ns, key: "origin down"
        # Bounded by this call's window (stale-ms), like the npm build's staleIfError.
        with self.assertRaises(CacheError):
            c.get_or_set("k", ttl=60_000)
        self.assertEqual(c.get_or_set("k", ttl=60_000, stale=600_000), (b"old", "stale", "origin down"))
        with self.assertRaises(CacheError) as caught:
            c.get_or_set("missing")
        self.assertEqual((caught.exception.case, caught.exception.detail), ("loader", "origin down"))
        self.a.loader = lambda ns, key: b"new"
        self.assertEqual(c.get_or_set("k", ttl=60_000), (b"new", "loaded", None))

    def test_bad_input_is_a_wit_error_not_a_trap(self):
        c = self.a.cache(max_key_bytes=16, max_value_bytes=8)
        for call, case in [
            (lambda: c.get(""), "invalid-key"),
            (lambda: c.set("k" * 17, b"v"), "invalid-key"),
            (lambda: c.set("k", b"x" * 9), "value-too-large"),
            (lambda: c.set("k", b"v", ttl=0), "invalid-ttl"),
            (lambda: c.get("k", ns="tag"), "invalid-key"),  # a reserved namespace
            (lambda: c.get_or_set(""), "invalid-key"),
        ]:
            with self.assertRaises(CacheError) as caught:
                call()
            self.assertEqual(caught.exception.case, case)
        with self.assertRaises(CacheError) as caught:
            self.a.cache(prefix="a:b")
        self.assertEqual(caught.exception.case, "invalid-option")
        with self.assertRaises(CacheError) as caught:
            Host(DictBackend(max_key_bytes=8)).cache()
        self.assertEqual(caught.exception.case, "invalid-option")


class InteropWithTheNativeCore(unittest.TestCase):
    """Entries written by the Rust core natively are read by the component, and
    the component's entries are dumped for tests/tiered_interop.rs to read."""

    def test_entries_written_natively_are_read_by_the_component(self):
        kv = DictBackend()
        kv.data.update(read_entries(NATIVE_ENTRIES))
        c = Host(kv).cache()
        self.assertEqual(c.get("plain"), b"hello from native")
        self.assertEqual(c.get("k", ns="tenant"), b"namespaced")
        self.assertEqual(c.get("big"), b"0123456789" * 300)  # compressed in the envelope
        self.assertEqual(c.get("tagged"), b"with tags")
        self.assertEqual(c.get("x" * 600), b"long key")  # hashed key
        self.assertEqual(c.stats()["l2"]["corrupt"], 0)

    def test_component_entries_are_dumped_for_the_native_reader(self):
        kv = DictBackend()
        c = Host(kv).cache()
        c.set("plain", b"hello from the component", ttl="never")
        c.set("k", b"namespaced", ns="tenant", ttl="never")
        c.set("big", b"abcdefghij" * 300, ttl="never")
        c.set("tagged", b"with tags", ttl="never", tags=["t1", "t2"])
        c.set("x" * 600, b"long key", ttl="never")
        os.makedirs(os.path.dirname(COMPONENT_OUT), exist_ok=True)
        with open(COMPONENT_OUT, "w", encoding="utf-8") as f:
            f.write("# written by the tiered component (wasmtime_tiered_test.py)\n")
            for key in sorted(kv.data):
                f.write(f"{key}\t{kv.data[key].hex()}\n")
        self.assertEqual(len(kv.data), 5)


if __name__ == "__main__":
    unittest.main()
