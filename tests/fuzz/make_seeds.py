#!/usr/bin/env python3
"""Writes the hand-made seeds under tests/fuzz/corpus/ (run from anywhere).

The seeds that matter and that a fuzzer would take long to find on its own:
decompression bombs (zlib of long zero runs, a few KB that inflate to MBs),
valid envelopes (plain, tagged, compressed) and glob/TTL edge cases. The
structured targets (keys, memory_ops, tiered_corrupt_l2) get minimised
corpora from real runs instead.
"""
import os
import struct
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(target, name, data):
    os.makedirs(os.path.join(ROOT, target), exist_ok=True)
    with open(os.path.join(ROOT, target, name), "wb") as f:
        f.write(data)


def limit(n):
    return struct.pack("<I", n)[:3]


# decompress: 3-byte little-endian limit, then the stream.
for mib in (1, 4):
    bomb = zlib.compress(bytes(mib << 20), 9)
    put("decompress", f"bomb_{mib}mib_zeros_limit_1k", limit(1024) + bomb)
    put("decompress", f"bomb_{mib}mib_zeros_limit_max", limit(0xFFFFFF) + bomb)
# The target masks the limit to 16 bits, so the exact-limit seeds stay below 64 KiB.
exact = zlib.compress(bytes(32768), 9)
put("decompress", "zeros_32k_limit_exact", limit(32768) + exact)
put("decompress", "zeros_32k_limit_one_short", limit(32767) + exact)
put("decompress", "hello", limit(100) + zlib.compress(b"hello hello hello", 1))
put("decompress", "stored_block", limit(100) + zlib.compress(b"abc", 0))
put("decompress", "truncated", limit(100) + zlib.compress(b"hello" * 20)[:-3])


def envelope(flags, created, expires, stale, tags, stored, payload_len=None):
    body = bytes([0xEC, 0xCA, 1, flags])
    body += struct.pack("<QQQ", created, expires, stale)
    body += struct.pack("<II", len(stored) if payload_len is None else payload_len, len(stored))
    body += struct.pack("<H", len(tags))
    for name, gen in tags:
        body += struct.pack("<H", len(name)) + name + struct.pack("<Q", gen)
    body += stored
    return body + struct.pack("<I", zlib.crc32(body))


T = 1_700_000_000_000
put("envelope_decode", "worked_example",
    envelope(0x06, T, T + 60_000, T + 120_000, [(b"user:42", 7)], b"hello"))
put("envelope_decode", "minimal", envelope(0, 0, 0, 0, [], b""))
put("envelope_decode", "tags", envelope(0x02, T, T + 1, 0, [(b"", 0), (b"a", 1), (b"a", 2)], b"x" * 40))
payload = b"0123456789abcdef" * 64
put("envelope_decode", "compressed",
    envelope(0x03, T, T + 5, 0, [], zlib.compress(payload, 3), payload_len=len(payload)))
put("envelope_decode", "compressed_bomb",
    envelope(0x01, T, 0, 0, [], zlib.compress(bytes(1 << 20), 9), payload_len=1 << 20))
put("envelope_decode", "newer_version", bytes([0xEC, 0xCA, 2]) + bytes(40))

# glob: pattern, 0x00, text.
for i, (p, t) in enumerate([
    ("user:*", "user:42"), ("a*a*a*a*a*a*a*b", "a" * 60), ("[]a-]x", "]x"), ("[^\\]]?", "xé"),
    ("h[a-b]llo\\*", "hbllo*"), ("[c-a]*[!x]", "b--y"), ("*?*?*", "ab"), ("[", ""), ("ab\\", "ab"),
]):
    put("glob", f"seed{i}", p.encode() + b"\0" + t.encode())

# glob_steps: pattern, 0x00, a seed repeated into a ~1 KiB text (issue #11's patterns).
for i, (p, t) in enumerate([
    ("*" + "a" * 510 + "b*", "a"), ("*a" * 400 + "b", "a"), ("*" + "?" * 900 + "b", "xy"),
    ("*" + "[^b]" * 200 + "b*", "a"), ("*" + "é" * 400 + "ß*", "é"),
]):
    put("glob_steps", f"seed{i}", p.encode() + b"\0" + t.encode())

# ttl: 8 bytes of f64, then a duration string.
for i, (ms, s) in enumerate([
    (0.5, "1h30m"), (315360000000.0, "520w"), (-0.0, " 2 d "), (float("nan"), "0.0000001ms"),
    (1e300, "1.5h 30s 250ms"), (315359999999.5, "99999999999999999999999999999999s"),
]):
    put("ttl", f"seed{i}", struct.pack("<d", ms) + s.encode())
