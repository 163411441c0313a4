/**
 * `rel deploy --detach` on the sandbox with a real Prometheus: the Job's pod really runs `rel run-detached`
 * (the sandbox's local kubelet spawns `node bin/run.js` with an in-cluster service account), so the rollout
 * is driven from "inside the cluster" while the test watches from outside with rel, helm and kubectl.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeOptions, releaseContext } from '../../src/actions/context.js';
import { runDeploy } from '../../src/actions/deploy.js';
import { history, status } from '../../src/actions/inspect.js';
import { RolloutStateStore } from '../../src/rollout/state.js';
import { localKubelet } from '../../src/sandbox/index.js';
import { type TestCluster, root, testCluster } from './support/env.js';

const chart = join(root, 'test/e2e/fixtures/web');
const IMAGE = 'registry.example.test/rel:e2e';

interface Req {
  method: string;
  url: string;
  token: string;
}

describe('rel deploy --detach: a Job in the cluster drives the rollout', () => {
  let c: TestCluster;
  const logs: string[] = [];
  const podLogs: string[] = [];
  const requests: Req[] = [];
  const log = (l: string) => logs.push(l);
  beforeAll(async () => {
    c = await testCluster({ prometheus: true });
    const home = mkdtempSync(join(tmpdir(), 'rel-detach-home-'));
    c.sandbox.controllers!.setPodRunner(
      localKubelet({
        match: (img) => img === IMAGE,
        entrypoint: [process.execPath, join(root, 'bin/run.js')],
        apiUrl: c.sandbox.url,
        env: { PATH: process.env.PATH, HOME: home },
        log: (pod, line) => podLogs.push(`${pod} ${line}`),
      }),
    );
    // Every request made with a pod's service-account token (the sandbox does not enforce RBAC; the test checks it).
    c.sandbox.addRoute((req) => {
      const a = req.headers.authorization;
      if (a?.startsWith('Bearer sandbox-token:')) requests.push({ method: req.method!, url: req.url!, token: a.slice(7) });
      return false;
    });
  }, 60_000);
  afterAll(async () => {
    if (podLogs.length) console.log(`pod logs:\n${podLogs.slice(-60).join('\n')}`);
    await c?.stop();
  });

  const rel = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string; ms: number }>((resolve) => {
      const t0 = Date.now();
      execFile(process.execPath, [join(root, 'bin/run.js'), ...args], { env: { ...c.env, REL_IMAGE: '' } }, (e, stdout, stderr) =>
        resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr, ms: Date.now() - t0 }),
      );
    });
  const ctxOf = (ns: string) => releaseContext(kubeOptions({ kubeconfig: c.kubeconfig, namespace: ns }), () => {});
  const job = async (ns: string, name: string) => JSON.parse(await c.kubectl('get', 'job', name, '-n', ns, '-o', 'json'));
  const until = async <T>(what: string, f: () => Promise<T | undefined | false>, ms: number): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await f();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${podLogs.slice(-30).join('\n')}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  const finished = (j: { status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] } }) =>
    j.status?.conditions?.find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  const install = async (ns: string) => runDeploy({ release: ns, chart }, { kubeconfig: c.kubeconfig, namespace: ns, 'create-namespace': true, timeout: '30s', set: [`ingress.host=${ns}.test`], wait: true }, log);
  const detachArgs = (ns: string, ...more: string[]) => [
    'deploy', ns, chart, '-n', ns, '--kubeconfig', c.kubeconfig, '--set', `ingress.host=${ns}.test`, '--set', 'image.tag=2.0',
    '--steps', '50,100', '--analysis-interval', '2s', '--timeout', '30s',
    '--prometheus-url', c.prometheus!.url, '--detach', '--detach-image', IMAGE, ...more,
  ];

  it('returns at the first step; the Job promotes it, and resumes it after its pod is killed; helm sees revision 2 deployed', async () => {
    const ns = 'dgood';
    await install(ns);
    const r = await rel(...detachArgs(ns, '--canary', '10', '--step-interval', '6s'));
    expect(r.stderr).not.toMatch(/^Error/m);
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(15_000);
    const m = /handed to Job (rel-deploy-dgood-r2-[0-9a-f]{4}) in namespace dgood: the canary rollout is progressing at 10% \(step 1\/3\)/.exec(r.stdout);
    expect(m, r.stdout).toBeTruthy();
    const jobName = m![1]!;
    expect(r.stdout).toContain(`rel status ${ns} -n ${ns} --watch`);

    // rel status (another process, from outside) sees the rollout in progress.
    const st = await rel('status', ns, '-n', ns, '--kubeconfig', c.kubeconfig, '-o', 'json');
    expect(st.code).toBe(0);
    const sj = JSON.parse(st.stdout);
    expect(sj.status).toBe('pending-upgrade');
    expect(sj.rollout).toMatchObject({ strategy: 'canary', phase: 'progressing' });
    expect(sj.driver).toBe(`job/${jobName} (running)`);
    const text = await rel('status', ns, '-n', ns, '--kubeconfig', c.kubeconfig);
    expect(text.stdout).toContain(`DRIVEN BY: job/${jobName} (running)`);

    // The Job, its helpers owned by it.
    const j = await job(ns, jobName);
    expect(j.spec.suspend).toBe(false);
    expect(j.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'rel', 'rel.dev/release': ns, 'rel.dev/revision': '2' });
    for (const kind of ['serviceaccount', 'role', 'rolebinding', 'secret']) {
      const o = JSON.parse(await c.kubectl('get', kind, jobName, '-n', ns, '-o', 'json'));
      expect(o.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Job', name: jobName, uid: j.metadata.uid });
    }

    // Kill the driving pod at 50%: the Job starts another pod, which resumes once the heartbeat is stale.
    const store = new RolloutStateStore(ctxOf(ns).kube, ns);
    await until('the canary at 50%', async () => (await store.load(ns))?.weight === 50, 60_000);
    const pods = JSON.parse(await c.kubectl('get', 'pods', '-n', ns, '-l', `rel.dev/revision=2,app.kubernetes.io/component=detached-rollout`, '-o', 'json')).items;
    expect(pods).toHaveLength(1);
    await c.kubectl('delete', 'pod', pods[0].metadata.name, '-n', ns, '--wait=false');
    const done = await until('the Job to finish', async () => finished(await job(ns, jobName)), 120_000);
    expect(done.type).toBe('Complete');
    expect(podLogs.some((l) => /resuming the canary rollout of revision 2 at 50%/.test(l))).toBe(true);

    // The real helm sees the new revision deployed.
    const list = JSON.parse(await c.helm('list', '-n', ns, '-o', 'json'));
    expect(list).toMatchObject([{ name: ns, revision: '2', status: 'deployed' }]);
    const hh = JSON.parse(await c.helm('history', ns, '-n', ns, '-o', 'json')) as { status: string }[];
    expect(hh.map((x) => x.status)).toEqual(['superseded', 'deployed']);
    const dep = JSON.parse(await c.kubectl('get', 'deployment', `${ns}-web`, '-n', ns, '-o', 'json'));
    expect(dep.spec.template.spec.containers[0].image).toBe('example/web:2.0');
    expect(await store.load(ns)).toBeUndefined();
    const h = await history(ctxOf(ns), ns);
    expect(h[1]).toMatchObject({ revision: 2, status: 'deployed' });
  }, 240_000);

  it('a failing canary: the Job rolls it back and fails (exit code 3, podFailurePolicy); revision 1 stays deployed', async () => {
    const ns = 'dbad';
    await install(ns);
    await new Promise((r) => setTimeout(r, 3000)); // steady stable traffic first
    const r = await rel(...detachArgs(ns, '--set', 'errorRate=0.2', '--canary', '50', '--step-interval', '12s'));
    expect(r.code, r.stderr).toBe(0);
    const jobName = /handed to Job (\S+)/.exec(r.stdout)![1]!;
    const done = await until('the Job to finish', async () => finished(await job(ns, jobName)), 120_000);
    expect(done).toMatchObject({ type: 'Failed', reason: 'PodFailurePolicy' });
    expect(done.message).toMatch(/failed with exit code 3/);
    const pods = JSON.parse(await c.kubectl('get', 'pods', '-n', ns, '-l', 'app.kubernetes.io/component=detached-rollout', '-o', 'json')).items;
    expect(pods).toHaveLength(1); // not retried: rel's outcome is final
    const term = pods[0].status.containerStatuses[0].state.terminated;
    expect(term.exitCode).toBe(3);
    expect(term.message).toMatch(/error-rate/);
    const h = await history(ctxOf(ns), ns);
    expect(h.map((x) => [x.revision, x.status])).toEqual([
      [1, 'deployed'],
      [2, 'failed'],
    ]);
    const dep = JSON.parse(await c.kubectl('get', 'deployment', `${ns}-web`, '-n', ns, '-o', 'json'));
    expect(dep.spec.template.spec.containers[0].image).toBe('example/web:1.0');
    await expect(c.kubectl('get', 'deployment', `${ns}-web-canary`, '-n', ns)).rejects.toThrow(/NotFound|not found/);
    const st = await status(ctxOf(ns), ns);
    expect(st.rollout).toBeUndefined();
    expect(st.driver).toMatch(/^job\/rel-deploy-dbad-r2-[0-9a-f]{4} \(failed\)$/);
  }, 180_000);

  it('blue-green with a manual gate: rel promote from outside reaches the Job, which switches and finishes', async () => {
    const ns = 'dbg';
    await install(ns);
    const r = await rel('deploy', ns, chart, '-n', ns, '--kubeconfig', c.kubeconfig, '--set', `ingress.host=${ns}.test`, '--set', 'image.tag=2.0', '--blue-green', '--manual-gate', '--step-interval', '4s', '--analysis-interval', '2s', '--scale-down-delay', '4s', '--timeout', '30s', '--prometheus-url', c.prometheus!.url, '--detach', '--detach-image', IMAGE);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^blue-green rollout of dbg revision 2 handed to Job rel-deploy-dbg-r2-/);
    const jobName = /handed to Job (\S+)/.exec(r.stdout)![1]!;
    const store = new RolloutStateStore(ctxOf(ns).kube, ns);
    await until('the manual gate', async () => (await store.load(ns))?.phase === 'paused', 60_000);
    const p = await rel('promote', ns, '-n', ns, '--kubeconfig', c.kubeconfig);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/revision 2: deployed/);
    // The Job rendered what was rendered where --detach ran (same bundle, same values): no warning.
    expect(podLogs.filter((l) => l.startsWith('dbg/') && /revision 2 deployed/.test(l))).toHaveLength(1);
    expect(podLogs.filter((l) => l.startsWith('dbg/') && /manifest rendered in the Job differs/.test(l))).toEqual([]);
    expect(await until('the Job to finish', async () => finished(await job(ns, jobName)), 60_000)).toMatchObject({ type: 'Complete' });
    const dep = JSON.parse(await c.kubectl('get', 'deployment', `${ns}-web`, '-n', ns, '-o', 'json'));
    expect(dep.spec.template.spec.containers[0].image).toBe('example/web:2.0');
  }, 180_000);

  it('rel abort from outside: the Job rolls the canary back and fails with exit code 3', async () => {
    const ns = 'dabort';
    await install(ns);
    const r = await rel(...detachArgs(ns, '--canary', '20', '--step-interval', '5m'));
    expect(r.code, r.stderr).toBe(0);
    const jobName = /handed to Job (\S+)/.exec(r.stdout)![1]!;
    const a = await rel('abort', ns, '-n', ns, '--kubeconfig', c.kubeconfig);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/revision 2: failed/);
    const done = await until('the Job to finish', async () => finished(await job(ns, jobName)), 60_000);
    expect(done).toMatchObject({ type: 'Failed', reason: 'PodFailurePolicy' });
    expect(done.message).toMatch(/exit code 3/);
    const h = await history(ctxOf(ns), ns);
    expect(h.map((x) => [x.revision, x.status])).toEqual([
      [1, 'deployed'],
      [2, 'failed'],
    ]);
    // The Job's activeDeadlineSeconds follows the rollout: 3 steps (20, 50, 100) × 5 min + (3+3) × 30 s + 10 min.
    expect((await job(ns, jobName)).spec.activeDeadlineSeconds).toBe(900 + 180 + 600);
  }, 120_000);

  it('a first install with --detach and --create-namespace: the namespace is made here, the Job installs directly', async () => {
    const ns = 'dfirst';
    const r = await rel('deploy', ns, chart, '-n', ns, '--create-namespace', '--kubeconfig', c.kubeconfig, '--set', `ingress.host=${ns}.test`, '--canary', '10', '--timeout', '30s', '--detach', '--detach-image', IMAGE);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/revision 1 is (pending-install \(a first install is applied directly\)|already deployed)/);
    const jobName = /handed to Job (\S+)/.exec(r.stdout)![1]!;
    expect(await until('the Job to finish', async () => finished(await job(ns, jobName)), 60_000)).toMatchObject({ type: 'Complete' });
    expect(JSON.parse(await c.helm('list', '-n', ns, '-o', 'json'))).toMatchObject([{ name: ns, revision: '1', status: 'deployed' }]);
  }, 120_000);

  it('a chart that uses lookup: the Job may read what the local render looked up (StatefulSet, PVCs) and renders the same', async () => {
    const ns = 'dlookup';
    // The web chart plus a template reading a StatefulSet by name and listing PersistentVolumeClaims in the release namespace.
    const lk = join(mkdtempSync(join(tmpdir(), 'rel-detach-lookup-')), 'web');
    cpSync(chart, lk, { recursive: true });
    writeFileSync(
      join(lk, 'templates/lookup.yaml'),
      '{{- $db := lookup "apps/v1" "StatefulSet" .Release.Namespace "db" }}\n{{- $claims := lookup "v1" "PersistentVolumeClaim" .Release.Namespace "" }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-found\ndata:\n  db: {{ ternary "yes" "no" (not (empty $db)) | quote }}\n  claims: {{ len (default (list) $claims.items) | quote }}\n',
    );
    await runDeploy({ release: ns, chart: lk }, { kubeconfig: c.kubeconfig, namespace: ns, 'create-namespace': true, timeout: '30s', set: [`ingress.host=${ns}.test`], wait: true }, log);
    await c.kubectl('create', 'configmap', 'unrelated', '-n', ns);
    const r = await rel('deploy', ns, lk, '-n', ns, '--kubeconfig', c.kubeconfig, '--set', `ingress.host=${ns}.test`, '--set', 'image.tag=2.0', '--canary', '100', '--step-interval', '2s', '--timeout', '30s', '--detach', '--detach-image', IMAGE);
    expect(r.code, r.stderr).toBe(0);
    const jobName = /handed to Job (\S+)/.exec(r.stdout)![1]!;
    const rules = JSON.parse(await c.kubectl('get', 'role', jobName, '-n', ns, '-o', 'json')).rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
    expect(rules).toContainEqual({ apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'list'] });
    expect(await until('the Job to finish', async () => finished(await job(ns, jobName)), 90_000)).toMatchObject({ type: 'Complete' });
    expect(podLogs.filter((l) => l.startsWith(`${ns}/`) && /manifest rendered in the Job differs/.test(l))).toEqual([]);
    expect(JSON.parse(await c.kubectl('get', 'configmap', `${ns}-found`, '-n', ns, '-o', 'json')).data).toEqual({ db: 'no', claims: '0' });
  }, 150_000);

  it("the Job's Role allows every request its pods made (method, resource, namespace)", async () => {
    const jobReqs = requests.filter((q) => /^sandbox-token:d(good|bad|bg|abort|first|lookup):rel-deploy-/.test(q.token));
    expect(jobReqs.length).toBeGreaterThan(20);
    const roles = new Map<string, { apiGroups: string[]; resources: string[]; verbs: string[] }[]>();
    const denied: string[] = [];
    for (const q of jobReqs) {
      const [, ns, sa] = q.token.split(':') as [string, string, string];
      if (!roles.has(sa)) roles.set(sa, JSON.parse(await c.kubectl('get', 'role', sa, '-n', ns, '-o', 'json')).rules);
      const u = new URL(q.url, 'http://x');
      const p = u.pathname;
      if (/^\/(api|apis)\/?$|^\/apis\/[^/]+\/?$|^\/(api|apis\/[^/]+)\/[^/]+\/?$|^\/version\/?$|^\/openapi\//.test(p)) continue; // discovery (system:discovery)
      const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(p);
      if (!m) {
        denied.push(`${q.method} ${p} (not namespaced)`);
        continue;
      }
      const group = m[2] ?? '';
      const [reqNs, resource, name, sub] = [m[4]!, m[5]!, m[6], m[7]];
      const verb = { GET: name ? 'get' : u.searchParams.get('watch') === 'true' || u.searchParams.get('watch') === '1' ? 'watch' : 'list', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: name ? 'delete' : 'deletecollection' }[q.method] ?? q.method;
      const res = sub ? `${resource}/${sub}` : resource;
      const ok = reqNs === ns && roles.get(sa)!.some((r) => r.apiGroups.includes(group) && r.resources.includes(res) && r.verbs.includes(verb));
      if (!ok) denied.push(`${verb} ${group || 'core'}/${res} in ${reqNs} (${q.method} ${p})`);
    }
    expect([...new Set(denied)]).toEqual([]);
    // The lookup chart's Job read StatefulSets and PersistentVolumeClaims, and was allowed to.
    expect(jobReqs.some((q) => q.token.startsWith('sandbox-token:dlookup:') && /\/namespaces\/dlookup\/statefulsets\/db$/.test(q.url))).toBe(true);
  });
});
