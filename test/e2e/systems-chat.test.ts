/**
 * The enterprise chat app (plan 000) through the repository's rel.yaml on the sandbox with Prometheus:
 * install to dev, a canary of the chat service promoted through the api Ingress, a WebSocket-service
 * canary with 20% errors rolled back automatically through the ws Ingress, then a rollback by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RolloutRolledBack } from '../../src/rollout/progressive.js';
import { type SystemRun, startSystem } from './support/systems.js';

const image = (d: { spec: { template: { spec: { containers: { image: string }[] } } } }) => d.spec.template.spec.containers[0]!.image;

describe('chat: canary per service (rel.yaml, env dev)', () => {
  let s: SystemRun;
  beforeAll(async () => {
    s = await startSystem('chat');
  }, 90_000);
  afterAll(async () => s?.stop());

  it('installs chat, user and websocket services; the ws Ingress keeps WebSocket connections open an hour', async () => {
    const r = await s.deploy([]);
    expect(r.release.version).toBe(1);
    for (const svc of ['chat', 'user', 'websocket']) {
      const dep = await s.get('deployment', `chat-${svc}`);
      expect(dep.spec.replicas).toBe(1);
      expect(image(dep)).toBe(`registry.example.com/chat-app/${svc}-service:1.0.0`);
      expect(dep.spec.template.spec.containers[0].readinessProbe.httpGet.path).toBe('/actuator/health');
      expect((await s.get('pvc', `chat-${svc}-logs`)).spec.resources.requests.storage).toBe('5Gi');
    }
    const ws = await s.get('ingress', 'chat-ws');
    expect(ws.spec.rules[0].host).toBe('ws.chat.dev.example.com');
    expect(ws.metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('3600');
    expect((await s.get('ingress', 'chat-api-chat')).metadata.annotations?.['cert-manager.io/cluster-issuer']).toBeUndefined();
    await s.servedBy('api.chat.dev.example.com');
    await s.servedBy('ws.chat.dev.example.com');
  });

  it('a new chat-service version goes 20 → 50 % on the api Ingress and is promoted; the other services are untouched', async () => {
    const r = await s.deploy(['services.chat.image.tag=1.1.0']);
    expect(r.strategy).toBe('canary');
    expect(r.release.info.status).toBe('deployed');
    expect(s.steps()).toEqual(['20', '50']);
    expect(image(await s.get('deployment', 'chat-chat'))).toBe('registry.example.com/chat-app/chat-service:1.1.0');
    expect(image(await s.get('deployment', 'chat-user'))).toBe('registry.example.com/chat-app/user-service:1.0.0');
    await s.gone('deployment', 'chat-chat-canary');
    await s.gone('ingress', 'chat-api-chat-canary');
  });

  it('a configuration change (log level) canaries the three services at once, each through its own Ingress', async () => {
    const r = await s.deploy(['services.chat.image.tag=1.1.0', 'logLevel=info']);
    expect(r.release.info.status).toBe('deployed');
    expect(r.release.version).toBe(3);
    expect(s.steps()).toEqual(['20', '50']);
    expect((await s.get('configmap', 'chat')).data.LOG_LEVEL).toBe('info');
    for (const svc of ['chat', 'user', 'websocket']) await s.gone('deployment', `chat-${svc}-canary`);
  });

  it('a websocket-service version answering 20% errors is rolled back automatically', async () => {
    const err = await s.deploy(['services.chat.image.tag=1.1.0', 'logLevel=info', 'services.websocket.image.tag=1.1.0', 'services.websocket.podAnnotations.sandbox\\.rel\\.dev/error-rate=0.2']).catch((e: Error) => e);
    if (!(err instanceof RolloutRolledBack)) console.log(s.logs.join('\n'));
    expect(err).toBeInstanceOf(RolloutRolledBack);
    expect((err as Error).message).toMatch(/error-rate/);
    expect(image(await s.get('deployment', 'chat-websocket'))).toBe('registry.example.com/chat-app/websocket-service:1.0.0');
    await s.gone('deployment', 'chat-websocket-canary');
    await s.gone('ingress', 'chat-ws-canary');
    await new Promise((r) => setTimeout(r, 2000));
    expect(await s.stableErrors('ws.chat.dev.example.com', '60s')).toBe(0);
    expect((await s.history()).map((h) => h.status)).toEqual(['superseded', 'superseded', 'deployed', 'failed']);
  });

  it('rel rollback by hand puts the first chat-service version back', async () => {
    const rb = await s.rollback(1);
    expect(rb.info.description).toBe('Rollback to 1');
    expect(image(await s.get('deployment', 'chat-chat'))).toBe('registry.example.com/chat-app/chat-service:1.0.0');
    expect((await s.history()).at(-1)).toMatchObject({ revision: 5, status: 'deployed' });
  });
});
