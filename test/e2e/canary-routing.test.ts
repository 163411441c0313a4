import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeOptions, releaseContext } from '../../src/actions/context.js';
import { runDeploy } from '../../src/actions/deploy.js';
import type { RequestRecord } from '../../src/sandbox/traffic/index.js';
import { queryProm } from '../../src/sandbox/traffic/index.js';
import { RolloutStateStore } from '../../src/rollout/state.js';
import { type TestCluster, root, testCluster } from './support/env.js';

const chart = join(root, 'test/e2e/fixtures/web');
const RPS = 'ingress.annotations.sandbox\\.rel\\.dev/requests-per-second=200';

/**
 * Canary by header and by cookie (`--canary 0 --canary-header …` / `--canary-cookie …`) on the sandbox: the
 * traffic simulator sends 10% of the host's requests with the canary header (or cookie) and we look at every
 * request it routes through the simulated ingress-nginx, then at the ingress-nginx metrics in Prometheus.
 */
describe('canary by header and cookie through the sandbox ingress-nginx', () => {
  let c: TestCluster;
  const logs: string[] = [];
  const log = (l: string) => logs.push(`${new Date().toISOString()} ${l}`);
  beforeAll(async () => {
    c = await testCluster({ prometheus: true });
  }, 60_000);
  afterAll(async () => c?.stop());

  /** Deploys v1, starts a header/cookie-only canary of v2, records 4 s of the host's requests during the step. */
  async function routed(ns: string, flags: Record<string, unknown>): Promise<{ seen: RequestRecord[]; done: Promise<unknown>; window: string }> {
    const base = { kubeconfig: c.kubeconfig, namespace: ns, 'create-namespace': true, timeout: '30s' };
    await runDeploy({ release: ns, chart }, { ...base, set: [`ingress.host=${ns}.test`, RPS], wait: true }, log);
    const done = runDeploy(
      { release: ns, chart },
      { ...base, set: [`ingress.host=${ns}.test`, RPS, 'image.tag=2.0'], canary: 0, steps: '100', 'step-interval': '12s', 'analysis-interval': '3s', 'prometheus-url': c.prometheus!.url, ...flags },
      log,
    ).catch((e: Error) => e);
    const kube = releaseContext(kubeOptions({ kubeconfig: c.kubeconfig, namespace: ns }), () => {}).kube;
    const deadline = Date.now() + 30_000;
    while (!(await kube.get('networking.k8s.io/v1', 'Ingress', `${ns}-web-canary`, ns)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await new RolloutStateStore(kube, ns).load(ns))?.weight).toBe(0);
    const ing = JSON.parse(await c.kubectl('get', 'ingress', `${ns}-web-canary`, '-n', ns, '-o', 'json'));
    expect(ing.metadata.annotations['nginx.ingress.kubernetes.io/canary-weight']).toBe('0');
    await new Promise((r) => setTimeout(r, 300)); // the simulator picks up the canary Ingress on its next tick
    const seen: RequestRecord[] = [];
    const t0 = Date.now();
    const off = c.traffic!.onRequest((r) => {
      if (r.namespace === ns) seen.push(r);
    });
    await new Promise((r) => setTimeout(r, 4000));
    off();
    await new Promise((r) => setTimeout(r, 1500)); // two more scrapes
    return { seen, done, window: `${Math.ceil((Date.now() - t0) / 1000)}s` };
  }

  /** Checks that marked requests reached only the canary's pods and unmarked ones only the stable pods. */
  function expectSplit(ns: string, seen: RequestRecord[], marked: (r: RequestRecord) => boolean) {
    const toCanary = seen.filter(marked);
    const toStable = seen.filter((r) => !marked(r));
    // 200 req/s for 4 s, 10% marked: about 80 and 720.
    expect(toCanary.length).toBeGreaterThan(30);
    expect(toStable.length).toBeGreaterThan(300);
    const where = (rs: RequestRecord[]) => [...new Set(rs.map((r) => `${r.service} ${r.canary ? 'canary' : 'stable'} ${r.pod?.replace(/-[a-z0-9]+-[a-z0-9]+$/, '')}`))];
    expect(where(toCanary)).toEqual([`${ns}-web-canary canary ${ns}-web-canary`]);
    expect(where(toStable)).toEqual([`${ns}-web stable ${ns}-web`]);
    return { toCanary: toCanary.length, toStable: toStable.length };
  }

  /** ingress-nginx metrics in Prometheus: the canary's share of the host's requests over the window. */
  async function canaryShare(ns: string, window: string): Promise<number> {
    const q = (sel: string) => queryProm(c.prometheus!.url, `sum(increase(nginx_ingress_controller_requests{namespace="${ns}"${sel}}[${window}]))`);
    const [canary, all] = await Promise.all([q(',canary!=""'), q('')]);
    return (canary[0]?.value ?? 0) / (all[0]?.value ?? NaN);
  }

  it('--canary 0 --canary-header X-Version=v2: only requests with that header reach the canary; it then promotes', async () => {
    const ns = 'hdr';
    const { seen, done, window } = await routed(ns, { 'canary-header': 'X-Version=v2' });
    const ing = JSON.parse(await c.kubectl('get', 'ingress', `${ns}-web`, '-n', ns, '-o', 'json'));
    expect(ing.metadata.annotations?.['nginx.ingress.kubernetes.io/canary']).toBeUndefined();
    const split = expectSplit(ns, seen, (r) => r.headers?.['X-Version'] === 'v2');
    const share = await canaryShare(ns, window);
    console.log(`header canary: ${split.toCanary} requests with X-Version: v2 → canary, ${split.toStable} others → stable; Prometheus canary share ${share.toFixed(3)}`);
    expect(share).toBeGreaterThan(0.05);
    expect(share).toBeLessThan(0.16);
    const r = (await done) as { release?: { version: number; info: { status: string } } };
    expect(r.release?.info.status, logs.join('\n')).toBe('deployed');
    expect(r.release?.version).toBe(2);
  });

  it('--canary 0 --canary-cookie beta: only requests with the cookie set to "always" reach the canary', async () => {
    const ns = 'cookie';
    const { seen, done, window } = await routed(ns, { 'canary-cookie': 'beta' });
    const ing = JSON.parse(await c.kubectl('get', 'ingress', `${ns}-web-canary`, '-n', ns, '-o', 'json'));
    expect(ing.metadata.annotations['nginx.ingress.kubernetes.io/canary-by-cookie']).toBe('beta');
    const split = expectSplit(ns, seen, (r) => r.cookies?.beta === 'always');
    const share = await canaryShare(ns, window);
    console.log(`cookie canary: ${split.toCanary} requests with beta=always → canary, ${split.toStable} others → stable; Prometheus canary share ${share.toFixed(3)}`);
    expect(share).toBeGreaterThan(0.05);
    expect(share).toBeLessThan(0.16);
    const r = (await done) as { release?: { info: { status: string } } };
    expect(r.release?.info.status, logs.join('\n')).toBe('deployed');
  });

  it('--canary 0 without a header or cookie is refused before anything changes', async () => {
    const err = await runDeploy({ release: 'hdr', chart }, { kubeconfig: c.kubeconfig, namespace: 'hdr', set: ['image.tag=3.0'], canary: 0 }, log).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/--canary 0 sends the canary only the requests that carry the canary header or cookie/);
    const h = JSON.parse(await c.helm('history', 'hdr', '-n', 'hdr', '-o', 'json')) as unknown[];
    expect(h).toHaveLength(2);
  });
});
