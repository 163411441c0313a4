import { describe, expect, it } from 'vitest';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from '../../../src/sandbox/patch.js';

const deploy = () => ({
  spec: {
    template: {
      spec: {
        containers: [
          { name: 'web', image: 'nginx:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80 }] },
          { name: 'side', image: 'busybox' },
        ],
        volumes: [{ name: 'data', emptyDir: {} }],
        tolerations: [{ key: 'a' }],
      },
    },
  },
  metadata: { finalizers: ['x'], labels: { a: '1', b: '2' } },
});

describe('JSON merge patch (RFC 7386)', () => {
  it('merges maps, deletes on null, replaces lists', () => {
    const out = applyMergePatch(deploy(), { metadata: { labels: { a: null, c: '3' } }, spec: { template: { spec: { containers: [{ name: 'only' }] } } } }) as ReturnType<typeof deploy>;
    expect(out.metadata.labels).toEqual({ b: '2', c: '3' });
    expect(out.spec.template.spec.containers).toEqual([{ name: 'only' }]);
    expect(out.spec.template.spec.volumes).toHaveLength(1);
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('applies operations and reports failed tests as 422', () => {
    const out = applyJsonPatch(deploy(), [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:2' }]) as ReturnType<typeof deploy>;
    expect(out.spec.template.spec.containers[0]!.image).toBe('nginx:2');
    expect(() => applyJsonPatch(deploy(), [{ op: 'test', path: '/metadata/labels/a', value: 'nope' }])).toThrow(expect.objectContaining({ code: 422 }));
    expect(() => applyJsonPatch(deploy(), { op: 'add' })).toThrow(expect.objectContaining({ code: 400 }));
  });
});

describe('strategic merge patch', () => {
  it('merges containers by name, env by name, ports by containerPort', () => {
    const out = applyStrategicMergePatch(deploy(), {
      spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:2', env: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }], ports: [{ containerPort: 80, name: 'http' }] }] } } },
    }) as ReturnType<typeof deploy>;
    const c = out.spec.template.spec.containers;
    expect(c.map((x) => x.name)).toEqual(['web', 'side']);
    expect(c[0]!.image).toBe('nginx:2');
    expect(c[0]!.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: 'two' }, { name: 'C', value: '3' }]);
    expect(c[0]!.ports).toEqual([{ containerPort: 80, name: 'http' }]);
  });
  it('honours $patch: delete / replace, $setElementOrder, $deleteFromPrimitiveList, atomic lists', () => {
    const out = applyStrategicMergePatch(deploy(), {
      metadata: { $deleteFromPrimitiveList_unused: null, '$deleteFromPrimitiveList/finalizers': ['x'] },
      spec: {
        template: {
          spec: {
            containers: [{ name: 'side', $patch: 'delete' }],
            volumes: [{ name: 'cache', emptyDir: {} }],
            '$setElementOrder/volumes': [{ name: 'cache' }, { name: 'data' }],
            tolerations: [{ key: 'b' }],
          },
        },
      },
    }) as ReturnType<typeof deploy>;
    expect(out.spec.template.spec.containers.map((x) => x.name)).toEqual(['web']);
    expect(out.spec.template.spec.volumes.map((x) => x.name)).toEqual(['cache', 'data']);
    expect(out.spec.template.spec.tolerations).toEqual([{ key: 'b' }]);
    expect(out.metadata.finalizers).toEqual([]);
    const rep = applyStrategicMergePatch(deploy(), { metadata: { labels: { $patch: 'replace', z: '9' } } }) as ReturnType<typeof deploy>;
    expect(rep.metadata.labels).toEqual({ z: '9' });
  });
});
