import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/cli/errors.js';
import { planSchedule } from '../../../src/schedule/index.js';
import { CONFIGMAP_LIMIT, openBundle, writeConfigMapFiles } from '../../../src/schedule/bundle.js';
import { buildScheduleObjects, objectName } from '../../../src/schedule/objects.js';
import { releaseChanges } from '../../../src/schedule/run.js';
import { inCluster, writeInClusterKubeconfig } from '../../../src/schedule/incluster.js';
import { Kube } from '../../../src/kube/client.js';

const web = resolve(import.meta.dirname, '../../e2e/fixtures/web');

function project(relYaml: string, extra?: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'rel-sched-unit-'));
  cpSync(web, join(dir, 'charts/web'), { recursive: true });
  mkdirSync(join(dir, 'values/web'), { recursive: true });
  writeFileSync(join(dir, 'values/web/prod.yaml'), 'message: from-prod\n');
  writeFileSync(join(dir, 'rel.yaml'), relYaml);
  extra?.(dir);
  return dir;
}

const REL = `apiVersion: rel.dev/v1
defaults:
  windows:
    timeZone: Europe/Berlin
    allow:
      - { name: daily, schedule: "0 3 * * *", duration: 1h }
environments:
  prod:
    namespace: shop-prod
    windows:
      allow:
        - { name: biweekly, schedule: "0 2 * * 2", duration: 2h, timeZone: Asia/Shanghai, every: 2w, anchor: 2026-01-06 }
        - { name: month-end, schedule: "30 22 L * *", duration: 90m }
  staging:
    namespace: shop-staging
releases:
  - name: shop
    chart: ./charts/web
`;

type CJ = { metadata: { name: string; annotations: Record<string, string>; labels: Record<string, string> }; spec: Record<string, any> };

describe('planSchedule', () => {
  it('one CronJob per allow window of the environment, schedule and timeZone from the window spec', async () => {
    const dir = project(REL);
    const plan = await planSchedule({ env: 'prod', cwd: dir, image: 'registry.test/rel:1' });
    expect(plan.namespace).toBe('shop-prod');
    expect(plan.objects.map((o) => `${o.kind}/${o.metadata!.name}`)).toEqual([
      'ServiceAccount/rel-shop-prod',
      'Role/rel-shop-prod',
      'RoleBinding/rel-shop-prod',
      'ConfigMap/rel-shop-prod',
      'CronJob/rel-shop-prod-biweekly',
      'CronJob/rel-shop-prod-month-end',
    ]);
    const [bi, me] = plan.objects.filter((o) => o.kind === 'CronJob') as unknown as CJ[];
    expect(bi!.spec.schedule).toBe('0 2 * * 2');
    expect(bi!.spec.timeZone).toBe('Asia/Shanghai');
    expect(bi!.metadata.annotations['rel.dev/schedule-note']).toMatch(/every: 2w: .*skips the runs outside the window/);
    // month-end: the zone comes from windows.timeZone of the defaults layer; L is widened.
    expect(me!.spec.schedule).toBe('30 22 28-31 * *');
    expect(me!.spec.timeZone).toBe('Europe/Berlin');
    for (const cj of [bi!, me!]) {
      expect(cj.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'rel', 'rel.dev/release': 'shop', 'rel.dev/env': 'prod' });
      expect(cj.spec.concurrencyPolicy).toBe('Forbid');
      expect(cj.spec.successfulJobsHistoryLimit).toBe(3);
      expect(cj.spec.failedJobsHistoryLimit).toBe(3);
      expect(cj.spec.startingDeadlineSeconds).toBe(300);
      const pod = cj.spec.jobTemplate.spec.template.spec;
      expect(pod.serviceAccountName).toBe('rel-shop-prod');
      expect(pod.containers[0].image).toBe('registry.test/rel:1');
      expect(pod.containers[0].args).toEqual(['run-scheduled', 'shop', '--env', 'prod', '--from', '/etc/rel']);
      expect(pod.volumes[0].configMap.name).toBe('rel-shop-prod');
    }
    expect(me!.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(90 * 60 + 900);
    // staging inherits the daily window
    const st = await planSchedule({ env: 'staging', cwd: dir });
    const cj = st.objects.find((o) => o.kind === 'CronJob') as unknown as CJ;
    expect([cj.metadata.name, cj.spec.schedule, cj.spec.timeZone, st.namespace]).toEqual(['rel-shop-staging-daily', '0 3 * * *', 'Europe/Berlin', 'shop-staging']);
  });

  it('Role verbs follow the kinds the chart renders with the environment values (hooks included)', async () => {
    const dir = project(REL);
    const kinds = async () => (await planSchedule({ env: 'prod', cwd: dir })).objects.find((o) => o.kind === 'Role')!.rules as { resources: string[]; verbs: string[] }[];
    const before = (await kinds()).flatMap((r) => r.resources).sort();
    expect(before).toEqual(['configmaps', 'deployments', 'ingresses', 'secrets', 'services']);
    writeFileSync(join(dir, 'values/web/prod.yaml'), 'migration:\n  enabled: true\ningress:\n  enabled: false\n');
    const after = (await kinds()).flatMap((r) => r.resources).sort();
    expect(after).toEqual(['configmaps', 'deployments', 'jobs', 'secrets', 'services']);
  });

  it('the ConfigMap carries rel.yaml and a bundle that unpacks into a working project', async () => {
    const dir = project(REL);
    const plan = await planSchedule({ env: 'prod', cwd: dir });
    const cm = plan.objects.find((o) => o.kind === 'ConfigMap') as { data: Record<string, string>; binaryData: Record<string, string> };
    expect(cm.data['rel.yaml']).toBe(REL);
    const mount = mkdtempSync(join(tmpdir(), 'rel-sched-mount-'));
    writeConfigMapFiles(cm, mount);
    const b = await openBundle(mount);
    try {
      expect(readFileSync(join(b.dir, 'values/web/prod.yaml'), 'utf8')).toBe('message: from-prod\n');
      expect(readdirSync(join(b.dir, 'charts/web/templates')).sort()).toEqual(readdirSync(join(web, 'templates')).sort());
      expect(readFileSync(join(b.dir, 'rel.yaml'), 'utf8')).toBe(REL);
    } finally {
      b.cleanup();
    }
    // Same project → same bytes (no needless ConfigMap updates).
    const again = await planSchedule({ env: 'prod', cwd: dir });
    expect((again.objects.find((o) => o.kind === 'ConfigMap') as typeof cm).binaryData['bundle.tgz']).toBe(cm.binaryData['bundle.tgz']);
  });

  it('refuses a project over the 1 MiB ConfigMap limit, naming the largest file', async () => {
    const dir = project(REL, (d) => writeFileSync(join(d, 'charts/web/big.bin'), randomBytes(CONFIGMAP_LIMIT)));
    const err = await planSchedule({ env: 'prod', cwd: dir }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/over the 1 MiB a Kubernetes ConfigMap can hold\. Largest files: charts\/web\/big\.bin \(1\.00 MiB\)/);
    // Just under the limit is fine.
    const ok = project(REL, (d) => writeFileSync(join(d, 'charts/web/big.bin'), randomBytes(CONFIGMAP_LIMIT - 64 * 1024)));
    expect((await planSchedule({ env: 'prod', cwd: ok })).bundleBytes).toBeLessThanOrEqual(CONFIGMAP_LIMIT);
  });

  it('clear errors: no allow window, cluster-scoped kinds, chart outside the project', async () => {
    const noAllow = project(REL.replace(/defaults:[\s\S]*?environments:/, 'environments:'));
    await expect(planSchedule({ env: 'staging', cwd: noAllow })).rejects.toThrow(/environment "staging" has no allow window/);
    const cluster = project(REL, (d) => writeFileSync(join(d, 'charts/web/templates/cr.yaml'), 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: x\nrules: []\n'));
    await expect(planSchedule({ env: 'prod', cwd: cluster })).rejects.toThrow(/cluster-scoped ClusterRole/);
    const outside = project(REL.replace('./charts/web', web));
    await expect(planSchedule({ env: 'prod', cwd: outside })).rejects.toThrow(/is outside the project folder/);
    await expect(planSchedule({ env: 'nope', cwd: outside })).rejects.toThrow(/unknown environment "nope"/);
  });
});

describe('objects', () => {
  it('names are DNS labels within the CronJob limit of 52 characters and stay unique', () => {
    const n = objectName(['rel', 'a-very-long-release-name-for-the-shop', 'production-eu-west', 'Biweekly Window'], 52);
    expect(n.length).toBeLessThanOrEqual(52);
    expect(n).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(objectName(['rel', 'shop', 'prod', 'Nightly'], 52)).toBe('rel-shop-prod-nightly');
    const objs = buildScheduleObjects({
      release: 'shop',
      env: 'prod',
      namespace: 'p',
      windows: [
        { index: 0, schedule: '0 1 * * *', timeZone: 'UTC', durationMs: 3600_000 },
        { index: 1, schedule: '0 2 * * *', timeZone: 'UTC', durationMs: 600_000 },
      ],
      rules: [],
      bundle: { project: '', tgz: Buffer.alloc(0), files: [] },
      image: 'rel:x',
    });
    const cjs = objs.filter((o) => o.kind === 'CronJob') as unknown as CJ[];
    expect(cjs.map((c) => c.metadata.name)).toEqual(['rel-shop-prod-allow-0', 'rel-shop-prod-allow-1']);
    expect(cjs[1]!.spec.startingDeadlineSeconds).toBe(300);
  });
});

describe('releaseChanges', () => {
  const base = { manifest: 'm', config: { a: 1 }, chart: { metadata: { version: '1.0.0' } } as never, hooks: [] };
  it('nothing new when manifest, values, chart version and hooks match', () => {
    expect(releaseChanges(base, { ...base, config: { a: 1 } })).toEqual([]);
    expect(releaseChanges(base, { ...base, manifest: 'n' })).toEqual(['the rendered manifest differs']);
    expect(releaseChanges(base, { ...base, config: { a: 2 } })).toEqual(['the values differ']);
    expect(releaseChanges(base, { ...base, chart: { metadata: { version: '1.0.1' } } as never })[0]).toMatch(/chart version differs \(1\.0\.0 deployed, 1\.0\.1 now\)/);
    expect(releaseChanges(base, { ...base, hooks: [{ path: 'x', manifest: 'y' }] as never })).toEqual(['the hooks differ']);
  });
});

describe('in-cluster access', () => {
  const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
  afterEach(() => {
    if (saved.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
    else process.env.KUBERNETES_SERVICE_HOST = saved.host;
    if (saved.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
    else process.env.KUBERNETES_SERVICE_PORT = saved.port;
  });

  it('writes a kubeconfig for the service account that Kube.load reads (token file referenced, namespace kept)', () => {
    const prefix = mkdtempSync(join(tmpdir(), 'rel-sa-'));
    const sa = join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), 'tok');
    writeFileSync(join(sa, 'ca.crt'), '');
    writeFileSync(join(sa, 'namespace'), 'shop-prod');
    delete process.env.KUBERNETES_SERVICE_HOST;
    expect(inCluster()).toBe(false);
    expect(() => writeInClusterKubeconfig(prefix, prefix)).toThrow(/not running inside a Kubernetes pod/);
    process.env.KUBERNETES_SERVICE_HOST = '10.0.0.1';
    process.env.KUBERNETES_SERVICE_PORT = '443';
    const k = writeInClusterKubeconfig(prefix, prefix);
    expect(k.namespace).toBe('shop-prod');
    const kube = Kube.load({ kubeconfig: k.file, context: k.context });
    expect(kube.namespace).toBe('shop-prod');
    expect(kube.config.getCurrentCluster()?.server).toBe('https://10.0.0.1:443');
    expect(JSON.stringify(kube.config.getCurrentUser())).toContain(join(sa, 'token'));
  });
});
