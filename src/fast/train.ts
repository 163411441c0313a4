/**
 * Writes the code cache of the fast-path bundle after rendering the charts given as JSON argv
 * lists (scripts/build-fast.mjs runs `node dist/fast/train.js '[["r","chart"],…]'` in a directory
 * where they resolve). Run as a plain script so that its Node flags, and so the cache key, are
 * those of `node bin/run.js`.
 */
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { loadBundle } from './load.js';

const samples = JSON.parse(process.argv[2] ?? '[]') as string[][];
const bundle = loadBundle(dirname(fileURLToPath(import.meta.url)));
if (!bundle) {
  process.stderr.write('train: dist/fast/template.cjs is missing\n');
  process.exit(1);
}
for (const argv of samples) {
  const code = await bundle.mod.main(argv);
  if (code !== 0) process.stderr.write(`train: rel template ${argv.join(' ')} exited ${String(code)}\n`);
}
process.exitCode = bundle.saveCache(true) ? 0 : 1;
