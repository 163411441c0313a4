#!/usr/bin/env node
// Benchmark: `rel template` against `helm template` on the same charts, in the same run.
//
//   npm run build && node bench/template.mjs [--runs N] [--json]
//
// For each chart it measures
//  - whole-process wall time of `node bin/run.js template …` and of `helm template …`
//    (median of N runs each; the two are interleaved, alternating which goes first, so that
//    machine load affects both alike),
//  - when NODE_EXTRA_CA_CERTS is set: rel again without it. Node 20 reads and parses that
//    certificate file (and its own root certificates) before running any JavaScript, 30-40 ms
//    on a small machine, for every Node program, though `rel template` never opens a TLS
//    connection; helm (Go) reads certificates only when it needs them,
//  - rel's in-process time: the fast-path bundle's template command run inside this process
//    (first call, which includes loading and compiling the engine, and the median of N warm calls),
// and prints a table with the ratios rel/helm (target: rel's whole-process median <= 1.0x helm's).
// It also says whether rel's output was byte-identical to helm's.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'test/fixtures');
const helm = process.env.HELM_BIN ?? join(root, '.cache/tools/helm');
const relBin = join(root, 'bin/run.js');
const compiledCommand = join(root, 'dist/commands/template.js');
const fastDir = join(root, 'dist/fast');

const argv = process.argv.slice(2);
const runsArg = argv.indexOf('--runs');
const RUNS = runsArg >= 0 ? Math.max(1, Number(argv[runsArg + 1])) : 10;
const asJson = argv.includes('--json');

const charts = [
  { name: 'small: webapp (production values)', args: ['prod', 'charts/webapp', '-f', 'charts/webapp/values/production.yaml', '-n', 'web'] },
  { name: 'big: fleet (342 resources)', args: ['big', 'charts/fleet'] },
];

function fail(msg) {
  console.error(msg);
  process.exit(1);
}

if (!existsSync(compiledCommand)) fail('dist/commands/template.js is missing: run `npm run build` first.');
if (!existsSync(helm)) fail(`helm not found at ${helm}: run \`npm run tools\` first (or set HELM_BIN).`);

const env = { ...process.env, TZ: 'UTC' };
const extraCa = Boolean(process.env.NODE_EXTRA_CA_CERTS);
const envNoCa = { ...env };
delete envNoCa.NODE_EXTRA_CA_CERTS;

function runProcess(cmd, args, e = env) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: fixtures, env: e, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  return { ms, code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Runs `rel template` in this process: the fast-path bundle's command (what `bin/run.js` runs),
 * output captured.
 */
async function inProcess(bundle, args) {
  let out = '';
  const t0 = performance.now();
  const code = await bundle.mod.templateCommand(args, bundle.mod.embeddedSpec, { stdout: (s) => (out += s), stderr: () => {} });
  return { ms: performance.now() - t0, ok: code === 0, stdout: out };
}

const fmt = (ms) => (ms === undefined ? '-' : `${ms.toFixed(1)} ms`);
const ratio = (a, b) => (a === undefined || b === undefined ? '-' : `${(a / b).toFixed(2)}x`);

async function main() {
  const results = [];
  process.chdir(fixtures);
  const { loadBundle } = await import(pathToFileURL(join(fastDir, 'load.js')).href);
  const bundle = loadBundle(fastDir, compiledCommand);
  if (!bundle || !bundle.mod.embeddedSpec) fail('dist/fast/template.cjs is missing or stale: run `npm run build` first.');
  for (const chart of charts) {
    const helmTimes = [];
    const relTimes = [];
    const relNoCaTimes = [];
    let helmOut;
    let relOut;
    let relError = '';
    // one unmeasured warm-up each (file cache)
    runProcess(helm, ['template', ...chart.args]);
    runProcess(process.execPath, [relBin, 'template', ...chart.args]);
    for (let i = 0; i < RUNS; i++) {
      const order = extraCa ? (i % 2 === 0 ? ['helm', 'rel', 'relNoCa'] : ['relNoCa', 'rel', 'helm']) : i % 2 === 0 ? ['helm', 'rel'] : ['rel', 'helm'];
      for (const who of order) {
        if (who === 'relNoCa') {
          const r = runProcess(process.execPath, [relBin, 'template', ...chart.args], envNoCa);
          relNoCaTimes.push(r.ms);
          if (r.stdout !== relOut && relOut !== undefined) relError ||= 'output differs without NODE_EXTRA_CA_CERTS';
        } else if (who === 'helm') {
          const r = runProcess(helm, ['template', ...chart.args]);
          if (r.code !== 0) fail(`helm failed on ${chart.name}: ${r.stderr}`);
          helmTimes.push(r.ms);
          helmOut = r.stdout;
        } else {
          const r = runProcess(process.execPath, [relBin, 'template', ...chart.args]);
          relTimes.push(r.ms);
          relOut = r.stdout;
          if (r.code !== 0) relError = r.stderr.split('\n')[0];
        }
      }
    }
    const first = await inProcess(bundle, chart.args);
    const warm = [];
    let warmOk = first.ok && first.stdout === relOut;
    for (let i = 0; i < RUNS; i++) {
      const r = await inProcess(bundle, chart.args);
      warm.push(r.ms);
      warmOk &&= r.ok;
    }
    const row = {
      chart: chart.name,
      helmMs: median(helmTimes),
      relMs: median(relTimes),
      ratio: median(relTimes) / median(helmTimes),
      relNoCaMs: extraCa ? median(relNoCaTimes) : undefined,
      ratioNoCa: extraCa ? median(relNoCaTimes) / median(helmTimes) : undefined,
      // in-process times are only reported when the command succeeded
      relInProcessFirstMs: warmOk ? first.ms : undefined,
      relInProcessWarmMs: warmOk ? median(warm) : undefined,
      inProcessVsHelm: warmOk ? median(warm) / median(helmTimes) : undefined,
      identical: relOut === helmOut,
      relError: relError || undefined,
      runs: RUNS,
    };
    results.push(row);
  }

  // Context: what start-up alone costs.
  const nodeBare = [];
  const nodeBareNoCa = [];
  const relVersion = [];
  for (let i = 0; i < RUNS; i++) {
    nodeBare.push(runProcess(process.execPath, ['-e', '0']).ms);
    if (extraCa) nodeBareNoCa.push(runProcess(process.execPath, ['-e', '0'], envNoCa).ms);
    relVersion.push(runProcess(process.execPath, [relBin, 'version']).ms);
  }
  const startup = {
    nodeBareMs: median(nodeBare),
    nodeBareNoCaMs: extraCa ? median(nodeBareNoCa) : undefined,
    relVersionMs: median(relVersion),
    cacheUsed: bundle.cacheUsed,
  };

  if (asJson) {
    console.log(JSON.stringify({ results, startup }, null, 2));
    return;
  }
  const header = ['chart', 'helm (process)', 'rel (process)', 'rel/helm'];
  if (extraCa) header.push('rel, no NODE_EXTRA_CA_CERTS', 'ratio');
  header.push('rel in-process 1st', 'rel in-process warm', 'warm/helm', 'output');
  const rows = results.map((r) => [
    r.chart,
    fmt(r.helmMs),
    fmt(r.relMs),
    ratio(r.relMs, r.helmMs),
    ...(extraCa ? [fmt(r.relNoCaMs), ratio(r.relNoCaMs, r.helmMs)] : []),
    fmt(r.relInProcessFirstMs),
    fmt(r.relInProcessWarmMs),
    ratio(r.relInProcessWarmMs, r.helmMs),
    r.relError ? `rel failed: ${r.relError.slice(0, 48)}` : r.identical ? 'identical' : 'DIFFERENT',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
  console.log(`rel template vs helm template — median of ${RUNS} runs each (node ${process.version})`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
  const noCa = extraCa ? `, without NODE_EXTRA_CA_CERTS ${fmt(startup.nodeBareNoCaMs)}` : '';
  console.log(
    `\nstart-up: \`node -e 0\` ${fmt(startup.nodeBareMs)}${noCa}; \`rel version\` ${fmt(startup.relVersionMs)}; code cache ${startup.cacheUsed ? 'used' : 'NOT used'} (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs)`,
  );
  if (extraCa) console.log('NODE_EXTRA_CA_CERTS is set: Node reads those certificates at start-up, before any of rel runs.');
  const worst = Math.max(...results.map((r) => r.ratio));
  console.log(`\nworst whole-process ratio rel/helm: ${worst.toFixed(2)}x (target <= 1.00x)`);
  if (extraCa) console.log(`without NODE_EXTRA_CA_CERTS: ${Math.max(...results.map((r) => r.ratioNoCa)).toFixed(2)}x`);
}

main().catch((e) => fail(e instanceof Error ? e.stack ?? e.message : String(e)));
