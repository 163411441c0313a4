#!/usr/bin/env node
// Builds dist/fast/template.mjs: `rel template` without oclif, as one minified ESM file.
//
//   npx tsc -p tsconfig.build.json && node scripts/build-fast.mjs
//
// 1. Reads the flag table of the compiled oclif command (dist/commands/template.js, which needs
//    the tsc build) and checks that the fast parser mirrors every feature it uses.
// 2. Bundles src/fast/template.ts, as compiled by tsc (dist/fast/template.js, so that both paths run
//    the very same compiled code), with everything it imports, statically or with import(),
//    embedding the table. `createRequire(import.meta.url)('pkg')` calls (lazy loads in the
//    engine) are rewritten to plain require() so that the packages are bundled too.
// bin/run.js uses the bundle only when it is newer than dist/commands/template.js.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist/fast');
const outFile = join(outDir, 'template.mjs');
const quiet = process.argv.includes('--quiet');
const log = (s) => quiet || console.log(s);

const command = join(root, 'dist/commands/template.js');
const entry = join(root, 'dist/fast/template.js');
for (const f of [command, entry]) {
  try {
    statSync(f);
  } catch {
    console.error(`build-fast: ${f} is missing: run \`npx tsc -p tsconfig.build.json\` first.`);
    process.exit(1);
  }
}
const { specFromCommand } = await import(pathToFileURL(join(root, 'dist/fast/spec.js')).href);
const Template = (await import(pathToFileURL(command).href)).default;
const spec = await specFromCommand('template', Template);
if (spec.unsupported.length > 0) {
  // Not an error: the bundle is still built, and refuses to run, so bin/run.js uses oclif.
  console.warn(`build-fast: the fast path cannot mirror \`rel template\` (${spec.unsupported.join('; ')}); rel will use oclif.`);
}

/** Rewrites createRequire(import.meta.url)('x') and `const req = createRequire(import.meta.url)` users to require('x'). */
const lazyRequirePlugin = {
  name: 'lazy-require',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      if (text.includes('createRequire(import.meta.url)(')) {
        text = text.replace(/createRequire\(import\.meta\.url\)\((['"])([^'"]+)\1\)/g, 'require($1$2$1)');
      }
      return { contents: text, loader: 'js' };
    });
  },
};

rmSync(outFile, { force: true });
mkdirSync(outDir, { recursive: true });
const result = await build({
  entryPoints: [entry],
  outfile: outFile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  define: { __REL_TEMPLATE_SPEC__: JSON.stringify(spec) },
  // A real require() for the node builtins that bundled CommonJS code asks for.
  banner: { js: "import{createRequire as __relCR}from'node:module';const require=__relCR(import.meta.url);" },
  plugins: [lazyRequirePlugin],
});
const inputs = Object.keys(result.metafile.inputs);
writeFileSync(join(outDir, 'template.meta.json'), JSON.stringify(result.metafile));
const size = statSync(outFile).size;
log(`build-fast: ${outFile} (${(size / 1024).toFixed(0)} KiB, ${inputs.length} modules, ${spec.flags.length} flags)`);
