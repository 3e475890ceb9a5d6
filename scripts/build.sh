#!/usr/bin/env bash
# Builds the npm package into pkg/: the wasm core (feature `js`), wasm-bindgen
# `--target web` glue, wasm-opt -Oz, the JS layer and the package templates.
# Idempotent; fails loudly. Prints the .wasm size raw and gzipped.
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
cargo build --release --target wasm32-unknown-unknown --features js
RAW_WASM="$TARGET_DIR/wasm32-unknown-unknown/release/edgecache.wasm"

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
"$WASM_BINDGEN" --target web --remove-name-section --remove-producers-section \
  --out-dir "$STAGE" "$RAW_WASM"

# Enable exactly the features rustc recorded in the module's target_features
# section (never --all-features: that emits stringref, which Node 20 rejects).
FEATURES="$(node -e '
  const d = require("fs").readFileSync(process.argv[1]);
  let i = 8;
  const leb = () => { let r = 0, s = 0, b; do { b = d[i++]; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return r; };
  const names = { "nontrapping-fptoint": "nontrapping-float-to-int" };
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
' "$STAGE/edgecache_bg.wasm")"
# shellcheck disable=SC2086
# --converge repeats -Oz until it stops shrinking (~300 bytes more).
"$BIN/wasm-opt" -Oz --converge --mvp-features $FEATURES --strip-target-features \
  -o "$STAGE/edgecache_bg.opt.wasm" "$STAGE/edgecache_bg.wasm"
mv "$STAGE/edgecache_bg.opt.wasm" "$STAGE/edgecache_bg.wasm"

# ---- assemble pkg/ ---------------------------------------------------------
# Replace only what this script makes: pkg/component/ belongs to build-component.sh.
find "$OUT" -mindepth 1 -maxdepth 1 ! -name component -exec rm -rf {} + 2>/dev/null || true
mkdir -p "$OUT"
cp "$STAGE/edgecache.js" "$STAGE/edgecache_bg.wasm" "$OUT/"
# The JS layer (tests live in tests/, so everything under js/ ships).
cp -R js/. "$OUT/"
cp -R pkg-templates/. "$OUT/"

RAW=$(wc -c <"$OUT/edgecache_bg.wasm")
GZ=$(gzip -9 -c "$OUT/edgecache_bg.wasm" | wc -c)
echo "pkg/edgecache_bg.wasm: $RAW bytes raw, $GZ bytes gzip -9 (wasm-opt features: $FEATURES)"
