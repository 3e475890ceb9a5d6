#!/usr/bin/env bash
# Runs the component host examples: wasmtime (Python, memory and tiered) and jco (Node).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/build-component.sh >/dev/null
VENV=tests/component/.venv
"$VENV/bin/python" -c "import wasmtime.component" 2>/dev/null || {
  python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet "wasmtime==50.0.1"; }
printf '\n\033[1m== wasmtime (Python)\033[0m\n'
"$VENV/bin/python" examples/component/wasmtime_example.py
printf '\n\033[1m== wasmtime (Python), tiered-cache world over a dict backend\033[0m\n'
"$VENV/bin/python" examples/component/wasmtime_tiered_example.py
printf '\n\033[1m== jco (Node)\033[0m\n'
scripts/node_modules/.bin/jco transpile pkg/component/edgecache.wasm -o examples/component/out --name edgecache --quiet
ln -sfn ../../scripts/node_modules examples/component/node_modules
node examples/component/node_example.mjs
