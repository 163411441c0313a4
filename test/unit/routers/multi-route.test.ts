import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { UserError } from '../../../src/cli/errors.js';
import type { Kube, KubeObject } from '../../../src/kube/client.js';
import { labelMatcher } from '../../../src/routers/fanout.js';
import { GatewayRouter, HTTPROUTE_LIMITS } from '../../../src/routers/gateway.js';
import { NginxRouter } from '../../../src/routers/nginx.js';
import { buildGatewayModel, routeGatewayRequest } from '../../../src/sandbox/traffic/gateway.js';
import { ServiceIndex } from '../../../src/sandbox/traffic/k8s.js';
import { seededRng } from '../../../src/sandbox/traffic/rng.js';
import type { SyntheticRequest } from '../../../src/sandbox/traffic/ingress-nginx.js';

/** Objects in memory by kind/name, with resourceVersions; counts writes; replace of a name in `failing` fails. */
class Store {
  objects = new Map<string, KubeObject>();
  writes: string[] = [];
  failing = new Set<string>();
  private version = 0;
  private key = (kind?: string, name?: string) => `${kind}/${name}`;
  put(o: KubeObject): void {
    const stored = structuredClone(o);
    stored.metadata = { ...stored.metadata, resourceVersion: String(++this.version) };
    this.objects.set(this.key(o.kind, o.metadata?.name), stored);
  }
  bare(kind: string, name: string): KubeObject | undefined {
    const o = this.objects.get(this.key(kind, name));
    if (!o) return undefined;
    const { resourceVersion: _rv, ...metadata } = o.metadata!;
    return { ...structuredClone(o), metadata };
  }
  async get(_v: string, kind: string, name: string): Promise<KubeObject | undefined> {
    const o = this.objects.get(this.key(kind, name));
    return o && structuredClone(o);
  }
  async apply(o: KubeObject): Promise<KubeObject> {
    this.writes.push(`apply ${this.key(o.kind, o.metadata?.name)}`);
    this.put(o);
    return o;
  }
  async replace(o: KubeObject): Promise<KubeObject> {
    this.writes.push(`replace ${this.key(o.kind, o.metadata?.name)}`);
    if (this.failing.has(o.metadata!.name!)) throw new Error('admission webhook denied the request');
    const cur = this.objects.get(this.key(o.kind, o.metadata?.name));
    if (cur?.metadata?.resourceVersion !== o.metadata?.resourceVersion) throw Object.assign(new Error('conflict'), { code: 409 });
    this.put(o);
    return o;
  }
  async delete(o: KubeObject): Promise<boolean> {
    this.writes.push(`delete ${this.key(o.kind, o.metadata?.name)}`);
    return this.objects.delete(this.key(o.kind, o.metadata?.name));
  }
  asKube(): Kube {
    return this as unknown as Kube;
  }
}

type Rule = { matches?: { path?: unknown; headers?: { name: string; value: string }[] }[]; backendRefs: { name: string; weight?: number; port?: number }[] };
const rulesOf = (o: KubeObject | undefined) => (o as unknown as { spec: { rules: Rule[] } }).spec.rules;

const httpRoute = (name: string, host: string, rules: Rule[]): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name, namespace: 'ns' },
  spec: { parentRefs: [{ name: name.includes('internal') ? 'internal' : 'public' }], hostnames: [host], rules },
});
/** A chart's external and internal routes to `web` (the internal one with a path prefix and a weight), and one to `docs`. */
const chart = () => [
  httpRoute('web-external', 'shop.test', [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'web', port: 80 }] }]),
  httpRoute('web.internal', 'shop.internal', [
    { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: 'web', port: 80, weight: 7 }] },
    { matches: [{ path: { type: 'PathPrefix', value: '/docs' } }], backendRefs: [{ name: 'docs', port: 80 }] },
  ]),
  httpRoute('docs', 'docs.test', [{ backendRefs: [{ name: 'docs', port: 80 }] }]),
];
const target = (extra: object = {}) => ({ namespace: 'ns', release: 'shop', stableService: 'web', canaryService: 'web-canary', ...extra });
const seed = (objs: KubeObject[]) => {
  const s = new Store();
  for (const o of objs) s.put(o);
  return s;
};

/** The service the sandbox's Gateway API model sends a request to, through every route in the store. */
function routeThrough(store: Store, req: Partial<SyntheticRequest>): string | undefined {
  const objs: KubeObject[] = [];
  for (const s of ['web', 'web-canary', 'docs']) {
    objs.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: s, namespace: 'ns' }, spec: { selector: { app: s }, ports: [{ port: 80, targetPort: 8080 }] } });
    objs.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `${s}-1`, namespace: 'ns', labels: { app: s } }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], podIP: '10.0.0.1' } });
  }
  const routes = [...store.objects.values()].filter((o) => o.kind === 'HTTPRoute');
  const model = buildGatewayModel(routes as never, new ServiceIndex(objs as never, objs.filter((o) => o.kind === 'Pod') as never));
  const r = routeGatewayRequest(model, { method: 'GET', host: 'shop.test', path: '/', headers: {}, cookies: {}, ...req }, seededRng(1), new Map());
  return r.kind === 'pod' ? r.backend.service : r.kind;
}

describe('Gateway API router over several HTTPRoutes to the same Service', () => {
  it('weighs every route to the stable Service, adds the header rules on each, and reset restores each to the chart', async () => {
    const rendered = chart();
    const store = seed(rendered);
    const gw = new GatewayRouter(store.asKube(), target({ header: { name: 'X-Canary' } }), rendered);
    expect(await gw.applies()).toBe(true);
    expect(gw.parts.map((p) => p.route.metadata.name)).toEqual(['web-external', 'web.internal']);
    expect(gw.describe()).toBe('HTTPRoutes web-external, web.internal');
    await gw.setWeight(30);
    const ext = rulesOf(store.bare('HTTPRoute', 'web-external'));
    const int = rulesOf(store.bare('HTTPRoute', 'web.internal'));
    expect(ext[0]!.backendRefs).toEqual([{ name: 'web', port: 80, weight: 70 }, { name: 'web-canary', port: 80, weight: 30 }]);
    expect(int[0]!.backendRefs).toEqual([{ name: 'web', port: 80, weight: 70 }, { name: 'web-canary', port: 80, weight: 30 }]);
    expect(int[1]!.backendRefs).toEqual([{ name: 'docs', port: 80 }]);
    // One rule to the canary and one pinning `never` to stable, per rule to web, on both routes.
    expect(ext).toHaveLength(1 + 2);
    expect(int).toHaveLength(2 + 2);
    expect(int.slice(2).map((r) => [r.backendRefs.map((b) => b.name), r.matches!.map((m) => m.headers!.map((h) => h.value))])).toEqual([
      [['web-canary'], [['always']]],
      [['web'], [['never']]],
    ]);
    expect(routeThrough(store, { host: 'shop.internal', path: '/api/x', headers: { 'X-Canary': 'always' } })).toBe('web-canary');
    expect(routeThrough(store, { host: 'shop.test', headers: { 'X-Canary': 'always' } })).toBe('web-canary');
    expect(routeThrough(store, { host: 'shop.internal', path: '/docs', headers: { 'X-Canary': 'always' } })).toBe('docs');
    expect(await gw.currentWeight()).toBe(30);
    // The route that does not route to web is never touched.
    expect(store.writes.filter((w) => w.includes('HTTPRoute/docs'))).toEqual([]);
    await gw.reset();
    for (const r of rendered) expect(store.bare('HTTPRoute', r.metadata!.name!)).toEqual(r);
    const n = store.writes.length;
    await gw.reset();
    expect(store.writes.length).toBe(n);
  });

  it('reports the highest weight when the routes disagree (an interrupted change), and each route’s weight', async () => {
    const rendered = chart();
    const store = seed(rendered);
    const gw = new GatewayRouter(store.asKube(), target(), rendered);
    await gw.setWeight(10);
    await gw.parts[1]!.setWeight(40);
    expect(Object.fromEntries(await gw.weights())).toEqual({ 'HTTPRoute web-external': 10, 'HTTPRoute web.internal': 40 });
    expect(await gw.currentWeight()).toBe(40);
  });

  it('measures the canary and stable traffic over all the routes, with the names escaped', () => {
    const rendered = chart();
    const sel = new GatewayRouter(new Store().asKube(), target(), rendered).selectors();
    expect(sel.canary).toBe('namespace="ns",route=~"web-external|web\\\\.internal",backend_service="web-canary"');
    expect(sel.stable).toBe('namespace="ns",route=~"web-external|web\\\\.internal",backend_service="web"');
    // One route: an exact matcher, as before.
    expect(new GatewayRouter(new Store().asKube(), target(), rendered.slice(0, 1)).selectors().canary).toBe('namespace="ns",route="web-external",backend_service="web-canary"');
    // The PromQL string holds an anchored regular expression that matches the names and nothing else.
    const promql = labelMatcher('route', ['web-external', 'web.internal']);
    const re = new RegExp(`^(?:${JSON.parse(promql.slice('route=~'.length)) as string})$`);
    expect(['web-external', 'web.internal'].map((n) => re.test(n))).toEqual([true, true]);
    expect(['webxinternal', 'web-external2', 'web'].map((n) => re.test(n))).toEqual([false, false, false]);
    expect(labelMatcher('route', ['a', 'a'])).toBe('route="a"');
  });

  it('a route that fails to reset does not keep the others from being restored; the error names it', async () => {
    const rendered = chart();
    const store = seed(rendered);
    const gw = new GatewayRouter(store.asKube(), target({ cookie: 'beta' }), rendered);
    await gw.setWeight(50);
    store.failing.add('web-external');
    await expect(gw.reset()).rejects.toThrow(/HTTPRoute web-external: admission webhook denied the request/);
    expect(store.bare('HTTPRoute', 'web.internal')).toEqual(rendered[1]);
    expect(rulesOf(store.bare('HTTPRoute', 'web-external'))).toHaveLength(3);
  });

  it('checks the Gateway API limits on every route from the rendered objects, and refuses to weigh any route past them', async () => {
    const rendered = chart();
    // The internal route gets 6 more rules to web: 8 of the chart + 2 × 7 added = 22 > 16.
    for (let i = 0; i < 6; i++) rulesOf(rendered[1]).push({ matches: [{ path: { type: 'PathPrefix', value: `/p${i}` } }], backendRefs: [{ name: 'web', port: 80 }] });
    const store = seed(rendered);
    const gw = new GatewayRouter(store.asKube(), target({ cookie: 'beta' }), rendered);
    const problems = gw.check();
    expect(problems.map((p) => p.message)).toEqual(['HTTPRoute web.internal would need 22 rules for the header/cookie canary (8 of the chart, 14 added), but the Gateway API allows 16']);
    expect(problems[0]!.hint).toMatch(/route the canary by weight only .*several HTTPRoutes/);
    await expect(gw.setWeight(0)).rejects.toThrow(/HTTPRoute web.internal would need 22 rules/);
    expect(store.writes).toEqual([]);
    // A header with a value adds one rule per rule to web: 8 + 7 = 15, within the limit.
    expect(new GatewayRouter(store.asKube(), target({ header: { name: 'X-V', value: '2' } }), rendered).check()).toEqual([]);
    // Weights alone add no rules.
    expect(new GatewayRouter(store.asKube(), target(), rendered).check()).toEqual([]);
  });

  it('checks matches per rule, matches per route and backendRefs per rule', () => {
    const many = (n: number, p: string) => Array.from({ length: n }, (_, i) => ({ path: { type: 'PathPrefix', value: `/${p}${i}` } }));
    // 40 matches × 2 alternatives (header and cookie) = 80 > 64 in the copy; 40 + 80 + 80 = 200 > 128 in all.
    const wide = httpRoute('wide', 'w.test', [{ matches: many(40, 'a'), backendRefs: [{ name: 'web', port: 80 }] }]);
    const msgs = new GatewayRouter(new Store().asKube(), target({ header: { name: 'X-Canary' }, cookie: 'beta' }), [wide]).check().map((p) => p.message);
    expect(msgs).toEqual([
      `a header/cookie copy of rule 1 of HTTPRoute wide would need 80 matches (its 40 once per header/cookie alternative), but the Gateway API allows ${HTTPROUTE_LIMITS.matchesPerRule} per rule`,
      'HTTPRoute wide would have 200 matches in all for the header/cookie canary (40 of the chart, 160 added), but the Gateway API allows 128 per route',
    ]);
    // 30 matches, one alternative: 30 + 30 = 60, fine.
    const fine = httpRoute('fine', 'f.test', [{ matches: many(30, 'a'), backendRefs: [{ name: 'web', port: 80 }] }]);
    expect(new GatewayRouter(new Store().asKube(), target({ header: { name: 'X-V', value: '2' } }), [fine]).check()).toEqual([]);
    // A rule with 16 backendRefs has no room for the canary Service, with or without a header.
    const refs = [{ name: 'web', port: 80 }, ...Array.from({ length: 15 }, (_, i) => ({ name: `other${i}`, port: 80 }))];
    const full = httpRoute('full', 'x.test', [{ backendRefs: refs }]);
    expect(new GatewayRouter(new Store().asKube(), target(), [full]).check().map((p) => p.message)).toEqual([
      'rule 1 of HTTPRoute full has 16 backendRefs, and the canary Service would make 17, but the Gateway API allows 16 per rule',
    ]);
  });
});

describe('ingress-nginx router over several Ingresses to the same Service', () => {
  const ingress = (name: string, host: string): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'ns' },
    spec: { ingressClassName: name.includes('internal') ? 'internal' : 'nginx', rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
  });

  it('creates a canary Ingress beside each, weighs them all, measures over all and removes them all', async () => {
    const rendered = [ingress('web', 'shop.test'), ingress('web-internal', 'shop.internal')];
    const store = seed(rendered);
    const nginx = new NginxRouter(store.asKube(), target({ cookie: 'beta' }), rendered);
    expect(nginx.canaryNames).toEqual(['web-canary', 'web-internal-canary']);
    await nginx.setWeight(20);
    for (const [main, name] of [['web', 'web-canary'], ['web-internal', 'web-internal-canary']] as const) {
      const c = store.bare('Ingress', name) as unknown as { metadata: { annotations: Record<string, string>; labels: Record<string, string> }; spec: { ingressClassName: string; rules: { host: string }[] } };
      expect(c.metadata.annotations['nginx.ingress.kubernetes.io/canary-weight']).toBe('20');
      expect(c.metadata.annotations['nginx.ingress.kubernetes.io/canary-by-cookie']).toBe('beta');
      expect(c.metadata.labels['rel.dev/canary-of']).toBe(main);
      expect(c.spec.rules[0]!.host).toBe(main === 'web' ? 'shop.test' : 'shop.internal');
    }
    expect(await nginx.currentWeight()).toBe(20);
    expect(nginx.selectors().canary).toBe('namespace="ns",ingress=~"web|web-internal",canary!=""');
    expect(nginx.describe()).toBe('Ingress web (canary Ingress web-canary), Ingress web-internal (canary Ingress web-internal-canary)');
    await nginx.reset();
    expect(store.bare('Ingress', 'web-canary')).toBeUndefined();
    expect(store.bare('Ingress', 'web-internal-canary')).toBeUndefined();
    expect(await nginx.currentWeight()).toBe(0);
    expect(new NginxRouter(store.asKube(), target(), []).describe()).toBe('no Ingress');
  });
});

describe('canary pre-flight (before the release record and before any cluster change)', () => {
  const deployment = (tag: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'ns' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: `web:${tag}` }] } } },
  });
  const service: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'ns' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };
  const release = (objs: KubeObject[]) => ({ name: 'shop', namespace: 'ns', version: 1, info: { status: 'deployed' }, manifest: objs.map((o) => `---\n${stringify(o)}`).join('') }) as never;
  const opts = (extra: object) => ({ strategy: 'canary', steps: [10, 100], stepIntervalMs: 1000, analysisIntervalMs: 1000, failureLimit: 1, maxErrorRate: 0.05, maxLatencyRatio: 3, timeoutMs: 1000, ...extra }) as never;

  it('refuses a header/cookie canary whose rules would pass the 16-rule limit on any route, naming it, without writing anything', async () => {
    const { ProgressiveRollout } = await import('../../../src/rollout/progressive.js');
    const routes = chart();
    for (let i = 0; i < 6; i++) rulesOf(routes[1]).push({ matches: [{ path: { type: 'PathPrefix', value: `/p${i}` } }], backendRefs: [{ name: 'web', port: 80 }] });
    const v1 = [deployment('1.0'), service, ...routes];
    const v2 = [deployment('2.0'), service, ...routes];
    const store = seed(v1);
    const ctx = { kube: store.asKube(), namespace: 'ns', log: () => {} } as never;
    const err = await new ProgressiveRollout(ctx, opts({ cookie: 'beta' })).preflight(v2, release(v1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(2);
    expect((err as Error).message).toBe(
      'cannot canary Deployment web (HTTPRoutes web-external, web.internal) with --canary-cookie beta: HTTPRoute web.internal would need 22 rules for the header/cookie canary (8 of the chart, 14 added), but the Gateway API allows 16; nothing was changed',
    );
    expect((err as UserError).options.hint).toMatch(/^Route the canary by weight only \(without --canary-header\/--canary-cookie\), or have fewer rules .* in HTTPRoute web\.internal, e\.g\. by splitting it into several HTTPRoutes \(rel routes the canary on each\)\.$/);
    expect(store.writes).toEqual([]);
    // The same chart without the cookie, a first install, or an unchanged pod template: nothing to refuse.
    await expect(new ProgressiveRollout(ctx, opts({})).preflight(v2, release(v1))).resolves.toBeUndefined();
    await expect(new ProgressiveRollout(ctx, opts({ cookie: 'beta' })).preflight(v2, undefined)).resolves.toBeUndefined();
    await expect(new ProgressiveRollout(ctx, opts({ cookie: 'beta' })).preflight(v1, release(v1))).resolves.toBeUndefined();
    expect(store.writes).toEqual([]);
  });

  it('refuses a weight-0 step when the Service has no router that routes by header', async () => {
    const { ProgressiveRollout } = await import('../../../src/rollout/progressive.js');
    const v1 = [deployment('1.0'), service];
    const store = seed(v1);
    const ctx = { kube: store.asKube(), namespace: 'ns', log: () => {} } as never;
    const p = new ProgressiveRollout(ctx, opts({ header: { name: 'X-Canary' }, steps: [0, 100] })).preflight([deployment('2.0'), service], release(v1));
    await expect(p).rejects.toThrow(/a canary step at weight 0 reaches the canary only by header or cookie.*replica ratio behind Service web route by weight/);
    expect(store.writes).toEqual([]);
  });
});
