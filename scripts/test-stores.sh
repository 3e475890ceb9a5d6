#!/usr/bin/env bash
# The store integrations, from the packed tarball: the official @keyv/test-suite
# (store and iterator suites) against edgecache/keyv, the unstorage driver
# conformance suite against edgecache/unstorage, and the cache-manager and
# cacheable examples of the README. vitest runs them from the fixture project,
# where they import 'edgecache', 'keyv', ... the way a user's code does (the dev
# tools are linked in from scripts/node_modules). Exits non-zero on any failure.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/fixture.sh"
cd "$ROOT"
ensure_npm_tools
ensure_built
make_fixture

for pkg in keyv @keyv cache-manager cacheable unstorage vitest; do
  ln -s "$ROOT/scripts/node_modules/$pkg" "$FIXTURE/node_modules/$pkg"
done
mkdir -p "$FIXTURE/stores"
cp tests/stores/*.test.mjs "$FIXTURE/stores/"

(cd "$FIXTURE" && "$BIN/vitest" run --root . --dir stores --reporter=${VITEST_REPORTER:-dot})
echo "test-stores: keyv, unstorage, cache-manager and cacheable passed"
