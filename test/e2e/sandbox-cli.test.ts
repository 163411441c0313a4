// `rel sandbox up|status|fault|down` through the built CLI (npm test builds first), with the real kubectl.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as YAML from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rel-sandbox-cli-'));
const env = { ...process.env, REL_SANDBOX_DIR: path.join(dir, 'state'), KUBECONFIG: path.join(dir, 'kubeconfig'), HOME: dir };

function run(bin: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(bin, args, { env, cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }));
    if (input !== undefined) child.stdin!.end(input);
  });
}
const rel = (...args: string[]) => run(process.execPath, [path.join(ROOT, 'bin/run.js'), ...args]);
const kubectl = (args: string[], input?: string) => run(path.join(ROOT, '.cache/tools/kubectl'), args, input);

afterAll(async () => {
  await rel('sandbox', 'down');
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('rel sandbox commands', () => {
  it('starts in the background, serves kubectl, sets faults, keeps state across restarts, stops', async () => {
    const before = await rel('sandbox', 'status');
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('not running');

    const up = await rel('sandbox', 'up');
    expect(up.stderr).toBe('');
    expect(up.stdout).toMatch(/rel sandbox started \(pid \d+\) on http:\/\/127\.0\.0\.1:\d+/);
    const cfg = YAML.parse(fs.readFileSync(env.KUBECONFIG, 'utf8'));
    expect(cfg['current-context']).toBe('rel-sandbox');

    const st = JSON.parse((await rel('sandbox', 'status', '-o', 'json')).stdout);
    expect(st.running).toBe(true);
    expect((await rel('sandbox', 'up')).stdout).toContain('already running');

    const dep = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: shop}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: shop}}\n  template:\n    metadata: {labels: {app: shop}}\n    spec: {containers: [{name: web, image: "nginx:1.27"}]}\n';
    expect((await kubectl(['apply', '-f', '-'], dep)).code).toBe(0);
    expect((await kubectl(['rollout', 'status', 'deployment/shop', '--timeout=30s'])).code).toBe(0);

    const fault = await rel('sandbox', 'fault', 'shop', '--error-rate', '0.2', '--latency-ms', '300');
    expect(fault.code).toBe(0);
    expect(fault.stdout).toContain('sandbox.rel.dev/error-rate=0.2, sandbox.rel.dev/latency-ms=300');
    const ann = JSON.parse((await kubectl(['get', 'deployment', 'shop', '-o', 'jsonpath={.spec.template.metadata.annotations}'])).stdout);
    expect(ann).toEqual({ 'sandbox.rel.dev/error-rate': '0.2', 'sandbox.rel.dev/latency-ms': '300' });
    expect((await rel('sandbox', 'fault', 'shop', '--fail', 'crash')).code).toBe(0);
    const stuck = await kubectl(['rollout', 'status', 'deployment/shop', '--timeout=3s']);
    expect(stuck.code).not.toBe(0);
    expect((await kubectl(['get', 'pods', '-l', 'app=shop'])).stdout).toContain('CrashLoopBackOff');
    const bad = await rel('sandbox', 'fault', 'shop', '--error-rate', '2');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--error-rate must be between 0 and 1');
    const missing = await rel('sandbox', 'fault', 'nope', '--fail', 'none');
    expect(missing.stderr).toContain('deployments.apps "nope" not found');

    // metrics from the traffic module are served by the background sandbox
    const metrics = await fetch(`${st.url}/metrics`);
    expect(metrics.status).toBe(200);

    expect((await rel('sandbox', 'down')).stdout).toContain('rel sandbox stopped');
    expect((await rel('sandbox', 'status')).code).toBe(1);
    expect(YAML.parse(fs.readFileSync(env.KUBECONFIG, 'utf8')).contexts).toEqual([]);

    // state persists: the Deployment is still there after a restart
    expect((await rel('sandbox', 'up')).code).toBe(0);
    const again = await kubectl(['get', 'deployment', 'shop', '-o', 'jsonpath={.spec.template.metadata.annotations.sandbox\\.rel\\.dev/fail}']);
    expect(again.stdout).toBe('crash');
    expect((await rel('sandbox', 'down')).code).toBe(0);
  });
});
