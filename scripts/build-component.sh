#!/usr/bin/env bash
# Builds the WASI Preview 2 component (world `memory-cache` of wit/) into
# pkg/component/edgecache.wasm: cargo builds the component directly for
# wasm32-wasip2, `jco opt` runs wasm-opt -Oz over its core modules, and
# `jco wit` validates the result by printing its world. Prints sizes.
set -euo pipefail
cd "$(dirname "$0")/.."

JCO=scripts/node_modules/.bin/jco
OUT=pkg/component
RAW=target/wasm32-wasip2/release/edgecache.wasm
say() { printf '\033[1m[component]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-wasip2 || [ ! -x "$JCO" ]; then
  scripts/setup.sh
fi

say "cargo build --release --target wasm32-wasip2 --features component"
cargo build --quiet --release --target wasm32-wasip2 --features component

mkdir -p "$OUT"
# Re-optimise only when the build changed: jco opt takes ~10 s.
if [ ! -f "$OUT/edgecache.wasm" ] || [ "$RAW" -nt "$OUT/edgecache.wasm" ]; then
  say "jco opt (wasm-opt -Oz, debug info stripped)"
  "$JCO" opt "$RAW" -o "$OUT/edgecache.wasm.tmp" -- -Oz --strip-debug >/dev/null
  mv "$OUT/edgecache.wasm.tmp" "$OUT/edgecache.wasm"
fi
# The WIT package beside the binary, for hosts that generate bindings from it.
rm -rf "$OUT/wit" "$OUT"/*.wit
cp -R wit "$OUT/wit"

# Validation: jco parses the whole component and prints its world.
"$JCO" wit "$OUT/edgecache.wasm" >"$OUT/world.txt"
grep -q 'export edgecache:cache/cache@0.1.0;' "$OUT/world.txt"

size() { printf '%7d bytes raw, %6d bytes gzip -9' "$(wc -c <"$1")" "$(gzip -9c "$1" | wc -c)"; }
say "cargo output:    $(size "$RAW")"
say "$OUT/edgecache.wasm: $(size "$OUT/edgecache.wasm")"
