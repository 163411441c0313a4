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
  // dist/fast/template.cjs (scripts/build-fast.mjs), used only when newer than the command whose flags it copies.
  let loadBundle;
  try {
    ({ loadBundle } = await import('../dist/fast/load.js'));
  } catch {
    return false;
  }
  const bundle = loadBundle(new URL('../dist/fast/', import.meta.url), new URL('../dist/commands/template.js', import.meta.url));
  if (!bundle) return false;
  const code = await bundle.mod.main(argv.slice(1));
  if (code === null) return false;
  process.exitCode = code;
  bundle.saveCache();
  return true;
}

if (!(eligible && (await fast()))) {
  if (eligible && process.env.REL_FAST_REQUIRED) {
    process.stderr.write('rel: the fast path could not run (stale or missing dist/fast/template.cjs: run `node scripts/build-fast.mjs`)\n');
    process.exit(70);
  }
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}
