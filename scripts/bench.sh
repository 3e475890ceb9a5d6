#!/usr/bin/env bash
# Every benchmark, side by side, in one command; prints one markdown table per
# area with the machine, runtime versions and date. Raw results (JSON, traces,
# logs) go to benches/results/ (git-ignored).
#
#   scripts/bench.sh                 # full run (about 30-60 min on 2 shared cores)
#   QUICK=1 scripts/bench.sh         # fewer rounds/ops, 10k+100k only, memory at 100k
#   scripts/bench.sh semantic        # only the semantic index (benches/js/semantic.bench.mjs)
#
# Areas: JS speed (benches/js/speed.bench.mjs), memory per entry
# (memory.bench.mjs), hit ratio with Belady ceiling (cargo bench --bench
# hit_ratio) and lru-cache on the same traces (lru-replay.mjs), native speed
# against lru, quick_cache and moka (cargo bench --bench native) with ours in
# wasm under Node for the wasm/native ratio (wasm-get-hit.mjs), .wasm size and
# cold start in Node, Deno and workerd (coldstart.bench.mjs).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RES="$ROOT/benches/results"
mkdir -p "$RES"

bash scripts/setup.sh >&2
bash scripts/build.sh >&2
# The semantic index: search time per lookup (wasm SIMD, scalar, int8, plain JS),
# bytes per vector, recall@1 of int8 rows (QUICK: 1k and 10k only).
semantic_bench() {
  node benches/js/semantic.bench.mjs ${QUICK:+--sizes 1000,10000 --rounds 5}
}
if [ "${1:-}" = semantic ]; then
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  semantic_bench
  exit 0
fi
if [ -z "${SKIP_COMPONENT:-}" ]; then bash scripts/build-component.sh >&2 || echo "component build failed; its size is left out" >&2; fi

if [ -n "${QUICK:-}" ]; then
  SPEED_ARGS=(--rounds 5 --ops 20000 --sizes 10000,100000); MEM_SIZES=100000; NATIVE_ROUNDS=7; COLD_RUNS=11
else
  SPEED_ARGS=(--rounds 9 --ops 50000 --sizes 10000,100000,1000000); MEM_SIZES=100000,1000000; NATIVE_ROUNDS=15; COLD_RUNS=31
fi

echo "## edgecache benchmarks"
echo
echo "- date: $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)"
echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- runtimes: node $(node --version), $(scripts/node_modules/.bin/deno --version | head -1), miniflare $(node -p "require('./scripts/node_modules/miniflare/package.json').version"), $(rustc --version)"
echo "- peers: $(node -p "const d=require('./scripts/package.json').devDependencies; ['lru-cache','@isaacs/ttlcache','quick-lru','mnemonist'].map(n=>n+' '+d[n]).join(', ')"); native: lru, quick_cache, moka (Cargo.lock)"
echo "- command: scripts/bench.sh${QUICK:+ (QUICK=1)}"
echo

node benches/js/coldstart.bench.mjs --runs "$COLD_RUNS" --json "$RES/coldstart.json"
echo
cargo bench --bench hit_ratio -- --dump-traces "$RES/traces" > "$RES/hit_ratio.md" 2>"$RES/hit_ratio.log"
echo "### Hit ratio (% of 1.5M requests; get, set on a miss)"
echo
cat "$RES/hit_ratio.md"
echo
node benches/js/lru-replay.mjs "$RES/traces"
echo
echo "## Native (cargo bench --bench native)"
cargo bench --bench native -- --rounds "$NATIVE_ROUNDS" 2>"$RES/native.log"
WASM=$(node benches/js/wasm-get-hit.mjs "$NATIVE_ROUNDS")
echo
echo "Ours in wasm under Node, same get-hit workload (tight JS loop over the fast lane, WasmCache.getInto: includes writing the key into wasm memory, the call and the copy of the value into the output area): $WASM"
echo
node benches/js/speed.bench.mjs "${SPEED_ARGS[@]}" --json "$RES/speed.json" 2>"$RES/speed.log"
echo
node benches/js/memory.bench.mjs --sizes "$MEM_SIZES" --json "$RES/memory.json" 2>"$RES/memory.log"
echo
semantic_bench
