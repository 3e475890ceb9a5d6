// Rewrites the tarball listing in README.md (the block tests/docs/docs.test.mjs
// compares with `npm pack --dry-run`) and its size line, from pkg/ as built
// now. Run after scripts/build.sh when the package's files change:
//   node scripts/pack-listing.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', join(root, 'pkg')], { encoding: 'utf8', cwd: root }));

const kb = (n) => (n < 1000 ? `${n} B` : `${(n / 1000).toFixed(1)} kB`);
const lines = packed.files
  .map((f) => [f.path, f.size])
  .sort(([a], [b]) => (a < b ? -1 : 1))
  .map(([path, size]) => `${kb(size).padStart(9)}  ${path}`);

const readmePath = join(root, 'README.md');
let readme = readFileSync(readmePath, 'utf8');
const marker = readme.indexOf('npm pack --dry-run" -->');
if (marker < 0) throw new Error('no tarball listing block in README.md');
const start = readme.indexOf('```text\n', marker) + '```text\n'.length;
const end = readme.indexOf('```', start);
readme = readme.slice(0, start) + lines.join('\n') + '\n' + readme.slice(end);
const mb = (packed.unpackedSize / 1e6).toFixed(2);
readme = readme.replace(
  /makes `edgecache-[^`]+\.tgz`: \*\*[0-9.]+ kB\*\*\npacked, [0-9.]+ MB unpacked, [0-9]+ files/,
  `makes \`${packed.filename}\`: **${(packed.size / 1000).toFixed(1)} kB**\npacked, ${mb} MB unpacked, ${packed.entryCount} files`,
);
writeFileSync(readmePath, readme);
console.log(`${packed.filename}: ${packed.size} B packed, ${packed.unpackedSize} B unpacked, ${packed.entryCount} files`);
