/**
 * The MPIM instant-messaging platform (plan 001) through the repository's rel.yaml on the sandbox with
 * Prometheus: five services installed to dev, a gateway canary promoted, a gateway canary with 20%
 * errors rolled back automatically, then a rollback by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RolloutRolledBack } from '../../src/rollout/progressive.js';
import { type SystemRun, startSystem } from './support/systems.js';

const image = (d: { spec: { template: { spec: { containers: { image: string }[] } } } }) => d.spec.template.spec.containers[0]!.image;
const HOST = 'im.mpim.dev.example.com';

describe('mpim: gateway canary (rel.yaml, env dev)', () => {
  let s: SystemRun;
  beforeAll(async () => {
    s = await startSystem('mpim');
  }, 90_000);
  afterAll(async () => s?.stop());

  it('installs gateway, user, message, presence and group from one image, each on its own port and Service', async () => {
    const r = await s.deploy([]);
    expect(r.release.version).toBe(1);
    const ports = { gateway: 8001, user: 9001, message: 9002, presence: 9003, group: 9004 };
    for (const [svc, port] of Object.entries(ports)) {
      const dep = await s.get('deployment', `mpim-${svc}`);
      const c = dep.spec.template.spec.containers[0];
      expect(c.image).toBe('registry.example.com/mpim:1.0.0');
      expect(c.ports[0].containerPort).toBe(port);
      expect(c.env.find((e: { name: string }) => e.name === 'SERVICE_TYPE').value).toBe(svc);
      expect(c.livenessProbe.httpGet.path).toBe('/health');
      expect(c.readinessProbe.httpGet.path).toBe('/ready');
      const service = await s.get('service', `mpim-${svc}`);
      expect(service.spec.selector['app.kubernetes.io/component']).toBe(svc);
      expect(service.spec.ports[0].port).toBe(port);
    }
    await expect(s.c.kubectl('get', 'hpa', '-n', 'mpim', '-o', 'name')).resolves.toBe('');
    await s.servedBy(HOST);
  });

  it('a new gateway goes 10 → 30 → 60 % and is promoted', async () => {
    const r = await s.deploy(['services.gateway.image.tag=1.1.0']);
    expect(r.strategy).toBe('canary');
    expect(r.release.info.status).toBe('deployed');
    expect(s.steps()).toEqual(['10', '30', '60']);
    expect(image(await s.get('deployment', 'mpim-gateway'))).toBe('registry.example.com/mpim:1.1.0');
    expect(image(await s.get('deployment', 'mpim-message'))).toBe('registry.example.com/mpim:1.0.0');
    await s.gone('deployment', 'mpim-gateway-canary');
  });

  it('a gateway answering 20% errors is rolled back automatically; the stable gateway never failed', async () => {
    const err = await s.deploy(['services.gateway.image.tag=1.2.0', 'services.gateway.podAnnotations.sandbox\\.rel\\.dev/error-rate=0.2']).catch((e: Error) => e);
    if (!(err instanceof RolloutRolledBack)) console.log(s.logs.join('\n'));
    expect(err).toBeInstanceOf(RolloutRolledBack);
    expect((err as RolloutRolledBack).exitCode).toBe(3);
    expect(image(await s.get('deployment', 'mpim-gateway'))).toBe('registry.example.com/mpim:1.1.0');
    await s.gone('ingress', 'mpim-gateway-canary');
    await new Promise((r) => setTimeout(r, 2000));
    expect(await s.stableErrors(HOST, '60s')).toBe(0);
  });

  it('rel rollback to an explicit revision', async () => {
    const rb = await s.rollback(1);
    expect(rb.info.description).toBe('Rollback to 1');
    expect(image(await s.get('deployment', 'mpim-gateway'))).toBe('registry.example.com/mpim:1.0.0');
    expect((await s.history()).map((h) => h.status)).toEqual(['superseded', 'superseded', 'failed', 'deployed']);
  });
});
