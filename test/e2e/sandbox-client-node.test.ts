// @kubernetes/client-node against the sandbox: list, watch, create, patch (merge, JSON, SSA), errors.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './fixtures/sandbox-harness.js';

let h: Harness;
let kc: k8s.KubeConfig;
beforeAll(async () => {
  h = await startHarness();
  kc = new k8s.KubeConfig();
  kc.loadFromFile(h.kubeconfig);
});
afterAll(async () => {
  await h?.stop();
});

describe('@kubernetes/client-node against rel sandbox', () => {
  it('creates, lists, patches and watches', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const events: string[] = [];
    const watch = new k8s.Watch(kc);
    const ctl = await watch.watch('/api/v1/namespaces/default/configmaps', { labelSelector: 'suite=client-node' }, (phase, obj) => events.push(`${phase} ${obj.metadata.name}`), () => undefined);
    for (const n of ['one', 'two']) {
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: n, labels: { suite: 'client-node' } }, data: { n } } });
    }
    const list = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'suite=client-node' });
    expect(list.items.map((c) => c.metadata?.name)).toEqual(['one', 'two']);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThan(0);

    await core.patchNamespacedConfigMap({ namespace: 'default', name: 'one', body: { data: { extra: 'yes' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    await core.patchNamespacedConfigMap({ namespace: 'default', name: 'two', body: [{ op: 'replace', path: '/data/n', value: 'deux' }] }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch));
    expect((await core.readNamespacedConfigMap({ namespace: 'default', name: 'one' })).data).toEqual({ n: 'one', extra: 'yes' });
    expect((await core.readNamespacedConfigMap({ namespace: 'default', name: 'two' })).data).toEqual({ n: 'deux' });
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'two' });

    const dep = await apps.createNamespacedDeployment({
      namespace: 'default',
      body: { metadata: { name: 'api' }, spec: { replicas: 1, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'ghcr.io/example/api:1.0' }] } } } },
    });
    expect(dep.metadata?.generation).toBe(1);
    await apps.patchNamespacedDeployment({ namespace: 'default', name: 'api', body: { spec: { template: { spec: { containers: [{ name: 'api', image: 'ghcr.io/example/api:1.1' }] } } } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch));
    const got = await apps.readNamespacedDeployment({ namespace: 'default', name: 'api' });
    expect(got.spec?.template.spec?.containers).toHaveLength(1);
    expect(got.spec?.template.spec?.containers[0]?.image).toBe('ghcr.io/example/api:1.1');
    expect(got.metadata?.generation).toBe(2);

    await new Promise((r) => setTimeout(r, 300));
    ctl.abort();
    expect(events).toEqual(['ADDED one', 'ADDED two', 'MODIFIED one', 'MODIFIED two', 'DELETED two']);
  });

  it('applies server-side through the generic object API', async () => {
    const client = k8s.KubernetesObjectApi.makeApiClient(kc);
    const spec = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: 'default' }, data: { a: '1' } };
    const res = await client.patch(spec, undefined, undefined, 'rel-test', true, k8s.PatchStrategy.ServerSideApply);
    expect(res.metadata?.managedFields?.[0]?.manager).toBe('rel-test');
    const read = await client.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: 'default' } });
    expect((read as { data?: Record<string, string> }).data).toEqual({ a: '1' });
  });

  it('answers errors as Status objects with Kubernetes codes', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await expect(core.readNamespacedSecret({ namespace: 'default', name: 'missing' })).rejects.toMatchObject({ code: 404 });
    await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'dup' }, stringData: { k: 'v' } } });
    await expect(core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'dup' } } })).rejects.toMatchObject({ code: 409 });
    const s = await core.readNamespacedSecret({ namespace: 'default', name: 'dup' });
    expect(s.data).toEqual({ k: Buffer.from('v').toString('base64') });
    // stale resourceVersion → 409 Conflict
    const stale = { ...s, metadata: { ...s.metadata, resourceVersion: '1' } };
    await expect(core.replaceNamespacedSecret({ namespace: 'default', name: 'dup', body: stale })).rejects.toMatchObject({ code: 409 });
    // the fault switch answers a share of requests with 500/429
    const res = await fetch(`${h.sb.url}/sandbox/faults`, { method: 'POST', body: JSON.stringify({ errorRate: 1, status: 429 }) });
    expect(res.status).toBe(200);
    await expect(core.listNamespacedPod({ namespace: 'default' })).rejects.toMatchObject({ code: 429 });
    await fetch(`${h.sb.url}/sandbox/faults`, { method: 'POST', body: JSON.stringify({ errorRate: 0 }) });
    await expect(core.listNamespacedPod({ namespace: 'default' })).resolves.toBeTruthy();
  });
});
