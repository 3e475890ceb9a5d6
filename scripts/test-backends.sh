#!/usr/bin/env bash
# The backend conformance suite (tests/backends/cases.mjs) on the real services,
# from the packed tarball: Workers KV in workerd (miniflare), Deno KV on a temp
# file under deno, Redis over HTTP (a redis-server started here behind the
# Upstash-protocol endpoint, itself checked with @upstash/redis), and the memory
# backend in Node. Exits non-zero on any failure.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/fixture.sh"
cd "$ROOT"
ensure_npm_tools
command -v redis-server >/dev/null || { echo "redis-server is missing: run scripts/setup.sh" >&2; exit 1; }
ensure_built
make_fixture

cat >"$FIXTURE/load.mjs" <<'JS'
import * as core from 'edgecache/tiered';
import * as adapters from 'edgecache/adapters';
export default { ...core, ...adapters };
JS

status=0
echo "== upstash endpoint vs @upstash/redis (real redis-server)"
node --test --test-reporter=dot tests/backends/upstash-endpoint.test.mjs || status=1
echo "== node: memory backend and redis over HTTP (real redis-server)"
node --test --test-reporter=dot tests/backends/node.test.mjs || status=1
echo "== deno: Deno KV on a temporary file, and the Cache API (caches.open)"
(cd "$FIXTURE" && "$BIN/deno" test --quiet --reporter=dot --unstable-kv --allow-read --allow-write --allow-env \
  --node-modules-dir=manual "$ROOT/tests/backends/deno.test.mjs") || status=1
echo "== workerd: Workers KV and the Cache API (caches.default) through miniflare"
node --test --test-reporter=dot tests/backends/workerd.test.mjs || status=1

if [ "$status" -ne 0 ]; then echo "test-backends: FAILED" >&2; else echo "test-backends: all backends passed"; fi
exit "$status"
