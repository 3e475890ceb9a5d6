#!/usr/bin/env bash
# Faults and load in workerd (miniflare): builds the npm package if its sources
# changed, installs the packed tarball into a fresh fixture project, then runs
# tests/load/driver.mjs (hot keys through getOrSet; LOAD_OPS mixed operations,
# default 100 000, over a Workers KV binding injecting faults). Prints the
# figures; exits non-zero if a check fails.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/fixture.sh"
fresh_fixture

node tests/load/driver.mjs
