"""Interoperability of L2 entries between the npm build and the `tiered-cache`
component in wasmtime (a Python dict backend): same envelope, same key layout.

- npm -> component: reads the entries tests/component/npm_interop.mjs wrote
  through the npm build (EDGECACHE_NPM_ENTRIES, set by scripts/test-component.sh
  to the fresh dump; otherwise the committed snapshot interop/npm_entries.txt).
- component -> npm: writes entries whose payloads are JS value-codec encodings
  and dumps them (EDGECACHE_COMPONENT_NPM_ENTRIES) for npm_interop.mjs to read
  through the npm build's public API.

The JS layer stores values through its codec (js/codec.js): a Uint8Array is
0x01 0x21 + its bytes, a string 0x01 0x20 + its UTF-8. The component sees and
writes those bytes as the payload.
Run: tests/component/.venv/bin/python -m unittest tests/component/wasmtime_npm_interop_test.py
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from wasmtime_tiered_host import DictBackend, Host  # noqa: E402
from wasmtime_tiered_test import read_entries  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
INTEROP = os.path.join(HERE, "interop")
NPM_ENTRIES = os.environ.get(
    "EDGECACHE_NPM_ENTRIES", os.path.join(INTEROP, "npm_entries.txt"))
NPM_SEALED = os.environ.get("EDGECACHE_NPM_SEALED_ENTRIES")
COMPONENT_SEALED_OUT = os.environ.get(
    "EDGECACHE_COMPONENT_SEALED_ENTRIES",
    os.path.join(INTEROP, "out", "component_sealed_entries.txt"))
# The keys npm_interop.mjs seals with: bytes 0..31 sign, 32..63 encrypt.
SEAL = {"signing_keys": [bytes(range(32))], "encryption_keys": [bytes(range(32, 64))]}
COMPONENT_OUT = os.environ.get(
    "EDGECACHE_COMPONENT_NPM_ENTRIES",
    os.path.join(INTEROP, "out", "component_entries_for_npm.txt"))


def js_bytes(data):
    """The JS codec's encoding of a Uint8Array holding `data`."""
    return b"\x01\x21" + data


def js_string(text):
    """The JS codec's encoding of a string."""
    return b"\x01\x20" + text.encode("utf-8")


class InteropWithTheNpmBuild(unittest.TestCase):
    def test_entries_written_by_npm_are_read_by_the_component(self):
        kv = DictBackend()
        kv.data.update(read_entries(NPM_ENTRIES))
        self.assertEqual(len(kv.data), 6)
        c = Host(kv).cache()
        self.assertEqual(c.get("plain"), js_bytes(b"hello from npm"))
        self.assertEqual(c.get("k", ns="tenant"), js_bytes(b"namespaced"))
        self.assertEqual(c.get("big"), js_bytes(b"npm-0123456789" * 300))  # compressed
        self.assertEqual(c.get("tagged"), js_bytes(b"with tags"))
        self.assertEqual(c.get("x" * 600), js_bytes(b"long key"))  # hashed key
        self.assertEqual(c.get("text"), js_string("a string from npm"))
        s = c.stats()["l2"]
        self.assertEqual((s["hits"], s["corrupt"]), (6, 0))

    def test_npm_tags_are_honoured_by_the_component(self):
        kv = DictBackend()
        kv.data.update(read_entries(NPM_ENTRIES))
        c = Host(kv).cache(tag_cache_ms=0)
        self.assertEqual(c.invalidate_tags(["t2"]), "written")
        self.assertIsNone(c.get("tagged"))
        self.assertEqual(c.get("plain"), js_bytes(b"hello from npm"))

    def test_component_entries_are_dumped_for_the_npm_reader(self):
        kv = DictBackend()
        c = Host(kv).cache()
        writes = [
            ("plain", "", js_bytes(b"hello from the component"), ()),
            ("k", "tenant", js_bytes(b"namespaced"), ()),
            ("big", "", js_bytes(b"abcdefghij" * 300), ()),
            ("tagged", "", js_bytes(b"with tags"), ("t1", "t2")),
            ("x" * 600, "", js_bytes(b"long key"), ()),
            ("text", "", js_string("a string from the component"), ()),
        ]
        for key, ns, value, tags in writes:
            self.assertEqual(c.set(key, value, ns=ns, ttl="never", tags=tags), "written")
        self.assertEqual(len(kv.data), len(writes))
        os.makedirs(os.path.dirname(COMPONENT_OUT), exist_ok=True)
        with open(COMPONENT_OUT, "w", encoding="utf-8") as f:
            f.write("# written by the tiered component for the npm build "
                    "(wasmtime_npm_interop_test.py)\n")
            for key in sorted(kv.data):
                f.write(f"{key}\t{kv.data[key].hex()}\n")


    @unittest.skipUnless(NPM_SEALED, "EDGECACHE_NPM_SEALED_ENTRIES: run by scripts/test-component.sh")
    def test_entries_npm_signed_and_encrypted_are_read_with_the_same_keys(self):
        kv = DictBackend()
        kv.data.update(read_entries(NPM_SEALED))
        self.assertEqual(len(kv.data), 2)
        c = Host(kv).cache(**SEAL)
        self.assertEqual(c.get("sealed"), js_string("signed and encrypted by npm"))
        self.assertEqual(c.get("sealed", ns="tenant"), js_string("namespaced, sealed by npm"))
        s = c.stats()["l2"]
        self.assertEqual((s["hits"], s["security"], s["corrupt"]), (2, 0, 0))
        # Without the keys nothing is served (a sealed record is not an envelope).
        stranger = Host(kv).cache()
        self.assertIsNone(stranger.get("sealed"))
        s = stranger.stats()["l2"]
        self.assertEqual(s["security"] + s["corrupt"], 1)

    def test_component_sealed_entries_are_dumped_for_the_npm_reader(self):
        kv = DictBackend()
        c = Host(kv).cache(**SEAL)
        writes = [
            ("sealed", "", js_string("signed and encrypted by the component")),
            ("sealed", "tenant", js_string("namespaced, sealed by the component")),
        ]
        for key, ns, value in writes:
            self.assertEqual(c.set(key, value, ns=ns, ttl="never"), "written")
        for stored in kv.data.values():
            self.assertNotIn(b"by the component", stored)
        self.assertEqual(c.get("sealed"), writes[0][2])
        os.makedirs(os.path.dirname(COMPONENT_SEALED_OUT), exist_ok=True)
        with open(COMPONENT_SEALED_OUT, "w", encoding="utf-8") as f:
            f.write("# signed and encrypted by the tiered component (wasmtime_npm_interop_test.py)\n")
            for key in sorted(kv.data):
                f.write(f"{key}\t{kv.data[key].hex()}\n")


if __name__ == "__main__":
    unittest.main()
