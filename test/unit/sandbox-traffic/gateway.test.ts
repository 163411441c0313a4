import { describe, expect, it } from 'vitest';
import { StaticClusterView, type KubeObject } from '../../../src/sandbox/traffic/cluster-view.js';
import { TrafficSimulator, type RequestRecord } from '../../../src/sandbox/traffic/simulator.js';
import { app, httpRoute } from './fixtures.js';

function run(objects: KubeObject[], seconds: number, opts: ConstructorParameters<typeof TrafficSimulator>[1] = {}) {
  const sim = new TrafficSimulator(new StaticClusterView(objects), { seed: 9, serviceRequestsPerSecond: 0, ...opts });
  const seen: RequestRecord[] = [];
  sim.onRequest((r) => seen.push(r));
  sim.tick(seconds);
  return { sim, seen };
}

const weighted = (stable: number, canary: number) =>
  httpRoute('web', {
    hostnames: ['web.example.com'],
    rules: [{ backendRefs: [{ name: 'web', port: 80, weight: stable }, { name: 'web-canary', port: 80, weight: canary }] }],
  });

describe('Gateway API HTTPRoute routing', () => {
  it('splits by backendRefs weight', () => {
    const { seen } = run([...app('web', 2), ...app('web-canary', 1), weighted(80, 20)], 500);
    expect(seen.length).toBe(10_000);
    const share = seen.filter((r) => r.service === 'web-canary').length / seen.length;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.22);
    expect(seen.every((r) => r.route === 'web' && r.status === 200 && r.via === 'gateway')).toBe(true);
    expect(run([...app('web', 2), ...app('web-canary', 1), weighted(1, 0)], 10).seen.every((r) => r.service === 'web')).toBe(true);
  });

  it('answers 500 for zero total weight and invalid refs, 503 without ready pods', () => {
    expect(run([...app('web', 1), ...app('web-canary', 1), weighted(0, 0)], 1).seen.every((r) => r.status === 500)).toBe(true);
    const missing = run([...app('web', 1), weighted(50, 50)], 50).seen;
    const share500 = missing.filter((r) => r.status === 500).length / missing.length;
    expect(share500).toBeGreaterThan(0.4);
    expect(share500).toBeLessThan(0.6);
    expect(missing.filter((r) => r.status !== 500).every((r) => r.status === 200 && r.service === 'web')).toBe(true);
    const crossNs = httpRoute('web', { hostnames: ['w'], rules: [{ backendRefs: [{ name: 'web', namespace: 'other', port: 80 }] }] });
    expect(run([...app('web', 1, { ns: 'other' }), crossNs], 1).seen.every((r) => r.status === 500)).toBe(true);
    const grant: KubeObject = {
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { name: 'g', namespace: 'other' },
      spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'default' }], to: [{ group: '', kind: 'Service' }] },
    };
    expect(run([...app('web', 1, { ns: 'other' }), crossNs, grant], 1).seen.every((r) => r.status === 200)).toBe(true);
    expect(run([...app('web', 1, { ready: false }), ...app('web-canary', 1, { ready: false }), weighted(1, 1)], 1).seen.every((r) => r.status === 503)).toBe(true);
    // Not attached to any Gateway: no traffic.
    const detached = weighted(1, 1);
    detached.spec.parentRefs = [];
    expect(run([...app('web', 1), ...app('web-canary', 1), detached], 1).seen).toEqual([]);
  });

  it('prefers header matches, and the configured share of requests carries the header', () => {
    const route = httpRoute('web', {
      hostnames: ['web.example.com'],
      rules: [
        { backendRefs: [{ name: 'web', port: 80 }] },
        { matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ name: 'X-Canary', value: 'yes' }] }], backendRefs: [{ name: 'web-canary', port: 80 }] },
      ],
    });
    const { seen } = run([...app('web', 1), ...app('web-canary', 1), route], 500, { headerShare: 0.25 });
    const share = seen.filter((r) => r.service === 'web-canary').length / seen.length;
    expect(share).toBeGreaterThan(0.23);
    expect(share).toBeLessThan(0.27);
  });

  it('exposes gateway metrics', async () => {
    const { sim } = run([...app('web', 2), ...app('web-canary', 1, { annotations: { 'sandbox.rel.dev/error-rate': '1' } }), weighted(50, 50)], 10);
    const text = await sim.metrics.exposition();
    const canary = text.split('\n').filter((l) => l.startsWith('gateway_http_requests_total{') && l.includes('backend_service="web-canary"'));
    expect(canary.length).toBe(1);
    for (const f of ['namespace="default"', 'route="web"', 'host="web.example.com"', 'backend_namespace="default"', 'status="500"', 'method="GET"']) expect(canary[0]).toContain(f);
    expect(text).toContain('# TYPE gateway_http_request_duration_seconds histogram');
  });
});
