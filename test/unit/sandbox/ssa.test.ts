import { describe, expect, it } from 'vitest';
import { fieldsOf, fromFieldsV1, serverSideApply, toFieldsV1, trackUpdate } from '../../../src/sandbox/ssa.js';
import type { KubeObject } from '../../../src/sandbox/store.js';

const opts = (manager: string, force = false) => ({ manager, force, apiVersion: 'apps/v1', builtin: true, now: '2026-01-01T00:00:00Z' });
const dep = (image: string, replicas?: number, extraEnv = false): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    ...(replicas === undefined ? {} : { replicas }),
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 80 }], ...(extraEnv ? { env: [{ name: 'X', value: '1' }] } : {}) }] } },
  },
});

describe('field sets', () => {
  it('round-trips FieldsV1 with keyed list items (ports keyed with the default protocol)', () => {
    const set = fieldsOf(dep('nginx', 2) as never, true);
    const f = toFieldsV1(set) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const c = f['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"web"}'];
    expect(c['.']).toEqual({});
    expect(c['f:image']).toEqual({});
    expect(c['f:ports']['k:{"containerPort":80,"protocol":"TCP"}']['f:containerPort']).toEqual({});
    expect(f['f:metadata']['f:labels']['f:app']).toEqual({});
    expect(f['f:metadata']['f:name']).toBeUndefined();
    expect(fromFieldsV1(f)).toEqual(set);
  });
});

describe('server-side apply', () => {
  it('creates with an Apply entry for the manager', () => {
    const o = serverSideApply(undefined, dep('nginx:1', 2), opts('alice'));
    expect(o.metadata.managedFields).toHaveLength(1);
    expect(o.metadata.managedFields![0]).toMatchObject({ manager: 'alice', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' });
  });

  it('reports conflicts with the API server wording, and force takes ownership', () => {
    const live = serverSideApply(undefined, dep('nginx:1', 2), opts('alice'));
    expect(() => serverSideApply(live, dep('nginx:2', 2), opts('bob'))).toThrow('Apply failed with 1 conflict: conflict with "alice" using apps/v1: .spec.template.spec.containers[name="web"].image');
    try {
      serverSideApply(live, dep('nginx:2', 5), opts('bob'));
    } catch (e) {
      expect((e as Error).message).toContain('Apply failed with 2 conflicts: conflicts with "alice" using apps/v1:\n- .spec.replicas\n- .spec.template');
      expect((e as { code: number }).code).toBe(409);
    }
    const forced = serverSideApply(live, dep('nginx:2', 2), opts('bob', true));
    expect((forced.spec as any).template.spec.containers[0].image).toBe('nginx:2'); // eslint-disable-line @typescript-eslint/no-explicit-any
    const alice = forced.metadata.managedFields!.find((m) => m.manager === 'alice')!;
    expect(JSON.stringify(alice.fieldsV1)).not.toContain('f:image');
  });

  it('co-owns equal values and removes fields a manager stops applying', () => {
    let live = serverSideApply(undefined, dep('nginx:1', 2, true), opts('alice'));
    live = serverSideApply(live, dep('nginx:1', 2), opts('bob')); // same values: no conflict
    expect(live.metadata.managedFields!.map((m) => m.manager)).toEqual(['alice', 'bob']);
    // alice drops env (only she owned it): it goes; she drops replicas (bob co-owns it): it stays
    live = serverSideApply(live, dep('nginx:1'), opts('alice'));
    const spec = live.spec as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(spec.template.spec.containers[0].env).toBeUndefined();
    expect(spec.replicas).toBe(2);
  });

  it('an Update by another manager takes the fields it changed', () => {
    const live = serverSideApply(undefined, dep('nginx:1', 2), opts('alice'));
    const next = structuredClone(live);
    (next.spec as any).replicas = 4; // eslint-disable-line @typescript-eslint/no-explicit-any
    trackUpdate(live, next, 'kubectl-scale', 'apps/v1', true, '2026-01-01T00:00:01Z');
    const scale = next.metadata.managedFields!.find((m) => m.manager === 'kubectl-scale')!;
    expect(scale.operation).toBe('Update');
    expect(scale.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(() => serverSideApply(next, dep('nginx:1', 2), opts('alice'))).toThrow('conflict with "kubectl-scale" using apps/v1 at 2026-01-01T00:00:01Z: .spec.replicas');
  });
});
