#!/usr/bin/env bash
# Builds the npm package into pkg/: three wasm modules, each through cargo,
# wasm-bindgen `--target web` and wasm-opt -Oz (build_module below):
#   edgecache_bg.wasm + edgecache.js                the memory tier (feature `js`),
#                                                    behind 'edgecache'
#   edgecache_tiered_bg.wasm + edgecache_tiered.js  plus backends (feature `js-tiered`),
#                                                    behind 'edgecache/tiered'
#   edgecache_semantic_bg.wasm + edgecache_semantic.js  plus the vector index
#                                                    (feature `js-semantic`, wasm SIMD),
#                                                    behind 'edgecache/semantic'
# then the JS layer and the package templates. Idempotent and quick when built
# (EDGECACHE_REBUILD=1 forces the modules); fails loudly. Prints both sizes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/pkg"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
WASM_BINDGEN_VERSION="0.2.130"
BIN="$ROOT/scripts/node_modules/.bin"

# ---- tools -----------------------------------------------------------------
rustup target list --installed | grep -qx wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown
WASM_BINDGEN="$(command -v wasm-bindgen || echo "$HOME/.cargo/bin/wasm-bindgen")"
if ! "$WASM_BINDGEN" --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  # No --locked: its lock file names a webpki-roots version this registry lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  WASM_BINDGEN="$HOME/.cargo/bin/wasm-bindgen"
fi
[ -x "$BIN/wasm-opt" ] || npm install --prefix "$ROOT/scripts" --no-audit --no-fund

# ---- compile ---------------------------------------------------------------
# sha2's compact software backend: the default unrolled SHA-256 compression is
# ~7 KB larger in the wasm, and argsKey / long-key hashing inputs are short.
# Only this target's flags are touched, so native and component builds keep theirs.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS:-} --cfg sha2_backend_soft=\"compact\""
RAW_WASM="$TARGET_DIR/wasm32-unknown-unknown/release/edgecache.wasm"
# Finished modules (glue + optimised .wasm) are kept here between runs.
MODULES="$TARGET_DIR/npm-modules"
mkdir -p "$MODULES"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT

# The features rustc recorded in a module's target_features section, as
# wasm-opt flags (never --all-features: that emits stringref, which Node 20 rejects).
wasm_opt_features() {
  node -e '
  const d = require("fs").readFileSync(process.argv[1]);
  let i = 8;
  const leb = () => { let r = 0, s = 0, b; do { b = d[i++]; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return r; };
  const names = { "nontrapping-fptoint": "nontrapping-float-to-int", simd128: "simd" };
  const out = [];
  while (i < d.length) {
    const id = d[i++]; const n = leb(); const end = i + n;
    if (id === 0) {
      const l = leb(); const name = d.subarray(i, i + l).toString(); i += l;
      if (name === "target_features") {
        for (let k = leb(); k > 0; k--) {
          const prefix = String.fromCharCode(d[i++]); const fl = leb();
          const f = d.subarray(i, i + fl).toString(); i += fl;
          if (prefix === "+") out.push("--enable-" + (names[f] || f));
        }
      }
    }
    i = end;
  }
  if (out.length === 0) { console.error("no target_features section"); process.exit(1); }
  console.log(out.join(" "));
' "$1"
}

# build_module FEATURE NAME [RUSTC_FLAGS [OPT_LEVEL [CARGO_FLAGS]]]: cargo (feature
# FEATURE, extra rustc flags, opt-level and cargo flags for this module only) ->
# wasm-bindgen --target web -> wasm-opt -Oz, leaving $MODULES/NAME.js and
# $MODULES/NAME_bg.wasm. Skipped while those are newer than every input: the
# builds share cargo's output file, so cargo would otherwise recompile the crate
# at each feature switch.
build_module() {
  local feature="$1" name="$2" flags="${3:-}" opt="${4:-}" cargo_flags="${5:-}"
  local wasm="$MODULES/${name}_bg.wasm"
  if [ -f "$wasm" ] && [ -f "$MODULES/$name.js" ] && [ -f "$MODULES/$name.d.ts" ] && [ -z "${EDGECACHE_REBUILD:-}" ] \
    && [ -z "$(find src Cargo.toml Cargo.lock scripts/build.sh -newer "$wasm" -type f -print -quit)" ]; then
    return
  fi
  # shellcheck disable=SC2086
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS $flags" \
    env ${opt:+CARGO_PROFILE_RELEASE_OPT_LEVEL=$opt} cargo build --release --target wasm32-unknown-unknown $cargo_flags --features "$feature"
  local stage="$STAGE/$name"
  mkdir -p "$stage"
  "$WASM_BINDGEN" --target web --remove-name-section --remove-producers-section \
    --out-name "$name" --out-dir "$stage" "$RAW_WASM"
  local features
  features="$(wasm_opt_features "$stage/${name}_bg.wasm")"
  # shellcheck disable=SC2086
  # --converge repeats -Oz until it stops shrinking (~300 bytes more).
  "$BIN/wasm-opt" -Oz --converge --mvp-features $features --strip-target-features \
    -o "$stage/${name}_bg.opt.wasm" "$stage/${name}_bg.wasm"
  mv "$stage/$name.js" "$MODULES/$name.js"
  # The glue's first line points Deno's type checker at this file (@ts-self-types).
  mv "$stage/$name.d.ts" "$MODULES/$name.d.ts"
  mv "$stage/${name}_bg.opt.wasm" "$wasm"
}

# The default entry ('edgecache'): the memory tier only, kept small (no L1
# deflate: JS holds its values, see the `l1-deflate` feature in Cargo.toml).
build_module js edgecache "" "" --no-default-features
# 'edgecache/tiered': the same API plus backends (L2, sealing).
build_module js-tiered edgecache_tiered
# 'edgecache/semantic': the memory tier plus the vector index. Only this module
# uses wasm SIMD (simd128: Node 20, Deno, workerd all run it); rustc records it
# in target_features, so wasm-opt gets --enable-simd from wasm_opt_features.
# opt-level 3 for this module: at "z" LLVM neither unrolls the search loops nor
# fuses their lane loads into v128.load (measured: see README, semantic benchmarks).
build_module js-semantic edgecache_semantic "-C target-feature=+simd128" 3

# ---- assemble pkg/ ---------------------------------------------------------
# Replace only what this script makes: pkg/component/ belongs to build-component.sh.
find "$OUT" -mindepth 1 -maxdepth 1 ! -name component -exec rm -rf {} + 2>/dev/null || true
mkdir -p "$OUT"
for name in edgecache edgecache_tiered; do
  cp "$MODULES/$name.js" "$MODULES/$name.d.ts" "$MODULES/${name}_bg.wasm" "$OUT/"
  # The same .wasm as base64 in a JS module, for the inline entries (entry/inline.js):
  # bundlers and hosts that cannot load a .wasm file (browsers, single-file bundles).
  node -e 'const fs = require("fs");
    const b64 = fs.readFileSync(process.argv[1]).toString("base64");
    fs.writeFileSync(process.argv[2], "// Generated by scripts/build.sh: " + require("path").basename(process.argv[1])
      + " as base64, for the inline entries.\nexport const wasmBase64 = \"" + b64 + "\";\n");' \
    "$MODULES/${name}_bg.wasm" "$OUT/${name}_bg.inline.js"
done
# 'edgecache/semantic' loads its .wasm from a file only (no inline entry).
cp "$MODULES/edgecache_semantic.js" "$MODULES/edgecache_semantic.d.ts" "$MODULES/edgecache_semantic_bg.wasm" "$OUT/"
# The JS layer (tests live in tests/, so everything under js/ ships).
cp -R js/. "$OUT/"
cp -R pkg-templates/. "$OUT/"

for wasm in "$OUT"/edgecache_bg.wasm "$OUT"/edgecache_tiered_bg.wasm "$OUT"/edgecache_semantic_bg.wasm; do
  echo "pkg/$(basename "$wasm"): $(wc -c <"$wasm") bytes raw, $(gzip -9 -c "$wasm" | wc -c) bytes gzip -9"
done
