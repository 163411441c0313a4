#!/usr/bin/env node
// The `rel` executable (CommonJS: bin/package.json; Node starts a CommonJS entry a few ms sooner
// than an ES module). `rel template …` and `rel version` take a fast path that does not load
// oclif (start-up matters for them: see bench/template.mjs); everything else, help included,
// goes through the compiled oclif commands in dist/. REL_NO_FAST=1 forces oclif; REL_FAST_REQUIRED=1
// (tests) makes it an error when the fast path should but cannot run.
'use strict';
const { join } = require('node:path');

const argv = process.argv.slice(2);
const cmd = argv[0];
const dist = join(__dirname, '../dist');
const eligible =
  !process.env.REL_NO_FAST &&
  ((cmd === 'version' && argv.length === 1) || (cmd === 'template' && !argv.includes('--help') && !argv.includes('-h')));

/**
 * `rel template`: dist/fast/template.cjs (scripts/build-fast.mjs) through the CommonJS build of
 * src/fast/load.ts, used only when newer than the command whose flags it copies. Resolves to
 * false when the fast path cannot run.
 */
async function fast() {
  if (cmd === 'version') {
    let mod;
    try {
      mod = await import('../dist/version.js');
    } catch {
      return false;
    }
    const v = mod.versionInfo();
    process.stdout.write(`rel ${v.version} (helm-compatible ${v.helmVersion}, kube ${v.kubeVersion}, node ${process.version})\n`);
    return true;
  }
  let loadBundle;
  try {
    ({ loadBundle } = require(join(dist, 'fast/load.cjs')));
  } catch {
    return false;
  }
  const bundle = loadBundle(join(dist, 'fast'), join(dist, 'commands/template.js'));
  if (!bundle) return false;
  const code = await bundle.mod.main(argv.slice(1));
  if (code === null) return false;
  process.exitCode = code;
  bundle.saveCache();
  return true;
}

async function oclif() {
  if (eligible && process.env.REL_FAST_REQUIRED) {
    process.stderr.write('rel: the fast path could not run (stale or missing dist/fast/template.cjs: run `node scripts/build-fast.mjs`)\n');
    process.exit(70);
  }
  const { execute } = await import('@oclif/core');
  // The package root (its package.json holds the oclif configuration).
  await execute({ dir: join(__dirname, '..') });
}

(eligible ? fast() : Promise.resolve(false)).then((done) => (done ? undefined : oclif()));
