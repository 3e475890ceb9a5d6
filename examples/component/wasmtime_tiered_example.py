"""The tiered component in wasmtime (Python): a dict is the shared L2 of two
component instances ("isolates"), and a Python function is the origin.

    scripts/build-component.sh        # builds pkg/component/edgecache-tiered.wasm
    tests/component/.venv/bin/python examples/component/wasmtime_tiered_example.py

The host glue (the `edgecache:cache/backend` and `loader` imports bound with
`linker.root().add_instance(...).add_func(...)`) is tests/component/wasmtime_tiered_host.py.
"""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "component"))

from wasmtime_tiered_host import DictBackend, Host  # noqa: E402

kv = DictBackend(min_ttl_ms=60_000)  # like Workers KV: TTL hints of at least 60 s
first, second = Host(kv), Host(kv)  # two instances, one backend


def origin(ns, key):
    print(f"  origin: loading {ns}/{key}")
    return f"profile of {key}".encode()


first.loader = origin
a = first.cache(prefix="demo", retries=1, breaker_threshold=3)
# tag-cache-ms 0: check tag generations in L2 on every read (default: trust them 1 s).
b = second.cache(prefix="demo", tag_cache_ms=0)

print("get-or-set on a miss runs the loader and writes through:")
print("  ", a.get_or_set("user:42", ttl=5_000, stale=60_000, tags=["users"]))
print("  backend keys:", sorted(kv.data), "TTL hint:", kv.ttl_hints["demo::user:42"])

print("the second instance reads it from the backend, no loader:")
print("  ", b.get_or_set("user:42"))

print("invalidate the tag in one instance, the other misses:")
a.invalidate_tags(["users"])
print("  ", b.get("user:42"))

print("backend down: the breaker opens, L1 keeps serving")
a.set("config", b"v1", ttl=60_000)
kv.fail_next(100, "transient")
for i in range(3):
    a.get(f"cold:{i}")
print("  ", a.get("config"), a.stats()["breaker"], a.stats()["l2"]["errors"], "errors")
