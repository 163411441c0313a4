// The rollout state ConfigMap on the sandbox: a control request (rel promote / rel abort) lives in its own key and
// survives the driver's saves, however they interleave; once handled it is no longer pending.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kube } from '../../../src/kube/client.js';
import { type RolloutState, RolloutStateStore, stateName } from '../../../src/rollout/state.js';
import { type Sandbox, startSandbox, writeKubeconfig } from '../../../src/sandbox/index.js';

describe('RolloutStateStore', () => {
  let sb: Sandbox;
  let kube: Kube;
  beforeAll(async () => {
    sb = await startSandbox({ port: 0 });
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'rel-state-')), 'kubeconfig');
    writeKubeconfig(kubeconfig, sb.url);
    kube = Kube.load({ kubeconfig });
  });
  afterAll(async () => sb?.stop());

  const state = (release: string): RolloutState => {
    const now = new Date().toISOString();
    return { release, namespace: 'default', revision: 2, strategy: 'canary', phase: 'progressing', steps: [10, 50, 100], stepIndex: 0, weight: 10, targets: [], startedAt: now, updatedAt: now, heartbeat: now, settings: {} };
  };

  it('a request written between the driver’s load and save is not lost', async () => {
    const store = new RolloutStateStore(kube, 'default');
    const driver = state('race');
    await store.save(driver);
    const seen = await store.load('race'); // the driver looks: nothing pending
    expect(seen?.request).toBeUndefined();
    const other = new RolloutStateStore(kube, 'default');
    await other.request('race', 'promote', 'looks good'); // rel promote, from another process
    driver.heartbeat = new Date().toISOString();
    driver.weight = 50;
    await store.save(driver); // the driver saves its in-memory state (which has no request)
    const after = await store.load('race');
    expect(after).toMatchObject({ weight: 50, request: 'promote', requestReason: 'looks good' });
    expect(after?.requestId).toMatch(/\S/);
    // the driver acts on it: recorded as handled, no longer pending, even though the request key stays
    driver.handledRequest = after!.requestId;
    await store.save(driver);
    expect((await store.load('race'))?.request).toBeUndefined();
    const cm = await kube.get('v1', 'ConfigMap', stateName('race'), 'default');
    expect(Object.keys(cm!.data as object).sort()).toEqual(['request', 'state']);
    expect(JSON.parse((cm!.data as Record<string, string>).state)).not.toHaveProperty('request');
    // a second request has a new id: pending again
    await other.request('race', 'abort');
    expect((await store.load('race'))?.request).toBe('abort');
  });

  it('refuses a request when no rollout is in progress', async () => {
    await expect(new RolloutStateStore(kube, 'default').request('none', 'abort')).rejects.toThrow(/no rollout in progress/);
  });
});
