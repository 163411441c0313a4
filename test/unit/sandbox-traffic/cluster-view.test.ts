import { describe, expect, it } from 'vitest';
import { StaticClusterView, storeClusterView, type ClusterView, type KubeObject } from '../../../src/sandbox/traffic/cluster-view.js';
import { TrafficSimulator } from '../../../src/sandbox/traffic/simulator.js';
import { app, canaryAnnotations, ingress } from './fixtures.js';

describe('cluster views', () => {
  it('adapts an object store addressed by group/plural', () => {
    const objs = [...app('web', 2), ingress('web', { service: 'web' })];
    const byKey: Record<string, KubeObject[]> = {
      '/services': objs.filter((o) => o.kind === 'Service'),
      '/pods': objs.filter((o) => o.kind === 'Pod'),
      'networking.k8s.io/ingresses': objs.filter((o) => o.kind === 'Ingress'),
    };
    const rv = 1;
    const store = {
      iterate: (key: string, ns?: string) => (byKey[key] ?? []).filter((o) => ns === undefined || o.metadata?.namespace === ns),
      currentResourceVersion: () => String(rv),
    };
    const view = storeClusterView(store);
    expect(view.list('v1', 'Pod').length).toBe(2);
    expect(view.list('v1', 'Pod', 'other')).toEqual([]);
    expect(view.list('networking.k8s.io/v1', 'Ingress').length).toBe(1);
    expect(view.list('v1', 'Ingress')).toEqual([]); // wrong group
    expect(view.list('v1', 'ConfigMap')).toEqual([]);
    expect(view.revision?.()).toBe('1');
    const sim = new TrafficSimulator(view, { seed: 1 });
    expect(sim.tick(1)).toBe(20);
  });

  it('rebuilds routing tables only when the revision changes', () => {
    const inner = new StaticClusterView([...app('web', 1), ...app('web-canary', 1), ingress('web', { service: 'web' })]);
    let rev = 1;
    let lists = 0;
    const view: ClusterView = {
      list: (a, k, n) => {
        lists++;
        return inner.list(a, k, n);
      },
      revision: () => rev,
    };
    const sim = new TrafficSimulator(view, { seed: 1, serviceRequestsPerSecond: 0 });
    sim.tick(1);
    const after1 = lists;
    sim.tick(1);
    sim.tick(1);
    expect(lists).toBe(after1);
    inner.upsert(ingress('wc', { service: 'web-canary', annotations: canaryAnnotations({ 'canary-weight': '100' }) }));
    const seen: string[] = [];
    sim.onRequest((r) => seen.push(r.service));
    sim.tick(1);
    expect(new Set(seen)).toEqual(new Set(['web'])); // not seen yet: the revision did not change
    rev++;
    seen.length = 0;
    sim.tick(1);
    expect(lists).toBeGreaterThan(after1);
    expect(new Set(seen)).toEqual(new Set(['web-canary']));
  });

  it('caps the total request rate', () => {
    const objs: KubeObject[] = [];
    for (let i = 0; i < 10; i++) objs.push(...app(`svc${i}`, 1));
    const sim = new TrafficSimulator(new StaticClusterView(objs), { seed: 1, maxTotalRequestsPerSecond: 100 });
    expect(sim.tick(10)).toBe(1000);
    expect(sim.rateScale).toBe(0.5);
    const free = new TrafficSimulator(new StaticClusterView(objs), { seed: 1 });
    expect(free.tick(10)).toBe(2000);
  });

  it('mounts as a routing hook that only takes /metrics', async () => {
    const sim = new TrafficSimulator(new StaticClusterView(app('web', 1)), { seed: 1 });
    sim.tick(1);
    const http = await import('node:http');
    const server = http.createServer((req, res) => {
      if (!sim.metricsRoute(req, res)) {
        res.writeHead(418);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      expect((await fetch(`${base}/metrics`)).status).toBe(200);
      expect((await fetch(`${base}/metrics?x=1`)).status).toBe(200);
      expect((await fetch(`${base}/api`)).status).toBe(418);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
