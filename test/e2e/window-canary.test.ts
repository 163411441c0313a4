/**
 * A canary that would outlast its maintenance window follows the rel.yaml policy (canaryAtClose: rollback):
 * it is rolled back before the window closes, leaving closeMargin for it, and rel deploy exits with code 3.
 * Time runs at real speed from a chosen instant (ShiftedClock) a few seconds before the close deadline.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kubeOptions, releaseContext } from '../../src/actions/context.js';
import { runDeploy } from '../../src/actions/deploy.js';
import { history } from '../../src/actions/inspect.js';
import { ShiftedClock, getClock, setClock } from '../../src/clock.js';
import { RolloutRolledBack } from '../../src/rollout/progressive.js';
import { type TestCluster, root, testCluster } from './support/env.js';

// Window: every day 02:00–03:00 UTC. "prod" acts 20 s before the close, "tight" 2 s before.
const REL_YAML = `apiVersion: rel.dev/v1
defaults:
  windows:
    allow:
      - { name: nightly, schedule: "0 2 * * *", duration: 1h, timeZone: UTC }
environments:
  prod:
    namespace: wc-prod
    set: { ingress.host: wc-prod.test, replicaCount: 2 }
    windows:
      policy: { canaryAtClose: rollback, closeMargin: 20s }
  tight:
    namespace: wc-tight
    set: { ingress.host: wc-tight.test, replicaCount: 2 }
    windows:
      policy: { canaryAtClose: rollback, closeMargin: 2s }
releases:
  - name: wc
    chart: ./charts/web
`;
const WINDOW_END = Date.parse('2026-03-03T03:00:00Z');

describe('canary policy at window close (rel.yaml canaryAtClose: rollback)', () => {
  let c: TestCluster;
  let dir: string;
  let cwd: string;
  const logs: string[] = [];
  const log = (l: string) => logs.push(`${getClock().now().toISOString()} ${l}`);
  beforeAll(async () => {
    c = await testCluster();
    dir = mkdtempSync(join(tmpdir(), 'rel-wcanary-'));
    cpSync(join(root, 'test/e2e/fixtures/web'), join(dir, 'charts/web'), { recursive: true });
    writeFileSync(join(dir, 'rel.yaml'), REL_YAML);
    cwd = process.cwd();
    process.chdir(dir); // rel deploy --env finds rel.yaml in the working folder
    // Revision 1 of both environments, early in the window.
    setClock(new ShiftedClock('2026-03-03T02:05:00Z'));
    for (const env of ['prod', 'tight']) {
      await runDeploy({}, { env, kubeconfig: c.kubeconfig, 'create-namespace': true, wait: true, timeout: '30s' }, log);
    }
  }, 60_000);
  afterAll(async () => {
    process.chdir(cwd);
    setClock(undefined);
    await c?.stop();
  });
  afterEach(() => setClock(undefined));

  const canary = { set: ['image.tag=2.0'], canary: 10, steps: '50,100', 'analysis-interval': '1s', timeout: '30s' };

  it('a canary started 8 s before the close deadline is rolled back before the window ends (exit 3)', async () => {
    // Deadline = 03:00:00 - 20 s = 02:59:40; start at 02:59:32 with 5-minute steps: it cannot finish in time.
    setClock(new ShiftedClock('2026-03-03T02:59:32Z'));
    const err = await runDeploy({}, { env: 'prod', kubeconfig: c.kubeconfig, ...canary, 'step-interval': '5m' }, log).catch((e: Error) => e);
    const ended = getClock().now().getTime();
    expect(err, logs.join('\n')).toBeInstanceOf(RolloutRolledBack);
    expect((err as RolloutRolledBack).exitCode).toBe(3);
    expect((err as Error).message).toMatch(/maintenance window is about to close \(policy: rollback\)/);
    // Acted at the deadline (02:59:40) and finished the rollback inside the window.
    const rollingBack = logs.find((l) => /rolling back: the maintenance window/.test(l))!;
    expect(Date.parse(rollingBack.slice(0, 24))).toBeGreaterThanOrEqual(Date.parse('2026-03-03T02:59:40Z'));
    expect(ended).toBeLessThan(WINDOW_END);
    const ns = 'wc-prod';
    const dep = JSON.parse(await c.kubectl('get', 'deployment', 'wc-web', '-n', ns, '-o', 'json'));
    expect(dep.spec.template.spec.containers[0].image).toBe('example/web:1.0');
    await expect(c.kubectl('get', 'deployment', 'wc-web-canary', '-n', ns)).rejects.toThrow(/not found/i);
    const h = await history(releaseContext(kubeOptions({ kubeconfig: c.kubeconfig, namespace: ns }), () => {}), 'wc');
    expect(h.map((x) => [x.revision, x.status])).toEqual([
      [1, 'deployed'],
      [2, 'failed'],
    ]);
    expect(h[1]!.description).toMatch(/maintenance window/);
  });

  // Regression test for src/actions/deploy.ts windowCheck: it used to recompute the close deadline on every tick
  // with planCanary(now). When no tick falls between the deadline and the window end (here the first check comes
  // one 5 s analysis interval after the canary is ready, past 03:00:00), the recomputation found the window closed,
  // returned no deadline, and the canary carried on and was promoted outside the window (this test failed on
  // 8a1e528^). Computing the deadline once when the rollout starts (8a1e528) makes the late tick roll back.
  it('a tick that lands after the window end still rolls the canary back (deadline computed once)', async () => {
    // Deadline 02:59:58, window end 03:00:00; start 02:59:57.
    setClock(new ShiftedClock('2026-03-03T02:59:57Z'));
    const err = await runDeploy({}, { env: 'tight', kubeconfig: c.kubeconfig, ...canary, 'analysis-interval': '5s', 'step-interval': '6s' }, log).catch((e: Error) => e);
    const ns = 'wc-tight';
    const h = await history(releaseContext(kubeOptions({ kubeconfig: c.kubeconfig, namespace: ns }), () => {}), 'wc');
    expect(
      h.map((x) => [x.revision, x.status]),
      `the canary must not be promoted after its window closed\n${logs.filter((l) => /wc-tight|step|rolling|promot|window/.test(l)).join('\n')}`,
    ).toEqual([
      [1, 'deployed'],
      [2, 'failed'],
    ]);
    expect(err).toBeInstanceOf(RolloutRolledBack);
    expect((err as RolloutRolledBack).exitCode).toBe(3);
    const dep = JSON.parse(await c.kubectl('get', 'deployment', 'wc-web', '-n', ns, '-o', 'json'));
    expect(dep.spec.template.spec.containers[0].image).toBe('example/web:1.0');
  });
});
