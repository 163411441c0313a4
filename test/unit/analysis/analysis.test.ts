import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Analysis, builtinChecks, renderQuery, type QueryVars } from '../../../src/analysis/checks.js';
import { PrometheusProvider } from '../../../src/metrics/prometheus.js';
import { MetricError, type MetricProvider } from '../../../src/metrics/provider.js';

const vars: QueryVars = {
  release: 'shop',
  namespace: 'prod',
  canary: 'shop-canary',
  stable: 'shop',
  interval: '10s',
  selectors: { requests: 'nginx_ingress_controller_requests', duration: 'd', canary: 'namespace="prod",canary!=""', stable: 'namespace="prod",canary=""' },
};

/** Answers queries from a script: one value (or error) per call, per check query prefix. */
class ScriptedProvider implements MetricProvider {
  readonly name = 'scripted';
  queries: string[] = [];
  constructor(private readonly script: (q: string, n: number) => number | undefined | Error) {}
  async query(q: string): Promise<number | undefined> {
    this.queries.push(q);
    const r = this.script(q, this.queries.length);
    if (r instanceof Error) throw r;
    return r;
  }
}

describe('check queries', () => {
  it('substitutes variables and refuses unknown ones', () => {
    const [errorRate] = builtinChecks({ maxErrorRate: 0.05, maxLatencyRatio: 3, intervalMs: 10_000, failureLimit: 2 });
    expect(renderQuery(errorRate!.query, vars)).toBe(
      '(sum(rate(nginx_ingress_controller_requests{ namespace="prod",canary!="",status=~"5.." }[10s])) or vector(0)) / sum(rate(nginx_ingress_controller_requests{ namespace="prod",canary!="" }[10s]))',
    );
    expect(() => renderQuery('up{job="{{nope}}"}', vars)).toThrow(/unknown variable \{\{nope\}\}/);
  });
});

describe('Analysis', () => {
  const checks = builtinChecks({ maxErrorRate: 0.05, maxLatencyRatio: 3, intervalMs: 10_000, failureLimit: 2 });

  it('fails after failureLimit consecutive failures, not before', async () => {
    const p = new ScriptedProvider((q) => (q.includes('status=~') ? 0.2 : 1));
    const a = new Analysis(p, checks, vars);
    const first = await a.measure(new Date());
    expect(first.failure).toBeUndefined();
    expect(first.measurements[0]).toMatchObject({ check: 'error-rate', result: 'fail', value: 0.2 });
    const second = await a.measure(new Date());
    expect(second.failure).toMatch(/check error-rate failed 2 times in a row \(0\.200 not <= 0\.05\)/);
  });

  it('a pass resets the count', async () => {
    let n = 0;
    const p = new ScriptedProvider((q) => (q.includes('status=~') ? (n++ % 2 === 0 ? 0.2 : 0.01) : 1));
    const a = new Analysis(p, checks, vars);
    for (let i = 0; i < 6; i++) expect((await a.measure(new Date())).failure).toBeUndefined();
  });

  it('latency ratio above the limit fails', async () => {
    const p = new ScriptedProvider((q) => (q.includes('histogram_quantile') ? 4.2 : 0));
    const a = new Analysis(p, checks, vars);
    await a.measure(new Date());
    expect((await a.measure(new Date())).failure).toMatch(/check latency failed/);
  });

  it('provider errors and missing data are inconclusive, and fail past the limit', async () => {
    const p = new ScriptedProvider(() => new MetricError('cannot reach Prometheus at http://127.0.0.1:1: ECONNREFUSED'));
    const a = new Analysis(p, checks, vars);
    expect((await a.measure(new Date())).measurements[0]).toMatchObject({ result: 'error' });
    await a.measure(new Date());
    const third = await a.measure(new Date());
    expect(third.failure).toMatch(/inconclusive 3 times in a row \(cannot reach Prometheus/);
  });
});

describe('per-check interval', () => {
  it('a check with a longer interval runs only when it is due', async () => {
    const p = new ScriptedProvider(() => 0);
    const [er] = builtinChecks({ maxErrorRate: 0.05, maxLatencyRatio: 3, intervalMs: 10_000, failureLimit: 2 });
    const slow = { ...er!, name: 'slow', intervalMs: 60_000 };
    const a = new Analysis(p, [er!, slow], vars, 10_000);
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const names = async (ms: number) => (await a.measure(new Date(t0 + ms))).measurements.map((m) => m.check);
    expect(await names(0)).toEqual(['error-rate', 'slow']);
    expect(await names(10_000)).toEqual(['error-rate']);
    expect(await names(20_000)).toEqual(['error-rate']);
    expect(await names(60_000)).toEqual(['error-rate', 'slow']);
  });
});

describe('PrometheusProvider', () => {
  let url = '';
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const q = new URLSearchParams(body).get('query') ?? '';
      res.setHeader('content-type', 'application/json');
      if (q === 'vec') res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '0.25'] }] } }));
      else if (q === 'empty') res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
      else if (q === 'nan') res.end(JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, 'NaN'] } }));
      else if (q === 'two') res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ value: [1, '1'] }, { value: [1, '2'] }] } }));
      else {
        res.statusCode = 400;
        res.end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error at char 3' }));
      }
    });
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reads vectors and scalars, treats empty and NaN as no data', async () => {
    const p = new PrometheusProvider({ url });
    expect(await p.query('vec')).toBe(0.25);
    expect(await p.query('empty')).toBeUndefined();
    expect(await p.query('nan')).toBeUndefined();
  });

  it('reports query errors, ambiguous results and unreachable servers clearly', async () => {
    const p = new PrometheusProvider({ url });
    await expect(p.query('bad(')).rejects.toThrow(/Prometheus query failed \(HTTP 400\): parse error at char 3/);
    await expect(p.query('two')).rejects.toThrow(/returned 2 series/);
    await expect(new PrometheusProvider({ url: 'http://127.0.0.1:1', timeoutMs: 500 }).query('vec')).rejects.toThrow(/cannot reach Prometheus at http:\/\/127\.0\.0\.1:1/);
  });
});

describe('minimum requests per window', () => {
  const checks = builtinChecks({ maxErrorRate: 0.05, maxLatencyRatio: 3, intervalMs: 3000, failureLimit: 2, minRequests: 20 });

  it('a window with fewer requests than the minimum is inconclusive, not a pass', async () => {
    const p = new ScriptedProvider((q) => (q.startsWith('sum(increase(') ? 6 : q.includes('status=~') ? 0 : 1));
    const a = new Analysis(p, checks, vars);
    const r = await a.measure(new Date());
    expect(r.measurements[0]).toMatchObject({ check: 'error-rate', result: 'inconclusive', requests: 6 });
    expect(r.measurements[0]!.message).toBe('6 requests in the 10s window, fewer than the minimum 20');
    expect(p.queries[0]).toBe('sum(increase(nginx_ingress_controller_requests{ namespace="prod",canary!="" }[10s]))');
    // The value query is not even asked.
    expect(p.queries.some((q) => q.includes('status=~'))).toBe(false);
  });

  it('enough requests: the value decides, and the count is kept with the measurement', async () => {
    const p = new ScriptedProvider((q) => (q.startsWith('sum(increase(') ? 40 : q.includes('status=~') ? 0.2 : 1));
    const a = new Analysis(p, checks, vars);
    expect((await a.measure(new Date())).measurements[0]).toMatchObject({ result: 'fail', value: 0.2, requests: 40 });
  });

  it('no minimum set: no count query is made (the behaviour before minRequests)', async () => {
    const p = new ScriptedProvider((q) => (q.includes('status=~') ? 0 : 1));
    const a = new Analysis(p, builtinChecks({ maxErrorRate: 0.05, maxLatencyRatio: 3, intervalMs: 3000, failureLimit: 2 }), vars);
    await a.measure(new Date());
    expect(p.queries.some((q) => q.startsWith('sum(increase('))).toBe(false);
  });
});

describe('failure streaks', () => {
  const checks = builtinChecks({ maxErrorRate: 0.05, maxLatencyRatio: 3, intervalMs: 3000, failureLimit: 2 });

  it('an inconclusive measurement between two failures neither resets nor extends the streak', async () => {
    const script = [0.2, undefined, 0.2];
    let i = 0;
    const p = new ScriptedProvider((q) => (q.includes('status=~') ? script[i++] : 1));
    const a = new Analysis(p, checks, vars);
    expect((await a.measure(new Date())).failure).toBeUndefined();
    const gap = await a.measure(new Date());
    expect(gap.measurements[0]).toMatchObject({ result: 'inconclusive', message: 'no data' });
    expect(gap.failure).toBeUndefined();
    expect((await a.measure(new Date())).failure).toMatch(/check error-rate failed 2 times in a row/);
  });

  it('a failure ends a run of inconclusive measurements', async () => {
    const script = [undefined, undefined, 0.2, undefined, undefined];
    let i = 0;
    const p = new ScriptedProvider((q) => (q.includes('status=~') ? script[i++] : 1));
    const a = new Analysis(p, [checks[0]!], vars);
    for (let k = 0; k < 5; k++) expect((await a.measure(new Date())).failure).toBeUndefined();
  });
});

describe('rate window', () => {
  it('is the analysis interval plus one scrape interval when the scrape interval is given', async () => {
    const { ProgressiveRollout } = await import('../../../src/rollout/progressive.js');
    const opts = { strategy: 'canary' as const, steps: [10, 100], stepIntervalMs: 60_000, analysisIntervalMs: 3000, failureLimit: 2, maxErrorRate: 0.05, maxLatencyRatio: 3, timeoutMs: 1000 };
    const ctx = { kube: {}, namespace: 'ns', log: () => {} } as never;
    expect(new ProgressiveRollout(ctx, opts).rateWindowMs).toBe(3000);
    expect(new ProgressiveRollout(ctx, { ...opts, scrapeIntervalMs: 1000 }).rateWindowMs).toBe(4000);
  });
});
