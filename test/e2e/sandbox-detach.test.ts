/**
 * The README's path: `rel sandbox serve` (the real command, as a child process), then `rel deploy --detach`
 * with the default image (rel:<version>, no --detach-image, no $REL_IMAGE). The sandbox runs that image's pod
 * as a real `rel run-detached` process, so the Job completes and the revision is deployed.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
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
  const relIn = (cwd: string, extraEnv: NodeJS.ProcessEnv, ...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(root, 'bin/run.js'), ...args, '--kubeconfig', kubeconfig], { cwd, env: { ...env, ...extraEnv }, maxBuffer: 16 << 20 }, (e, stdout, stderr) =>
        resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const waitJob = async (ns: string, name: string, ms: number) => {
    const end = Date.now() + ms;
    for (;;) {
      const j = JSON.parse(await kubectl('get', 'job', name, '-n', ns, '-o', 'json'));
      const done = (j.status?.conditions ?? []).find((c: { type: string; status: string }) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') as { type: string; message?: string } | undefined;
      if (done) return done;
      if (Date.now() > end) throw new Error(`the Job did not finish:\n${err.slice(-3000)}`);
      await new Promise((res) => setTimeout(res, 500));
    }
  };
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

  it('analysis.prometheus.caFile reaches the Job: its pod queries a Prometheus served over TLS with a private CA', async () => {
    // A private CA and a server certificate for 127.0.0.1.
    const certs = join(dir, 'proj/certs');
    mkdirSync(certs, { recursive: true });
    const ssl = (...a: string[]) => execFileSync('openssl', a, { cwd: certs, stdio: 'pipe' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=rel-test-ca');
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(join(certs, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    ssl('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '2', '-extfile', 'ext.cnf');
    // A Prometheus stand-in: every query answers 0 (no errors, no latency), over TLS only.
    const queries: string[] = [];
    const prom = createServer({ key: readFileSync(join(certs, 'srv.key')), cert: readFileSync(join(certs, 'srv.pem')) }, (req, res) => {
      let body = '';
      req.on('data', (b: Buffer) => (body += b.toString()));
      req.on('end', () => {
        queries.push(new URLSearchParams(body).get('query') ?? req.url ?? '');
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [Date.now() / 1000, '0'] }] } }));
      });
    });
    await new Promise<void>((r) => prom.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `https://127.0.0.1:${(prom.address() as AddressInfo).port}`;
      const proj = join(dir, 'proj');
      cpSync(chart, join(proj, 'charts/web'), { recursive: true });
      writeFileSync(
        join(proj, 'rel.yaml'),
        `apiVersion: rel.dev/v1\nenvironments:\n  sb:\n    namespace: sbca\n    createNamespace: true\n    timeout: 30s\n    analysis:\n      prometheus: { url: "${url}", caFile: certs/ca.pem }\nreleases:\n  - name: tls\n    chart: ./charts/web\n    set: { ingress.host: tls.test }\n`,
      );
      // rel itself needs the CA at start-up where --detach runs (Node reads NODE_EXTRA_CA_CERTS only then).
      const caEnv = { NODE_EXTRA_CA_CERTS: 'certs/ca.pem' };
      const first = await relIn(proj, caEnv, 'deploy', 'tls', '--env', 'sb');
      expect(first.code, first.stderr).toBe(0);
      const r = await relIn(proj, caEnv, 'deploy', 'tls', '--env', 'sb', '--set', 'image.tag=2.0', '--canary', '50', '--steps', '50,100', '--analysis-interval', '1s', '--step-interval', '3s', '--detach');
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      const jobName = /handed to Job (rel-deploy-tls-r2-[0-9a-f]{4})/.exec(r.stdout)![1]!;
      const job = JSON.parse(await kubectl('get', 'job', jobName, '-n', 'sbca', '-o', 'json'));
      expect(job.spec.template.spec.containers[0].env).toContainEqual({ name: 'NODE_EXTRA_CA_CERTS', value: '/etc/rel/file.prometheus-ca.crt' });
      expect(await waitJob('sbca', jobName, 90_000), err.slice(-3000)).toMatchObject({ type: 'Complete' });
      // Only the Job's pod queried (nothing queries before the detach hands over); the TLS handshake trusted the CA.
      expect(queries.length, err.split('\n').filter((l) => l.includes('sbca/')).join('\n')).toBeGreaterThan(0);
      expect(queries.some((q) => /nginx_ingress_controller_requests/.test(q))).toBe(true);
      expect(err).not.toMatch(/self[- ]signed certificate|unable to verify/);
      const list = await run(helmBin, 'list', '-n', 'sbca', '-o', 'json', '--kubeconfig', kubeconfig);
      expect(JSON.parse(list.stdout)).toMatchObject([{ name: 'tls', revision: '2', status: 'deployed' }]);
    } finally {
      prom.close();
    }
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
