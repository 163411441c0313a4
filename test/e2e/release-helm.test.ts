import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeploy } from '../../src/actions/deploy.js';
import { kubeOptions, releaseContext } from '../../src/actions/context.js';
import { history, listReleases, status } from '../../src/actions/inspect.js';
import { rollback, uninstall } from '../../src/release/operations.js';
import { type TestCluster, root, testCluster } from './support/env.js';

const chart = join(root, 'test/e2e/fixtures/web');
const quiet = () => {};

describe('releases interoperate with the real helm', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await testCluster();
  });
  afterAll(async () => c?.stop());

  const flags = (ns: string) => ({ kubeconfig: c.kubeconfig, namespace: ns });

  it('rel installs; helm sees revision 1 deployed with the same manifest', async () => {
    const r = await runDeploy({ release: 'shop', chart }, { ...flags('apps'), wait: true, 'create-namespace': true, timeout: '60s' }, quiet);
    expect(r.release.version).toBe(1);
    expect(r.release.info.status).toBe('deployed');
    const list = JSON.parse(await c.helm('list', '-n', 'apps', '-o', 'json')) as { name: string; revision: string; status: string; chart: string }[];
    expect(list).toMatchObject([{ name: 'shop', revision: '1', status: 'deployed', chart: 'web-1.0.0' }]);
    const manifest = await c.helm('get', 'manifest', 'shop', '-n', 'apps');
    expect(manifest).toContain('# Source: web/templates/deployment.yaml');
    expect(manifest.trim()).toBe(r.release.manifest!.trim());
    const dep = JSON.parse(await c.kubectl('get', 'deployment', 'shop-web', '-n', 'apps', '-o', 'json'));
    expect(dep.status.readyReplicas).toBe(2);
    expect(dep.metadata.annotations['meta.helm.sh/release-name']).toBe('shop');
  });

  it('helm upgrades; rel shows 2 revisions and rolls back to 1; helm history shows "Rollback to 1"', async () => {
    await c.helm('upgrade', 'shop', chart, '-n', 'apps', '--set', 'message=from-helm', '--wait', '--timeout', '60s');
    const ctx = releaseContext(kubeOptions(flags('apps')), quiet);
    const h = await history(ctx, 'shop');
    expect(h.map((x) => [x.revision, x.status])).toEqual([
      [1, 'superseded'],
      [2, 'deployed'],
    ]);
    const cm = JSON.parse(await c.kubectl('get', 'configmap', 'shop-web', '-n', 'apps', '-o', 'json'));
    expect(cm.data.message).toBe('from-helm');
    await rollback(ctx, { name: 'shop', revision: 1, wait: true, timeoutMs: 60_000 });
    const hh = JSON.parse(await c.helm('history', 'shop', '-n', 'apps', '-o', 'json')) as { revision: number; status: string; description: string }[];
    expect(hh.map((x) => [x.revision, x.status, x.description])).toEqual([
      [1, 'superseded', 'Install complete'],
      [2, 'superseded', 'Upgrade complete'],
      [3, 'deployed', 'Rollback to 1'],
    ]);
    const cm2 = JSON.parse(await c.kubectl('get', 'configmap', 'shop-web', '-n', 'apps', '-o', 'json'));
    expect(cm2.data.message).toBe('hello');
  });

  it('helm installs; rel upgrades, lists, reports status and uninstalls', async () => {
    await c.helm('install', 'blog', chart, '-n', 'blog', '--create-namespace', '--set', 'ingress.host=blog.example.test', '--wait', '--timeout', '60s');
    const r = await runDeploy({ release: 'blog', chart }, { ...flags('blog'), set: ['ingress.host=blog.example.test', 'image.tag=2.0'], wait: true, timeout: '60s' }, quiet);
    expect(r.release.version).toBe(2);
    const hh = JSON.parse(await c.helm('history', 'blog', '-n', 'blog', '-o', 'json')) as { revision: number; status: string }[];
    expect(hh.map((x) => x.status)).toEqual(['superseded', 'deployed']);
    const all = await listReleases(releaseContext(kubeOptions(flags('blog')), quiet, true), {});
    expect(all.map((x) => `${x.namespace}/${x.name}@${x.revision}`).sort()).toEqual(['apps/shop@3', 'blog/blog@2']);
    const st = await status(releaseContext(kubeOptions(flags('blog')), quiet), 'blog');
    expect(st.resources.find((x) => x.kind === 'Deployment')).toMatchObject({ state: 'ready' });
    await uninstall(releaseContext(kubeOptions(flags('blog')), quiet), { name: 'blog' });
    expect(await c.helm('list', '-n', 'blog', '-q')).toBe('');
    await expect(c.kubectl('get', 'deployment', 'blog-web', '-n', 'blog')).rejects.toThrow(/NotFound|not found/);
  });
});
