// Starts the example Deno server (the deno binary from scripts/node_modules), makes a
// few requests, prints what happened, and stops it.
//   node examples/deno-server/run.mjs          (after scripts/build.sh; uses pkg/)
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const deno = resolve(here, '..', '..', 'scripts', 'node_modules', '.bin', 'deno');

const server = spawn(deno, ['run', '--quiet', '--allow-read', '--allow-net', join(here, 'server.js'), '0'], {
  cwd: here,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const stop = () => server.kill('SIGTERM');

try {
  const base = await new Promise((resolveBase, reject) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolveBase(m[1].replace(/\/$/, ''));
    });
    server.on('exit', (code) => reject(new Error(`deno exited with ${code} before listening`)));
  });

  const show = async (path) => {
    const started = performance.now();
    const res = await fetch(base + path);
    const body = await res.text();
    const ms = (performance.now() - started).toFixed(1);
    console.log(`GET ${path.padEnd(12)} ${res.status} ${(res.headers.get('x-cache') ?? '-').padEnd(5)} ${ms.padStart(7)} ms  ${body}`);
  };

  console.log(`example Deno server at ${base}; origin takes 200 ms`);
  await show('/item/42'); // miss
  await show('/item/42'); // hit
  // Three at once: one origin call; the two that joined it wait for it too and
  // report 'hit' (their own loader never ran).
  await Promise.all([show('/item/9'), show('/item/9'), show('/item/9')]);
  await new Promise((r) => setTimeout(r, 2_100));
  await show('/item/42'); // stale at once, refreshed in the background
  await new Promise((r) => setTimeout(r, 300));
  await show('/item/42'); // the refreshed value
  await show('/stats');
} finally {
  stop();
}
