/**
 * The front-end monitoring platform (plan 004) through the repository's rel.yaml on the sandbox with
 * Prometheus: API and dashboard installed to dev, an API canary promoted, a dashboard canary with 40%
 * errors rolled back automatically, then a rollback by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RolloutRolledBack } from '../../src/rollout/progressive.js';
import { type SystemRun, startSystem } from './support/systems.js';

const image = (d: { spec: { template: { spec: { containers: { image: string }[] } } } }) => d.spec.template.spec.containers[0]!.image;
const HOST = 'dev.monitor.example.com';

describe('monitor: canary (rel.yaml, env dev)', () => {
  let s: SystemRun;
  beforeAll(async () => {
    s = await startSystem('monitor');
  }, 90_000);
  afterAll(async () => s?.stop());

  it('installs the API (health /health, ready /ready, dev sizes) and the dashboard on one host', async () => {
    const r = await s.deploy([]);
    expect(r.release.version).toBe(1);
    const api = (await s.get('deployment', 'monitor-api')).spec.template.spec.containers[0];
    expect(api.livenessProbe.httpGet.path).toBe('/health');
    expect(api.readinessProbe.httpGet.path).toBe('/ready');
    expect(api.resources.limits).toEqual({ cpu: '1', memory: '2Gi' });
    expect(api.envFrom[0].configMapRef.name).toBe('monitor');
    expect(api.env.find((e: { name: string }) => e.name === 'MONGODB_URI').valueFrom.secretKeyRef).toEqual({ name: 'monitor-secrets', key: 'mongodb-uri' });
    for (const [name, path] of [['monitor-web-api', '/api'], ['monitor-web-dashboard', '/']]) {
      const ing = await s.get('ingress', name);
      expect(ing.spec.rules[0].host).toBe(HOST);
      expect(ing.spec.rules[0].http.paths.map((p: { path: string }) => p.path)).toEqual([path]);
    }
    expect((await s.get('configmap', 'monitor')).data.LOG_LEVEL).toBe('debug');
    await s.servedBy(HOST);
  });

  it('a new API version goes 25 → 50 % and is promoted', async () => {
    const r = await s.deploy(['services.api.image.tag=1.1.0']);
    expect(r.release.info.status).toBe('deployed');
    expect(s.steps()).toEqual(['25', '50']);
    expect(image(await s.get('deployment', 'monitor-api'))).toBe('registry.example.com/monitor/api:1.1.0');
    await s.gone('deployment', 'monitor-api-canary');
  });

  it('a dashboard answering 40% errors is rolled back automatically (it gets half the requests of its host, a quarter of that at 25%)', async () => {
    const err = await s.deploy(['services.api.image.tag=1.1.0', 'services.dashboard.image.tag=1.1.0', 'services.dashboard.podAnnotations.sandbox\\.rel\\.dev/error-rate=0.4']).catch((e: Error) => e);
    if (!(err instanceof RolloutRolledBack)) console.log(s.logs.join('\n'));
    expect(err).toBeInstanceOf(RolloutRolledBack);
    expect((err as Error).message).toMatch(/error-rate/);
    expect(image(await s.get('deployment', 'monitor-dashboard'))).toBe('registry.example.com/monitor/dashboard:1.0.0');
    await s.gone('deployment', 'monitor-dashboard-canary');
    expect((await s.history()).map((h) => h.status)).toEqual(['superseded', 'deployed', 'failed']);
  });

  it('rel rollback by hand returns the API to its first version', async () => {
    const rb = await s.rollback();
    expect(rb.info.description).toBe('Rollback to 1');
    expect(image(await s.get('deployment', 'monitor-api'))).toBe('registry.example.com/monitor/api:1.0.0');
    expect((await s.history()).at(-1)).toMatchObject({ revision: 4, status: 'deployed' });
  });
});
