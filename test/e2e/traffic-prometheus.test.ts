/**
 * The sandbox's synthetic traffic, scraped by the real Prometheus (Debian package `prometheus`):
 * a canary Ingress at weight 20 gets 20% ± 3 points of the requests counted in Prometheus, and an error rate
 * injected on the canary pods shows up in a PromQL 5xx-rate query within 15 seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticClusterView } from '../../src/sandbox/traffic/cluster-view.js';
import { queryProm, startPrometheus, type RunningPrometheus } from '../../src/sandbox/traffic/prometheus.js';
import { TrafficSimulator } from '../../src/sandbox/traffic/simulator.js';
import { app, canaryAnnotations, httpRoute, ingress } from '../unit/sandbox-traffic/fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function scalar(url: string, promql: string): Promise<number | undefined> {
  const r = await queryProm(url, promql);
  return r.length === 0 ? undefined : r[0]!.value;
}

/** Polls until `check` holds for the query's value; returns the value and the time it took. */
async function waitFor(url: string, promql: string, check: (v: number) => boolean, timeoutMs: number): Promise<{ value: number | undefined; ms: number; ok: boolean }> {
  const start = Date.now();
  let value: number | undefined;
  while (Date.now() - start < timeoutMs) {
    value = await scalar(url, promql);
    if (value !== undefined && check(value)) return { value, ms: Date.now() - start, ok: true };
    await sleep(250);
  }
  return { value, ms: Date.now() - start, ok: false };
}

describe('traffic metrics in the real Prometheus', () => {
  const view = new StaticClusterView([
    ...app('web', 3),
    ...app('web-canary', 1),
    ingress('web', { service: 'web', host: 'web.example.com' }),
    ingress('web-canary', { service: 'web-canary', host: 'web.example.com', annotations: canaryAnnotations({ 'canary-weight': '20' }) }),
    httpRoute('web', {
      hostnames: ['gw.example.com'],
      rules: [{ backendRefs: [{ name: 'web', port: 80, weight: 70 }, { name: 'web-canary', port: 80, weight: 30 }] }],
    }),
  ]);
  // 400 requests per second keep the statistical noise of a 10 s window well under a point.
  const sim = new TrafficSimulator(view, { requestsPerSecond: 400, serviceRequestsPerSecond: 0 });
  let listener: Awaited<ReturnType<TrafficSimulator['listen']>>;
  let prom: RunningPrometheus;

  beforeAll(async () => {
    sim.start();
    listener = await sim.listen(0);
    prom = await startPrometheus({ scrapeTarget: listener.url });
  });

  afterAll(async () => {
    sim.stop();
    await prom?.stop();
    await listener?.close();
  });

  it('scrapes the sandbox and counts 20% ± 3 points of requests for the canary at weight 20', async () => {
    const up = await waitFor(prom.url, 'up{job="rel-sandbox"}', (v) => v === 1, 10_000);
    expect(up.ok, 'Prometheus never scraped the sandbox successfully').toBe(true);
    // Wait until the 10 s window is full (≈ 4,000 requests), then read the share as an analysis would.
    const all = 'sum(increase(nginx_ingress_controller_requests{namespace="default",ingress="web"}[10s]))';
    const filled = await waitFor(prom.url, `count_over_time(sum(nginx_ingress_controller_requests{ingress="web"})[10s:1s])`, (v) => v >= 10, 25_000);
    expect(filled.ok, 'fewer than 10 scrapes in 25 s').toBe(true);
    expect(await scalar(prom.url, all)).toBeGreaterThan(3000);
    const share = await scalar(
      prom.url,
      'sum(rate(nginx_ingress_controller_requests{namespace="default",ingress="web",canary!=""}[10s])) / sum(rate(nginx_ingress_controller_requests{namespace="default",ingress="web"}[10s]))',
    );
    expect(share).toBeGreaterThan(0.17);
    expect(share).toBeLessThan(0.23);
    // The canary label is the canary upstream's name; no errors anywhere yet.
    const canaries = await queryProm(prom.url, 'sum by (canary, service) (rate(nginx_ingress_controller_requests{ingress="web"}[10s]))');
    expect(canaries.map((s) => s.metric).sort((a, b) => (a.canary ?? '').localeCompare(b.canary ?? ''))).toEqual([
      { service: 'web' },
      { canary: 'default-web-canary-80', service: 'web' },
    ]);
    expect(await scalar(prom.url, 'sum(rate(nginx_ingress_controller_requests{status=~"5.."}[10s]))')).toBeUndefined();
    // The HTTPRoute's backendRefs weights 70/30, in the Gateway-style metrics.
    const gwShare = await scalar(
      prom.url,
      'sum(rate(gateway_http_requests_total{namespace="default",route="web",backend_service="web-canary"}[10s])) / sum(rate(gateway_http_requests_total{namespace="default",route="web"}[10s]))',
    );
    expect(gwShare).toBeGreaterThan(0.27);
    expect(gwShare).toBeLessThan(0.33);
    // p99 latency of the stable version from ingress-nginx's histogram: about 2.3 × the 20 ms mean.
    const p99 = await scalar(prom.url, 'histogram_quantile(0.99, sum by (le) (rate(nginx_ingress_controller_request_duration_seconds_bucket{ingress="web",canary=""}[10s])))');
    expect(p99).toBeGreaterThan(0.025);
    expect(p99).toBeLessThan(0.1);
  });

  it('shows an error rate injected on the canary pods in a PromQL 5xx-rate query within 15 s', async () => {
    for (const o of view.objects)
      if (o.kind === 'Pod' && o.metadata?.labels?.app === 'web-canary') o.metadata.annotations = { ...o.metadata.annotations, 'sandbox.rel.dev/error-rate': '0.2' };
    const errorRate =
      'sum(rate(nginx_ingress_controller_requests{namespace="default",ingress="web",canary!="",status=~"5.."}[5s])) / sum(rate(nginx_ingress_controller_requests{namespace="default",ingress="web",canary!=""}[5s]))';
    const seen = await waitFor(prom.url, errorRate, (v) => v >= 0.15, 15_000);
    expect(seen.ok, `canary 5xx rate still ${seen.value} after 15 s`).toBe(true);
    console.log(`canary 5xx rate ${seen.value?.toFixed(3)} visible in PromQL ${(seen.ms / 1000).toFixed(1)} s after the fault was injected`);
    // Once the window holds only faulty traffic, the measured rate matches the injected one.
    await sleep(5000);
    const settled = await scalar(prom.url, errorRate);
    expect(settled).toBeGreaterThan(0.14);
    expect(settled).toBeLessThan(0.26);
    // The stable version never failed.
    expect(await scalar(prom.url, 'sum(increase(nginx_ingress_controller_requests{ingress="web",canary="",status=~"5.."}[1m]))')).toBeUndefined();
    // The application's own metrics agree.
    const app5xx = await scalar(prom.url, 'sum(rate(http_requests_total{service="web-canary",status="500"}[5s])) / sum(rate(http_requests_total{service="web-canary"}[5s]))');
    expect(app5xx).toBeGreaterThan(0.14);
    expect(app5xx).toBeLessThan(0.26);
  });
});
