import { describe, expect, it } from 'vitest';
import type { Kube, KubeObject } from '../../../src/kube/client.js';
import { canaryHeaderMatches, cookieRegex, GatewayRouter, stableHeaderMatches } from '../../../src/routers/gateway.js';
import { buildGatewayModel, matchGatewayRequest, routeGatewayRequest } from '../../../src/sandbox/traffic/gateway.js';
import { ServiceIndex } from '../../../src/sandbox/traffic/k8s.js';
import { seededRng } from '../../../src/sandbox/traffic/rng.js';
import type { SyntheticRequest } from '../../../src/sandbox/traffic/ingress-nginx.js';

/** One HTTPRoute in memory, with resourceVersions; the first `conflicts` replaces answer 409 after another writer's change. */
class OneRoute {
  obj: KubeObject;
  version = 1;
  conflicts = 0;
  replaces = 0;
  constructor(o: KubeObject) {
    this.obj = structuredClone({ ...o, metadata: { ...o.metadata, resourceVersion: '1' } });
  }
  async get(): Promise<KubeObject> {
    return structuredClone(this.obj);
  }
  async replace(o: KubeObject): Promise<KubeObject> {
    this.replaces++;
    if (this.conflicts > 0) {
      this.conflicts--;
      this.obj.metadata!.resourceVersion = String(++this.version);
    }
    if (o.metadata?.resourceVersion !== this.obj.metadata?.resourceVersion) throw new Error('modified (HTTP 409)', { cause: Object.assign(new Error('Conflict'), { code: 409 }) });
    this.obj = structuredClone({ ...o, metadata: { ...o.metadata, resourceVersion: String(++this.version) } });
    return structuredClone(this.obj);
  }
  asKube(): Kube {
    return this as unknown as Kube;
  }
}

const chartRoute = (): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'shop', namespace: 'ns' },
  spec: {
    parentRefs: [{ name: 'gw' }],
    hostnames: ['shop.test'],
    rules: [
      { name: 'web', matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'web', port: 80 }] },
      { matches: [{ path: { type: 'PathPrefix', value: '/api' } }, { path: { type: 'Exact', value: '/v2' }, method: 'POST' }], filters: [{ type: 'RequestHeaderModifier' }], backendRefs: [{ name: 'web', port: 80, weight: 5 }] },
      { matches: [{ path: { type: 'PathPrefix', value: '/docs' } }], backendRefs: [{ name: 'docs', port: 80 }] },
    ],
  },
});
const target = (extra: object = {}) => ({ namespace: 'ns', release: 'shop', stableService: 'web', canaryService: 'web-canary', ...extra });
type Rule = { name?: string; matches?: { path?: unknown; method?: string; headers?: { type: string; name: string; value: string }[] }[]; backendRefs: { name: string; weight?: number }[]; filters?: unknown };
const rules = (o: KubeObject) => (o as unknown as { spec: { rules: Rule[] } }).spec.rules;

/** Routes a request through the sandbox's Gateway API model of the route (services and pods for web, web-canary, docs). */
function routeThrough(route: KubeObject, req: Partial<SyntheticRequest>): string | undefined {
  const objs: KubeObject[] = [];
  for (const s of ['web', 'web-canary', 'docs']) {
    objs.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: s, namespace: 'ns' }, spec: { selector: { app: s }, ports: [{ port: 80, targetPort: 8080 }] } });
    objs.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `${s}-1`, namespace: 'ns', labels: { app: s } }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], podIP: '10.0.0.1' } });
  }
  const model = buildGatewayModel([route as never], new ServiceIndex(objs as never, objs.filter((o) => o.kind === 'Pod') as never));
  const full: SyntheticRequest = { method: 'GET', host: 'shop.test', path: '/', headers: {}, cookies: {}, ...req };
  const m = matchGatewayRequest(model, full);
  if (!m) return undefined;
  const r = routeGatewayRequest(model, full, seededRng(1), new Map());
  return r.kind === 'pod' ? r.backend.service : r.kind;
}

describe('Gateway API router: canary by header and cookie', () => {
  it('builds Exact matches for headers (value, or "always"/"never" without one) and an anchored Cookie regex', () => {
    expect(canaryHeaderMatches({ header: { name: 'X-Version', value: 'v2' } })).toEqual([{ type: 'Exact', name: 'X-Version', value: 'v2' }]);
    expect(canaryHeaderMatches({ header: { name: 'X-Canary' } })).toEqual([{ type: 'Exact', name: 'X-Canary', value: 'always' }]);
    expect(stableHeaderMatches({ header: { name: 'X-Version', value: 'v2' } })).toEqual([]);
    expect(stableHeaderMatches({ header: { name: 'X-Canary' } })).toEqual([{ type: 'Exact', name: 'X-Canary', value: 'never' }]);
    const re = new RegExp(cookieRegex('be.ta'));
    for (const ok of ['be.ta=always', 'a=1; be.ta=always', 'be.ta=always; b=2', 'a=1;be.ta=always ;b=2']) expect(re.test(ok), ok).toBe(true);
    for (const no of ['be.ta=never', 'xbe.ta=always', 'beXta=always', 'be.ta=alwaysx', 'a=be.ta=always', '']) expect(re.test(no), no).toBe(false);
  });

  it('adds header rules copied from each stable rule, keeps weights working, and reset restores the chart route exactly', async () => {
    const rendered = chartRoute();
    const kube = new OneRoute(rendered);
    const gw = new GatewayRouter(kube.asKube(), target({ header: { name: 'X-Canary' }, cookie: 'beta' }), [rendered]);
    kube.conflicts = 1;
    await gw.setWeight(0);
    expect(kube.replaces).toBe(2);
    const live = rules(kube.obj);
    expect(live).toHaveLength(3 + 4);
    expect(live.slice(0, 2).map((r) => r.backendRefs)).toEqual([
      [{ name: 'web', port: 80, weight: 100 }, { name: 'web-canary', port: 80, weight: 0 }],
      [{ name: 'web', port: 80, weight: 100 }, { name: 'web-canary', port: 80, weight: 0 }],
    ]);
    expect(live[2]).toEqual(rules(rendered)[2]);
    const [toCanary0, toStable0, toCanary1] = live.slice(3);
    expect(toCanary0!.name).toBeUndefined();
    expect(toCanary0!.backendRefs).toEqual([{ name: 'web-canary', port: 80 }]);
    expect(toStable0!.backendRefs).toEqual([{ name: 'web', port: 80 }]);
    expect(toCanary0!.matches).toEqual([
      { path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'Exact', name: 'X-Canary', value: 'always' }] },
      { path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'RegularExpression', name: 'Cookie', value: cookieRegex('beta') }] },
    ]);
    expect(toCanary1!.filters).toEqual([{ type: 'RequestHeaderModifier' }]);
    expect(toCanary1!.matches!.map((m) => [m.method, m.headers!.length])).toEqual([[undefined, 1], ['POST', 1], [undefined, 1], ['POST', 1]]);

    // Routing by the sandbox's model of the Gateway API precedence.
    const route = structuredClone(kube.obj);
    expect(routeThrough(route, {})).toBe('web');
    expect(routeThrough(route, { headers: { 'x-canary': 'always' } })).toBe('web-canary');
    expect(routeThrough(route, { path: '/api/x', headers: { 'X-Canary': 'always' } })).toBe('web-canary');
    expect(routeThrough(route, { path: '/docs/x', headers: { 'X-Canary': 'always' } })).toBe('docs');
    expect(routeThrough(route, { headers: { 'X-Canary': 'other' } })).toBe('web');
    expect(routeThrough(route, { cookies: { a: '1', beta: 'always' } })).toBe('web-canary');
    expect(routeThrough(route, { cookies: { beta: 'never' } })).toBe('web');

    // Weight 100: requests with `never` still go to stable, others to the canary.
    await gw.setWeight(100);
    expect(rules(kube.obj)).toHaveLength(7);
    expect(await gw.currentWeight()).toBe(100);
    expect(routeThrough(kube.obj, {})).toBe('web-canary');
    expect(routeThrough(kube.obj, { headers: { 'X-Canary': 'never' } })).toBe('web');
    expect(routeThrough(kube.obj, { cookies: { beta: 'never' } })).toBe('web');

    kube.conflicts = 1;
    await gw.reset();
    const { resourceVersion: _rv, ...meta } = kube.obj.metadata!;
    expect({ ...kube.obj, metadata: meta }).toEqual(rendered);
    const n = kube.replaces;
    await gw.reset();
    expect(kube.replaces).toBe(n);
  });

  it('a new process (resume, takeover) finds and replaces the rules; without a header it removes them', async () => {
    const rendered = chartRoute();
    const kube = new OneRoute(rendered);
    await new GatewayRouter(kube.asKube(), target({ header: { name: 'X-Version', value: 'v2' } }), [rendered]).setWeight(10);
    expect(rules(kube.obj)).toHaveLength(5);
    const again = new GatewayRouter(kube.asKube(), target({ header: { name: 'X-Version', value: 'v2' } }), [rendered]);
    expect(await again.currentWeight()).toBe(10);
    await again.setWeight(30);
    expect(rules(kube.obj)).toHaveLength(5);
    expect(routeThrough(kube.obj, { headers: { 'X-Version': 'v2' } })).toBe('web-canary');
    await new GatewayRouter(kube.asKube(), target(), [rendered]).setWeight(30);
    expect(rules(kube.obj)).toHaveLength(3);
    await new GatewayRouter(kube.asKube(), target(), [rendered]).setWeight(0);
    await new GatewayRouter(kube.asKube(), target({ cookie: 'beta' }), [rendered]).reset();
    const { resourceVersion: _rv, ...meta } = kube.obj.metadata!;
    expect({ ...kube.obj, metadata: meta }).toEqual(rendered);
  });

  it('never removes a chart rule that pins `never` to the stable Service', async () => {
    const rendered = chartRoute();
    rules(rendered).push({ matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'Exact', name: 'X-Canary', value: 'never' }] }], backendRefs: [{ name: 'web', port: 80 }] } as Rule);
    const kube = new OneRoute(rendered);
    const gw = new GatewayRouter(kube.asKube(), target({ header: { name: 'X-Canary' } }), [rendered]);
    await gw.setWeight(20);
    await gw.reset();
    const { resourceVersion: _rv, ...meta } = kube.obj.metadata!;
    expect({ ...kube.obj, metadata: meta }).toEqual(rendered);
  });

  it('refuses clearly when the added rules would pass the Gateway API limit of 16 rules, leaving the route alone', async () => {
    const rendered = chartRoute();
    for (let i = 0; i < 5; i++) rules(rendered).push({ matches: [{ path: { type: 'PathPrefix', value: `/p${i}` } }], backendRefs: [{ name: 'web', port: 80 }] } as Rule);
    const kube = new OneRoute(rendered);
    const gw = new GatewayRouter(kube.asKube(), target({ cookie: 'beta' }), [rendered]);
    await expect(gw.setWeight(0)).rejects.toThrow(/HTTPRoute shop would need 22 rules for the header\/cookie canary \(8 of the chart, 14 added\), but the Gateway API allows 16/);
    expect(kube.replaces).toBe(0);
    await new GatewayRouter(kube.asKube(), target({ header: { name: 'X-V', value: '2' } }), [rendered]).setWeight(0);
    expect(rules(kube.obj)).toHaveLength(15);
  });
});
