/**
 * The README's path: `rel sandbox serve` (the real command, as a child process), then `rel deploy --detach`
 * with the default image (rel:<version>, no --detach-image, no $REL_IMAGE). The sandbox runs that image's pod
 * as a real `rel run-detached` process, so the Job completes and the revision is deployed.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSandbox } from '../../src/sandbox/run.js';
import { versionInfo } from '../../src/version.js';
import { helmBin, kubectlBin, root } from './support/env.js';

const chart = join(root, 'test/e2e/fixtures/web');

describe('rel sandbox serve runs the rel image: rel deploy --detach works on it with the default image', () => {
  let serve: ChildProcess | undefined;
  let out = '';
  let err = '';
  const dir = mkdtempSync(join(tmpdir(), 'rel-sandbox-detach-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: dir, HELM_CACHE_HOME: join(dir, 'helm-cache'), HELM_CONFIG_HOME: join(dir, 'helm-config'), HELM_DATA_HOME: join(dir, 'helm-data') };
  delete env.REL_IMAGE;
  delete env.KUBECONFIG;
  delete env.HELM_DRIVER;

  beforeAll(async () => {
    serve = spawn(process.execPath, [join(root, 'bin/run.js'), 'sandbox', 'serve', '--port', '0', '--kubeconfig-out', kubeconfig, '--rps', '5'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    serve.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    serve.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    const end = Date.now() + 30_000;
    while (!/runs pods of/.test(out)) {
      if (Date.now() > end || serve.exitCode !== null) throw new Error(`rel sandbox serve did not start:\n${out}\n${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 40_000);
  afterAll(async () => {
    if (serve && serve.exitCode === null) {
      const exited = new Promise((r) => serve!.once('exit', r));
      serve.kill('SIGTERM');
      await exited;
    }
  });

  const run = (bin: string, ...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(bin, args, { env, maxBuffer: 16 << 20 }, (e, stdout, stderr) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    });
  const rel = (...args: string[]) => run(process.execPath, join(root, 'bin/run.js'), ...args, '--kubeconfig', kubeconfig);
  const kubectl = async (...args: string[]) => {
    const r = await run(kubectlBin, '--kubeconfig', kubeconfig, ...args);
    if (r.code !== 0) throw new Error(r.stderr);
    return r.stdout;
  };

  it('says which image it runs; a canary handed to a Job of rel:<version> completes and revision 2 is deployed', async () => {
    const image = `rel:${versionInfo().version}`;
    expect(out).toContain(`runs pods of ${image} as rel processes`);
    const ns = 'sbx';
    const first = await rel('deploy', 'shop', chart, '-n', ns, '--create-namespace', '--set', 'ingress.host=shop.test', '--timeout', '30s');
    expect(first.code, first.stderr).toBe(0);
    const r = await rel('deploy', 'shop', chart, '-n', ns, '--set', 'ingress.host=shop.test', '--set', 'image.tag=2.0', '--canary', '50', '--step-interval', '2s', '--timeout', '30s', '--detach');
    expect(r.code, `${r.stdout}\n${r.stderr}\n${err.slice(-3000)}`).toBe(0);
    const jobName = /handed to Job (rel-deploy-shop-r2-[0-9a-f]{4})/.exec(r.stdout)?.[1];
    expect(jobName, r.stdout).toBeTruthy();
    const job = JSON.parse(await kubectl('get', 'job', jobName!, '-n', ns, '-o', 'json'));
    expect(job.spec.template.spec.containers[0].image).toBe(image);
    expect(job.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    let done: { type: string } | undefined;
    const end = Date.now() + 90_000;
    while (!done) {
      if (Date.now() > end) throw new Error(`the Job did not finish:\n${err.slice(-3000)}`);
      await new Promise((res) => setTimeout(res, 500));
      const j = JSON.parse(await kubectl('get', 'job', jobName!, '-n', ns, '-o', 'json'));
      done = (j.status?.conditions ?? []).find((c: { type: string; status: string }) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
    }
    expect(done.type, err.slice(-3000)).toBe('Complete');
    // The pod really ran rel (its output is in the sandbox's log), and helm sees the revision deployed.
    expect(err).toMatch(new RegExp(`pod ${ns}/${jobName}-\\S+: .*revision 2`));
    const list = await run(helmBin, 'list', '-n', ns, '-o', 'json', '--kubeconfig', kubeconfig);
    expect(JSON.parse(list.stdout)).toMatchObject([{ name: 'shop', revision: '2', status: 'deployed' }]);
    const dep = JSON.parse(await kubectl('get', 'deployment', 'shop-web', '-n', ns, '-o', 'json'));
    expect(dep.spec.template.spec.containers[0].image).toBe('example/web:2.0');
  }, 150_000);

  it('--no-rel-pods (relPods: false) leaves every pod simulated', async () => {
    const s = await serveSandbox({ port: 0, traffic: false, relPods: false });
    try {
      expect(s.relImages).toEqual([]);
    } finally {
      await s.stop();
    }
    const on = await serveSandbox({ port: 0, traffic: false, relImages: ['registry.example.test/rel:1'] });
    try {
      expect(on.relImages).toEqual(['registry.example.test/rel:1']);
    } finally {
      await on.stop();
    }
  });
});
