# Sourced by the scripts that test the npm package as a user gets it
# (test-js.sh, test-backends.sh, test-load.sh, soak.sh):
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/fixture.sh"
# Sets ROOT (the repository) and BIN (scripts/node_modules/.bin) and defines:
#   ensure_npm_tools   install scripts/node_modules if missing or older than its package files
#   ensure_built       run scripts/build.sh unless pkg/ is newer than every source
#   make_fixture       pack pkg/, install the tarball into a fresh temp project
#                      (removed on exit); sets and exports FIXTURE and EDGECACHE_FIXTURE
#   fresh_fixture      all three, in that order: what every package test stage starts with

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="$ROOT/scripts/node_modules/.bin"

ensure_npm_tools() {
  # npm writes this stamp on every install; the same check as scripts/setup.sh.
  local stamp="$ROOT/scripts/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$ROOT/scripts/package.json" -nt "$stamp" ] \
    || [ "$ROOT/scripts/package-lock.json" -nt "$stamp" ]; then
    npm install --prefix "$ROOT/scripts" --no-audit --no-fund --loglevel=error
  fi
}

ensure_built() {
  local wasm="$ROOT/pkg/edgecache_bg.wasm"
  # Every build ('edgecache', 'edgecache/tiered', 'edgecache/semantic') comes from one build.sh run.
  if [ ! -f "$wasm" ] || [ ! -f "$ROOT/pkg/edgecache_tiered_bg.wasm" ] \
    || [ ! -f "$ROOT/pkg/edgecache_semantic_bg.wasm" ] \
    || [ -n "$(cd "$ROOT" && find src js pkg-templates Cargo.toml Cargo.lock scripts/build.sh \
    -newer "$wasm" -type f -print -quit)" ]; then
    "$ROOT/scripts/build.sh"
  fi
}

make_fixture() {
  FIXTURE_WORK="$(mktemp -d)"
  trap 'rm -rf "$FIXTURE_WORK"' EXIT
  local tarball
  # The packed tarball, not pkg/ itself: what npm publishes is what gets tested.
  tarball="$(cd "$FIXTURE_WORK" && npm pack "$ROOT/pkg" --silent)"
  FIXTURE="$FIXTURE_WORK/fixture"
  mkdir -p "$FIXTURE"
  cat >"$FIXTURE/package.json" <<JSON
{ "name": "edgecache-fixture", "private": true, "type": "module",
  "dependencies": { "edgecache": "file:../$tarball" } }
JSON
  (cd "$FIXTURE" && npm install --no-audit --no-fund --silent --offline)
  export FIXTURE EDGECACHE_FIXTURE="$FIXTURE"
}

fresh_fixture() {
  cd "$ROOT"
  ensure_npm_tools
  ensure_built
  make_fixture
}
