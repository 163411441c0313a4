// The real helm (v4) against the sandbox: install --wait, upgrade (with a pre-upgrade hook Job),
// list, history, rollback, a failing upgrade, uninstall — with a realistic chart.
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './fixtures/sandbox-harness.js';

const CHART = path.join(import.meta.dirname, 'fixtures/sandbox-chart');
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe('helm against rel sandbox', () => {
  it('installs with --wait and lists the release', async () => {
    const r = await h.helm(['install', 'demo', CHART, '--wait', '--timeout', '60s', '--create-namespace', '-n', 'shop']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('STATUS: deployed');
    const list = JSON.parse((await h.helm(['list', '-n', 'shop', '-o', 'json'])).stdout);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ name: 'demo', namespace: 'shop', revision: '1', status: 'deployed', chart: 'sandbox-app-0.1.0' });
    const d = JSON.parse((await h.kubectl(['-n', 'shop', 'get', 'deployment', 'demo-sandbox-app', '-o', 'json'])).stdout);
    expect(d.status.readyReplicas).toBe(2);
    const kinds = (await h.kubectl(['-n', 'shop', 'get', 'cm,secret,sa,svc,ing,hpa,pdb,role,rolebinding', '-l', 'app.kubernetes.io/instance=demo', '-o', 'name'])).stdout;
    for (const k of ['configmap/demo-sandbox-app', 'secret/demo-sandbox-app', 'service/demo-sandbox-app', 'ingress.networking.k8s.io/demo-sandbox-app', 'horizontalpodautoscaler.autoscaling/demo-sandbox-app', 'poddisruptionbudget.policy/demo-sandbox-app']) {
      expect(kinds).toContain(k);
    }
    // helm's release record is a Secret in the release namespace
    expect((await h.kubectl(['-n', 'shop', 'get', 'secret', 'sh.helm.release.v1.demo.v1', '-o', 'name'])).code).toBe(0);
  });

  it('upgrades (running the pre-upgrade hook), keeps history and rolls back', async () => {
    const up = await h.helm(['upgrade', 'demo', CHART, '-n', 'shop', '--wait', '--timeout', '60s', '--set', 'image.tag=1.28', '--set', 'replicaCount=3']);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('REVISION: 2');
    const img = await h.kubectl(['-n', 'shop', 'get', 'deployment', 'demo-sandbox-app', '-o', 'jsonpath={.spec.template.spec.containers[0].image} {.status.readyReplicas}']);
    expect(img.stdout).toBe('nginx:1.28 3');
    const hist = JSON.parse((await h.helm(['history', 'demo', '-n', 'shop', '-o', 'json'])).stdout);
    expect(hist.map((x: { revision: number; status: string }) => [x.revision, x.status])).toEqual([
      [1, 'superseded'],
      [2, 'deployed'],
    ]);
    const rb = await h.helm(['rollback', 'demo', '1', '-n', 'shop', '--wait', '--timeout', '60s']);
    expect(rb.code).toBe(0);
    const img2 = await h.kubectl(['-n', 'shop', 'get', 'deployment', 'demo-sandbox-app', '-o', 'jsonpath={.spec.template.spec.containers[0].image} {.spec.replicas}']);
    expect(img2.stdout).toBe('nginx:1.27 2');
    const hist2 = JSON.parse((await h.helm(['history', 'demo', '-n', 'shop', '-o', 'json'])).stdout);
    expect(hist2.at(-1)).toMatchObject({ revision: 3, status: 'deployed', description: 'Rollback to 1' });
  });

  it('fails an upgrade whose pods cannot become ready', async () => {
    const up = await h.helm(['upgrade', 'demo', CHART, '-n', 'shop', '--wait', '--timeout', '5s', '--set', 'failMode=image-pull', '--set', 'migrations.enabled=false']);
    expect(up.code).not.toBe(0);
    expect(up.stderr).toMatch(/UPGRADE FAILED/);
    const pods = (await h.kubectl(['-n', 'shop', 'get', 'pods'])).stdout;
    expect(pods).toContain('ImagePullBackOff');
    const list = JSON.parse((await h.helm(['list', '-n', 'shop', '-o', 'json'])).stdout);
    expect(list[0].status).toBe('failed');
  });

  it('uninstalls and removes everything the release owned', async () => {
    const un = await h.helm(['uninstall', 'demo', '-n', 'shop', '--wait']);
    expect(un.code).toBe(0);
    expect(JSON.parse((await h.helm(['list', '-n', 'shop', '-o', 'json'])).stdout)).toEqual([]);
    let left = '';
    for (let i = 0; i < 20; i++) {
      left = (await h.kubectl(['-n', 'shop', 'get', 'deploy,rs,pods,svc,secret', '-o', 'name'])).stdout.trim();
      if (!left) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(left).toBe('');
  });
});
