#!/usr/bin/env bash
# The main job: set up, build, and run the examples on the embedded default (the memory tier).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

printf '\n\033[1m== Rust core tour\033[0m\n'
cargo run --quiet --release --example core_tour

# ---- examples of the npm package (added by the api branch) -------------------------
printf '\n\033[1m== npm package build (pkg/)\033[0m\n'
scripts/build.sh

printf '\n\033[1m== Example Worker (workerd via miniflare, bundled like wrangler)\033[0m\n'
node examples/worker/run.mjs

printf '\n\033[1m== Example Deno server (Deno.serve)\033[0m\n'
node examples/deno-server/run.mjs

printf '\n\033[1m== WASI component (wasmtime and jco)\033[0m\n'
scripts/build-component.sh
examples/component/run.sh
