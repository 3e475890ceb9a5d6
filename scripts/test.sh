#!/usr/bin/env bash
# Runs every test: formatting and lints, the Rust core's unit, integration and
# property tests, then the JS tests. Sets up missing tools first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/stages.sh
TREE_BEFORE="$(tree_state)"

scripts/setup.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (native, all targets)"
cargo clippy --all-targets -- -D warnings

step "cargo clippy (wasm32, features js (as the npm build: no l1-deflate), js-tiered and js-semantic with SIMD; wasm32-wasip2, feature component)"
cargo clippy --target wasm32-unknown-unknown --features js -- -D warnings
cargo clippy --target wasm32-unknown-unknown --no-default-features --features js -- -D warnings
cargo clippy --target wasm32-unknown-unknown --features js-tiered -- -D warnings
# The semantic build's SIMD kernels exist only with simd128 (as scripts/build.sh builds it).
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128" \
  cargo clippy --target wasm32-unknown-unknown --features js-semantic -- -D warnings
cargo clippy --target wasm32-wasip2 --features component-tiered -- -D warnings
cargo clippy --target wasm32-wasip2 --features component-keyvalue -- -D warnings

step "cargo clippy (native, all targets, with the binding features: their unit tests too)"
cargo clippy --all-targets --features js-tiered,js-semantic,component-tiered -- -D warnings

step "cargo test (core)"
cargo test

step "cargo test (the bindings' own unit tests, natively: conversions, packing, key input)"
cargo test --lib --features js-tiered,component-tiered bindings::
cargo test --lib --features component-keyvalue bindings::component_keyvalue

step "JS unit tests (node --test)"
node --test tests/js/

stage scripts/test-js.sh "npm package in Node, Deno and workerd"
stage scripts/test-docs.sh "docs are code: every README block in its host, bundlers, the newcomer path"
stage scripts/test-backends.sh "tiered caching over real services: Workers KV (miniflare), Deno KV, Redis over HTTP"
stage scripts/test-stores.sh "store integrations: @keyv/test-suite, unstorage driver conformance, cache-manager, cacheable"
stage scripts/test-component.sh "WASI component in wasmtime, Node (jco) and Deno"

# Setup and tests write only ignored or temporary files: a tracked file they
# change (scripts/package-lock.json rewritten by npm, say) fails the run.
step "the tree is as it was before testing (git status)"
if [ "$(tree_state)" != "$TREE_BEFORE" ]; then
  echo "test.sh: running the tests changed the tree:" >&2
  git status --short >&2
  exit 1
fi

step "all tests passed"
