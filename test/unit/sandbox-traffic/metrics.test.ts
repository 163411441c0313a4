import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { StaticClusterView } from '../../../src/sandbox/traffic/cluster-view.js';
import { TrafficSimulator } from '../../../src/sandbox/traffic/simulator.js';
import { app, canaryAnnotations, ingress, service, pod } from './fixtures.js';

function lines(text: string, prefix: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(prefix));
}

/** Sum of the samples of a metric whose label string contains every fragment. */
function sum(text: string, name: string, ...fragments: string[]): number {
  return lines(text, `${name}{`)
    .filter((l) => fragments.every((f) => l.includes(f)))
    .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('traffic metrics', () => {
  const objs = () => [
    ...app('web', 2),
    ...app('web-canary', 1, { annotations: { 'sandbox.rel.dev/error-rate': '0.5' } }),
    ingress('web', { service: 'web' }),
    ingress('web-canary', { service: 'web-canary', annotations: canaryAnnotations({ 'canary-weight': '20' }) }),
  ];

  it('exposes ingress-nginx names, labels and buckets', async () => {
    const sim = new TrafficSimulator(new StaticClusterView(objs()), { seed: 11, serviceRequestsPerSecond: 0 });
    sim.tick(100);
    const text = await sim.metrics.exposition();
    expect(text).toContain('# TYPE nginx_ingress_controller_requests counter');
    expect(text).toContain('# TYPE nginx_ingress_controller_request_duration_seconds histogram');
    expect(text).toContain('# TYPE nginx_ingress_controller_response_duration_seconds histogram');
    const sample = lines(text, 'nginx_ingress_controller_requests{').find((l) => l.includes('canary="default-web-canary-80"') && l.includes('status="500"'));
    expect(sample).toBeDefined();
    for (const l of ['controller_class="k8s.io/ingress-nginx"', 'controller_namespace="ingress-nginx"', 'controller_pod="ingress-nginx-controller-sandbox"', 'namespace="default"', 'ingress="web"', 'service="web"', 'method="GET"', 'path="/"', 'host="app.example.com"'])
      expect(sample).toContain(l);
    const buckets = lines(text, 'nginx_ingress_controller_request_duration_seconds_bucket{')
      .filter((l) => l.includes('canary=""') && l.includes('status="200"'))
      .map((l) => /le="([^"]+)"/.exec(l)![1]);
    expect(buckets).toEqual(['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']);
    const total = sum(text, 'nginx_ingress_controller_requests');
    expect(total).toBe(2000);
    const canary = sum(text, 'nginx_ingress_controller_requests', 'canary="default-web-canary-80"');
    expect(canary / total).toBeGreaterThan(0.15);
    expect(canary / total).toBeLessThan(0.25);
    const canary5xx = sum(text, 'nginx_ingress_controller_requests', 'canary="default-web-canary-80"', 'status="500"');
    expect(canary5xx / canary).toBeGreaterThan(0.4);
    expect(canary5xx / canary).toBeLessThan(0.6);
    expect(sum(text, 'nginx_ingress_controller_requests', 'canary=""', 'status="500"')).toBe(0);
    // Application metrics per pod, labelled with the Service that routed to it.
    expect(sum(text, 'http_requests_total', 'service="web-canary"', 'pod="web-canary-7d9f8b-0"')).toBe(canary);
    expect(sum(text, 'http_requests_total', 'service="web"')).toBe(total - canary);
    expect(lines(text, 'http_requests_total{').every((l) => !l.includes('controller_class'))).toBe(true);
    expect(sum(text, 'http_request_duration_seconds_count')).toBe(total);
  });

  it('records 503 without an upstream response time', async () => {
    const sim = new TrafficSimulator(new StaticClusterView([...app('web', 1, { ready: false }), ingress('web', { service: 'web' })]), { seed: 1 });
    sim.tick(1);
    const text = await sim.metrics.exposition();
    expect(sum(text, 'nginx_ingress_controller_requests', 'status="503"')).toBe(20);
    expect(sum(text, 'nginx_ingress_controller_request_duration_seconds_count', 'status="503"')).toBe(20);
    expect(sum(text, 'nginx_ingress_controller_response_duration_seconds_count')).toBe(0);
    expect(sum(text, 'http_requests_total')).toBe(0);
  });

  it('drops the series of deleted Ingresses and pods', async () => {
    const view = new StaticClusterView([...app('web', 1), ingress('web', { service: 'web' }), service('db', { app: 'db' }), pod('db-0', { app: 'db' })]);
    const sim = new TrafficSimulator(view, { seed: 3 });
    sim.tick(1);
    let text = await sim.metrics.exposition();
    expect(sum(text, 'nginx_ingress_controller_requests', 'ingress="web"')).toBe(20);
    expect(sum(text, 'http_requests_total', 'pod="db-0"')).toBe(20);
    view.remove('networking.k8s.io/v1', 'Ingress', 'default', 'web');
    view.remove('v1', 'Pod', 'default', 'db-0');
    sim.tick(1);
    text = await sim.metrics.exposition();
    expect(lines(text, 'nginx_ingress_controller_requests{')).toEqual([]);
    expect(text).not.toContain('pod="db-0"');
    // The web Service now has no Ingress: it gets direct traffic (the pod's counter keeps counting).
    expect(sum(text, 'http_requests_total', 'service="web"')).toBe(40);
  });

  it('leaves out host-less rules when metricsPerUndefinedHost is false', async () => {
    const objs = [...app('web', 1), ingress('web', { service: 'web', host: '' })];
    const on = new TrafficSimulator(new StaticClusterView(objs), { seed: 1 });
    on.tick(1);
    expect(sum(await on.metrics.exposition(), 'nginx_ingress_controller_requests', 'host="_"')).toBe(20);
    const off = new TrafficSimulator(new StaticClusterView(objs), { seed: 1, metricsPerUndefinedHost: false });
    off.tick(1);
    const text = await off.metrics.exposition();
    expect(lines(text, 'nginx_ingress_controller_requests{')).toEqual([]);
    expect(sum(text, 'http_requests_total')).toBe(20);
  });

  it('serves the exposition over HTTP', async () => {
    const sim = new TrafficSimulator(new StaticClusterView(objs()), { seed: 2 });
    sim.tick(1);
    const l = await sim.listen(0);
    try {
      const res = await fetch(l.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      expect(await res.text()).toContain('nginx_ingress_controller_requests{');
      expect((await fetch(l.url.replace('/metrics', '/other'))).status).toBe(404);
      expect((await fetch(l.url, { method: 'POST' })).status).toBe(405);
    } finally {
      await l.close();
    }
    // The bare handler mounts on any server.
    const server = http.createServer(sim.metricsHandler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain('# TYPE http_requests_total counter');
    await new Promise((r) => server.close(r));
  });

  it('ticks in real time after start()', async () => {
    const sim = new TrafficSimulator(new StaticClusterView([...app('web', 1), ingress('web', { service: 'web' })]), { requestsPerSecond: 100, tickMs: 20 });
    sim.start();
    await new Promise((r) => setTimeout(r, 500));
    sim.stop();
    const n = sim.requestCount;
    expect(n).toBeGreaterThan(25);
    expect(n).toBeLessThan(80);
    await new Promise((r) => setTimeout(r, 100));
    expect(sim.requestCount).toBe(n);
  });
});
