import { describe, expect, it } from 'vitest';
import { StaticClusterView } from '../../../src/sandbox/traffic/cluster-view.js';
import { buildNginxModel, parseCanary, routeToCanary, type SyntheticRequest, type TrafficShapingPolicy } from '../../../src/sandbox/traffic/ingress-nginx.js';
import { ServiceIndex } from '../../../src/sandbox/traffic/k8s.js';
import { seededRng } from '../../../src/sandbox/traffic/rng.js';
import { TrafficSimulator, type RequestRecord } from '../../../src/sandbox/traffic/simulator.js';
import { app, canaryAnnotations, ingress, pod, service } from './fixtures.js';

function policy(p: Partial<TrafficShapingPolicy>): TrafficShapingPolicy {
  return { weight: 0, weightTotal: 100, header: '', headerValue: '', headerPattern: '', cookie: '', ...p };
}
function req(headers: Record<string, string> = {}, cookies: Record<string, string> = {}): SyntheticRequest {
  return { method: 'GET', host: 'app.example.com', path: '/', headers, cookies };
}

/** Runs the simulator for `seconds` of simulated time and returns every request. */
function run(objects: ReturnType<typeof app>, seconds: number, opts: ConstructorParameters<typeof TrafficSimulator>[1] = {}) {
  const sim = new TrafficSimulator(new StaticClusterView(objects), { seed: 42, serviceRequestsPerSecond: 0, ...opts });
  const seen: RequestRecord[] = [];
  sim.onRequest((r) => seen.push(r));
  sim.tick(seconds);
  return { sim, seen };
}

describe('canary annotations', () => {
  it('parses like ingress-nginx (Go bool/int parsing, weight-total default 100)', () => {
    const ing = ingress('c', { service: 'x', annotations: canaryAnnotations({ 'canary-weight': '30', 'canary-by-header': 'X-Canary' }) });
    expect(parseCanary(ing)).toEqual(policy({ weight: 30, header: 'X-Canary' }));
    expect(parseCanary(ingress('c', { service: 'x', annotations: { 'nginx.ingress.kubernetes.io/canary': 'True' } }))).toBeDefined();
    expect(parseCanary(ingress('c', { service: 'x', annotations: { 'nginx.ingress.kubernetes.io/canary': 'yes' } }))).toBeUndefined();
    expect(parseCanary(ingress('c', { service: 'x', annotations: canaryAnnotations({ 'canary-weight': '2O' }) }))?.weight).toBe(0);
    expect(parseCanary(ingress('c', { service: 'x', annotations: canaryAnnotations({ 'canary-weight-total': '1000' }) }))?.weightTotal).toBe(1000);
  });

  it('header wins over cookie, cookie over weight', () => {
    const rng = seededRng(1);
    const p = policy({ weight: 100, header: 'X-Canary', cookie: 'canary' });
    expect(routeToCanary(p, req({ 'x-canary': 'never' }, { canary: 'always' }), rng)).toBe(false);
    expect(routeToCanary({ ...p, weight: 0 }, req({ 'X-Canary': 'always' }, { canary: 'never' }), rng)).toBe(true);
    expect(routeToCanary({ ...p, weight: 100 }, req({}, { canary: 'never' }), rng)).toBe(false);
    expect(routeToCanary({ ...p, weight: 0 }, req({}, { canary: 'always' }), rng)).toBe(true);
    // Any other header value is ignored and the next rules decide.
    expect(routeToCanary({ ...p, weight: 0 }, req({ 'X-Canary': 'maybe' }, { canary: 'always' }), rng)).toBe(true);
    expect(routeToCanary({ ...p, weight: 0 }, req({ 'X-Canary': 'maybe' }, { canary: 'maybe' }), rng)).toBe(false);
    expect(routeToCanary({ ...p, weight: 100 }, req({ 'X-Canary': 'maybe' }, { canary: 'maybe' }), rng)).toBe(true);
    // nginx's $http_x_canary: case-insensitive name, '-' and '_' alike.
    expect(routeToCanary({ ...p, weight: 0 }, req({ 'x_canary': 'always' }), rng)).toBe(true);
  });

  it('canary-by-header-value and -pattern', () => {
    const rng = seededRng(2);
    const byValue = policy({ header: 'X-Env', headerValue: 'beta' });
    expect(routeToCanary(byValue, req({ 'X-Env': 'beta' }), rng)).toBe(true);
    // With a header value configured, "always" is just another non-matching value.
    expect(routeToCanary(byValue, req({ 'X-Env': 'always' }), rng)).toBe(false);
    expect(routeToCanary({ ...byValue, cookie: 'c' }, req({ 'X-Env': 'gamma' }, { c: 'always' }), rng)).toBe(true);
    // The value takes precedence over a pattern.
    expect(routeToCanary({ ...byValue, headerPattern: '.*' }, req({ 'X-Env': 'other' }), rng)).toBe(false);
    const byPattern = policy({ header: 'X-Env', headerPattern: '^be' });
    expect(routeToCanary(byPattern, req({ 'X-Env': 'beta' }), rng)).toBe(true);
    expect(routeToCanary(byPattern, req({ 'X-Env': 'alpha' }), rng)).toBe(false);
    expect(routeToCanary({ ...byPattern, cookie: 'c' }, req({ 'X-Env': 'alpha' }, { c: 'always' }), rng)).toBe(true);
    // A pattern that fails to compile keeps the request on the main upstream (ngx.re.match error).
    expect(routeToCanary(policy({ header: 'X-Env', headerPattern: '(', cookie: 'c', weight: 100 }), req({ 'X-Env': 'x' }, { c: 'always' }), rng)).toBe(false);
  });

  it('weight uses canary-weight-total only above 100', () => {
    const share = (p: TrafficShapingPolicy) => {
      const rng = seededRng(3);
      let n = 0;
      for (let i = 0; i < 10_000; i++) if (routeToCanary(p, req(), rng)) n++;
      return n / 10_000;
    };
    expect(share(policy({ weight: 200, weightTotal: 1000 }))).toBeCloseTo(0.2, 1);
    expect(share(policy({ weight: 20, weightTotal: 50 }))).toBeCloseTo(0.2, 1);
    expect(share(policy({ weight: 0 }))).toBe(0);
    expect(share(policy({ weight: 100 }))).toBe(1);
  });
});

describe('ingress-nginx routing', () => {
  const base = () => [
    ...app('web', 3),
    ...app('web-canary', 1),
    ingress('web', { service: 'web' }),
    ingress('web-canary', { service: 'web-canary', annotations: canaryAnnotations({ 'canary-weight': '20' }) }),
  ];

  it('sends 20% ± 2 points of 10,000 requests to a canary at weight 20', () => {
    const { seen } = run(base(), 500); // 20 rps × 500 s
    expect(seen.length).toBe(10_000);
    const canary = seen.filter((r) => r.canary !== '');
    expect(canary.every((r) => r.canary === 'default-web-canary-80' && r.service === 'web-canary' && r.pod === 'web-canary-7d9f8b-0')).toBe(true);
    expect(canary.length / seen.length).toBeGreaterThan(0.18);
    expect(canary.length / seen.length).toBeLessThan(0.22);
    // The main Ingress labels every request, also the canary's.
    expect(seen.every((r) => r.ingress === 'web' && r.status === 200)).toBe(true);
    // Round robin over the three stable pods.
    const stablePods = new Map<string, number>();
    for (const r of seen) if (r.canary === '') stablePods.set(r.pod!, (stablePods.get(r.pod!) ?? 0) + 1);
    expect([...stablePods.keys()].sort()).toEqual(['web-7d9f8b-0', 'web-7d9f8b-1', 'web-7d9f8b-2']);
    for (const n of stablePods.values()) expect(Math.abs(n - (seen.length - canary.length) / 3)).toBeLessThanOrEqual(1);
  });

  it('synthetic requests carry the canary header and cookie in the configured share', () => {
    const objs = [
      ...app('web', 2),
      ...app('web-canary', 1),
      ingress('web', { service: 'web' }),
      ingress('web-canary', { service: 'web-canary', annotations: canaryAnnotations({ 'canary-by-header': 'X-Canary', 'canary-weight': '0' }) }),
    ];
    const { seen } = run(objs, 500, { headerShare: 0.3 });
    expect(seen.filter((r) => r.canary !== '').length / seen.length).toBeCloseTo(0.3, 1);
    // Each record says whether it carried the header: exactly those went to the canary (weight 0).
    expect(seen.every((r) => (r.headers?.['X-Canary'] === 'always') === (r.canary !== ''))).toBe(true);
    const never = run(objs, 100, { headerShare: 1, headerValue: 'never' }).seen;
    expect(never.every((r) => r.canary === '')).toBe(true);
    const cookieObjs = objs.map((o) =>
      o.metadata?.name === 'web-canary' && o.kind === 'Ingress' ? ingress('web-canary', { service: 'web-canary', annotations: canaryAnnotations({ 'canary-by-cookie': 'beta' }) }) : o,
    );
    const cookie = run(cookieObjs, 500, { cookieShare: 0.5 }).seen;
    expect(cookie.filter((r) => r.canary !== '').length / cookie.length).toBeCloseTo(0.5, 1);
    expect(cookie.every((r) => (r.cookies?.beta === 'always') === (r.canary !== ''))).toBe(true);
  });

  it('answers 503 when the Service has no ready pods', () => {
    const objs = [...app('web', 2, { ready: false }), pod('web-x', { app: 'web' }, { terminating: true }), ingress('web', { service: 'web' })];
    const { seen, sim } = run(objs, 10);
    expect(seen.length).toBe(200);
    expect(seen.every((r) => r.status === 503 && r.pod === undefined)).toBe(true);
    expect(sim.nginx.upstreams.get('default-web-80')?.endpoints).toEqual([]);
    // Missing Service and wrong port: also no endpoints.
    expect(run([ingress('web', { service: 'nope' })], 1).seen.every((r) => r.status === 503)).toBe(true);
    expect(run([...app('web', 1), ingress('web', { service: 'web', port: 8080 })], 1).seen.every((r) => r.status === 503)).toBe(true);
    expect(run([...app('web', 1), ingress('web', { service: 'web', port: 'http' })], 1).seen.every((r) => r.status === 200)).toBe(true);
  });

  it('main upstream without endpoints: 503 for all, canary not consulted; canary without endpoints: all to main', () => {
    const mainDown = [...app('web', 2, { ready: false }), ...app('web-canary', 1), ingress('web', { service: 'web' }), ingress('wc', { service: 'web-canary', annotations: canaryAnnotations({ 'canary-weight': '50' }) })];
    expect(run(mainDown, 5).seen.every((r) => r.status === 503 && r.canary === '')).toBe(true);
    const canaryDown = [...app('web', 2), ...app('web-canary', 1, { ready: false }), ingress('web', { service: 'web' }), ingress('wc', { service: 'web-canary', annotations: canaryAnnotations({ 'canary-weight': '100' }) })];
    expect(run(canaryDown, 5).seen.every((r) => r.status === 200 && r.canary === '' && r.service === 'web')).toBe(true);
  });

  it('merges a canary only into the same host, path and pathType of a served main Ingress', () => {
    const model = (extra: ReturnType<typeof ingress>[]) => {
      const objs = [...app('web', 1), ...app('web-canary', 1), ...app('api', 1), ...extra];
      const services = objs.filter((o) => o.kind === 'Service');
      const pods = objs.filter((o) => o.kind === 'Pod');
      return buildNginxModel(extra, new ServiceIndex(services, pods));
    };
    const c = (f: Partial<Parameters<typeof ingress>[1]>) => ingress('wc', { service: 'web-canary', annotations: canaryAnnotations({ 'canary-weight': '10' }), ...f });
    expect(model([ingress('web', { service: 'web' }), c({})]).upstreams.get('default-web-80')?.alternatives).toEqual(['default-web-canary-80']);
    expect(model([ingress('web', { service: 'web' }), c({ host: 'other.example.com' })]).upstreams.get('default-web-80')?.alternatives).toEqual([]);
    expect(model([ingress('web', { service: 'web' }), c({ path: '/api' })]).upstreams.get('default-web-80')?.alternatives).toEqual([]);
    expect(model([ingress('web', { service: 'web' }), c({ pathType: 'Exact' })]).upstreams.get('default-web-80')?.alternatives).toEqual([]);
    // A canary alone creates no location.
    expect(model([c({})]).servers).toEqual([]);
    // Ingresses of another class are not served.
    expect(model([ingress('web', { service: 'web', className: 'traefik' })]).servers).toEqual([]);
    expect(model([ingress('web', { service: 'web', className: null })]).servers.length).toBe(1);
    // The alternative belongs to the upstream: every location of the main Service gets it.
    const twoPaths = model([
      ingress('web', { service: 'web', paths: [{ path: '/', service: 'web' }, { path: '/static', service: 'web' }, { path: '/api', service: 'api' }] }),
      c({}),
    ]);
    expect(twoPaths.servers[0]!.locations.map((l) => l.upstream)).toEqual(['default-web-80', 'default-web-80', 'default-api-80']);
    expect(twoPaths.upstreams.get('default-web-80')?.alternatives).toEqual(['default-web-canary-80']);
    expect(twoPaths.upstreams.get('default-api-80')?.alternatives).toEqual([]);
    // The oldest main Ingress keeps a host + path.
    const dup = model([ingress('first', { service: 'web' }), ingress('second', { service: 'api' })]);
    expect(dup.servers[0]!.locations.map((l) => l.ingress)).toEqual(['first']);
  });

  it('uses only the oldest canary of an upstream', () => {
    const objs = [
      ...app('web', 1),
      ...app('c1', 1),
      ...app('c2', 1),
      ingress('web', { service: 'web' }),
      ingress('c1', { service: 'c1', annotations: canaryAnnotations({ 'canary-weight': '100' }) }),
      ingress('c2', { service: 'c2', annotations: canaryAnnotations({ 'canary-weight': '100' }) }),
    ];
    const { seen } = run(objs, 5);
    expect(new Set(seen.map((r) => r.service))).toEqual(new Set(['c1']));
  });

  it('answers with the share of 500s the error-rate annotation says, and the configured latency', () => {
    const objs = [...app('web', 2, { annotations: { 'sandbox.rel.dev/error-rate': '0.3', 'sandbox.rel.dev/latency-ms': '100' } }), ingress('web', { service: 'web' })];
    const { seen } = run(objs, 500);
    const errors = seen.filter((r) => r.status === 500).length / seen.length;
    expect(errors).toBeGreaterThan(0.28);
    expect(errors).toBeLessThan(0.32);
    const mean = seen.reduce((s, r) => s + r.seconds, 0) / seen.length;
    expect(mean).toBeGreaterThan(0.095);
    expect(mean).toBeLessThan(0.105);
    const sorted = seen.map((r) => r.seconds).sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length * 0.99)]!).toBeGreaterThan(0.18); // log-normal tail
    // Default: no errors, about 20 ms.
    const healthy = run([...app('web', 1), ingress('web', { service: 'web' })], 100).seen;
    expect(healthy.every((r) => r.status === 200)).toBe(true);
    const hmean = healthy.reduce((s, r) => s + r.seconds, 0) / healthy.length;
    expect(hmean).toBeGreaterThan(0.018);
    expect(hmean).toBeLessThan(0.022);
  });

  it('follows changes of the cluster between ticks', () => {
    const view = new StaticClusterView(base());
    const sim = new TrafficSimulator(view, { seed: 7, serviceRequestsPerSecond: 0 });
    const seen: RequestRecord[] = [];
    sim.onRequest((r) => seen.push(r));
    sim.tick(50);
    expect(seen.some((r) => r.canary !== '')).toBe(true);
    view.remove('networking.k8s.io/v1', 'Ingress', 'default', 'web-canary');
    seen.length = 0;
    sim.tick(50);
    expect(seen.length).toBe(1000);
    expect(seen.every((r) => r.canary === '')).toBe(true);
  });

  it('honours a per-Ingress request rate annotation and the requestsPerSecond option', () => {
    const objs = [...app('web', 1), ingress('web', { service: 'web', annotations: { 'sandbox.rel.dev/requests-per-second': '7' } })];
    expect(run(objs, 10).seen.length).toBe(70);
    expect(run([...app('web', 1), ingress('web', { service: 'web' })], 2, { requestsPerSecond: 55 }).seen.length).toBe(110);
    expect(() => new TrafficSimulator(new StaticClusterView([]), { requestsPerSecond: -1 })).toThrow(/requestsPerSecond/);
  });

  it('sends steady traffic to Services without an Ingress (replica-ratio canary)', () => {
    const objs = [
      service('api', { app: 'api' }),
      pod('api-stable-1', { app: 'api', track: 'stable' }),
      pod('api-stable-2', { app: 'api', track: 'stable' }),
      pod('api-stable-3', { app: 'api', track: 'stable' }),
      pod('api-canary-1', { app: 'api', track: 'canary' }, { annotations: { 'sandbox.rel.dev/error-rate': '1' } }),
    ];
    const sim = new TrafficSimulator(new StaticClusterView(objs), { seed: 5 });
    const seen: RequestRecord[] = [];
    sim.onRequest((r) => seen.push(r));
    sim.tick(500);
    expect(seen.length).toBe(10_000);
    const canary = seen.filter((r) => r.pod === 'api-canary-1');
    expect(canary.length / seen.length).toBeGreaterThan(0.23);
    expect(canary.length / seen.length).toBeLessThan(0.27);
    expect(canary.every((r) => r.status === 500)).toBe(true);
    expect(seen.filter((r) => r.pod !== 'api-canary-1').every((r) => r.status === 200)).toBe(true);
  });
});
