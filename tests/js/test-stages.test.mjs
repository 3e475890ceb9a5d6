// scripts/test.sh must fail when a stage script is missing or not executable
// (it used to skip such stages and still print "all tests passed"), and must
// compare the tree before and after (issue 16).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const lib = join(root, 'scripts', 'lib', 'stages.sh');

function runStage(script) {
  return spawnSync('bash', ['-c', `set -euo pipefail; source "${lib}"; stage "${script}" title; echo AFTER`], { encoding: 'utf8' });
}

test('a missing stage script fails the run', () => {
  const out = runStage(join(tmpdir(), 'no-such-stage.sh'));
  assert.notEqual(out.status, 0);
  assert.match(out.stderr, /is missing/);
  assert.doesNotMatch(out.stdout, /AFTER/);
});

test('a stage script without its run bit fails the run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stage-'));
  const script = join(dir, 'stage.sh');
  writeFileSync(script, '#!/usr/bin/env bash\necho ran\n');
  chmodSync(script, 0o644);
  const out = runStage(script);
  assert.notEqual(out.status, 0);
  assert.match(out.stderr, /not executable/);
  chmodSync(script, 0o755);
  const ok = runStage(script);
  assert.equal(ok.status, 0);
  assert.match(ok.stdout, /ran\nAFTER/);
});

test('a failing stage fails the run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stage-'));
  const script = join(dir, 'stage.sh');
  writeFileSync(script, '#!/usr/bin/env bash\nexit 3\n');
  chmodSync(script, 0o755);
  assert.notEqual(runStage(script).status, 0);
});

test('test.sh runs every stage through `stage` and checks the tree at the end', () => {
  const text = readFileSync(join(root, 'scripts', 'test.sh'), 'utf8');
  for (const name of ['test-js.sh', 'test-docs.sh', 'test-backends.sh', 'test-component.sh']) {
    assert.match(text, new RegExp(`^stage scripts/${name.replace('.', '\\.')} `, 'm'), name);
  }
  assert.doesNotMatch(text, /if \[ -x scripts\//, 'no stage is skipped when its script is absent');
  assert.match(text, /TREE_BEFORE="\$\(tree_state\)"/);
  assert.match(text, /"\$\(tree_state\)" != "\$TREE_BEFORE"/);
});

test('tree_state tells a tree changed by the run from one left as it was', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tree-'));
  const sh = (cmd) => spawnSync('bash', ['-c', `set -e; cd "${dir}"; source "${lib}"; ${cmd}`], { encoding: 'utf8' });
  assert.equal(sh('git init -q && git config user.email t@t && git config user.name t && echo a > f && git add f && git commit -qm a').status, 0);
  const before = sh('tree_state').stdout;
  assert.equal(sh('tree_state').stdout, before, 'nothing changed');
  sh('echo b >> f');
  assert.notEqual(sh('tree_state').stdout, before, 'a tracked file changed');
  sh('git checkout -q f && echo new > untracked');
  assert.notEqual(sh('tree_state').stdout, before, 'a new file appeared');
});
