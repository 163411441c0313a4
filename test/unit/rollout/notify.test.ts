import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationBody, notify, summarize } from '../../../src/actions/notify.js';
import type { Measurement } from '../../../src/analysis/checks.js';

const m = (check: string, result: Measurement['result'], value?: number): Measurement => ({ check, at: '2026-01-01T00:00:00Z', result, value, message: value === undefined ? 'no data' : `${value}` });

describe('webhook body', () => {
  it('summarizes measurements per check and keeps Slack\'s text field first', () => {
    const ms = [m('error-rate', 'pass', 0), m('latency', 'inconclusive'), m('error-rate', 'fail', 0.2), m('error-rate', 'fail', 0.25)];
    expect(summarize(ms)).toEqual([
      { check: 'error-rate', measurements: 3, passed: 1, failed: 2, inconclusive: 0, lastValue: 0.25, lastResult: 'fail', last: '0.25' },
      { check: 'latency', measurements: 1, passed: 0, failed: 0, inconclusive: 1, lastResult: 'inconclusive', last: 'no data' },
    ]);
    const body = notificationBody('rolled-back', { release: 'shop', namespace: 'prod', revision: 7, strategy: 'canary', message: 'check error-rate failed', reason: 'check error-rate failed', measurements: ms });
    expect(Object.keys(body)[0]).toBe('text');
    expect(body.text).toBe('rel: shop (prod) rolled-back at revision 7 [canary]: check error-rate failed\n• error-rate: 1 passed, 2 failed, 0 inconclusive; last 0.25\n• latency: 0 passed, 0 failed, 1 inconclusive; last no data');
    expect(body).toMatchObject({ event: 'rolled-back', release: 'shop', revision: 7, reason: 'check error-rate failed' });
    expect(body.measurements).toBeUndefined();
  });
});

describe('webhook delivery', () => {
  const hits: Record<string, number> = {};
  const held: ServerResponse[] = [];
  let base = '';
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    hits[path] = (hits[path] ?? 0) + 1;
    req.resume();
    req.on('end', () => {
      if (path === '/ok') res.end();
      else if (path === '/flaky') {
        res.statusCode = hits[path]! < 3 ? 503 : 200;
        res.end();
      } else if (path === '/refuse') {
        res.statusCode = 400;
        res.end();
      } else held.push(res);
    });
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const r of held) r.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  const ev = { release: 'shop', namespace: 'prod', strategy: 'canary', message: 'x' };
  const opts = { attempts: 3, timeoutMs: 300, totalMs: 1000, backoffMs: 20 };

  it('retries 5xx until it is delivered, does not retry a 4xx refusal, only calls subscribed hooks', async () => {
    const logs: string[] = [];
    await notify({ webhooks: [{ url: `${base}/flaky` }, { url: `${base}/refuse` }, { url: `${base}/ok`, events: ['promoted'] }] }, 'rolled-back', ev, (l) => logs.push(l), opts);
    expect(hits['/flaky']).toBe(3);
    expect(hits['/refuse']).toBe(1);
    expect(hits['/ok']).toBeUndefined();
    expect(logs).toEqual([expect.stringMatching(/^ {2}warning: webhook http:\/\/127\.0\.0\.1:\d+\/… answered HTTP 400; the notification was not delivered/)]);
  });

  it('a silent receiver costs at most the time budget; a refused connection is logged', async () => {
    const logs: string[] = [];
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const t0 = Date.now();
    await notify({ webhooks: [{ url: `${base}/silent` }, { url: `http://127.0.0.1:${port}/hook` }] }, 'failed', ev, (l) => logs.push(l), opts);
    const took = Date.now() - t0;
    expect(took).toBeLessThan(1000 + 300);
    expect(hits['/silent']).toBeGreaterThanOrEqual(2);
    expect(logs.join('\n')).toMatch(/\/… did not answer within 0\.3s/);
    expect(logs.join('\n')).toMatch(/127\.0\.0\.1:\d+\/… failed: ECONNREFUSED/);
  });
});

describe('webhook delivery to a host that does not exist', () => {
  it('is not retried', async () => {
    const logs: string[] = [];
    const t0 = Date.now();
    await notify({ webhooks: [{ url: 'https://hooks.example.invalid/rel' }] }, 'failed', { release: 'a', namespace: 'b', strategy: 'canary', message: 'x' }, (l) => logs.push(l), { backoffMs: 2000 });
    expect(logs).toEqual([expect.stringMatching(/hooks\.example\.invalid\/… failed: (ENOTFOUND|EAI_AGAIN)/)]);
    // ENOTFOUND (the name does not exist) is final; EAI_AGAIN (no DNS server answered) would be retried.
    if (logs[0]!.includes('ENOTFOUND')) expect(Date.now() - t0).toBeLessThan(2000);
  });
});
