#!/usr/bin/env node
// Benchmark: `rel template` against `helm template` on the same charts, in the same run.
//
//   npm run build && node bench/template.mjs [--runs N] [--json]
//
// For each chart it measures
//  - whole-process wall time of `node bin/run.js template …` and of `helm template …`
//    (median of N runs each; the two are interleaved, alternating which goes first, so that
//    machine load affects both alike),
//  - rel's in-process time: the compiled template command run inside this process
//    (first call, which includes loading the engine, and the median of N warm calls),
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

function runProcess(cmd, args) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: fixtures, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  return { ms, code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs the compiled command in this process, with stdout/stderr swallowed. */
async function inProcess(Command, args) {
  const origOut = process.stdout.write;
  const origErr = process.stderr.write;
  let out = '';
  process.stdout.write = (chunk, enc, cb) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (typeof enc === 'function') enc();
    else if (typeof cb === 'function') cb();
    return true;
  };
  process.stderr.write = (_chunk, enc, cb) => {
    if (typeof enc === 'function') enc();
    else if (typeof cb === 'function') cb();
    return true;
  };
  const saved = process.exitCode;
  const t0 = performance.now();
  let ok = true;
  try {
    await Command.run(args, root);
    if (process.exitCode && process.exitCode !== 0) ok = false;
  } catch {
    ok = false;
  } finally {
    process.stdout.write = origOut;
    process.stderr.write = origErr;
    process.exitCode = saved;
  }
  return { ms: performance.now() - t0, ok, stdout: out };
}

const fmt = (ms) => (ms === undefined ? '-' : `${ms.toFixed(1)} ms`);
const ratio = (a, b) => (a === undefined || b === undefined ? '-' : `${(a / b).toFixed(2)}x`);

async function main() {
  const results = [];
  process.chdir(fixtures);
  const Command = (await import(pathToFileURL(compiledCommand).href)).default;
  for (const chart of charts) {
    const helmTimes = [];
    const relTimes = [];
    let helmOut;
    let relOut;
    let relError = '';
    // one unmeasured warm-up each (file cache)
    runProcess(helm, ['template', ...chart.args]);
    runProcess(process.execPath, [relBin, 'template', ...chart.args]);
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 === 0 ? ['helm', 'rel'] : ['rel', 'helm'];
      for (const who of order) {
        if (who === 'helm') {
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
    const first = await inProcess(Command, chart.args);
    const warm = [];
    let warmOk = first.ok;
    for (let i = 0; i < RUNS; i++) {
      const r = await inProcess(Command, chart.args);
      warm.push(r.ms);
      warmOk &&= r.ok;
    }
    const row = {
      chart: chart.name,
      helmMs: median(helmTimes),
      relMs: median(relTimes),
      ratio: median(relTimes) / median(helmTimes),
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
  const relVersion = [];
  for (let i = 0; i < RUNS; i++) {
    nodeBare.push(runProcess(process.execPath, ['-e', '0']).ms);
    relVersion.push(runProcess(process.execPath, [relBin, 'version']).ms);
  }
  const startup = { nodeBareMs: median(nodeBare), relVersionMs: median(relVersion) };

  if (asJson) {
    console.log(JSON.stringify({ results, startup }, null, 2));
    return;
  }
  const header = ['chart', 'helm (process)', 'rel (process)', 'rel/helm', 'rel in-process 1st', 'rel in-process warm', 'warm/helm', 'output'];
  const rows = results.map((r) => [
    r.chart,
    fmt(r.helmMs),
    fmt(r.relMs),
    ratio(r.relMs, r.helmMs),
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
  console.log(`\nstart-up: \`node -e 0\` ${fmt(startup.nodeBareMs)}, \`rel version\` ${fmt(startup.relVersionMs)} (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs)`);
  const worst = Math.max(...results.map((r) => r.ratio));
  console.log(`\nworst whole-process ratio rel/helm: ${worst.toFixed(2)}x (target <= 1.00x)`);
}

main().catch((e) => fail(e instanceof Error ? e.stack ?? e.message : String(e)));
