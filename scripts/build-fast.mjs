#!/usr/bin/env node
// Builds the fast path of `rel template` (bin/run.js runs it instead of oclif):
//
//   npx tsc -p tsconfig.build.json && node scripts/build-fast.mjs [--quiet] [--meta] [--no-minify]
//
// (--meta writes dist/fast/template.meta.json, what went into the bundle; --no-minify keeps
// function names readable in profiles.)
//
// 1. Reads the flag table of the compiled oclif command (dist/commands/template.js) with
//    src/fast/spec.ts and checks that the fast parser mirrors every feature it uses (if not,
//    the bundle is still built but declines to run, and rel uses oclif).
// 2. Bundles src/fast/template.ts as compiled by tsc (dist/fast/template.js, so that both paths
//    run the very same compiled code) with everything it imports, statically or with import(),
//    into one minified CommonJS-style file, dist/fast/template.cjs, with the flag table embedded.
//    `createRequire(import.meta.url)('pkg')` (lazy loads in the engine) become plain require()
//    so that those packages are bundled too; import() becomes require() (esbuild), so the file
//    runs in a vm.Script (src/fast/load.ts, which bin/run.js requires as dist/fast/load.cjs).
// 3. Trains V8's code cache (dist/fast/template.<key>.cache, the key naming the Node version and
//    flags) by rendering sample charts from test/fixtures with the bundle, so that it holds the
//    bytecode of the functions a render runs, not only of the top level (when the samples are
//    missing, the first `rel template` writes it). Old caches are deleted first: V8 checks only
//    the length of the source a cache was made for.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist/fast');
const outFile = join(outDir, 'template.cjs');
const quiet = process.argv.includes('--quiet');
const log = (s) => quiet || console.log(s);

const command = join(root, 'dist/commands/template.js');
const entry = join(root, 'dist/fast/template.js');
for (const f of [command, entry, join(outDir, 'spec.js'), join(outDir, 'load.js'), join(outDir, 'client.js'), join(outDir, 'train.js')]) {
  if (!existsSync(f)) {
    console.error(`build-fast: ${f} is missing: run \`npx tsc -p tsconfig.build.json\` first.`);
    process.exit(1);
  }
}
const { specFromCommand } = await import(pathToFileURL(join(outDir, 'spec.js')).href);
const Template = (await import(pathToFileURL(command).href)).default;
const spec = await specFromCommand('template', Template);
if (spec.unsupported.length > 0) {
  console.warn(`build-fast: the fast path cannot mirror \`rel template\` (${spec.unsupported.join('; ')}); rel will use oclif.`);
}

// One copy of each package: js-yaml resolves to its CommonJS build for require() and to its ES
// build for import(), and the bundle would carry (and warm up) both.
const jsYamlFile = createRequire(join(root, 'package.json')).resolve('js-yaml');
const singleCopyPlugin = {
  name: 'single-copy',
  setup(b) {
    b.onResolve({ filter: /^js-yaml$/ }, () => ({ path: jsYamlFile }));
  },
};

const lazyRequirePlugin = {
  name: 'lazy-require',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8').replace(/createRequire\(import\.meta\.url\)\((['"])([^'"]+)\1\)/g, 'require($1$2$1)');
      return { contents: text, loader: 'js' };
    });
  },
};

for (const f of readdirSync(outDir)) if (/^template\.(mjs|cjs|[0-9a-f]+\.cache|cache|meta\.json)$/.test(f)) rmSync(join(outDir, f), { force: true });

const result = await build({
  entryPoints: [entry],
  outfile: outFile,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // --no-minify: readable function names in --cpu-prof profiles.
  minify: !process.argv.includes('--no-minify'),
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  define: { __REL_TEMPLATE_SPEC__: JSON.stringify(spec), 'import.meta.url': '__relUrl' },
  supported: { 'dynamic-import': false },
  plugins: [singleCopyPlugin, lazyRequirePlugin],
});
// Small CommonJS files bin/run.js requires (require() of one small file costs less start-up than
// import() of an ES module): load.cjs, a copy of src/fast/load.ts that loads the bundle, and
// client.cjs, src/fast/client.ts, which hands `rel template` to a running render server
// (src/fast/server.ts) before the bundle is loaded.
for (const name of ['load', 'client']) {
  await build({
    entryPoints: [join(outDir, `${name}.js`)],
    outfile: join(outDir, `${name}.cjs`),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    legalComments: 'none',
    logLevel: 'warning',
  });
}
// --meta: what went into the bundle (https://esbuild.github.io/analyze/).
if (process.argv.includes('--meta')) writeFileSync(join(outDir, 'template.meta.json'), JSON.stringify(result.metafile));
const bundled = readFileSync(outFile, 'utf8');
// esbuild cannot follow import(variable) / require(variable): it leaves require(variable), which
// would resolve relative to dist/fast/ at run time. Refuse such a bundle (rel then uses oclif);
// the fix is a string literal (or an eager import) in the importing module.
const unfollowed = /.{0,60}\brequire\((?!["'`]).{0,30}/.exec(bundled);
if (/\bimport\(/.test(bundled) || bundled.includes('import.meta') || unfollowed) {
  rmSync(outFile, { force: true });
  console.error(
    `build-fast: the bundle has ${unfollowed ? `a require() of a computed path (…${unfollowed[0]}…)` : 'import() or import.meta'}, which it cannot run; rel will use oclif.`,
  );
  process.exit(1);
}
log(`build-fast: ${outFile} (${(bundled.length / 1024).toFixed(0)} KiB, ${Object.keys(result.metafile.inputs).length} modules, ${spec.flags.length} flags)`);

// Code cache: render sample charts in a child process (the same node binary and flags as rel).
const fixtures = join(root, 'test/fixtures');
// (warmup: the functions and chart features real charts use that the two benchmark charts do
// not: a values.schema.json (ajv's compiler, ~20 ms of a cold render of a chart with a schema),
// kubeVersion ranges, tpl, regex, semverCompare, fromYaml, …)
const samples = [
  ['prod', 'charts/webapp', '-f', 'charts/webapp/values/production.yaml', '-n', 'web'],
  ['big', 'charts/fleet'],
  ['wu', 'charts/warmup'],
].filter((a) => existsSync(join(fixtures, a[1])));
if (samples.length > 0 && spec.unsupported.length === 0) {
  // A plain `node script` like `node bin/run.js`, so that the cache key (Node flags) matches.
  const r = spawnSync(process.execPath, [join(outDir, 'train.js'), JSON.stringify(samples)], {
    cwd: fixtures,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: process.env.NODE_OPTIONS ?? '' },
  });
  const caches = readdirSync(outDir).filter((f) => /^template\.[0-9a-f]+\.cache$/.test(f));
  if (r.status === 0 && caches.length > 0) log(`build-fast: ${join(outDir, caches[0])} (${(statSync(join(outDir, caches[0])).size / 1024).toFixed(0)} KiB, trained on ${samples.length} charts)`);
  else console.warn(`build-fast: no code cache (${r.stderr.trim().split('\n')[0] || `exit ${r.status}`}); rel writes one on first use.`);
}
