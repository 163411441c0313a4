#!/usr/bin/env node
// Detection-to-rollback latency of a failing canary (issue 6), over N runs (default 10) on the sandbox with the
// real Prometheus: a canary whose pods answer 20% errors is started at 10%; we report, per run, the time from
// the failure decision to stable-only traffic (canary Ingress gone) and from the start of the bad step to weight 0.
// Needs `npm run build`, `npm run tools` and the prometheus binary.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
if (!existsSync(join(root, 'dist/actions/deploy.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const runs = Number(process.argv[2] ?? 10);
const { startSandbox, writeKubeconfig } = await import(join(root, 'dist/sandbox/index.js'));
const { TrafficSimulator, storeClusterView, startPrometheus } = await import(join(root, 'dist/sandbox/traffic/index.js'));
const { runDeploy } = await import(join(root, 'dist/actions/deploy.js'));
const sb = await startSandbox({ port: 0 });
const sim = new TrafficSimulator(storeClusterView(sb.cluster.store));
sb.addRoute(sim.metricsRoute);
sim.start();
const prom = await startPrometheus({ scrapeTarget: `${sb.url}/metrics` });
const dir = mkdtempSync(join(tmpdir(), 'rel-bench-rb-'));
const kubeconfig = join(dir, 'kubeconfig');
writeKubeconfig(kubeconfig, sb.url);
const chart = join(root, 'test/e2e/fixtures/web');
const rows = [];
try {
  for (let i = 0; i < runs; i++) {
    const ns = `rb${i}`;
    const base = { kubeconfig, namespace: ns, 'create-namespace': true, timeout: '60s', set: [`ingress.host=${ns}.test`] };
    await runDeploy({ release: ns, chart }, { ...base, wait: true }, () => {});
    let badStepAt = 0;
    const t0 = Date.now();
    const err = await runDeploy(
      { release: ns, chart },
      { ...base, set: [`ingress.host=${ns}.test`, 'image.tag=2.0', 'errorRate=0.2'], canary: 10, steps: '100', 'step-interval': '60s', 'analysis-interval': '3s', 'prometheus-url': prom.url },
      (line) => {
        if (!badStepAt && /canary at 10%/.test(line)) badStepAt = Date.now();
      },
    ).catch((e) => e);
    const end = Date.now();
    if (err?.exitCode !== 3) throw new Error(`run ${i}: expected an automatic rollback, got ${err?.message ?? 'success'}`);
    rows.push({ run: i + 1, detectionToSafeMs: err.detectionToSafeMs, badStepToWeight0Ms: end - badStepAt, totalMs: end - t0 });
  }
} finally {
  sim.stop();
  await prom.stop();
  await sb.stop();
}
console.log('| run | decision → stable-only traffic (ms) | bad step start → weight 0 (ms) |\n|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.run} | ${r.detectionToSafeMs} | ${r.badStepToWeight0Ms} |`);
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`\nmedian: decision → safe ${med(rows.map((r) => r.detectionToSafeMs))} ms; bad step → weight 0 ${med(rows.map((r) => r.badStepToWeight0Ms))} ms (analysis interval 3 s, failureLimit 2)`);
