#!/usr/bin/env bash
# Soak run (not in the default test run): scripts/soak.sh [seconds, default 30].
# Random sets of random sizes in Node against the packed npm package; prints a
# sample of wasm memory and stats.bytes every second and a verdict.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/fixture.sh"
cd "$ROOT"
SECONDS_TO_RUN="${1:-30}"
ensure_built
make_fixture

SOAK_SECONDS="$SECONDS_TO_RUN" node tests/soak/soak.mjs
