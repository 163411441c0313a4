/**
 * The team-registration system (plan 003) through the repository's rel.yaml on the sandbox with Prometheus:
 * install to dev, a healthy canary promoted, a canary with 20% errors rolled back automatically
 * (maxErrorRate 0.05), then a rollback by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RolloutRolledBack } from '../../src/rollout/progressive.js';
import { type SystemRun, startSystem } from './support/systems.js';

describe('registration: canary with error-rate and latency checks (rel.yaml, env dev)', () => {
  let s: SystemRun;
  beforeAll(async () => {
    s = await startSystem('registration');
  }, 90_000);
  afterAll(async () => s?.stop());

  it('installs to dev: one replica, the dev host without TLS, the migration hook ran', async () => {
    const r = await s.deploy([]);
    expect(r.release.version).toBe(1);
    expect(r.release.info.status).toBe('deployed');
    const dep = await s.get('deployment', 'registration-app');
    expect(dep.spec.replicas).toBe(1);
    expect(dep.spec.template.spec.containers[0].image).toBe('ghcr.io/example/team-registration-app:1.0.0');
    const ing = await s.get('ingress', 'registration-api');
    expect(ing.spec.rules[0].host).toBe('registration.dev.example.com');
    expect(ing.spec.tls).toBeUndefined();
    expect(r.release.hooks?.map((h) => h.name)).toContain('registration-migrate');
    await s.servedBy('registration.dev.example.com');
  });

  it('a healthy version goes 10 → 25 → 50 % and is promoted', async () => {
    const r = await s.deploy(['services.app.image.tag=1.1.0']);
    expect(r.strategy).toBe('canary');
    expect(r.release.version).toBe(2);
    expect(r.release.info.status).toBe('deployed');
    expect(s.steps()).toEqual(['10', '25', '50']);
    expect((await s.get('deployment', 'registration-app')).spec.template.spec.containers[0].image).toBe('ghcr.io/example/team-registration-app:1.1.0');
    await s.gone('deployment', 'registration-app-canary');
  });

  it('a version answering 20% errors is rolled back automatically; the stable version keeps serving', async () => {
    // rel.yaml asks for 5 failed checks a minute apart ("above 5% for 5 minutes"); at 3-second checks, 2 in a row.
    const err = await s.deploy(['services.app.image.tag=1.2.0', 'services.app.podAnnotations.sandbox\\.rel\\.dev/error-rate=0.2'], { 'failure-limit': 2 }).catch((e: Error) => e);
    if (!(err instanceof RolloutRolledBack)) console.log(s.logs.join('\n'));
    expect(err).toBeInstanceOf(RolloutRolledBack);
    expect((err as RolloutRolledBack).exitCode).toBe(3);
    expect((err as Error).message).toMatch(/error-rate/);
    expect((await s.get('deployment', 'registration-app')).spec.template.spec.containers[0].image).toBe('ghcr.io/example/team-registration-app:1.1.0');
    await s.gone('deployment', 'registration-app-canary');
    await s.gone('ingress', 'registration-api-canary');
    await new Promise((r) => setTimeout(r, 2000)); // the last scrape
    expect(await s.stableErrors('registration.dev.example.com', '60s')).toBe(0);
    expect((await s.history()).map((h) => [h.revision, h.status])).toEqual([
      [1, 'superseded'],
      [2, 'deployed'],
      [3, 'failed'],
    ]);
  });

  it('rel rollback by hand returns to the first version', async () => {
    const rb = await s.rollback();
    expect(rb.version).toBe(4);
    expect(rb.info.description).toBe('Rollback to 1');
    expect((await s.get('deployment', 'registration-app')).spec.template.spec.containers[0].image).toBe('ghcr.io/example/team-registration-app:1.0.0');
    expect((await s.history()).at(-1)).toMatchObject({ revision: 4, status: 'deployed' });
  });
});
