#!/usr/bin/env bash
# Docs are code: packs the npm package, installs the tarball into a fresh
# project and runs every code block of README.md and pkg-templates/README.md in
# its host (tests/docs/docs.test.mjs), the README's bundler commands with their
# bundles run (tests/docs/bundles.test.mjs), deno check of the installed package
# (tests/docs/deno-check.test.mjs), the examples of examples/, then the newcomer path
# (tests/docs/newcomer.mjs): the package README's Worker, Deno and Node examples
# copied into a new app as a first-time user would. Exits non-zero on any failure.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib/fixture.sh"
fresh_fixture

status=0
echo "== every README code block in its host"
node --test --test-reporter=spec tests/docs/docs.test.mjs || status=1
echo "== the documented bundler commands, and their bundles run"
node --test --test-reporter=spec tests/docs/bundles.test.mjs || status=1
echo "== deno check through an import map and direct imports"
node --test --test-reporter=spec tests/docs/deno-check.test.mjs || status=1
echo "== the examples the README points to (core_tour, the Worker, the Deno server)"
# Their output is for reading; a failing example exits non-zero and fails here.
# (examples/component runs in scripts/test-component.sh, where the component is built.)
cargo run --quiet --example core_tour >/dev/null || { echo "examples/core_tour.rs failed" >&2; status=1; }
node examples/worker/run.mjs >/dev/null || { echo "examples/worker failed" >&2; status=1; }
node examples/deno-server/run.mjs >/dev/null || { echo "examples/deno-server failed" >&2; status=1; }
echo "== the newcomer path"
node tests/docs/newcomer.mjs "$FIXTURE_WORK" || status=1

if [ "$status" -ne 0 ]; then echo "test-docs: FAILED" >&2; else echo "test-docs: every documented example ran"; fi
exit "$status"
