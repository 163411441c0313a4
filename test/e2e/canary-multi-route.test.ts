import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeOptions, releaseContext } from '../../src/actions/context.js';
import { runDeploy } from '../../src/actions/deploy.js';
import { UserError } from '../../src/cli/errors.js';
import { RolloutRolledBack } from '../../src/rollout/progressive.js';
import { RolloutStateStore } from '../../src/rollout/state.js';
import { GatewayRouter } from '../../src/routers/gateway.js';
import { NginxRouter } from '../../src/routers/nginx.js';
import { queryProm } from '../../src/sandbox/traffic/prometheus.js';
import type { RequestRecord } from '../../src/sandbox/traffic/index.js';
import { type TestCluster, root, testCluster } from './support/env.js';

/** A chart rendering two HTTPRoutes, or with kind=nginx two Ingresses (public and internal, on two hosts), to the same Service. */
const chart = join(root, 'test/e2e/fixtures/web-multi-route');
const RPS = 'routeAnnotations.sandbox\\.rel\\.dev/requests-per-second=100';
const INGRESS_RPS = 'ingressAnnotations.sandbox\\.rel\\.dev/requests-per-second=100';

type Rule = { backendRefs: { name: string; weight?: number }[] };
/** An object without the fields the API server manages. */
const bare = (o: { metadata: Record<string, unknown>; spec: unknown }) => {
  const { resourceVersion: _r, uid: _u, creationTimestamp: _c, generation: _g, managedFields: _m, ...metadata } = o.metadata;
  return { metadata, spec: o.spec };
};

describe('canary through a chart with two HTTPRoutes (or two Ingresses) to the same Service', () => {
  let c: TestCluster;
  const logs: string[] = [];
  const log = (l: string) => logs.push(`${new Date().toISOString()} ${l}`);
  beforeAll(async () => {
    c = await testCluster({ prometheus: true });
    await c.kubectl('apply', '-f', join(root, 'test/e2e/fixtures/gateway-api-httproute-crd.yaml'));
  }, 60_000);
  afterAll(async () => c?.stop());

  const route = async (ns: string, which: 'public' | 'internal') => JSON.parse(await c.kubectl('get', 'httproute', `${ns}-web-${which}`, '-n', ns, '-o', 'json'));
  const hosts = (ns: string) => [`routes.public.host=${ns}.test`, `routes.internal.host=${ns}.internal.test`];
  const base = (ns: string) => ({ kubeconfig: c.kubeconfig, namespace: ns, 'create-namespace': true, timeout: '30s' });

  it('the canary gets its weight on both routes; a failing canary rolls back and both routes get the chart’s weights back', async () => {
    const ns = 'gwmulti';
    await runDeploy({ release: ns, chart }, { ...base(ns), set: [...hosts(ns), RPS], wait: true }, log);
    const rendered = { public: bare(await route(ns, 'public')), internal: bare(await route(ns, 'internal')) };
    expect((rendered.internal.spec as { rules: Rule[] }).rules[0]!.backendRefs).toEqual([{ name: `${ns}-web`, port: 80, weight: 5 }]);
    const seen: RequestRecord[] = [];
    const off = c.traffic!.onRequest((r) => {
      if (r.namespace === ns) seen.push(r);
    });
    const started = Date.now();
    const done = runDeploy(
      { release: ns, chart },
      {
        ...base(ns),
        set: [...hosts(ns), RPS, 'image.tag=2.0', 'errorRate=0.3'],
        canary: 50,
        steps: '50,100',
        'step-interval': '30s',
        'analysis-interval': '3s',
        'scrape-interval': '1s',
        'failure-limit': 2,
        'min-requests': 20,
        router: 'gateway',
        'prometheus-url': c.prometheus!.url,
      },
      log,
    ).catch((e: Error) => e);
    // Both routes take weight 50 for the canary.
    const weights = async () =>
      Promise.all((['public', 'internal'] as const).map(async (w) => ((await route(ns, w)).spec.rules as Rule[])[0]!.backendRefs.map((b) => [b.name, b.weight])));
    const deadline = Date.now() + 30_000;
    let live = await weights();
    while (!live.every((refs) => refs.length === 2) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      live = await weights();
    }
    expect(live, logs.join('\n')).toEqual([
      [[`${ns}-web`, 50], [`${ns}-web-canary`, 50]],
      [[`${ns}-web`, 50], [`${ns}-web-canary`, 50]],
    ]);
    const err = await done;
    off();
    expect(err, logs.join('\n')).toBeInstanceOf(RolloutRolledBack);
    expect((err as Error).message).toMatch(/check error-rate failed 2 times in a row/);
    // The simulated traffic of each route (host) reached the canary's pods and the stable ones.
    for (const r of [`${ns}-web-public`, `${ns}-web-internal`]) {
      const services = new Set(seen.filter((x) => x.via === 'gateway' && x.route === r).map((x) => x.service));
      expect([...services].sort(), r).toEqual([`${ns}-web`, `${ns}-web-canary`]);
    }
    // Both routes as the chart rendered them (the internal one with its weight 5), the canary gone, v1 running.
    expect(bare(await route(ns, 'public')), logs.join('\n')).toEqual(rendered.public);
    expect(bare(await route(ns, 'internal'))).toEqual(rendered.internal);
    await expect(c.kubectl('get', 'service', `${ns}-web-canary`, '-n', ns)).rejects.toThrow(/NotFound|not found/);
    const history = JSON.parse(await c.helm('history', ns, '-n', ns, '-o', 'json')) as { status: string }[];
    expect(history.map((h) => h.status)).toEqual(['deployed', 'failed']);
    // The analysis measured the canary over both routes: its selector, in the real Prometheus, finds both.
    const objects = [rendered.public, rendered.internal].map((o) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', ...o }));
    const sel = new GatewayRouter(undefined as never, { namespace: ns, release: ns, stableService: `${ns}-web`, canaryService: `${ns}-web-canary` }, objects as never).selectors();
    const window = `${Math.ceil((Date.now() - started) / 1000) + 5}s`;
    const byRoute = await queryProm(c.prometheus!.url, `sum by (route) (increase(${sel.requests}{${sel.canary}}[${window}]))`);
    expect(byRoute.map((s) => s.metric.route).sort()).toEqual([`${ns}-web-internal`, `${ns}-web-public`]);
    for (const s of byRoute) expect(s.value).toBeGreaterThan(5);
  }, 90_000);

  it('a header/cookie canary that would pass the 16-rule limit on one route is refused before anything changes', async () => {
    const ns = 'gwlimit';
    // The internal route has 8 rules to the Service: the cookie canary would add 16 (one to the canary, one pinning `never`).
    const v1 = [...hosts(ns), 'routes.internal.extraRules=7'];
    await runDeploy({ release: ns, chart }, { ...base(ns), set: v1, wait: true }, log);
    const before = {
      public: bare(await route(ns, 'public')),
      internal: bare(await route(ns, 'internal')),
      configmap: bare(JSON.parse(await c.kubectl('get', 'configmap', `${ns}-web`, '-n', ns, '-o', 'json'))),
    };
    const err = await runDeploy(
      { release: ns, chart },
      { ...base(ns), set: [...v1, 'image.tag=2.0', 'message=changed'], canary: 10, steps: '10,100', 'canary-cookie': 'beta', router: 'gateway' },
      log,
    ).catch((e: Error) => e);
    expect(err).toBeInstanceOf(UserError);
    const msg = (err as UserError).message;
    expect(msg).toMatch(/^cannot canary Deployment gwlimit-web \(HTTPRoutes gwlimit-web-internal, gwlimit-web-public\) with --canary-cookie beta: /);
    expect(msg).toMatch(/HTTPRoute gwlimit-web-internal would need 24 rules for the header\/cookie canary \(8 of the chart, 16 added\), but the Gateway API allows 16/);
    expect(msg).not.toMatch(/gwlimit-web-public would need/);
    expect(msg).toMatch(/; nothing was changed$/);
    expect((err as UserError).exitCode).toBe(2);
    expect((err as UserError).options.hint).toMatch(/Route the canary by weight only/);
    // As if the deploy had not been asked: no new revision, no canary objects, no rollout state, nothing re-applied.
    const history = JSON.parse(await c.helm('history', ns, '-n', ns, '-o', 'json')) as { status: string }[];
    expect(history.map((h) => h.status)).toEqual(['deployed']);
    await expect(c.kubectl('get', 'deployment', `${ns}-web-canary`, '-n', ns)).rejects.toThrow(/NotFound|not found/);
    await expect(c.kubectl('get', 'service', `${ns}-web-canary`, '-n', ns)).rejects.toThrow(/NotFound|not found/);
    const kube = releaseContext(kubeOptions({ kubeconfig: c.kubeconfig, namespace: ns }), () => {}).kube;
    expect(await new RolloutStateStore(kube, ns).load(ns)).toBeUndefined();
    expect(bare(await route(ns, 'public'))).toEqual(before.public);
    expect(bare(await route(ns, 'internal'))).toEqual(before.internal);
    expect(bare(JSON.parse(await c.kubectl('get', 'configmap', `${ns}-web`, '-n', ns, '-o', 'json')))).toEqual(before.configmap);
    const dep = JSON.parse(await c.kubectl('get', 'deployment', `${ns}-web`, '-n', ns, '-o', 'json'));
    expect(dep.spec.template.spec.containers[0].image).toBe('example/web:1.0');
    // A header with a value adds one rule per rule (8 + 8 = 16): allowed, and the canary is refused no more.
    const ok = await runDeploy(
      { release: ns, chart },
      { ...base(ns), set: [...v1, 'image.tag=2.0'], canary: 10, steps: '10,100', 'step-interval': '2s', 'canary-header': 'X-Version=v2', router: 'gateway' },
      log,
    ).catch((e: Error) => e);
    expect(ok instanceof Error ? ok.message : ok.release.info.status, logs.join('\n')).toBe('deployed');
    expect(bare(await route(ns, 'internal'))).toEqual(before.internal);
  }, 90_000);

  it('ingress-nginx: each Ingress gets its canary Ingress at the step’s weight, both carry canary traffic, and both go after the promotion', async () => {
    const ns = 'ngmulti';
    const set = ['kind=nginx', ...hosts(ns), INGRESS_RPS];
    await runDeploy({ release: ns, chart }, { ...base(ns), set, wait: true }, log);
    const seen: RequestRecord[] = [];
    const off = c.traffic!.onRequest((r) => {
      if (r.namespace === ns) seen.push(r);
    });
    const started = Date.now();
    const done = runDeploy(
      { release: ns, chart },
      { ...base(ns), set: [...set, 'image.tag=2.0'], canary: 50, steps: '50,100', 'step-interval': '6s', 'analysis-interval': '2s', 'scrape-interval': '1s', router: 'nginx', 'prometheus-url': c.prometheus!.url },
      log,
    ).catch((e: Error) => e);
    const canaryWeight = async (name: string) =>
      JSON.parse(await c.kubectl('get', 'ingress', name, '-n', ns, '-o', 'json').catch(() => '{"metadata":{}}')).metadata.annotations?.['nginx.ingress.kubernetes.io/canary-weight'];
    const names = [`${ns}-web-internal-canary`, `${ns}-web-public-canary`];
    const deadline = Date.now() + 30_000;
    let weights = await Promise.all(names.map(canaryWeight));
    while (!weights.every((w) => w === '50') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      weights = await Promise.all(names.map(canaryWeight));
    }
    expect(weights, logs.join('\n')).toEqual(['50', '50']);
    const r = await done;
    off();
    expect(r instanceof Error ? r.message : r.release.info.status, logs.join('\n')).toBe('deployed');
    for (const ing of [`${ns}-web-public`, `${ns}-web-internal`]) {
      const served = seen.filter((x) => x.via === 'ingress' && x.ingress === ing);
      expect(served.filter((x) => x.canary).length, ing).toBeGreaterThan(20);
      expect(served.filter((x) => !x.canary).length, ing).toBeGreaterThan(20);
    }
    for (const n of names) await expect(c.kubectl('get', 'ingress', n, '-n', ns)).rejects.toThrow(/NotFound|not found/);
    // The analysis' canary selector finds the canary requests of both Ingresses in the real Prometheus.
    const objects = JSON.parse(await c.kubectl('get', 'ingress', '-n', ns, '-o', 'json')).items;
    expect(objects).toHaveLength(2);
    const sel = new NginxRouter(undefined as never, { namespace: ns, release: ns, stableService: `${ns}-web`, canaryService: `${ns}-web-canary` }, objects).selectors();
    const window = `${Math.ceil((Date.now() - started) / 1000) + 5}s`;
    const byIngress = await queryProm(c.prometheus!.url, `sum by (ingress) (increase(${sel.requests}{${sel.canary}}[${window}]))`);
    expect(byIngress.map((x) => x.metric.ingress).sort()).toEqual([`${ns}-web-internal`, `${ns}-web-public`]);
  }, 90_000);
});
