/**
 * rel schedule / rel run-scheduled on the sandbox: the objects printed by `rel schedule -o yaml` go through the
 * real kubectl (server-side dry run, then apply) and the sandbox's schema validation; run-scheduled runs
 * in-process on a controlled clock against the ConfigMap read back from the cluster.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { UserError } from '../../src/cli/errors.js';
import { ShiftedClock, getClock, setClock } from '../../src/clock.js';
import { writeConfigMapFiles } from '../../src/schedule/bundle.js';
import { runScheduled } from '../../src/schedule/run.js';
import { writeKubeconfig } from '../../src/sandbox/index.js';
import { runCommand } from '../helpers/cli.js';
import { type TestCluster, root, testCluster } from './support/env.js';

const NS = 'sched';
const relYaml = (extraAllow = '') => `apiVersion: rel.dev/v1
environments:
  prod:
    namespace: ${NS}
    set:
      ingress.host: shop.sched.test
    windows:
      timeZone: Europe/Berlin
      allow:
        - { name: biweekly, schedule: "0 2 * * 2", duration: 2h, every: 2w, anchor: 2026-01-06 }
${extraAllow}  canary:
    namespace: ${NS}-canary
    set:
      ingress.host: shop.canary.test
    strategy: { type: canary, steps: [50, 100], stepInterval: 2s }
    analysis: { interval: 1s }
    windows:
      allow:
        - { name: daily, schedule: "0 2 * * *", duration: 2h, timeZone: UTC }
releases:
  - name: shop
    chart: ./charts/web
`;
const MONTH_END = '        - { name: month-end, schedule: "30 22 L * *", duration: 90m, timeZone: Asia/Shanghai }\n';

/** An HTTP proxy in front of the sandbox that records every request (method and URL). */
async function recordingProxy(target: string): Promise<{ url: string; requests: { method: string; url: string }[]; close: () => Promise<void> }> {
  const requests: { method: string; url: string }[] = [];
  const t = new URL(target);
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method!, url: req.url! });
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    res.on('close', () => up.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** The RBAC attributes of an API request (undefined for discovery and other non-resource URLs). */
function rbacOf(method: string, url: string): { verb: string; group: string; resource: string; namespace?: string } | undefined {
  const [path, query = ''] = url.split('?') as [string, string?];
  const parts = path.split('/').filter(Boolean);
  let i: number;
  let group: string;
  if (parts[0] === 'api') [group, i] = ['', 2];
  else if (parts[0] === 'apis') [group, i] = [parts[1]!, 3];
  else return undefined;
  if (parts.length <= i) return undefined;
  let namespace: string | undefined;
  if (parts[i] === 'namespaces' && parts.length > i + 2) {
    namespace = parts[i + 1];
    i += 2;
  }
  const resource = parts[i]!;
  const named = parts.length > i + 1;
  const watch = /(^|&)watch=(true|1)/.test(query);
  const verb = method === 'GET' ? (named ? 'get' : watch ? 'watch' : 'list') : method === 'POST' ? 'create' : method === 'PUT' ? 'update' : method === 'PATCH' ? 'patch' : method === 'DELETE' ? (named ? 'delete' : 'deletecollection') : method;
  return { verb, group, resource, namespace };
}

const schedule = (argv: string[]) => runCommand(() => import('../../src/commands/schedule.js'), argv, root);
const runSched = (argv: string[]) => runCommand(() => import('../../src/commands/run-scheduled.js'), argv, root);

describe('rel schedule: CronJob, RBAC and ConfigMap on the sandbox', () => {
  let c: TestCluster;
  let dir: string;
  const logs: string[] = [];
  const log = (l: string) => logs.push(l);
  beforeAll(async () => {
    c = await testCluster();
    dir = mkdtempSync(join(tmpdir(), 'rel-sched-e2e-'));
    cpSync(join(root, 'test/e2e/fixtures/web'), join(dir, 'charts/web'), { recursive: true });
    mkdirSync(join(dir, 'values/web'), { recursive: true });
    writeFileSync(join(dir, 'values/web/prod.yaml'), 'replicaCount: 1\n');
    writeFileSync(join(dir, 'rel.yaml'), relYaml(MONTH_END));
    await c.kubectl('create', 'namespace', NS);
  }, 60_000);
  afterAll(async () => c?.stop());
  afterEach(() => {
    setClock(undefined);
    delete process.env.REL_NOW;
  });

  const file = () => join(dir, 'rel.yaml');
  /** The scheduled-run ConfigMap as the pod sees it: read back from the cluster and written as files. */
  const mountConfigMap = async (): Promise<string> => {
    const cm = JSON.parse(await c.kubectl('get', 'configmap', 'rel-shop-prod', '-n', NS, '-o', 'json'));
    const mount = mkdtempSync(join(tmpdir(), 'rel-sched-mount-'));
    writeConfigMapFiles(cm, mount);
    return mount;
  };

  it('`rel schedule -o yaml` output passes kubectl apply --dry-run=server and kubectl apply; objects read back', async () => {
    const r = await schedule(['shop', '--env', 'prod', '--file', file(), '--image', 'registry.test/rel:0.1.0']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'ServiceAccount/rel-shop-prod',
      'Role/rel-shop-prod',
      'RoleBinding/rel-shop-prod',
      'ConfigMap/rel-shop-prod',
      'CronJob/rel-shop-prod-biweekly',
      'CronJob/rel-shop-prod-month-end',
    ]);
    const out = join(dir, 'schedule.yaml');
    writeFileSync(out, r.stdout);
    const dry = await c.kubectl('apply', '--dry-run=server', '--validate=strict', '-f', out);
    expect(dry).toMatch(/cronjob.batch\/rel-shop-prod-biweekly created \(server dry run\)/);
    await expect(c.kubectl('get', 'cronjob', 'rel-shop-prod-biweekly', '-n', NS)).rejects.toThrow(/not found/i);
    const applied = await c.kubectl('apply', '--validate=strict', '-f', out);
    expect(applied.trim().split('\n')).toHaveLength(6);

    const cjs = JSON.parse(await c.kubectl('get', 'cronjobs', '-n', NS, '-l', 'app.kubernetes.io/managed-by=rel,rel.dev/release=shop', '-o', 'json')).items;
    expect(cjs.map((x: any) => [x.metadata.name, x.spec.schedule, x.spec.timeZone, x.spec.concurrencyPolicy, x.spec.successfulJobsHistoryLimit, x.spec.failedJobsHistoryLimit])).toEqual([
      ['rel-shop-prod-biweekly', '0 2 * * 2', 'Europe/Berlin', 'Forbid', 3, 3],
      ['rel-shop-prod-month-end', '30 22 28-31 * *', 'Asia/Shanghai', 'Forbid', 3, 3],
    ]);
    const pod = cjs[0].spec.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toBe('rel-shop-prod');
    expect(pod.containers[0].args).toEqual(['run-scheduled', 'shop', '--env', 'prod', '--from', '/etc/rel']);
    const role = JSON.parse(await c.kubectl('get', 'role', 'rel-shop-prod', '-n', NS, '-o', 'json'));
    expect(role.rules).toEqual(docs[1].rules);
    expect(role.rules.flatMap((x: any) => x.resources).sort()).toEqual(['configmaps', 'deployments', 'ingresses', 'secrets', 'services']);
    const rb = JSON.parse(await c.kubectl('get', 'rolebinding', 'rel-shop-prod', '-n', NS, '-o', 'json'));
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'rel-shop-prod', namespace: NS }]);
    const cm = JSON.parse(await c.kubectl('get', 'configmap', 'rel-shop-prod', '-n', NS, '-o', 'json'));
    expect(cm.binaryData['bundle.tgz']).toBe(docs[3].binaryData['bundle.tgz']);
    expect(cm.data['rel.yaml']).toBe(relYaml(MONTH_END));

    // The validation is real: a misspelt field and a bad enum value are refused.
    const bad = r.stdout.replace('concurrencyPolicy: Forbid', 'concurrencyPolicy: Sometimes');
    writeFileSync(out, bad);
    await expect(c.kubectl('apply', '--dry-run=server', '-f', out)).rejects.toThrow(/concurrencyPolicy|Unsupported value/);
    writeFileSync(out, r.stdout.replace('startingDeadlineSeconds:', 'startingDeadlineSecs:'));
    await expect(c.kubectl('apply', '--dry-run=server', '--validate=strict', '-f', out)).rejects.toThrow(/startingDeadlineSecs/);
  });

  it('--apply (server-side apply) prunes the CronJob of a removed window; --list shows them', async () => {
    writeFileSync(file(), relYaml());
    const r = await schedule(['shop', '--env', 'prod', '--file', file(), '--apply', '--kubeconfig', c.kubeconfig, '--image', 'registry.test/rel:0.1.0']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/scheduled shop in prod: rel-shop-prod-biweekly \(0 2 \* \* 2 Europe\/Berlin\) in namespace sched \(5 objects applied, 1 removed\)/);
    const list = await schedule(['--list', '-n', NS, '--kubeconfig', c.kubeconfig]);
    expect(list.exitCode, list.stderr).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+RELEASE\s+ENV\s+WINDOW\s+SCHEDULE\s+TIME ZONE/);
    expect(list.stdout).toMatch(/sched\s+rel-shop-prod-biweekly\s+shop\s+prod\s+biweekly\s+0 2 \* \* 2\s+Europe\/Berlin/);
    expect(list.stdout).not.toMatch(/month-end/);
    const cjs = JSON.parse(await c.kubectl('get', 'cronjobs', '-n', NS, '-o', 'json', '--show-managed-fields')).items;
    expect(cjs.map((x: any) => x.metadata.name)).toEqual(['rel-shop-prod-biweekly']);
    expect(cjs[0].metadata.managedFields.map((m: any) => m.manager)).toContain('rel');
  });

  it('run-scheduled: deploys inside the window when something is new, does nothing when nothing changed, exits 4 outside', async () => {
    let mount = await mountConfigMap();
    // Tuesday 2026-03-03 02:30 Berlin: 8 weeks after the anchor, inside the biweekly window.
    setClock(new ShiftedClock('2026-03-03T02:30:00+01:00'));
    const first = await runScheduled({ release: 'shop', env: 'prod', from: mount, kubeconfig: c.kubeconfig, log });
    expect(first.action).toBe('deployed');
    expect(first.reason).toMatch(/no deployed revision/);
    expect(first.deployed!.release.version).toBe(1);

    const again = await runScheduled({ release: 'shop', env: 'prod', from: mount, kubeconfig: c.kubeconfig, log });
    expect(again.action).toBe('unchanged');
    expect(again.reason).toMatch(/nothing new to deploy: revision 1 of shop in sched/);
    let hist = JSON.parse(await c.helm('history', 'shop', '-n', NS, '-o', 'json'));
    expect(hist).toHaveLength(1);

    // A new image tag in the environment values: schedule again (the ConfigMap changes), the next run deploys it.
    writeFileSync(join(dir, 'values/web/prod.yaml'), 'replicaCount: 1\nimage:\n  tag: "2.0"\n');
    const ap = await schedule(['shop', '--env', 'prod', '--file', file(), '--apply', '--kubeconfig', c.kubeconfig]);
    expect(ap.exitCode, ap.stderr).toBe(0);
    mount = await mountConfigMap();
    const second = await runScheduled({ release: 'shop', env: 'prod', from: mount, kubeconfig: c.kubeconfig, log });
    expect(second.action).toBe('deployed');
    expect(second.reason).toMatch(/the rendered manifest differs, the values differ/);
    expect(second.deployed!.release.version).toBe(2);
    const dep = JSON.parse(await c.kubectl('get', 'deployment', 'shop-web', '-n', NS, '-o', 'json'));
    expect(dep.spec.template.spec.containers[0].image).toBe('example/web:2.0');
    hist = JSON.parse(await c.helm('history', 'shop', '-n', NS, '-o', 'json'));
    expect(hist.map((h: any) => h.status)).toEqual(['superseded', 'deployed']);

    // Tuesday 2026-03-10, the odd week of "every: 2w": the weekly CronJob runs, run-scheduled refuses (exit 4).
    setClock(new ShiftedClock('2026-03-10T02:30:00+01:00'));
    const err = await runScheduled({ release: 'shop', env: 'prod', from: mount, kubeconfig: c.kubeconfig, log }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(4);
    expect((err as Error).message).toMatch(/scheduled run skipped: refusing to deploy to prod: outside its maintenance window/);
    expect((err as Error).message).toMatch(/2026-03-17/); // the next opening
    expect(JSON.parse(await c.helm('history', 'shop', '-n', NS, '-o', 'json'))).toHaveLength(2);
  });

  it('the command: REL_NOW outside the window exits 4; a run started a second early waits for the window', async () => {
    const mount = await mountConfigMap();
    process.env.REL_NOW = '2026-03-03T05:00:00+01:00';
    const out = await runSched(['shop', '--env', 'prod', '--from', mount, '--kubeconfig', c.kubeconfig]);
    expect(out.exitCode).toBe(4);
    expect(out.stderr).toMatch(/outside its maintenance window/);
    process.env.REL_NOW = '2026-03-17T01:59:59+01:00';
    const started = Date.now();
    const ok = await runSched(['shop', '--env', 'prod', '--from', mount, '--kubeconfig', c.kubeconfig]);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/the window opens at 2026-03-17T01:00:00.000Z: waiting for it/);
    expect(ok.stdout).toMatch(/nothing new to deploy: revision 2/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(getClock().now().getTime()).toBeGreaterThanOrEqual(Date.parse('2026-03-17T01:00:00Z'));
  });

  it('every API request of scheduled runs (install, then a canary) is allowed by the Role rel schedule made', async () => {
    const ns = `${NS}-canary`;
    await c.kubectl('create', 'namespace', ns);
    const ap = await schedule(['shop', '--env', 'canary', '--file', file(), '--apply', '--kubeconfig', c.kubeconfig]);
    expect(ap.exitCode, ap.stderr).toBe(0);
    const rules = JSON.parse(await c.kubectl('get', 'role', 'rel-shop-canary', '-n', ns, '-o', 'json')).rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
    const mount = async () => {
      const cm = JSON.parse(await c.kubectl('get', 'configmap', 'rel-shop-canary', '-n', ns, '-o', 'json'));
      const m = mkdtempSync(join(tmpdir(), 'rel-sched-mount-'));
      writeConfigMapFiles(cm, m);
      return m;
    };
    const proxy = await recordingProxy(c.sandbox.url);
    try {
      const kc = join(mkdtempSync(join(tmpdir(), 'rel-sched-kc-')), 'kubeconfig');
      writeKubeconfig(kc, proxy.url);
      setClock(new ShiftedClock('2026-03-03T02:10:00Z'));
      const first = await runScheduled({ release: 'shop', env: 'canary', from: await mount(), kubeconfig: kc, log });
      expect(first.deployed?.release.version).toBe(1);
      writeFileSync(join(dir, 'values/web/canary.yaml'), 'image:\n  tag: "3.0"\n');
      expect((await schedule(['shop', '--env', 'canary', '--file', file(), '--apply', '--kubeconfig', c.kubeconfig])).exitCode).toBe(0);
      const second = await runScheduled({ release: 'shop', env: 'canary', from: await mount(), kubeconfig: kc, log });
      expect(second.deployed?.strategy).toBe('canary');
      expect(second.deployed?.release.version).toBe(2);
      expect(logs.some((l) => /step 1\/2: canary at 50%/.test(l))).toBe(true);
    } finally {
      await proxy.close();
    }
    const attrs = proxy.requests.map((r) => rbacOf(r.method, r.url)).filter((a) => a !== undefined);
    const used = [...new Set(attrs.map((a) => `${a.verb} ${a.group || 'core'}/${a.resource}${a.namespace ? ` in ${a.namespace}` : ' (cluster)'}`))].sort();
    console.log(`API requests of the scheduled runs:\n  ${used.join('\n  ')}`);
    expect(attrs.length).toBeGreaterThan(20);
    const denied = attrs.filter((a) => a.namespace !== ns || !rules.some((r) => r.apiGroups.includes(a.group) && r.resources.includes(a.resource) && r.verbs.includes(a.verb)));
    expect(denied.map((a) => `${a.verb} ${a.group}/${a.resource} ${a.namespace ?? '(cluster)'}`)).toEqual([]);
    // The canary really needed its extras: updates or patches of Deployments, the rollout state ConfigMap.
    expect(used).toContain(`patch apps/deployments in ${ns}`);
    expect(used).toContain(`patch core/configmaps in ${ns}`);
  });

  it('--delete removes the CronJobs, ConfigMap and RBAC objects, and nothing else', async () => {
    const r = await schedule(['shop', '--env', 'prod', '--file', file(), '--delete', '--kubeconfig', c.kubeconfig]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/deleted 5 object\(s\)/);
    for (const kind of ['cronjobs', 'roles', 'rolebindings', 'serviceaccounts', 'configmaps']) {
      const items = JSON.parse(await c.kubectl('get', kind, '-n', NS, '-l', 'app.kubernetes.io/managed-by=rel', '-o', 'json')).items;
      expect(items, kind).toEqual([]);
    }
    // The release itself stays.
    expect(JSON.parse(await c.kubectl('get', 'deployment', 'shop-web', '-n', NS, '-o', 'json')).metadata.name).toBe('shop-web');
  });
});
