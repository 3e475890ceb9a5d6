#!/usr/bin/env bash
# The main job: set up, build, and run the examples on the embedded default (the memory tier).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

printf '\n\033[1m== Rust core tour\033[0m\n'
cargo run --quiet --release --example core_tour
