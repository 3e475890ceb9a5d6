#!/usr/bin/env bash
# Proves the WASI components in real hosts. memory-cache: the same scenarios
# (tests/component/scenarios.json) in wasmtime (the `wasmtime` PyPI wheel, in a
# venv under tests/component/.venv), then jco-transpiled in Node and Deno.
# tiered-cache: wasmtime with a Python dict backend (wasmtime_tiered_test.py),
# then tests/tiered_interop.rs reads the entries that run wrote; then the npm
# build (pkg/, built by scripts/build.sh if stale) and the component read each
# other's entries (npm_interop.mjs, wasmtime_npm_interop_test.py); then the
# same component jco-transpiled with --instantiation (two instances over one JS
# Map backend, jco_tiered.test.mjs) in Node and Deno; the tiered-keyvalue world
# (wasi:keyvalue as L2) jco-transpiled over a JS wasi:keyvalue bucket, with npm
# interop (jco_keyvalue.test.mjs), in Node and Deno.
# Idempotent; seconds when everything is already built and installed.
set -euo pipefail
cd "$(dirname "$0")/.."

T=tests/component
WASMTIME_PY_VERSION=50.0.1
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

scripts/build-component.sh

step "wasmtime $WASMTIME_PY_VERSION (Python) host"
if ! "$T/.venv/bin/python" -c "import wasmtime.component" 2>/dev/null; then
  python3 -m venv "$T/.venv"
  "$T/.venv/bin/pip" install --quiet --disable-pip-version-check "wasmtime==$WASMTIME_PY_VERSION"
fi
"$T/.venv/bin/python" -m unittest "$T/wasmtime_host_test.py"

step "tiered-cache world in wasmtime: a Python dict backend, two instances, faults, loader"
export EDGECACHE_COMPONENT_ENTRIES="$PWD/$T/interop/out/component_entries.txt"
"$T/.venv/bin/python" -m unittest "$T/wasmtime_tiered_test.py"

step "tiered-keyvalue world in wasmtime: wasi:keyvalue (store, atomics, batch) in Python, two instances"
"$T/.venv/bin/python" -m unittest "$T/wasmtime_keyvalue_test.py"

step "interop: the native core reads what the component just wrote (and the fixture it read)"
cargo test --quiet --test tiered_interop

step "interop with the npm build: npm -> component, component -> npm"
# pkg/ only when missing or older than its sources (as scripts/test-js.sh).
if [ ! -f pkg/edgecache_bg.wasm ] || [ -n "$(find src js pkg-templates Cargo.toml Cargo.lock scripts/build.sh \
    -newer pkg/edgecache_bg.wasm -type f -print -quit)" ]; then
  scripts/build.sh
fi
export EDGECACHE_NPM_ENTRIES="$PWD/$T/interop/out/npm_entries.txt"
export EDGECACHE_COMPONENT_NPM_ENTRIES="$PWD/$T/interop/out/component_entries_for_npm.txt"
export EDGECACHE_NPM_SEALED_ENTRIES="$PWD/$T/interop/out/npm_sealed_entries.txt"
export EDGECACHE_COMPONENT_SEALED_ENTRIES="$PWD/$T/interop/out/component_sealed_entries.txt"
node "$T/npm_interop.mjs" write "$EDGECACHE_NPM_ENTRIES"
node "$T/npm_interop.mjs" write-sealed "$EDGECACHE_NPM_SEALED_ENTRIES"
"$T/.venv/bin/python" -m unittest "$T/wasmtime_npm_interop_test.py"
node "$T/npm_interop.mjs" read "$EDGECACHE_COMPONENT_NPM_ENTRIES" "$EDGECACHE_COMPONENT_ENTRIES"
node "$T/npm_interop.mjs" read-sealed "$EDGECACHE_COMPONENT_SEALED_ENTRIES"

step "jco transpile, then Node (node --test): memory-cache scenarios, tiered-cache with a JS Map backend"
ln -sfn ../../scripts/node_modules "$T/node_modules"
if [ ! -f "$T/jco-out/edgecache.js" ] || [ pkg/component/edgecache.wasm -nt "$T/jco-out/edgecache.js" ]; then
  scripts/node_modules/.bin/jco transpile pkg/component/edgecache.wasm -o "$T/jco-out" --name edgecache --quiet
fi
# --instantiation: the output exports instantiate(getCoreModule, imports), so
# each call is a new instance over the JS backend and loader it is given.
if [ ! -f "$T/jco-tiered-out/edgecache-tiered.js" ] \
    || [ pkg/component/edgecache-tiered.wasm -nt "$T/jco-tiered-out/edgecache-tiered.js" ]; then
  scripts/node_modules/.bin/jco transpile pkg/component/edgecache-tiered.wasm -o "$T/jco-tiered-out" \
    --name edgecache-tiered --instantiation async --quiet
fi
if [ ! -f "$T/jco-keyvalue-out/edgecache-keyvalue.js" ] \
    || [ pkg/component/edgecache-keyvalue.wasm -nt "$T/jco-keyvalue-out/edgecache-keyvalue.js" ]; then
  scripts/node_modules/.bin/jco transpile pkg/component/edgecache-keyvalue.wasm -o "$T/jco-keyvalue-out" \
    --name edgecache-keyvalue --instantiation async --quiet
fi
node --test "$T/"

step "the same transpiled components in Deno"
(cd "$T" && ../../scripts/node_modules/.bin/deno test -A --no-check --no-lock --node-modules-dir=manual \
  jco_host.test.mjs jco_tiered.test.mjs jco_keyvalue.test.mjs)

# Docs are code: the README's component examples run too (wasmtime and jco).
step "the component examples (examples/component/run.sh)"
examples/component/run.sh
