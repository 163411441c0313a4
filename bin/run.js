#!/usr/bin/env node
// The `rel` executable. `rel template …` and `rel version` take a fast path that does not load
// oclif (start-up matters for them: see bench/template.mjs); everything else, help included,
// goes through the compiled oclif commands in dist/. REL_NO_FAST=1 forces oclif; REL_FAST_REQUIRED=1
// (tests) makes it an error when the fast path should but cannot run.
const argv = process.argv.slice(2);
const cmd = argv[0];
const eligible =
  !process.env.REL_NO_FAST &&
  ((cmd === 'version' && argv.length === 1) || (cmd === 'template' && !argv.includes('--help') && !argv.includes('-h')));

async function fast() {
  const { statSync } = await import('node:fs');
  if (cmd === 'version') {
    const mod = new URL('../dist/version.js', import.meta.url);
    try {
      statSync(mod);
    } catch {
      return false;
    }
    const v = (await import(mod.href)).versionInfo();
    process.stdout.write(`rel ${v.version} (helm-compatible ${v.helmVersion}, kube ${v.kubeVersion}, node ${process.version})\n`);
    return true;
  }
  // The bundle (scripts/build-fast.mjs) must be newer than the compiled command whose flags it copies.
  const bundle = new URL('../dist/fast/template.mjs', import.meta.url);
  try {
    if (statSync(bundle).mtimeMs < statSync(new URL('../dist/commands/template.js', import.meta.url)).mtimeMs) return false;
  } catch {
    return false;
  }
  const code = await (await import(bundle.href)).main(argv.slice(1));
  if (code === null) return false;
  process.exitCode = code;
  return true;
}

if (!(eligible && (await fast()))) {
  if (eligible && process.env.REL_FAST_REQUIRED) {
    process.stderr.write('rel: the fast path could not run (stale or missing dist/fast/template.mjs: run `node scripts/build-fast.mjs`)\n');
    process.exit(70);
  }
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}
