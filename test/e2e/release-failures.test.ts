import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeOptions, releaseContext } from '../../src/actions/context.js';
import { runDeploy } from '../../src/actions/deploy.js';
import { history } from '../../src/actions/inspect.js';
import { recover } from '../../src/release/operations.js';
import { type TestCluster, root, testCluster } from './support/env.js';

const chart = join(root, 'test/e2e/fixtures/web');
const quiet = () => {};

describe('failure handling', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await testCluster();
  });
  afterAll(async () => c?.stop());
  const flags = (ns: string) => ({ kubeconfig: c.kubeconfig, namespace: ns, 'create-namespace': true, timeout: '20s' });
  const deployment = async (ns: string) => JSON.parse(await c.kubectl('get', 'deployment', `${ns}-web`, '-n', ns, '-o', 'json'));

  it('--atomic: a Deployment that never becomes ready ends with the previous revision running and deployed', async () => {
    await runDeploy({ release: 'atom', chart }, { ...flags('atom'), wait: true }, quiet);
    const err = await runDeploy({ release: 'atom', chart }, { ...flags('atom'), set: ['fail=crash', 'image.tag=2.0'], wait: true, atomic: true, timeout: '6s' }, quiet).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/Upgrade "atom" failed: .*rolled back: revision 1 is running/s);
    const h = await history(releaseContext(kubeOptions(flags('atom')), quiet), 'atom');
    expect(h.map((x) => [x.revision, x.status])).toEqual([
      [1, 'superseded'],
      [2, 'failed'],
      [3, 'deployed'],
    ]);
    const dep = await deployment('atom');
    expect(dep.spec.template.spec.containers[0].image).toBe('example/web:1.0');
    expect(dep.spec.template.metadata.annotations['sandbox.rel.dev/fail']).toBeUndefined();
  });

  it('a failing pre-upgrade hook (migration) stops the upgrade and leaves the running version untouched', async () => {
    await runDeploy({ release: 'mig', chart }, { ...flags('mig'), wait: true }, quiet);
    const before = await deployment('mig');
    const err = await runDeploy(
      { release: 'mig', chart },
      { ...flags('mig'), set: ['migration.enabled=true', 'migration.fail=true', 'image.tag=2.0', 'message=new'], wait: true },
      quiet,
    ).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/pre-upgrade hook Job\/mig-web-migrate .*failed: .*BackoffLimitExceeded/);
    const after = await deployment('mig');
    expect(after.metadata.generation).toBe(before.metadata.generation);
    expect(after.spec.template.spec.containers[0].image).toBe('example/web:1.0');
    const cm = JSON.parse(await c.kubectl('get', 'configmap', 'mig-web', '-n', 'mig', '-o', 'json'));
    expect(cm.data.message).toBe('hello');
    const helmHistory = JSON.parse(await c.helm('history', 'mig', '-n', 'mig', '-o', 'json')) as { status: string }[];
    expect(helmHistory.map((x) => x.status)).toEqual(['deployed', 'failed']);
    // A passing migration then upgrades.
    const ok = await runDeploy({ release: 'mig', chart }, { ...flags('mig'), set: ['migration.enabled=true', 'image.tag=2.0'], wait: true }, quiet);
    expect(ok.release.info.status).toBe('deployed');
  });

  it('API 500s and 429s at random still end in a consistent release (retries)', async () => {
    c.sandbox.server.faults = { errorRate: 0.25, status: 500, latencyMs: 0 };
    try {
      const r1 = await runDeploy({ release: 'flaky', chart }, { ...flags('flaky'), wait: true }, quiet);
      expect(r1.release.info.status).toBe('deployed');
      c.sandbox.server.faults = { errorRate: 0.25, status: 429, latencyMs: 0 };
      const r2 = await runDeploy({ release: 'flaky', chart }, { ...flags('flaky'), set: ['message=v2'], wait: true }, quiet);
      expect(r2.release.version).toBe(2);
    } finally {
      c.sandbox.server.faults = { errorRate: 0, status: 500, latencyMs: 0 };
    }
    const h = JSON.parse(await c.helm('history', 'flaky', '-n', 'flaky', '-o', 'json')) as { status: string }[];
    expect(h.map((x) => x.status)).toEqual(['superseded', 'deployed']);
    const cm = JSON.parse(await c.kubectl('get', 'configmap', 'flaky-web', '-n', 'flaky', '-o', 'json'));
    expect(cm.data.message).toBe('v2');
  });

  it('a rel deploy killed mid-apply leaves a pending release that is reported and can be recovered', async () => {
    if (!existsSync(join(root, 'dist/commands/deploy.js'))) throw new Error('run `npm run build` first (the test runs the built rel)');
    await runDeploy({ release: 'kill', chart }, { ...flags('kill'), wait: true }, quiet);
    c.sandbox.server.faults = { errorRate: 0, status: 500, latencyMs: 150 };
    const child = spawn(process.execPath, [join(root, 'bin/run.js'), 'deploy', 'kill', chart, '-n', 'kill', '--set', 'message=v2', '--kubeconfig', c.kubeconfig], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`deploy never reached the apply phase: ${err}`)), 30_000);
      child.stderr.on('data', () => {
        if (/apply /.test(err)) {
          clearTimeout(t);
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.once('exit', r));
    c.sandbox.server.faults = { errorRate: 0, status: 500, latencyMs: 0 };
    const next = await runDeploy({ release: 'kill', chart }, { ...flags('kill') }, quiet).catch((e: Error) => e);
    expect((next as Error).message).toMatch(/release "kill" has an operation in progress: revision 2 is pending-upgrade/);
    expect((await c.helm('status', 'kill', '-n', 'kill'))).toMatch(/STATUS: pending-upgrade/);
    const ctx = releaseContext(kubeOptions(flags('kill')), quiet);
    expect((await recover(ctx, 'kill'))?.info.status).toBe('failed');
    const r = await runDeploy({ release: 'kill', chart }, { ...flags('kill'), set: ['message=v3'], wait: true }, quiet);
    expect(r.release.version).toBe(3);
    expect(r.release.info.status).toBe('deployed');
  });
});
