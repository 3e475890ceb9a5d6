#!/usr/bin/env bash
# Soak run (not in the default test run): scripts/soak.sh [seconds, default 30].
# Random sets of random sizes in Node against the packed npm package; prints a
# sample of wasm memory and stats.bytes every second and a verdict.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS_TO_RUN="${1:-30}"

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
{ "name": "edgecache-soak-fixture", "private": true, "type": "module",
  "dependencies": { "edgecache": "file:../$TARBALL" } }
JSON
(cd "$FIXTURE" && npm install --no-audit --no-fund --silent --offline)

EDGECACHE_FIXTURE="$FIXTURE" SOAK_SECONDS="$SECONDS_TO_RUN" node tests/soak/soak.mjs
