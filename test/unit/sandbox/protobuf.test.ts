// Protobuf request bodies as kubectl 1.33 sends them (captured from `kubectl create …`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeProtobuf } from '../../../src/sandbox/protobuf.js';

const fx = (n: string) => readFileSync(join(import.meta.dirname, 'fixtures', n));

describe('protobuf decoding', () => {
  it('decodes `kubectl create deployment dx --image=IMGX --replicas=7 --port=81`', () => {
    expect(decodeProtobuf(fx('kubectl-create-deployment.pb'))).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'dx', labels: { app: 'dx' } },
      spec: {
        replicas: 7,
        selector: { matchLabels: { app: 'dx' } },
        template: { metadata: { labels: { app: 'dx' } }, spec: { containers: [{ name: 'IMGX', image: 'IMGX', ports: [{ containerPort: 81 }], resources: {} }] } },
        strategy: {},
      },
    });
  });
  it('decodes an Ingress (inlined rule value) and a Role (empty core API group kept)', () => {
    const ing = decodeProtobuf(fx('kubectl-create-ingress.pb')) as { spec: unknown };
    expect(ing.spec).toEqual({ rules: [{ host: 'h.example', http: { paths: [{ path: '/p', pathType: 'Exact', backend: { service: { name: 'svc', port: { number: 80 } } } }] } }] });
    const role = decodeProtobuf(fx('kubectl-create-role.pb')) as { rules: unknown };
    expect(role.rules).toEqual([{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: ['pn'] }]);
  });
  it('refuses kinds it has no field map for, and garbage', () => {
    const unknown = Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x0c, 0x0a, 0x02]), Buffer.from('v1'), Buffer.from([0x12, 0x06]), Buffer.from('Widget')]);
    expect(() => decodeProtobuf(unknown)).toThrow(expect.objectContaining({ code: 415 }));
    expect(() => decodeProtobuf(Buffer.from('{"json":true}'))).toThrow(expect.objectContaining({ code: 400 }));
  });
});
