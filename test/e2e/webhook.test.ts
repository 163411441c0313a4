import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeOptions, releaseContext } from '../../src/actions/context.js';
import { runDeploy } from '../../src/actions/deploy.js';
import { history } from '../../src/actions/inspect.js';
import { RolloutRolledBack } from '../../src/rollout/progressive.js';
import { type TestCluster, root, testCluster } from './support/env.js';

interface Received {
  path: string;
  at: number;
  contentType?: string;
  body: Record<string, unknown>;
}

/**
 * Notification webhooks (rel.yaml `notifications.webhooks`) received by a real loopback HTTP server: one receiver
 * that answers 200, one that always answers 500, one that never answers. The rollback (and the promotion) must
 * happen regardless, rel must not hang on the silent receiver, and the good one gets the Slack-compatible JSON.
 */
describe('notification webhooks with a real receiving server', () => {
  let c: TestCluster;
  let server: Server;
  let dir: string;
  const received: Received[] = [];
  const held: ServerResponse[] = [];
  const logs: string[] = [];
  const log = (l: string) => logs.push(l);

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let text = '';
      req.on('data', (d) => (text += d));
      req.on('end', () => {
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(text);
        } catch {
          body = { unparsable: text };
        }
        received.push({ path: req.url ?? '', at: Date.now(), contentType: req.headers['content-type'], body });
        if (req.url === '/ok') res.end('ok');
        else if (req.url === '/down') {
          res.statusCode = 500;
          res.end('internal error');
        } else held.push(res); // /silent: never answers
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    c = await testCluster({ prometheus: true });
    dir = mkdtempSync(join(tmpdir(), 'rel-webhook-'));
    cpSync(join(root, 'test/e2e/fixtures/web'), join(dir, 'charts/web'), { recursive: true });
    writeFileSync(
      join(dir, 'rel.yaml'),
      `apiVersion: rel.dev/v1
defaults:
  namespace: hook
  createNamespace: true
  set:
    ingress.host: hook.test
    ingress.annotations.sandbox\\.rel\\.dev/requests-per-second: "200"
  analysis:
    prometheus:
      url: "${c.prometheus!.url}"
    interval: 3s
    failureLimit: 2
  notifications:
    webhooks:
      - url: "${base}/ok"
      - url: "${base}/down"
        events: [rolled-back]
      - url: "${base}/silent"
        events: [rolled-back]
releases:
  - name: hook
    chart: ./charts/web
`,
    );
    await runDeploy({ release: 'hook' }, { cwd: dir, kubeconfig: c.kubeconfig, wait: true, timeout: '30s' }, log);
  }, 90_000);
  afterAll(async () => {
    for (const r of held) r.destroy();
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await c?.stop();
  });

  it('an automatic rollback posts the release, revision, reason and a measurement summary; failing receivers neither block nor fail it', async () => {
    received.length = 0;
    const err = await runDeploy(
      { release: 'hook' },
      { cwd: dir, kubeconfig: c.kubeconfig, timeout: '30s', set: ['image.tag=2.0', 'errorRate=0.3'], canary: 10, steps: '100', 'step-interval': '30s' },
      log,
    ).catch((e: Error) => e);
    const settled = Date.now();
    expect(err).toBeInstanceOf(RolloutRolledBack);
    const rb = err as RolloutRolledBack;
    expect(rb.exitCode).toBe(3);
    // The rollback itself was done before any webhook was called, and the release records say so.
    const safeAt = rb.timing.safeAt!;
    for (const r of received) expect(r.at).toBeGreaterThanOrEqual(safeAt);
    const h = await history(releaseContext(kubeOptions({ kubeconfig: c.kubeconfig, namespace: 'hook' }), () => {}), 'hook');
    expect(h.map((x) => [x.revision, x.status])).toEqual([
      [1, 'deployed'],
      [2, 'failed'],
    ]);

    const ok = received.filter((r) => r.path === '/ok');
    expect(ok).toHaveLength(1);
    expect(ok[0]!.contentType).toBe('application/json');
    const body = ok[0]!.body;
    expect(body).toMatchObject({ event: 'rolled-back', release: 'hook', namespace: 'hook', revision: 2, strategy: 'canary' });
    expect(body.reason).toMatch(/check error-rate failed 2 times in a row/);
    expect(typeof body.text).toBe('string');
    expect(body.text).toMatch(/^rel: hook \(hook\) rolled-back at revision 2 \[canary\]: check error-rate failed/);
    expect(body.text).toMatch(/• error-rate: \d+ passed, [2-9] failed/);
    const checks = body.checks as { check: string; failed: number; lastResult: string; lastValue?: number }[];
    const er = checks.find((x) => x.check === 'error-rate')!;
    expect(er.failed).toBeGreaterThanOrEqual(2);
    expect(er.lastResult).toBe('fail');
    expect(er.lastValue).toBeGreaterThan(0.05);
    expect(checks.map((x) => x.check)).toContain('latency');

    // The receiver answering 500 was tried 3 times; the silent one was given up on within the time budget.
    expect(received.filter((r) => r.path === '/down')).toHaveLength(3);
    expect(received.filter((r) => r.path === '/silent').length).toBeGreaterThanOrEqual(1);
    const notifyMs = settled - safeAt;
    console.log(`webhooks: rel returned ${notifyMs} ms after traffic was safe (silent receiver held ${received.filter((r) => r.path === '/silent').length} attempts)`);
    expect(notifyMs).toBeLessThan(10_000 + 3_000);
    expect(logs.some((l) => /warning: webhook http:\/\/127\.0\.0\.1:\d+\/… answered HTTP 500; the notification was not delivered/.test(l))).toBe(true);
    expect(logs.some((l) => /warning: webhook http:\/\/127\.0\.0\.1:\d+\/… did not answer within/.test(l))).toBe(true);
  }, 90_000);

  it('a promotion posts "promoted" with the revision and the passed checks (only to the hooks that subscribe)', async () => {
    received.length = 0;
    const r = await runDeploy(
      { release: 'hook' },
      { cwd: dir, kubeconfig: c.kubeconfig, timeout: '30s', set: ['image.tag=3.0'], canary: 50, steps: '100', 'step-interval': '6s' },
      log,
    );
    expect(r.release.info.status).toBe('deployed');
    expect(received.map((x) => x.path)).toEqual(['/ok']);
    const body = received[0]!.body;
    expect(body).toMatchObject({ event: 'promoted', release: 'hook', revision: 3, strategy: 'canary' });
    const er = (body.checks as { check: string; passed: number; failed: number }[]).find((x) => x.check === 'error-rate')!;
    expect(er.passed).toBeGreaterThanOrEqual(1);
    expect(er.failed).toBe(0);
  }, 90_000);
});
