#!/usr/bin/env bash
# The store integrations, from the packed tarball: the official @keyv/test-suite
# (store and iterator suites) against edgecache/keyv, the unstorage driver
# conformance suite against edgecache/unstorage, and the cache-manager and
# cacheable examples of the README. vitest runs them from the fixture project,
# where they import 'edgecache', 'keyv', ... the way a user's code does (the dev
# tools are linked in from scripts/node_modules). Exits non-zero on any failure.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/fixture.sh"
fresh_fixture

for pkg in keyv @keyv cache-manager cacheable unstorage vitest; do
  ln -s "$ROOT/scripts/node_modules/$pkg" "$FIXTURE/node_modules/$pkg"
done
mkdir -p "$FIXTURE/stores"
cp tests/stores/*.test.mjs "$FIXTURE/stores/"

(cd "$FIXTURE" && "$BIN/vitest" run --root . --dir stores --reporter=${VITEST_REPORTER:-dot})

# The README section's examples, as written (its blocks form one module).
node -e '
const text = require("fs").readFileSync(process.argv[1], "utf8");
const section = text.split("\n## Keyv, cache-manager, cacheable and unstorage\n")[1].split("\n## ")[0];
const blocks = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
if (blocks.length < 2) { console.error("README: the Keyv/unstorage examples are missing"); process.exit(1); }
require("fs").writeFileSync(process.argv[2], blocks.join("\n"));
' pkg-templates/README.md "$FIXTURE/readme-stores.mjs"
(cd "$FIXTURE" && node readme-stores.mjs)
echo "test-stores: keyv, unstorage, cache-manager and cacheable passed"
