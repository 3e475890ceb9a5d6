// Wasm memory and time of each hostile-L2 case (tests/hostile/l2-cases.mjs),
// for before/after figures of issue 11. Each case runs in a fresh Node process
// against a built package directory (default: pkg/), so one case's growth
// (wasm memory never shrinks) or crash does not hide another's.
//
//   node benches/js/hostile-l2.mjs [PKG_DIR]
//
// Prints per case: the tiered module's wasm memory at the end (its peak), the
// wall time, the process's max RSS, and the first failed assertion or the
// crash, if any. Assertions do not stop a case here, so an older build is
// measured through to the end where it survives.

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const MIB = 1 << 20;
const [dirArg, caseArg] = process.argv.slice(2);
const pkg = resolve(dirArg ?? 'pkg');

if (caseArg !== undefined) {
  const lib = await import(pathToFileURL(`${pkg}/entry/node.js`).href);
  const tiered = await import(pathToFileURL(`${pkg}/entry/tiered/node.js`).href);
  const { l2Cases } = await import('../../tests/hostile/l2-cases.mjs');
  const { t } = await import('../../tests/conformance/assert.mjs');
  const failures = [];
  // Keeps going after a failed assertion: the memory figure is the point.
  const soft = new Proxy(t, {
    get(target, name) {
      const f = target[name];
      if (typeof f !== 'function') return f;
      return (...args) => {
        try {
          const out = f.apply(target, args);
          return out instanceof Promise ? out.catch((e) => { failures.push(e.message); }) : out;
        } catch (e) {
          failures.push(e.message);
          return undefined;
        }
      };
    },
  });
  const c = l2Cases[Number(caseArg)];
  const start = performance.now();
  let error;
  try {
    await c.run({ ...lib, tiered }, soft);
  } catch (e) {
    error = e?.message ?? String(e);
  }
  const ms = performance.now() - start;
  console.log(JSON.stringify({ ms, wasm: tiered.wasmMemoryBytes(), failures, error }));
  process.exit(0);
}

const { l2Cases } = await import('../../tests/hostile/l2-cases.mjs');
console.log(`package: ${pkg}`);
for (let i = 0; i < l2Cases.length; i++) {
  const run = spawnSync('/usr/bin/time', ['-f', 'maxrss=%M', process.execPath, new URL(import.meta.url).pathname, pkg, String(i)], {
    encoding: 'utf8', maxBuffer: 1 << 24,
  });
  const rss = Number(/maxrss=(\d+)/.exec(run.stderr)?.[1] ?? 0) * 1024;
  const line = run.stdout.trim().split('\n').pop() ?? '';
  let report;
  try {
    const r = JSON.parse(line);
    const problem = r.error ?? r.failures[0];
    report = `wasm ${(r.wasm / MIB).toFixed(1)} MiB, ${r.ms.toFixed(0)} ms, rss ${(rss / MIB).toFixed(0)} MiB${problem ? ` — FAILS: ${problem.slice(0, 120)}` : ''}`;
  } catch {
    const crash = /(RuntimeError|TypeError|Error)[^\n]*/.exec(run.stderr)?.[0] ?? `exit ${run.status}`;
    report = `CRASHED (${crash.slice(0, 100)}), rss ${(rss / MIB).toFixed(0)} MiB`;
  }
  console.log(`${l2Cases[i].name}\n    ${report}`);
}
