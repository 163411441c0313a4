#!/usr/bin/env node
// Rollback latency of a failing canary (issue 6) on the sandbox with the real Prometheus (scrape every 1 s).
// A canary whose pods answer 20% errors (sandbox.rel.dev/error-rate: "0.2") starts at weight 10; per run we
// measure
//   - step → weight 0: from the moment rel set weight 10 on the router to the moment it sent all traffic back
//     to stable (rel's own clock, RolloutRolledBack.stepToSafeMs);
//   - bad traffic: from the first to the last request the simulated ingress-nginx sent to the canary (seen by
//     the traffic simulator, independent of rel);
//   - decision → stable-only traffic (RolloutRolledBack.detectionToSafeMs).
// Target (issue 6): within one analysis interval + 5 s.
//
// Usage: node bench/rollback.mjs [runs=10] [config…]   configs: fl2 fl1 fl2w3 low lowmin (default: fl2 fl1 fl2w3 low)
//   fl2: 200 req/s on the host (20 req/s reach the canary at 10%), failureLimit 2, minRequests 20,
//        --scrape-interval 1s (rate window 4 s = interval + one scrape)                               ← documented
//   fl1: the same with failureLimit 1
//   fl2w3: fl2 without --scrape-interval (rate window 3 s = the interval: a third of the samples' increases unused)
//   low: 20 req/s on the host (2 req/s on the canary), failureLimit 2, no minimum, window 3 s (last session's setup)
//   lowmin: low traffic with minRequests 20: windows are inconclusive, the rollout stops after 3 of them
// Each run's release is uninstalled afterwards so every run sees the same load.
// Needs `npm run build` and the prometheus binary.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
if (!existsSync(join(root, 'dist/actions/deploy.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const INTERVAL_S = 3;
const CONFIGS = {
  fl2: { rps: 200, failureLimit: 2, minRequests: 20, scrape: '1s' },
  fl1: { rps: 200, failureLimit: 1, minRequests: 20, scrape: '1s' },
  fl2w3: { rps: 200, failureLimit: 2, minRequests: 20 },
  low: { rps: 20, failureLimit: 2, minRequests: 0 },
  lowmin: { rps: 20, failureLimit: 2, minRequests: 20, scrape: '1s' },
};
const runs = Number(process.argv[2] ?? 10);
const names = process.argv.slice(3).length ? process.argv.slice(3) : ['fl2', 'fl1', 'fl2w3', 'low'];
for (const n of names) if (!CONFIGS[n]) throw new Error(`unknown configuration ${n}; use ${Object.keys(CONFIGS).join(', ')}`);

const { startSandbox, writeKubeconfig } = await import(join(root, 'dist/sandbox/index.js'));
const { TrafficSimulator, storeClusterView, startPrometheus } = await import(join(root, 'dist/sandbox/traffic/index.js'));
const { runDeploy } = await import(join(root, 'dist/actions/deploy.js'));
const { kubeOptions, releaseContext } = await import(join(root, 'dist/actions/context.js'));
const { uninstall } = await import(join(root, 'dist/release/operations.js'));
const sb = await startSandbox({ port: 0 });
const sim = new TrafficSimulator(storeClusterView(sb.cluster.store));
sb.addRoute(sim.metricsRoute);
sim.start();
const prom = await startPrometheus({ scrapeTarget: `${sb.url}/metrics` });
const dir = mkdtempSync(join(tmpdir(), 'rel-bench-rb-'));
const kubeconfig = join(dir, 'kubeconfig');
writeKubeconfig(kubeconfig, sb.url);
const chart = join(root, 'test/e2e/fixtures/web');
const results = {};
try {
  for (const name of names) {
    const cfg = CONFIGS[name];
    const rows = [];
    for (let i = 0; i < runs; i++) {
      const ns = `rb-${name}-${i}`;
      const set = [`ingress.host=${ns}.test`, `ingress.annotations.sandbox\\.rel\\.dev/requests-per-second=${cfg.rps}`];
      const base = { kubeconfig, namespace: ns, 'create-namespace': true, timeout: '60s' };
      await runDeploy({ release: ns, chart }, { ...base, set, wait: true }, () => {});
      await new Promise((r) => setTimeout(r, 2000)); // stable traffic in Prometheus before the canary
      let first = 0;
      let last = 0;
      let canaryRequests = 0;
      const off = sim.onRequest((r) => {
        if (r.namespace !== ns || !r.canary) return;
        const t = Date.now();
        first ||= t;
        last = t;
        canaryRequests++;
      });
      const err = await runDeploy(
        { release: ns, chart },
        {
          ...base,
          set: [...set, 'image.tag=2.0', 'errorRate=0.2'],
          canary: 10,
          steps: '100',
          'step-interval': '60s',
          'analysis-interval': `${INTERVAL_S}s`,
          'failure-limit': cfg.failureLimit,
          'min-requests': cfg.minRequests,
          ...(cfg.scrape ? { 'scrape-interval': cfg.scrape } : {}),
          'prometheus-url': prom.url,
        },
        () => {},
      ).catch((e) => e);
      await new Promise((r) => setTimeout(r, 300)); // a few simulator ticks: no canary request may follow
      off();
      await uninstall(releaseContext(kubeOptions({ kubeconfig, namespace: ns }), () => {}), { name: ns, wait: true, timeoutMs: 30_000 });
      if (err?.exitCode !== 3) throw new Error(`${name} run ${i}: expected an automatic rollback, got ${err?.message ?? 'success'}`);
      // The error-rate measurements of the failed step, e.g. "inconclusive(12) fail(41) fail(38)".
      const trace = err.measurements
        .filter((m) => m.check === 'error-rate' && Date.parse(m.at) >= err.timing.stepStartedAt)
        .map((m) => `${m.result}${m.requests !== undefined ? `(${Math.round(m.requests)})` : ''}${m.value !== undefined ? ` ${m.value.toFixed(2)}` : ''}`)
        .join(', ');
      rows.push({ run: i + 1, stepToSafeMs: err.stepToSafeMs, badTrafficMs: last - first, detectionToSafeMs: err.detectionToSafeMs, canaryRequests, trace });
    }
    results[name] = rows;
  }
} finally {
  sim.stop();
  await prom.stop();
  await sb.stop();
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const med = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median: Math.round(med), min: s[0], max: s[s.length - 1] };
};
const target = INTERVAL_S * 1000 + 5000;
for (const name of names) {
  const cfg = CONFIGS[name];
  const rows = results[name];
  console.log(`\n## ${name}: analysis interval ${INTERVAL_S} s, failureLimit ${cfg.failureLimit}, minRequests ${cfg.minRequests}, rate window ${cfg.scrape ? `${INTERVAL_S}s + ${cfg.scrape}` : `${INTERVAL_S}s`}, ${cfg.rps} req/s on the host (canary at 10%), Prometheus scrape 1 s`);
  console.log('| run | step → weight 0 (ms) | first → last canary request (ms) | decision → stable-only (ms) | canary requests | error-rate checks (requests) value |\n|---:|---:|---:|---:|---:|---|');
  for (const r of rows) console.log(`| ${r.run} | ${r.stepToSafeMs} | ${r.badTrafficMs} | ${r.detectionToSafeMs} | ${r.canaryRequests} | ${r.trace} |`);
  for (const [label, key] of [['step → weight 0', 'stepToSafeMs'], ['first → last canary request', 'badTrafficMs'], ['decision → stable-only', 'detectionToSafeMs']]) {
    const s = stats(rows.map((r) => r[key]));
    console.log(`${label}: median ${s.median} ms, min ${s.min} ms, max ${s.max} ms`);
  }
  const over = rows.filter((r) => r.stepToSafeMs > target).length;
  console.log(`runs over the target (${target} ms = interval + 5 s): ${over} of ${rows.length}`);
}
