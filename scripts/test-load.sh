#!/usr/bin/env bash
# Faults and load in workerd (miniflare): builds the npm package if its sources
# changed, installs the packed tarball into a fresh fixture project, then runs
# tests/load/driver.mjs (hot keys through getOrSet; LOAD_OPS mixed operations,
# default 100 000, over a Workers KV binding injecting faults). Prints the
# figures; exits non-zero if a check fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="$ROOT/scripts/node_modules/.bin"
[ -x "$BIN/esbuild" ] && [ -d "$ROOT/scripts/node_modules/miniflare" ] || npm install --prefix "$ROOT/scripts" --no-audit --no-fund

WASM="$ROOT/pkg/edgecache_bg.wasm"
if [ ! -f "$WASM" ] || [ -n "$(find src js pkg-templates Cargo.toml Cargo.lock scripts/build.sh -newer "$WASM" -type f -print -quit)" ]; then
  scripts/build.sh
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
TARBALL="$(cd "$WORK" && npm pack "$ROOT/pkg" --silent)"
FIXTURE="$WORK/fixture"
mkdir -p "$FIXTURE"
cat >"$FIXTURE/package.json" <<JSON
{ "name": "edgecache-load-fixture", "private": true, "type": "module",
  "dependencies": { "edgecache": "file:../$TARBALL" } }
JSON
(cd "$FIXTURE" && npm install --no-audit --no-fund --silent --offline)

EDGECACHE_FIXTURE="$FIXTURE" node tests/load/driver.mjs
