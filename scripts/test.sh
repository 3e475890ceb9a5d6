#!/usr/bin/env bash
# Runs every test: formatting and lints, the Rust core's unit, integration and
# property tests, then the JS tests. Sets up missing tools first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (native, all targets)"
cargo clippy --all-targets -- -D warnings

step "cargo clippy (wasm32, features js (as the npm build: no l1-deflate) and js-tiered; wasm32-wasip2, feature component)"
cargo clippy --target wasm32-unknown-unknown --features js -- -D warnings
cargo clippy --target wasm32-unknown-unknown --no-default-features --features js -- -D warnings
cargo clippy --target wasm32-unknown-unknown --features js-tiered -- -D warnings
cargo clippy --target wasm32-wasip2 --features component-tiered -- -D warnings

step "cargo test (core)"
cargo test

step "JS unit tests (node --test)"
node --test tests/js/

if [ -x scripts/test-js.sh ]; then
  step "npm package in Node, Deno and workerd"
  scripts/test-js.sh
fi

if [ -x scripts/test-backends.sh ]; then
  step "tiered caching over real services: Workers KV (miniflare), Deno KV, Redis over HTTP"
  scripts/test-backends.sh
fi

if [ -x scripts/test-component.sh ]; then
  step "WASI component in wasmtime, Node (jco) and Deno"
  scripts/test-component.sh
fi

step "all tests passed"
