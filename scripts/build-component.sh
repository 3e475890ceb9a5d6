#!/usr/bin/env bash
# Builds the WASI Preview 2 components of wit/: world `memory-cache` into
# pkg/component/edgecache.wasm (feature `component`) and world `tiered-cache`
# into pkg/component/edgecache-tiered.wasm (feature `component-tiered`; it
# imports a host backend and loader, so it is a second build). For each: cargo builds the component directly for
# wasm32-wasip2, `jco opt` runs wasm-opt -Oz over its core modules, and
# `jco wit` validates the result by printing its world. Prints sizes.
set -euo pipefail
cd "$(dirname "$0")/.."

JCO=scripts/node_modules/.bin/jco
OUT=pkg/component
# Honours CARGO_TARGET_DIR, like scripts/build.sh.
RAW="${CARGO_TARGET_DIR:-target}/wasm32-wasip2/release/edgecache.wasm"
say() { printf '\033[1m[component]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-wasip2 || [ ! -x "$JCO" ]; then
  scripts/setup.sh
fi

mkdir -p "$OUT"
# build FEATURE NAME: cargo, then `jco opt` when the cargo output changed (~10 s).
build() {
  say "cargo build --release --target wasm32-wasip2 --features $1"
  cargo build --quiet --release --target wasm32-wasip2 --features "$1"
  # Both features write the same cargo output: keep a copy per feature.
  cmp -s "$RAW" "$OUT/$2.raw.wasm" 2>/dev/null || cp "$RAW" "$OUT/$2.raw.wasm"
  if [ ! -f "$OUT/$2.wasm" ] || [ "$OUT/$2.raw.wasm" -nt "$OUT/$2.wasm" ]; then
    say "jco opt $2 (wasm-opt -Oz, debug info stripped)"
    "$JCO" opt "$OUT/$2.raw.wasm" -o "$OUT/$2.wasm.tmp" -- -Oz --strip-debug >/dev/null
    mv "$OUT/$2.wasm.tmp" "$OUT/$2.wasm"
  fi
}
build component edgecache
build component-tiered edgecache-tiered

# The WIT package beside the binary, for hosts that generate bindings from it.
rm -rf "$OUT/wit" "$OUT"/*.wit
cp -R wit "$OUT/wit"

# Validation: jco parses the whole component and prints its world.
"$JCO" wit "$OUT/edgecache.wasm" >"$OUT/world.txt"
grep -q 'export edgecache:cache/cache@0.1.0;' "$OUT/world.txt"
if grep -q 'import edgecache:cache/backend' "$OUT/world.txt"; then
  say "memory-cache must not import a backend"; exit 1
fi
"$JCO" wit "$OUT/edgecache-tiered.wasm" >"$OUT/world-tiered.txt"
grep -q 'import edgecache:cache/backend@0.1.0;' "$OUT/world-tiered.txt"
grep -q 'export edgecache:cache/tiered@0.1.0;' "$OUT/world-tiered.txt"

size() { printf '%7d bytes raw, %6d bytes gzip -9' "$(wc -c <"$1")" "$(gzip -9c "$1" | wc -c)"; }
for name in edgecache edgecache-tiered; do
  say "$name: cargo output $(size "$OUT/$name.raw.wasm")"
  say "$OUT/$name.wasm: $(size "$OUT/$name.wasm")"
done
