#!/usr/bin/env node
// Benchmark: `rel template` against `helm template` on the same charts, in the same run.
//
//   npm run build && node bench/template.mjs [--runs N] [--json]
//
// For each chart it measures whole-process wall times (median of N runs; the variants are
// interleaved, alternating the order, so that machine load affects all alike) of
//  - `helm template …`,
//  - rel: `bin/run.js template …` run as a program, as users run it: its /bin/sh lines drop
//    NODE_EXTRA_CA_CERTS (Node 20 reads that file before running any JavaScript, tens of ms,
//    though `rel template` opens no TLS connection; helm reads certificates only when needed),
//    and the command goes to the render server this run starts (src/fast/server.ts), in a
//    private XDG_RUNTIME_DIR,
//  - rel without a server (REL_RENDER_SERVER=0: Node start, bundle load and a cold render),
//  - when NODE_EXTRA_CA_CERTS is set: `node bin/run.js template …` without a server (no /bin/sh lines),
//  - rel's in-process time: the fast-path bundle's template command run inside this process
//    (first call, which includes loading and compiling the engine, and the median of N warm calls),
// and prints a table with the ratios rel/helm (target: rel's whole-process median <= 1.0x helm's).
// It also says whether every variant's output was byte-identical to helm's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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

// A private folder for the render server this run starts (it exits 5 s after the last request).
const runtimeDir = mkdtempSync(join(os.tmpdir(), 'rel-bench-'));
const env = { ...process.env, TZ: 'UTC', XDG_RUNTIME_DIR: runtimeDir, REL_RENDER_SERVER_IDLE: '5' };
delete env.REL_RENDER_SERVER;
delete env.REL_NO_FAST;
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

/** Waits until a render server of this build answers for `args` (it warms up on its first request). */
function waitForServer(args) {
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    if (runProcess(relBin, ['template', ...args], { ...env, REL_RENDER_SERVER: 'require' }).code === 0) return true;
    spawnSync('sleep', ['0.1']);
  }
  return false;
}

async function main() {
  const results = [];
  process.chdir(fixtures);
  const { loadBundle } = await import(pathToFileURL(join(fastDir, 'load.js')).href);
  const bundle = loadBundle(fastDir, compiledCommand);
  if (!bundle || !bundle.mod.embeddedSpec) fail('dist/fast/template.cjs is missing or stale: run `npm run build` first.');
  // Variants, each a whole process, interleaved so that machine load affects all alike:
  //   helm;  rel = the executable as users run it (#! line, render server);  no server = the same
  //   with REL_RENDER_SERVER=0 (a cold in-process render every time);  `node bin/run.js` = no
  //   server and no /bin/sh lines (so with NODE_EXTRA_CA_CERTS when it is set).
  const variants = [
    { key: 'helm', run: (args) => runProcess(helm, ['template', ...args]) },
    { key: 'rel', run: (args) => runProcess(relBin, ['template', ...args]) },
    { key: 'cold', run: (args) => runProcess(relBin, ['template', ...args], { ...env, REL_RENDER_SERVER: '0' }) },
    ...(extraCa ? [{ key: 'node', run: (args) => runProcess(process.execPath, [relBin, 'template', ...args], { ...env, REL_RENDER_SERVER: '0' }) }] : []),
  ];
  for (const chart of charts) {
    const times = Object.fromEntries(variants.map((v) => [v.key, []]));
    const outs = {};
    const errors = {};
    // unmeasured warm-ups: file cache; the first rel run starts the render server
    for (const v of variants) v.run(chart.args);
    const serverUp = waitForServer(chart.args);
    for (let w = 0; w < 2; w++) for (const v of variants) v.run(chart.args);
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 === 0 ? variants : [...variants].reverse();
      for (const v of order) {
        const r = v.run(chart.args);
        if (r.code !== 0 && v.key === 'helm') fail(`helm failed on ${chart.name}: ${r.stderr}`);
        if (r.code !== 0) errors[v.key] ||= r.stderr.split('\n')[0];
        times[v.key].push(r.ms);
        outs[v.key] ??= r.stdout;
        if (outs[v.key] !== r.stdout) errors[v.key] ||= 'output differs between runs';
      }
    }
    const first = await inProcess(bundle, chart.args);
    const warm = [];
    let warmOk = first.ok && first.stdout === outs.rel;
    for (let i = 0; i < RUNS; i++) {
      const r = await inProcess(bundle, chart.args);
      warm.push(r.ms);
      warmOk &&= r.ok;
    }
    const m = Object.fromEntries(variants.map((v) => [v.key, median(times[v.key])]));
    const differs = variants.filter((v) => v.key !== 'helm' && outs[v.key] !== outs.helm).map((v) => v.key);
    results.push({
      chart: chart.name,
      helmMs: m.helm,
      relMs: m.rel,
      ratio: m.rel / m.helm,
      serverUsed: serverUp,
      relNoServerMs: m.cold,
      ratioNoServer: m.cold / m.helm,
      nodeNoServerMs: m.node,
      ratioNode: m.node === undefined ? undefined : m.node / m.helm,
      // in-process times are only reported when the command succeeded
      relInProcessFirstMs: warmOk ? first.ms : undefined,
      relInProcessWarmMs: warmOk ? median(warm) : undefined,
      inProcessVsHelm: warmOk ? median(warm) / m.helm : undefined,
      identical: differs.length === 0,
      relError: Object.entries(errors).map(([k, e]) => `${k}: ${e}`).join('; ') || (differs.length ? `differs from helm: ${differs.join(', ')}` : undefined),
      runs: RUNS,
    });
  }

  // Context: what start-up alone costs.
  const nodeBare = [];
  const nodeBareNoCa = [];
  const relVersion = [];
  for (let i = 0; i < RUNS; i++) {
    nodeBare.push(runProcess(process.execPath, ['-e', '0']).ms);
    if (extraCa) nodeBareNoCa.push(runProcess(process.execPath, ['-e', '0'], envNoCa).ms);
    relVersion.push(runProcess(relBin, ['version']).ms);
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
  const header = ['chart', 'helm', 'rel', 'rel/helm', 'rel, no server', 'ratio'];
  if (extraCa) header.push('node bin/run.js, no server', 'ratio');
  header.push('in-process 1st', 'in-process warm', 'warm/helm', 'output');
  const rows = results.map((r) => [
    r.chart,
    fmt(r.helmMs),
    fmt(r.relMs) + (r.serverUsed ? '' : ' (no server!)'),
    ratio(r.relMs, r.helmMs),
    fmt(r.relNoServerMs),
    ratio(r.relNoServerMs, r.helmMs),
    ...(extraCa ? [fmt(r.nodeNoServerMs), ratio(r.nodeNoServerMs, r.helmMs)] : []),
    fmt(r.relInProcessFirstMs),
    fmt(r.relInProcessWarmMs),
    ratio(r.relInProcessWarmMs, r.helmMs),
    r.relError ? `FAILED ${r.relError.slice(0, 60)}` : 'identical',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
  console.log(`rel template vs helm template — whole processes, median of ${RUNS} runs each (node ${process.version})`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
  const noCa = extraCa ? `, without NODE_EXTRA_CA_CERTS ${fmt(startup.nodeBareNoCaMs)}` : '';
  console.log(
    `\nstart-up: \`node -e 0\` ${fmt(startup.nodeBareMs)}${noCa}; \`rel version\` ${fmt(startup.relVersionMs)}; code cache ${startup.cacheUsed ? 'used' : 'NOT used'} (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs)`,
  );
  console.log('rel: bin/run.js as users run it (its #! line; `rel template` through the render server). no server: REL_RENDER_SERVER=0.');
  if (extraCa) console.log('NODE_EXTRA_CA_CERTS is set: `node bin/run.js` reads those certificates at start-up; bin/run.js run as a program drops them for `rel template`.');
  const worst = Math.max(...results.map((r) => r.ratio));
  console.log(`\nworst whole-process ratio rel/helm: ${worst.toFixed(2)}x (target <= 1.00x)`);
  console.log(`without the render server: ${Math.max(...results.map((r) => r.ratioNoServer)).toFixed(2)}x`);
}

main()
  .catch((e) => fail(e instanceof Error ? e.stack ?? e.message : String(e)))
  .finally(() => rmSync(runtimeDir, { recursive: true, force: true }));
