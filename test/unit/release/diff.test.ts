import { describe, expect, it } from 'vitest';
import { diffManifests } from '../../../src/actions/diff.js';

const doc = (src: string, body: string) => `---\n# Source: c/templates/${src}\n${body}\n`;
const cm = (msg: string) => doc('cm.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  message: ${msg}`);
const secret = (pw: string) => doc('secret.yaml', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ndata:\n  password: ${pw}\n  user: YWRtaW4=`);
const svc = doc('svc.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: app\nspec:\n  ports:\n    - port: 80');

describe('diffManifests', () => {
  it('reports changed, added and removed objects with unified hunks', () => {
    const r = diffManifests(cm('old') + svc, cm('new') + secret('cGFzcw=='), { namespace: 'prod' });
    expect(r.counts).toEqual({ added: 1, removed: 1, changed: 1 });
    expect(r.text).toContain('prod, app, ConfigMap has changed:');
    expect(r.text).toMatch(/-  message: old\n\+  message: new/);
    expect(r.text).toContain('prod, app, Service has been removed:');
    expect(r.text).toContain('prod, creds, Secret has been added:');
  });

  it('masks Secret data but says which keys changed; --show-secrets prints them', () => {
    const masked = diffManifests(secret('b2xk'), secret('bmV3'), { namespace: 'prod' });
    expect(masked.text).not.toContain('bmV3');
    expect(masked.text).not.toContain('b2xk');
    expect(masked.text).toMatch(/password: "?\*\*\* \(masked; --show-secrets to print\) \(changed\)/);
    expect(masked.text).not.toMatch(/user: .*\(changed\)/);
    const shown = diffManifests(secret('b2xk'), secret('bmV3'), { namespace: 'prod', showSecrets: true });
    expect(shown.text).toMatch(/-  password: b2xk\n\+  password: bmV3/);
  });

  it('no changes, and colour only when asked', () => {
    expect(diffManifests(cm('x'), cm('x'), { namespace: 'p' })).toMatchObject({ changed: false, text: '' });
    expect(diffManifests(cm('x'), cm('z'), { namespace: 'p', color: true }).text).toContain('\x1b[32m+  message: z\x1b[0m');
  });
});
