#!/usr/bin/env node
// `npm test`: runs the unit and conformance projects, then the end-to-end project (alone, so its timing-sensitive
// tests do not share the 2 cores with the rest), and ends with one summary line `N passed, N failed, N skipped`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = join(root, '.cache/test-results');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const extra = process.argv.slice(2);
// `rel template` starts a render server in the background (src/fast/server.ts): the ones the tests
// start live in a folder of this run and exit a minute after their last request.
const runtimeDir = mkdtempSync(join(tmpdir(), 'rel-test-'));
const env = { ...process.env, XDG_RUNTIME_DIR: runtimeDir, REL_RENDER_SERVER_IDLE: '60' };
const phases = [
  ['unit+conformance', ['--project', 'unit', '--project', 'conformance']],
  ['e2e', ['--project', 'e2e']],
];
let passed = 0;
let failed = 0;
let skipped = 0;
let worst = 0;
for (const [name, args] of phases) {
  const file = join(out, `${name}.json`);
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`, ...extra], {
    stdio: 'inherit',
    cwd: root,
    env,
  });
  try {
    const j = JSON.parse(readFileSync(file, 'utf8'));
    passed += j.numPassedTests;
    failed += j.numFailedTests + (j.numFailedTestSuites > 0 && j.numFailedTests === 0 ? j.numFailedTestSuites : 0);
    skipped += j.numPendingTests + j.numTodoTests;
  } catch {
    failed += 1; // the runner itself failed before writing results
  }
  worst = Math.max(worst, r.status ?? 1);
}
rmSync(runtimeDir, { recursive: true, force: true });
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : worst);
