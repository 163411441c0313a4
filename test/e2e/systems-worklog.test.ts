/**
 * The work-log system 2.0 (plan 002) through the repository's rel.yaml on the sandbox with Prometheus:
 * install to dev (migration hook first), a blue-green release of the API gateway switched and settled,
 * a front-end version with 20% errors rolled back automatically, then a rollback by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RolloutRolledBack } from '../../src/rollout/progressive.js';
import { type SystemRun, startSystem } from './support/systems.js';

const image = (d: { spec: { template: { spec: { containers: { image: string }[] } } } }) => d.spec.template.spec.containers[0]!.image;
const HOST = 'worklog.dev.example.com';
// rel.yaml checks the preview for 1m (30s checks) and keeps the old version 10 minutes after the switch; the
// test checks every 3s, one check before the switch and one after (two for the faulty version). Known rel
// limitation (reported): before the switch the sandbox has no metrics for the preview pods, and after it the
// latency check has no stable traffic to compare with, so each of those checks is inconclusive and a third in
// a row rolls back.
const fast = { 'step-interval': '3s', 'analysis-interval': '3s', 'scale-down-delay': '3s', 'failure-limit': 2 };

describe('worklog: blue-green (rel.yaml, env dev)', () => {
  let s: SystemRun;
  beforeAll(async () => {
    s = await startSystem('worklog');
  }, 90_000);
  afterAll(async () => s?.stop());

  it('installs the gateway, user, record, project and front-end services after the migration hook', async () => {
    const r = await s.deploy([], fast);
    expect(r.release.version).toBe(1);
    expect(r.release.hooks?.map((h) => h.name)).toContain('worklog-migrate');
    for (const svc of ['gateway', 'user', 'record', 'project', 'frontend']) expect((await s.get('deployment', `worklog-${svc}`)).status.readyReplicas).toBe(1);
    await s.servedBy(HOST);
  });

  it('a new gateway runs as a preview, the Service switches to it, then it settles as the stable version', async () => {
    const r = await s.deploy(['services.gateway.image.tag=2.1.0'], fast);
    expect(r.strategy).toBe('blueGreen');
    expect(r.release.info.status).toBe('deployed');
    expect(s.logs.some((l) => /switching traffic to the new version/.test(l))).toBe(true);
    const svc = await s.get('service', 'worklog-gateway');
    expect(svc.spec.selector['rel.dev/track']).toBeUndefined();
    expect(image(await s.get('deployment', 'worklog-gateway'))).toBe('registry.example.com/worklog/api-gateway:2.1.0');
    await s.gone('deployment', 'worklog-gateway-preview');
  });

  it('a front end answering 20% errors is rolled back automatically; the Service selects the old pods again', async () => {
    const err = await s
      .deploy(['services.frontend.image.tag=2.1.0', 'services.frontend.podAnnotations.sandbox\\.rel\\.dev/error-rate=0.2'], { ...fast, 'scale-down-delay': '15s' })
      .catch((e: Error) => e);
    if (!(err instanceof RolloutRolledBack)) console.log(s.logs.join('\n'));
    expect(err).toBeInstanceOf(RolloutRolledBack);
    expect((err as Error).message).toMatch(/error-rate/);
    const svc = await s.get('service', 'worklog-frontend');
    expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/name': 'worklog', 'app.kubernetes.io/instance': 'worklog', 'app.kubernetes.io/component': 'frontend' });
    expect(image(await s.get('deployment', 'worklog-frontend'))).toBe('registry.example.com/worklog/frontend:2.0.0');
    await s.gone('deployment', 'worklog-frontend-preview');
    expect((await s.history()).map((h) => h.status)).toEqual(['superseded', 'deployed', 'failed']);
  });

  it('rel rollback by hand returns the gateway to its first version', async () => {
    const rb = await s.rollback();
    expect(rb.info.description).toBe('Rollback to 1');
    expect(image(await s.get('deployment', 'worklog-gateway'))).toBe('registry.example.com/worklog/api-gateway:2.0.0');
  });
});
