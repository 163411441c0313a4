import { describe, expect, it } from 'vitest';
import { Cluster } from '../../../src/sandbox/api.js';

async function cluster() {
  const c = new Cluster();
  await c.create(c.kind('v1', 'Namespace'), undefined, { metadata: { name: 'default' } });
  return c;
}
const deployment = (name = 'web', image = 'nginx:1') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } } },
});

describe('Cluster API semantics', () => {
  it('sets uid, creationTimestamp, generation, defaults and managedFields on create', async () => {
    const c = await cluster();
    const d = await c.create(c.kind('apps/v1', 'Deployment'), 'default', deployment(), { fieldManager: 'me' });
    expect(d.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.metadata.creationTimestamp).toMatch(/Z$/);
    expect(d.metadata.generation).toBe(1);
    expect((d.spec as any).replicas).toBe(1); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect((d.spec as any).strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(d.metadata.managedFields?.[0]?.manager).toBe('me');
  });

  it('rejects duplicates, stale updates, missing namespaces and bad bodies with Kubernetes statuses', async () => {
    const c = await cluster();
    const r = c.kind('apps/v1', 'Deployment');
    const d = await c.create(r, 'default', deployment());
    await expect(c.create(r, 'default', deployment())).rejects.toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'deployments.apps "web" already exists' });
    await expect(c.create(r, 'nowhere', deployment())).rejects.toMatchObject({ code: 404, message: 'namespaces "nowhere" not found' });
    const stale = { ...d, metadata: { ...d.metadata, resourceVersion: '1' } };
    await expect(c.update(r, 'default', 'web', stale)).rejects.toMatchObject({ code: 409, reason: 'Conflict', message: expect.stringContaining('the object has been modified') });
    await expect(c.create(r, 'default', [1, 2])).rejects.toMatchObject({ code: 400 });
    await expect(c.create(r, 'default', { ...deployment(), kind: 'Service' })).rejects.toMatchObject({ code: 400 });
    await expect(c.create(r, 'default', { ...deployment(), apiVersion: 'apps/v1beta1' })).rejects.toMatchObject({ code: 400, message: expect.stringContaining('does not match the expected API version') });
    await expect(c.create(r, 'default', deployment('Bad_Name'))).rejects.toMatchObject({ code: 422, reason: 'Invalid' });
    const cm = c.kind('v1', 'ConfigMap');
    await expect(c.create(cm, 'default', { metadata: { name: 'big' }, data: { x: 'y'.repeat(1_600_000) } })).rejects.toMatchObject({ code: 413 });
    expect(() => c.kind('v1', 'Frobnicator')).toThrow(expect.objectContaining({ code: 404 }));
  });

  it('bumps generation on spec changes only, keeps status out of main updates', async () => {
    const c = await cluster();
    const r = c.kind('apps/v1', 'Deployment');
    const d = await c.create(r, 'default', deployment());
    const labelled = await c.update(r, 'default', 'web', { ...d, metadata: { ...d.metadata, labels: { x: 'y' } }, status: { replicas: 99 } });
    expect(labelled.metadata.generation).toBe(1);
    expect(labelled.status).toBeUndefined();
    const changed = await c.patch(r, 'default', 'web', 'strategic', JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } }));
    expect(changed.metadata.generation).toBe(2);
    const withStatus = await c.update(r, 'default', 'web', { ...changed, status: { replicas: 1 } }, { subresource: 'status' });
    expect(withStatus.status).toEqual({ replicas: 1 });
    expect(withStatus.metadata.generation).toBe(2);
  });

  it('does not store dry runs', async () => {
    const c = await cluster();
    const r = c.kind('v1', 'ConfigMap');
    const o = await c.create(r, 'default', { metadata: { name: 'dry' } }, { dryRun: true });
    expect(o.metadata.name).toBe('dry');
    expect(() => c.get(r, 'default', 'dry')).toThrow(expect.objectContaining({ code: 404 }));
  });

  it('keeps objects with finalizers until they are removed', async () => {
    const c = await cluster();
    const r = c.kind('v1', 'ConfigMap');
    await c.create(r, 'default', { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    const del = await c.delete(r, 'default', 'held');
    expect(del.gone).toBe(false);
    const held = c.get(r, 'default', 'held');
    expect(held.metadata.deletionTimestamp).toBeTruthy();
    await c.update(r, 'default', 'held', { ...held, metadata: { ...held.metadata, finalizers: [] } });
    expect(() => c.get(r, 'default', 'held')).toThrow(expect.objectContaining({ code: 404 }));
  });

  it('registers CRDs as resources and validates custom resources against their schema', async () => {
    const c = await cluster();
    await c.create(c.kind('apiextensions.k8s.io/v1', 'CustomResourceDefinition'), undefined, {
      metadata: { name: 'gadgets.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { kind: 'Gadget', plural: 'gadgets' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { n: { type: 'integer' } } } } } } }] },
    });
    const g = c.kind('example.com/v1', 'Gadget');
    expect(g.plural).toBe('gadgets');
    await expect(c.create(g, 'default', { metadata: { name: 'g' }, spec: { n: 'x' } })).rejects.toMatchObject({ code: 422, message: expect.stringContaining('spec.n') });
    const ok = await c.create(g, 'default', { metadata: { name: 'g' }, spec: { n: 1 } });
    expect(ok.apiVersion).toBe('example.com/v1');
    // undeclared fields: pruned with a warning, or a 400 under Strict
    const warnings: string[] = [];
    const pruned = await c.create(g, 'default', { metadata: { name: 'g2' }, spec: { n: 2, typo: true } }, { warnings });
    expect(pruned.spec).toEqual({ n: 2 });
    expect(warnings).toEqual(['unknown field "spec.typo"']);
    await expect(c.create(g, 'default', { metadata: { name: 'g3' }, spec: { n: 2, typo: true } }, { fieldValidation: 'Strict' })).rejects.toMatchObject({ code: 400, message: expect.stringContaining('strict decoding error: unknown field "spec.typo"') });
  });
});

describe('immutable fields', () => {
  it('rejects selector, Job template and immutable ConfigMap changes; keeps a Service cluster IP', async () => {
    const c = await cluster();
    const r = c.kind('apps/v1', 'Deployment');
    const d = await c.create(r, 'default', deployment());
    const moved = structuredClone(d) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    moved.spec.selector = { matchLabels: { app: 'web', v: '2' } };
    moved.spec.template.metadata.labels = { app: 'web', v: '2' };
    await expect(c.update(r, 'default', 'web', moved)).rejects.toMatchObject({ code: 422, message: expect.stringContaining('spec.selector: Invalid value') });
    const cm = c.kind('v1', 'ConfigMap');
    const frozen = await c.create(cm, 'default', { metadata: { name: 'frozen' }, immutable: true, data: { a: '1' } });
    await expect(c.update(cm, 'default', 'frozen', { ...frozen, data: { a: '2' } })).rejects.toMatchObject({ code: 422, message: expect.stringContaining('field is immutable when `immutable` is set') });
    const svcR = c.kind('v1', 'Service');
    const svc = await c.create(svcR, 'default', { metadata: { name: 's' }, spec: { type: 'NodePort', selector: { a: 'b' }, ports: [{ port: 80 }] } });
    const ip = (svc.spec as { clusterIP: string }).clusterIP;
    const nodePort = (svc.spec as { ports: { nodePort: number }[] }).ports[0]!.nodePort;
    const replaced = await c.update(svcR, 'default', 's', { metadata: { name: 's' }, spec: { type: 'NodePort', selector: { a: 'c' }, ports: [{ port: 80 }] } });
    expect((replaced.spec as { clusterIP: string }).clusterIP).toBe(ip);
    expect((replaced.spec as { ports: { nodePort: number }[] }).ports[0]!.nodePort).toBe(nodePort);
    const nsR = c.kind('v1', 'Namespace');
    await expect(c.delete(nsR, undefined, 'default')).rejects.toMatchObject({ code: 403 });
  });
});
