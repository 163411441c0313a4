#!/usr/bin/env node
// Sandbox scale benchmark (issue 4): 1,000 Deployments and 10,000 Secrets created, listed (whole, by label,
// in pages) and watched; prints latencies and memory. Needs `npm run build`.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
if (!existsSync(join(root, 'dist/sandbox/bench.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const { benchSandbox } = await import(join(root, 'dist/sandbox/bench.js'));
const r = await benchSandbox({ deployments: 1000, secrets: 10000 });
console.log('| measure | value |\n|---|---:|');
for (const [k, v] of Object.entries(r)) console.log(`| ${k} | ${typeof v === 'number' ? Math.round(v * 100) / 100 : JSON.stringify(v)} |`);
