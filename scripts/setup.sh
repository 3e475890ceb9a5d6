#!/usr/bin/env bash
# Installs every tool the build, tests and benchmarks need. Idempotent: when
# everything is already there it only checks versions and returns in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# Rust targets for the npm build (wasm32-unknown-unknown) and the component (wasm32-wasip2).
installed_targets=$(rustup target list --installed)
for target in wasm32-unknown-unknown wasm32-wasip2; do
  if ! grep -qx "$target" <<<"$installed_targets"; then
    say "adding Rust target $target"
    rustup target add "$target"
  fi
done

# wasm-bindgen-cli must match the wasm-bindgen crate exactly. Not --locked: its
# lock file names a webpki-roots version this registry lacks.
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 5 minutes, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# npm tools (deno, workerd via miniflare, esbuild, binaryen, jco), pinned in package.json and the
# lock file. `npm install`, not `npm ci`: npm 11's ci rejects this lock file for platform-specific
# optional packages it never records (an npm bug); install still follows the lock.
stamp=scripts/node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ scripts/package.json -nt "$stamp" ] || [ scripts/package-lock.json -nt "$stamp" ]; then
  say "installing npm dev tools into scripts/node_modules"
  (cd scripts && npm install --no-audit --no-fund --loglevel=error)
fi

# redis-server for the Redis-over-HTTP backend tests (scripts/test-backends.sh).
if ! command -v redis-server >/dev/null; then
  say "installing redis-server (Debian)"
  apt-get update -qq && apt-get install -y -qq redis-server >/dev/null
fi

say "tools ready"
