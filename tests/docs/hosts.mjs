// How each kind of documentation block runs (see extract.mjs for the markers).
// Every runner writes the block, as written (after its optional prelude), into
// a project that installed the packed tarball, runs it in its host, and throws
// with the host's output when it fails. Node-only helper of tests/docs.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { bundleWorker, requireTool, startWorker } from '../../scripts/lib/workerd.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(here, '..', '..', 'scripts', 'node_modules', '.bin');

function prelude(options) {
  return options.prelude ? `${readFileSync(join(here, 'preludes', `${options.prelude}.js`), 'utf8')}\n` : '';
}

function run(command, args, cwd, env = {}) {
  const out = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  const text = `${out.stdout ?? ''}${out.stderr ?? ''}`;
  if (out.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${out.status ?? out.signal}:\n${text}`);
  return text;
}

function expectOutput(block, text) {
  if (block.options.expect !== undefined && !text.includes(block.options.expect)) {
    throw new Error(`expected the output to contain ${JSON.stringify(block.options.expect)}, got:\n${text}`);
  }
}

/** node: an ES module in the project. */
export function runNode(block, project, name) {
  const file = join(project, `${name}.mjs`);
  writeFileSync(file, prelude(block.options) + block.code);
  expectOutput(block, run(process.execPath, [file], project));
}

// Deno.serve in a block listens where the doc says; under test it listens on a
// free port and says which, so parallel runs never collide.
const DENO_SERVE_SHIM = `{
  const serve = Deno.serve.bind(Deno);
  Deno.serve = (a, b) => {
    const [options, handler] = typeof a === 'function' ? [{}, a] : [a, b];
    return serve({ ...options, port: 0, onListen: ({ port }) => console.log('DOCS-PORT ' + port) }, handler ?? options.handler);
  };
}
`;

/**
 * deno: `deno run FLAGS file` in the project. Every flag must be written in the
 * doc (the block or the prose before it): the permissions a reader is told are
 * exactly the ones tested. A block that calls Deno.serve gets one request.
 */
export async function runDeno(block, project, name) {
  const flags = block.options.flags.split(/\s+/).filter(Boolean);
  for (const flag of flags) {
    if (!block.prose.includes(flag) && !block.code.includes(flag)) {
      throw new Error(`the doc never tells the reader to pass ${flag}, which this block needs`);
    }
  }
  const file = join(project, `${name}.js`);
  writeFileSync(file, DENO_SERVE_SHIM + prelude(block.options) + block.code);
  const env = { DENO_DIR: join(project, '.deno-dir') };
  if (!block.code.includes('Deno.serve')) {
    expectOutput(block, run(join(BIN, 'deno'), ['run', ...flags, file], project, env));
    return;
  }
  const child = spawn(join(BIN, 'deno'), ['run', ...flags, file], { cwd: project, env: { ...process.env, NO_COLOR: '1', ...env } });
  let output = '';
  try {
    const port = await new Promise((resolvePort, reject) => {
      const seen = (chunk) => {
        output += chunk;
        const m = /DOCS-PORT (\d+)/.exec(output);
        if (m) resolvePort(Number(m[1]));
      };
      child.stdout.on('data', seen);
      child.stderr.on('data', seen);
      child.on('exit', (code) => reject(new Error(`deno exited (${code}) before listening:\n${output}`)));
    });
    const response = await fetch(`http://127.0.0.1:${port}${block.options.path ?? '/'}`);
    const body = await response.text();
    if (response.status !== 200) throw new Error(`status ${response.status}: ${body}\n${output}`);
    expectOutput(block, body);
  } finally {
    child.kill();
  }
}

/**
 * worker: bundled like wrangler (scripts/lib/workerd.mjs), run in workerd through
 * miniflare, one request; resolves to the sizes wrangler would report.
 */
export async function runWorker(block, project, name) {
  const entry = join(project, `${name}.js`);
  writeFileSync(entry, prelude(block.options) + block.code);
  const outdir = join(project, `${name}-dist`);
  const scriptPath = await bundleWorker({ entry, outdir });
  const kvNamespaces = block.options.kv ? [block.options.kv] : [];
  const mf = startWorker({ scriptPath, kvNamespaces });
  try {
    for (let i = 0; i < 2; i++) { // twice: the second request meets the module-scope cache
      const response = await mf.dispatchFetch(`http://localhost${block.options.path ?? '/'}`);
      const body = await response.text();
      if (response.status !== 200) throw new Error(`the Worker answered ${response.status}: ${body.slice(0, 2000)}`);
      expectOutput(block, body);
    }
  } finally {
    await mf.dispose();
  }
  return bundleSizes(scriptPath, outdir);
}

function bundleSizes(scriptPath, outdir) {
  const js = readFileSync(scriptPath);
  const wasmFiles = readdirWasm(outdir);
  const wasm = wasmFiles.map((f) => readFileSync(f));
  const raw = js.length + wasm.reduce((n, b) => n + b.length, 0);
  const gzip = gzipSync(js).length + wasm.reduce((n, b) => n + gzipSync(b).length, 0);
  return { js: js.length, wasm: wasm.map((b) => b.length), raw, gzip };
}

function readdirWasm(dir) {
  return readdirSync(dir).filter((f) => f.endsWith('.wasm')).map((f) => join(dir, f));
}

/** tsc: type-checked (strict, NodeNext) against the installed package. */
export function runTsc(block, project, name) {
  const file = `${name}.ts`;
  writeFileSync(join(project, file), prelude(block.options) + block.code);
  const config = `${name}.tsconfig.json`;
  writeFileSync(join(project, config), JSON.stringify({
    compilerOptions: {
      target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true,
      skipLibCheck: false, types: [], lib: ['es2022', 'dom'],
    },
    files: [file],
  }));
  run(join(BIN, 'tsc'), ['-p', config], project);
}

/** syntax: parsed only (the marker says why it cannot run). */
export function checkSyntax(block, project, name) {
  const lang = block.lang;
  if (lang === 'js' || lang === 'javascript') {
    const file = join(project, `${name}.mjs`);
    writeFileSync(file, block.code);
    run(process.execPath, ['--check', file], project);
  } else if (lang === 'ts' || lang === 'typescript') {
    requireTool('esbuild').transformSync(block.code, { loader: 'ts' });
  } else if (lang === 'sh' || lang === 'bash') {
    const file = join(project, `${name}.sh`);
    writeFileSync(file, block.code);
    run('bash', ['-n', file], project);
  } else if (lang === 'python') {
    const file = join(project, `${name}.py`);
    writeFileSync(file, block.code);
    run('python3', ['-c', `import ast; ast.parse(open(${JSON.stringify(file)}).read())`], project);
  } else if (lang === 'rust') {
    // Statements, so parsed as the body of a function (rustfmt parses; it does not type-check).
    const file = join(project, `${name}.rs`);
    writeFileSync(file, `fn doc() -> Result<(), Box<dyn std::error::Error>> {\n${block.code}\nOk(())\n}\n`);
    run('rustfmt', ['--edition', '2021', '--emit', 'stdout', file], project);
  } else if (lang === 'text' || lang === '') {
    // Diagrams and listings: nothing to parse.
  } else {
    throw new Error(`no syntax check for \`\`\`${lang} blocks`);
  }
}

export function projectDir(root, sub) {
  const dir = join(root, sub);
  mkdirSync(dir, { recursive: true });
  return dir;
}
