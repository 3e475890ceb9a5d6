#!/usr/bin/env bash
# Builds the npm package (unless pkg/ is newer than its sources), packs it,
# installs the tarball into a fresh fixture project, and runs the one
# conformance suite in Node, Deno and workerd. Exits non-zero on any failure.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/fixture.sh"
fresh_fixture

# What a user writes: bare imports, resolved through the exports map. The
# suites get the default entry, with the tiered one as `lib.tiered` and the
# semantic one as `lib.semantic`.
cat >"$FIXTURE/load.mjs" <<'JS'
import * as lib from 'edgecache';
import * as tiered from 'edgecache/tiered';
import * as semantic from 'edgecache/semantic';
export default { ...lib, tiered, semantic };
JS

# ---- the three hosts ------------------------------------------------------------
status=0
echo "== node"
node --test --test-reporter=dot tests/hosts/node.test.mjs || status=1
echo "== deno"
(cd "$FIXTURE" && "$BIN/deno" test --quiet --reporter=dot --allow-read --allow-env --node-modules-dir=manual \
  "$ROOT/tests/hosts/deno.test.mjs" "$ROOT/tests/hosts/decorators.test.ts") || status=1
echo "== workerd"
node --test --test-reporter=dot tests/hosts/workerd.test.mjs || status=1
node --test --test-reporter=dot tests/hosts/request-scope.workerd.test.mjs || status=1
echo "== semantic README example (workerd)"
node --test --test-reporter=dot tests/semantic/readme.test.mjs || status=1
echo "== types (tsc --noEmit against the installed package's index.d.ts)"
cp tests/types/usage.ts tests/types/reach.ts tests/types/semantic-usage.ts tests/types/tsconfig.json tests/types/tsconfig.bundler.json "$FIXTURE/"
# moduleResolution nodenext (Node, Deno-style) and bundler (Vite, esbuild, wrangler projects).
(cd "$FIXTURE" && "$BIN/tsc" -p tsconfig.json && "$BIN/tsc" -p tsconfig.bundler.json) || status=1

if [ "$status" -ne 0 ]; then echo "test-js: FAILED" >&2; else echo "test-js: all three hosts passed"; fi
exit "$status"
