import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../helpers/cli.js';
import { runDeploy } from '../../src/actions/deploy.js';
import { kubeOptions, releaseContext } from '../../src/actions/context.js';
import { type TestCluster, root, testCluster } from './support/env.js';

const lookupChart = join(root, 'test/e2e/fixtures/lookup');
const web = join(root, 'test/e2e/fixtures/web');

describe('release features through the CLI', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await testCluster();
    const { kube } = releaseContext(kubeOptions({ kubeconfig: c.kubeconfig, namespace: 'feat' }), () => {});
    await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'feat' } });
    await kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'feat' }, data: { color: 'blue' } });
  });
  afterAll(async () => c?.stop());
  const commands = {
    'diff/index': () => import('../../src/commands/diff/index.js'),
    'diff/revision': () => import('../../src/commands/diff/revision.js'),
    'diff/rollback': () => import('../../src/commands/diff/rollback.js'),
    status: () => import('../../src/commands/status.js'),
    history: () => import('../../src/commands/history.js'),
    test: () => import('../../src/commands/test.js'),
  };
  const cli = (cmd: keyof typeof commands, ...argv: string[]) => runCommand(commands[cmd], [...argv, '--kubeconfig', c.kubeconfig], root);

  it('`lookup` in templates reads the cluster when deploying (and is empty in rel template)', async () => {
    const r = await runDeploy({ release: 'lk', chart: lookupChart }, { kubeconfig: c.kubeconfig, namespace: 'feat' }, () => {});
    expect(r.release.manifest).toContain('found: "yes"');
    expect(r.release.manifest).toContain('color: "blue"');
    expect(r.release.manifest).toMatch(/namespaces: "[1-9]\d*"/);
    const t = await runCommand(() => import('../../src/commands/template.js'), ['lk', lookupChart], root);
    expect(t.stdout).toContain('found: "no"');
  });

  it('--dry-run=client and --dry-run=server change nothing', async () => {
    for (const mode of ['client', 'server']) {
      const r = await runDeploy({ release: `dry-${mode}`, chart: web }, { kubeconfig: c.kubeconfig, namespace: 'feat', set: [`ingress.host=${mode}.test`], 'dry-run': mode }, () => {});
      expect(r.release.manifest).toContain(`dry-${mode}-web`);
    }
    expect(await c.helm('list', '-n', 'feat', '-q')).toBe('lk\n');
    await expect(c.kubectl('get', 'deployment', 'dry-server-web', '-n', 'feat')).rejects.toThrow(/NotFound|not found/);
  });

  it('rel diff shows per-object changes and --detailed-exitcode exits 2; rel diff revision; rel test; rel status -o json', async () => {
    await runDeploy({ release: 'shop', chart: web }, { kubeconfig: c.kubeconfig, namespace: 'feat', set: ['ingress.host=shop.test'], wait: true }, () => {});
    const same = await cli('diff/index', 'shop', web, '-n', 'feat', '--set', 'ingress.host=shop.test', '--detailed-exitcode');
    expect(same.exitCode).toBe(0);
    expect(same.stdout).toBe('no changes\n');
    const changed = await cli('diff/index', 'shop', web, '-n', 'feat', '--set', 'ingress.host=shop.test', '--set', 'message=v2', '--detailed-exitcode');
    expect(changed.exitCode).toBe(2);
    expect(changed.stdout).toContain('feat, shop-web, ConfigMap has changed:');
    expect(changed.stdout).toMatch(/-\s+message: hello\n\+\s+message: v2/);
    await runDeploy({ release: 'shop', chart: web }, { kubeconfig: c.kubeconfig, namespace: 'feat', set: ['ingress.host=shop.test', 'message=v2'], wait: true }, () => {});
    const rev = await cli('diff/revision', 'shop', '1', '2', '-n', 'feat');
    expect(rev.stdout).toContain('ConfigMap has changed');
    const back = await cli('diff/rollback', 'shop', '-n', 'feat');
    expect(back.stdout).toMatch(/-\s+message: v2\n\+\s+message: hello/);
    const st = await cli('status', 'shop', '-n', 'feat', '-o', 'json');
    expect(st.exitCode).toBe(0);
    const report = JSON.parse(st.stdout);
    expect(report).toMatchObject({ name: 'shop', revision: 2, status: 'deployed' });
    expect(report.resources.find((r: { kind: string }) => r.kind === 'Deployment').state).toBe('ready');
    const hist = await cli('history', 'shop', '-n', 'feat', '-o', 'json');
    expect(JSON.parse(hist.stdout).map((h: { status: string }) => h.status)).toEqual(['superseded', 'deployed']);
    const tests = await cli('test', 'lk', '-n', 'feat');
    expect(tests.exitCode).toBe(0);
    expect(tests.stdout).toContain('TEST SUITE: lk-smoke');
    expect(tests.stdout).toContain('Phase: Succeeded');
  });

  it('errors are for people: unknown release, bad flags', async () => {
    const missing = await cli('history', 'nope', '-n', 'feat');
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/^Error: release "nope" not found in namespace feat/m);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const conflict = await runCommand(() => import('../../src/commands/deploy.js'), ['x', web, '--canary', '10', '--blue-green', '--kubeconfig', c.kubeconfig], root);
    expect(conflict.exitCode).toBe(2);
    expect(conflict.stderr).toContain('--canary and --blue-green cannot be used together');
  });
});
