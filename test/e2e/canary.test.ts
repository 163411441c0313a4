import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeOptions, releaseContext } from '../../src/actions/context.js';
import { runDeploy } from '../../src/actions/deploy.js';
import { history, status } from '../../src/actions/inspect.js';
import { queryProm } from '../../src/sandbox/traffic/index.js';
import { RolloutRolledBack } from '../../src/rollout/progressive.js';
import { type TestCluster, root, testCluster } from './support/env.js';

const chart = join(root, 'test/e2e/fixtures/web');

describe('canary releases on the sandbox with a real Prometheus', () => {
  let c: TestCluster;
  const logs: string[] = [];
  const log = (l: string) => logs.push(`${new Date().toISOString()} ${l}`);
  beforeAll(async () => {
    c = await testCluster({ prometheus: true });
  }, 60_000);
  afterAll(async () => c?.stop());

  const base = (ns: string, host: string) => ({
    kubeconfig: c.kubeconfig,
    namespace: ns,
    'create-namespace': true,
    timeout: '30s',
    set: [`ingress.host=${host}`],
  });
  const fast = { 'step-interval': '6s', 'analysis-interval': '3s', 'prometheus-url': c?.prometheus?.url };
  /** 5xx answered by the stable version (canary="") since `since`. */
  const stableErrors = async (ns: string, window: string) => {
    const r = await queryProm(c.prometheus!.url, `sum(increase(nginx_ingress_controller_requests{namespace="${ns}",canary="",status=~"5.."}[${window}]))`);
    return r.length ? r[0]!.value : 0;
  };

  it('a healthy canary steps 10 → 25 → 50 → 100 and promotes; helm sees the new revision deployed', async () => {
    const ns = 'good';
    await runDeploy({ release: ns, chart }, { ...base(ns, 'good.test'), wait: true }, log);
    const r = await runDeploy(
      { release: ns, chart },
      { ...base(ns, 'good.test'), set: ['ingress.host=good.test', 'image.tag=2.0'], canary: 10, steps: '25,50,100', ...fast, 'prometheus-url': c.prometheus!.url },
      log,
    );
    expect(r.release.version).toBe(2);
    expect(r.release.info.status).toBe('deployed');
    const steps = logs.filter((l) => /step \d+\/\d+: canary at/.test(l)).map((l) => /at (\d+)%/.exec(l)![1]);
    expect(steps).toEqual(['10', '25', '50']);
    const hh = JSON.parse(await c.helm('history', ns, '-n', ns, '-o', 'json')) as { status: string }[];
    expect(hh.map((x) => x.status)).toEqual(['superseded', 'deployed']);
    const dep = JSON.parse(await c.kubectl('get', 'deployment', `${ns}-web`, '-n', ns, '-o', 'json'));
    expect(dep.spec.template.spec.containers[0].image).toBe('example/web:2.0');
    await expect(c.kubectl('get', 'deployment', `${ns}-web-canary`, '-n', ns)).rejects.toThrow(/NotFound|not found/);
    await expect(c.kubectl('get', 'ingress', `${ns}-web-canary`, '-n', ns)).rejects.toThrow(/NotFound|not found/);
    const st = await status(releaseContext(kubeOptions({ kubeconfig: c.kubeconfig, namespace: ns }), () => {}), ns);
    expect(st.analysis?.length).toBeGreaterThan(0);
  });

  // The latency target of issue 6 — from the first bad step to canary weight 0 within one analysis interval + 5 s —
  // holds for this documented configuration: analysis interval 3 s, failureLimit 2, at least 20 canary requests
  // per window (fewer: inconclusive), 200 req/s on the host so the canary at 10% gets ~20 req/s, Prometheus
  // scraping every 1 s and --scrape-interval 1s (rate window 4 s). bench/rollback.mjs measures it over 10 runs
  // (and failureLimit 1, the 3 s window, and last session's low traffic).
  it('a canary with a 20% error rate is rolled back automatically within interval + 5 s (exit code 3); stable never failed', async () => {
    const ns = 'bad';
    const rps = 'ingress.annotations.sandbox\\.rel\\.dev/requests-per-second=200';
    await runDeploy({ release: ns, chart }, { ...base(ns, 'bad.test'), set: ['ingress.host=bad.test', rps], wait: true }, log);
    await new Promise((r) => setTimeout(r, 3000)); // let the stable version's steady traffic show up
    // Every request the simulated ingress-nginx sends to the canary, seen independently of rel.
    let firstCanary = 0;
    let lastCanary = 0;
    const off = c.traffic!.onRequest((r) => {
      if (r.namespace !== ns || !r.canary) return;
      firstCanary ||= Date.now();
      lastCanary = Date.now();
    });
    const started = Date.now();
    const err = await runDeploy(
      { release: ns, chart },
      {
        ...base(ns, 'bad.test'),
        set: ['ingress.host=bad.test', rps, 'image.tag=2.0', 'errorRate=0.2'],
        canary: 10,
        steps: '25,50,100',
        ...fast,
        // a first step long enough to hold more than two windows: the rollback must come from step 1 (weight 10)
        // whatever the machine's load; the latency target below is unchanged
        'step-interval': '20s',
        'failure-limit': 2,
        'min-requests': 20,
        'scrape-interval': '1s',
        'prometheus-url': c.prometheus!.url,
      },
      log,
    ).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 500)); // a few simulator ticks: no canary request may follow
    off();
    expect(err).toBeInstanceOf(RolloutRolledBack);
    const rb = err as RolloutRolledBack;
    expect(rb.exitCode).toBe(3);
    expect(rb.message).toMatch(/check error-rate failed 2 times in a row/);
    expect(rb.timing.weight).toBe(10); // rolled back in the first step
    const target = 3000 + 5000;
    console.log(
      `canary rollback: step start → weight 0 ${rb.stepToSafeMs} ms (first → last canary request ${lastCanary - firstCanary} ms); decision → stable-only ${rb.detectionToSafeMs} ms; target ${target} ms`,
    );
    expect(rb.stepToSafeMs).toBeLessThanOrEqual(target);
    expect(firstCanary).toBeGreaterThan(0);
    expect(lastCanary - firstCanary).toBeLessThanOrEqual(target);
    expect(rb.detectionToSafeMs).toBeLessThan(1000);
    await expect(c.kubectl('get', 'ingress', `${ns}-web-canary`, '-n', ns)).rejects.toThrow(/NotFound|not found/);
    const h = await history(releaseContext(kubeOptions({ kubeconfig: c.kubeconfig, namespace: ns }), () => {}), ns);
    expect(h.map((x) => [x.revision, x.status])).toEqual([
      [1, 'deployed'],
      [2, 'failed'],
    ]);
    expect(h[1]!.description).toMatch(/error-rate/);
    const dep = JSON.parse(await c.kubectl('get', 'deployment', `${ns}-web`, '-n', ns, '-o', 'json'));
    expect(dep.spec.template.spec.containers[0].image).toBe('example/web:1.0');
    await new Promise((r) => setTimeout(r, 2000)); // the last scrape
    const window = `${Math.ceil((Date.now() - started) / 1000)}s`;
    expect(await stableErrors(ns, window)).toBe(0);
    const stableServed = await queryProm(c.prometheus!.url, `sum(increase(nginx_ingress_controller_requests{namespace="${ns}",canary=""}[${window}]))`);
    expect(stableServed[0]!.value).toBeGreaterThan(50);
  });

  it('a canary with added latency is rolled back by the latency check', async () => {
    const ns = 'slow';
    await runDeploy({ release: ns, chart }, { ...base(ns, 'slow.test'), wait: true }, log);
    const err = await runDeploy(
      { release: ns, chart },
      { ...base(ns, 'slow.test'), set: ['ingress.host=slow.test', 'image.tag=2.0', 'latencyMs=400'], canary: 20, steps: '50,100', ...fast, 'prometheus-url': c.prometheus!.url },
      log,
    ).catch((e: Error) => e);
    expect(err).toBeInstanceOf(RolloutRolledBack);
    expect((err as Error).message).toMatch(/check latency failed/);
  });

  it('Prometheus unreachable: checks become errors and past the limit the rollout aborts safely', async () => {
    const ns = 'noprom';
    await runDeploy({ release: ns, chart }, { ...base(ns, 'noprom.test'), wait: true }, log);
    const err = await runDeploy(
      { release: ns, chart },
      { ...base(ns, 'noprom.test'), set: ['ingress.host=noprom.test', 'image.tag=2.0'], canary: 10, steps: '100', 'step-interval': '20s', 'analysis-interval': '2s', 'prometheus-url': 'http://127.0.0.1:9' },
      log,
    ).catch((e: Error) => e);
    expect(err).toBeInstanceOf(RolloutRolledBack);
    expect((err as Error).message).toMatch(/inconclusive 3 times in a row \(cannot reach Prometheus/);
    const dep = JSON.parse(await c.kubectl('get', 'deployment', `${ns}-web`, '-n', ns, '-o', 'json'));
    expect(dep.spec.template.spec.containers[0].image).toBe('example/web:1.0');
  });

  it('the rel deploy process killed at 25%: status shows the rollout held at 25%, --resume finishes it', async () => {
    const ns = 'resume';
    await runDeploy({ release: ns, chart }, { ...base(ns, 'resume.test'), wait: true }, log);
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      [join(root, 'bin/run.js'), 'deploy', ns, chart, '-n', ns, '--kubeconfig', c.kubeconfig, '--set', 'ingress.host=resume.test', '--set', 'image.tag=2.0', '--canary', '10', '--steps', '25,50,100', '--step-interval', '5s', '--analysis-interval', '2s', '--prometheus-url', c.prometheus!.url],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stderr.on('data', (d) => (out += d));
    const { RolloutStateStore } = await import('../../src/rollout/state.js');
    const ctx = releaseContext(kubeOptions({ kubeconfig: c.kubeconfig, namespace: ns }), () => {});
    const store = new RolloutStateStore(ctx.kube, ns);
    const deadline = Date.now() + 60_000;
    while ((await store.load(ns))?.weight !== 25 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(out).toMatch(/canary at 25%/);
    const st = await status(ctx, ns);
    expect(st.status).toBe('pending-upgrade');
    expect(st.rollout).toMatchObject({ strategy: 'canary', weight: 25, phase: 'progressing' });
    const canaryIngress = JSON.parse(await c.kubectl('get', 'ingress', `${ns}-web-canary`, '-n', ns, '-o', 'json'));
    expect(canaryIngress.metadata.annotations['nginx.ingress.kubernetes.io/canary-weight']).toBe('25');
    const r = await runDeploy({ release: ns }, { kubeconfig: c.kubeconfig, namespace: ns, resume: true }, log);
    expect(r.release.info.status).toBe('deployed');
    expect(r.release.version).toBe(2);
    const dep = JSON.parse(await c.kubectl('get', 'deployment', `${ns}-web`, '-n', ns, '-o', 'json'));
    expect(dep.spec.template.spec.containers[0].image).toBe('example/web:2.0');
    expect(await store.load(ns)).toBeUndefined();
  });

  it('blue-green: a healthy version is promoted; a faulty preview is rolled back before the switch', async () => {
    const ns = 'bg2';
    await runDeploy({ release: ns, chart }, { ...base(ns, 'bg2.test'), wait: true }, log);
    const bgFlags = { 'blue-green': true, 'step-interval': '8s', 'analysis-interval': '3s', 'scale-down-delay': '8s', 'prometheus-url': c.prometheus!.url };
    const ok = await runDeploy({ release: ns, chart }, { ...base(ns, 'bg2.test'), set: ['ingress.host=bg2.test', 'image.tag=2.0'], ...bgFlags, 'preview-host': 'preview.bg2.test' }, log);
    expect(ok.release.info.status).toBe('deployed');
    expect(logs.some((l) => l.includes('preview Ingress bg2-web-preview for host preview.bg2.test'))).toBe(true);
    await expect(c.kubectl('get', 'ingress', `${ns}-web-preview`, '-n', ns)).rejects.toThrow(/NotFound|not found/);
    const dep = JSON.parse(await c.kubectl('get', 'deployment', `${ns}-web`, '-n', ns, '-o', 'json'));
    expect(dep.spec.template.spec.containers[0].image).toBe('example/web:2.0');
    const svc = JSON.parse(await c.kubectl('get', 'service', `${ns}-web`, '-n', ns, '-o', 'json'));
    expect(svc.spec.selector['rel.dev/track']).toBeUndefined();
    const bad = await runDeploy({ release: ns, chart }, { ...base(ns, 'bg2.test'), set: ['ingress.host=bg2.test', 'image.tag=3.0', 'errorRate=0.3'], ...bgFlags }, log).catch((e: Error) => e);
    expect(bad).toBeInstanceOf(RolloutRolledBack);
    expect((bad as Error).message).toMatch(/check error-rate failed/);
    const after = JSON.parse(await c.kubectl('get', 'service', `${ns}-web`, '-n', ns, '-o', 'json'));
    expect(after.spec.selector['rel.dev/track']).toBeUndefined();
    const dep2 = JSON.parse(await c.kubectl('get', 'deployment', `${ns}-web`, '-n', ns, '-o', 'json'));
    expect(dep2.spec.template.spec.containers[0].image).toBe('example/web:2.0');
  });

  it('blue-green: preview, switch, then rollback within the scale-down delay in under 2 seconds', async () => {
    const ns = 'bg';
    await runDeploy({ release: ns, chart }, { ...base(ns, 'bg.test'), wait: true }, log);
    const run = runDeploy(
      { release: ns, chart },
      { ...base(ns, 'bg.test'), set: ['ingress.host=bg.test', 'image.tag=2.0'], 'blue-green': true, 'step-interval': '4s', 'analysis-interval': '2s', 'scale-down-delay': '60s', 'prometheus-url': c.prometheus!.url },
      log,
    ).catch((e: Error) => e);
    // Wait for the switch (Service selector moved to the preview pods), then abort.
    const svcSelector = async () => JSON.parse(await c.kubectl('get', 'service', `${ns}-web`, '-n', ns, '-o', 'json')).spec.selector as Record<string, string>;
    const deadline = Date.now() + 60_000;
    while (!(await svcSelector())['rel.dev/track'] && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect((await svcSelector())['rel.dev/track']).toBe('preview');
    const { RolloutStateStore } = await import('../../src/rollout/state.js');
    const ctx = releaseContext(kubeOptions({ kubeconfig: c.kubeconfig, namespace: ns }), () => {});
    const t0 = Date.now();
    await new RolloutStateStore(ctx.kube, ns).request(ns, 'abort', 'test');
    while ((await svcSelector())['rel.dev/track'] && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
    const switchBackMs = Date.now() - t0;
    console.log(`blue-green rollback: Service back on the old version ${switchBackMs} ms after the abort request`);
    expect((await svcSelector())['rel.dev/track']).toBeUndefined();
    expect(switchBackMs).toBeLessThan(2000);
    const e = await run;
    expect(e).toBeInstanceOf(RolloutRolledBack);
  });
});
