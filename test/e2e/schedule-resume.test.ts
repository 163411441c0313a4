/**
 * A scheduled canary paused at its window's close (canaryAtClose: pause) whose job was then killed (as the
 * Job's activeDeadlineSeconds would) is finished by the run in the next window. The first run happens in a real
 * child process (src bundled with esbuild) so it can be killed like a pod.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { UserError } from '../../src/cli/errors.js';
import { kubeOptions, releaseContext } from '../../src/actions/context.js';
import { ShiftedClock, setClock } from '../../src/clock.js';
import { RolloutStateStore } from '../../src/rollout/state.js';
import { planSchedule } from '../../src/schedule/index.js';
import { writeConfigMapFiles } from '../../src/schedule/bundle.js';
import { runScheduled } from '../../src/schedule/run.js';
import { type TestCluster, root, testCluster } from './support/env.js';

const NS = 'sched-resume';
const REL_YAML = `apiVersion: rel.dev/v1
environments:
  p:
    namespace: ${NS}
    set: { ingress.host: resume.sched.test }
    strategy: { type: canary, steps: [50, 100], stepInterval: 3s }
    analysis: { interval: 1s }
    windows:
      allow:
        - { name: nightly, schedule: "0 2 * * *", duration: 1h, timeZone: UTC }
      policy: { canaryAtClose: pause, closeMargin: 10m }
releases:
  - name: shop
    chart: ./charts/web
`;

const DRIVER = `
import { ShiftedClock, setClock } from '../../src/clock.js';
import { runScheduled } from '../../src/schedule/run.js';
const [from, kubeconfig, now] = process.argv.slice(2);
setClock(new ShiftedClock(now));
await runScheduled({ release: 'shop', env: 'p', from, kubeconfig, log: (l) => process.stderr.write(l + '\\n') });
`;

describe('run-scheduled resumes a canary paused at the last window close', () => {
  let c: TestCluster;
  let dir: string;
  let buildDir: string;
  const logs: string[] = [];
  const log = (l: string) => logs.push(l);
  const mount = async () => {
    const plan = await planSchedule({ env: 'p', cwd: dir });
    const m = mkdtempSync(join(tmpdir(), 'rel-resume-mount-'));
    writeConfigMapFiles(plan.objects.find((o) => o.kind === 'ConfigMap') as never, m);
    return m;
  };
  beforeAll(async () => {
    c = await testCluster();
    dir = mkdtempSync(join(tmpdir(), 'rel-resume-'));
    cpSync(join(root, 'test/e2e/fixtures/web'), join(dir, 'charts/web'), { recursive: true });
    mkdirSync(join(dir, 'values/web'), { recursive: true });
    writeFileSync(join(dir, 'values/web/p.yaml'), 'replicaCount: 2\n');
    writeFileSync(join(dir, 'rel.yaml'), REL_YAML);
    await c.kubectl('create', 'namespace', NS);
    // Under node_modules so the bundle's bare imports resolve to the project's packages.
    buildDir = join(root, 'node_modules/.cache', `rel-sched-e2e-${process.pid}`);
    await build({ stdin: { contents: DRIVER, resolveDir: join(root, 'test/e2e'), loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: join(buildDir, 'driver.mjs'), logLevel: 'error' });
  }, 60_000);
  afterAll(async () => {
    setClock(undefined);
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
    await c?.stop();
  });

  it('pause at close, job killed, next window: "still driven" while the heartbeat is fresh, then resumed and promoted', async () => {
    setClock(new ShiftedClock('2026-03-03T02:05:00Z'));
    const first = await runScheduled({ release: 'shop', env: 'p', from: await mount(), kubeconfig: c.kubeconfig, log });
    expect(first.deployed?.release.version).toBe(1);

    // A new image; the run starts at 02:55, past the close deadline (03:00 - 10m): the canary pauses at once.
    writeFileSync(join(dir, 'values/web/p.yaml'), 'replicaCount: 2\nimage:\n  tag: "2.0"\n');
    const m2 = await mount();
    const child = spawn(process.execPath, [join(buildDir, 'driver.mjs'), m2, c.kubeconfig, '2026-03-03T02:55:00Z'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let out = '';
    child.stderr.on('data', (d) => (out += d));
    const ctx = releaseContext(kubeOptions({ kubeconfig: c.kubeconfig, namespace: NS }), () => {});
    const store = new RolloutStateStore(ctx.kube, NS);
    const until = Date.now() + 30_000;
    while ((await store.load('shop'))?.phase !== 'paused' && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(out).toMatch(/paused: the maintenance window is closing/);
    const paused = await store.load('shop');
    expect(paused).toMatchObject({ phase: 'paused', weight: 50, revision: 2 });
    expect((await ctx.storage.last('shop'))?.info.status).toBe('pending-upgrade');

    // Next day's window: while the killed driver's heartbeat is fresh, the run refuses to take over.
    setClock(new ShiftedClock('2026-03-04T02:05:00Z'));
    const busy = await runScheduled({ release: 'shop', env: 'p', from: m2, kubeconfig: c.kubeconfig, log }).catch((e: Error) => e);
    expect(busy).toBeInstanceOf(UserError);
    expect((busy as Error).message).toMatch(/still driven by another rel process/);

    // Once it is stale (3 analysis intervals + 15 s), the run resumes the canary and promotes it.
    await new Promise((r) => setTimeout(r, Date.parse(paused!.heartbeat) + 18_500 - Date.now()));
    const r = await runScheduled({ release: 'shop', env: 'p', from: m2, kubeconfig: c.kubeconfig, log });
    expect(r.action).toBe('resumed');
    expect(r.reason).toMatch(/resuming the canary rollout of revision 2 left paused \(maintenance window closing \(policy: pause\)\) at 50%/);
    expect(r.deployed?.release.version).toBe(2);
    expect(r.deployed?.release.info.status).toBe('deployed');
    const dep = JSON.parse(await c.kubectl('get', 'deployment', 'shop-web', '-n', NS, '-o', 'json'));
    expect(dep.spec.template.spec.containers[0].image).toBe('example/web:2.0');
    expect(await store.load('shop')).toBeUndefined();
    // And the next run has nothing to do.
    expect((await runScheduled({ release: 'shop', env: 'p', from: m2, kubeconfig: c.kubeconfig, log })).action).toBe('unchanged');
  });
});
