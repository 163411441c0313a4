import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/cli/errors.js';
import { runDeploy } from '../../../src/actions/deploy.js';
import { validateBuiltin } from '../../../src/lint/kube.js';
import { type Sandbox, startSandbox, writeKubeconfig } from '../../../src/sandbox/index.js';
import { packFiles, unpackFiles, writeConfigMapFiles } from '../../../src/schedule/bundle.js';
import {
  type DetachSpec,
  buildDetachObjects,
  detachDeadlineSeconds,
  detachJobName,
  detachSelector,
  ownedByJob,
} from '../../../src/schedule/detach.js';
import { runDetached } from '../../../src/schedule/detached-run.js';
import { writeInClusterKubeconfig } from '../../../src/schedule/incluster.js';
import { LookupOutsideNamespaceError, rulesForKinds } from '../../../src/schedule/rbac.js';

const web = resolve(import.meta.dirname, '../../e2e/fixtures/web');

const spec = (over: Partial<DetachSpec> = {}): DetachSpec => ({
  version: 1,
  release: 'shop',
  namespace: 'prod',
  revision: 4,
  job: 'rel-deploy-shop-r4-abcd',
  strategy: 'canary',
  args: { release: 'shop', chart: '_rel/0-web' },
  flags: { canary: 10, steps: '25,50,100' },
  staleMs: 45_000,
  startedBy: 'alice',
  ...over,
});

describe('detach objects', () => {
  it('a suspended Job with resume-safe retries, its ServiceAccount, Role, RoleBinding and bundle Secret; all valid Kubernetes objects', async () => {
    const rules = await rulesForKinds([
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { apiVersion: 'v1', kind: 'Service' },
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
    ]);
    const { job, helpers } = buildDetachObjects({ spec: spec(), image: 'registry.example.com/rel:0.1.0', rules, tgz: Buffer.from('tgz'), activeDeadlineSeconds: 1200, env: { HELM_DRIVER: 'configmap' } });
    for (const o of [job, ...helpers]) expect(await validateBuiltin(o as never), `${o.kind}`).toEqual([]);
    expect(helpers.map((h) => h.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding', 'Secret']);
    for (const o of [job, ...helpers]) {
      expect(o.metadata).toMatchObject({ name: 'rel-deploy-shop-r4-abcd', namespace: 'prod' });
      expect(o.metadata!.labels).toEqual({ 'app.kubernetes.io/managed-by': 'rel', 'rel.dev/release': 'shop', 'app.kubernetes.io/component': 'detached-rollout', 'rel.dev/revision': '4' });
    }
    const js = job.spec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(js).toMatchObject({ suspend: true, backoffLimit: 2, activeDeadlineSeconds: 1200, ttlSecondsAfterFinished: 86400 });
    expect(js.podFailurePolicy.rules).toEqual([
      { action: 'FailJob', onExitCodes: { containerName: 'rel', operator: 'In', values: [1, 2, 3, 4] } },
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
    ]);
    const pod = js.template.spec;
    expect(pod).toMatchObject({ serviceAccountName: 'rel-deploy-shop-r4-abcd', restartPolicy: 'Never', securityContext: { runAsNonRoot: true } });
    expect(pod.containers[0]).toMatchObject({
      name: 'rel',
      image: 'registry.example.com/rel:0.1.0',
      args: ['run-detached', '--from', '/etc/rel'],
      env: [
        { name: 'HOME', value: '/tmp' },
        { name: 'TMPDIR', value: '/tmp' },
        { name: 'HELM_DRIVER', value: 'configmap' },
      ],
      volumeMounts: [
        { name: 'bundle', mountPath: '/etc/rel', readOnly: true },
        { name: 'scratch', mountPath: '/tmp' },
      ],
      terminationMessagePolicy: 'FallbackToLogsOnError',
    });
    // Hardened: read-only root filesystem (rel writes only to the scratch emptyDir), no privilege escalation.
    expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(pod.volumes).toEqual([
      { name: 'bundle', secret: { secretName: 'rel-deploy-shop-r4-abcd' } },
      { name: 'scratch', emptyDir: { sizeLimit: '256Mi' } },
    ]);
    expect(pod.containers[0].env.map((e: { name: string }) => e.name)).not.toContain('NODE_EXTRA_CA_CERTS');
    const secret = helpers[3]!;
    expect(secret.type).toBe('Opaque');
    const data = secret.data as Record<string, string>;
    expect(JSON.parse(Buffer.from(data['deploy.json']!, 'base64').toString())).toEqual(spec());
    expect(Buffer.from(data['bundle.tgz']!, 'base64').toString()).toBe('tgz');
    expect(helpers[2]).toMatchObject({ roleRef: { kind: 'Role', name: 'rel-deploy-shop-r4-abcd' }, subjects: [{ kind: 'ServiceAccount', name: 'rel-deploy-shop-r4-abcd', namespace: 'prod' }] });
    expect(helpers[1]!.rules).toEqual(rules);
    const owned = ownedByJob(helpers[0]!, { ...job, metadata: { ...job.metadata, uid: 'u-1' } });
    expect(owned.metadata!.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'Job', name: 'rel-deploy-shop-r4-abcd', uid: 'u-1', controller: false, blockOwnerDeletion: false }]);
    expect(await validateBuiltin(owned as never)).toEqual([]);
  });

  it('the Role grants get and list on the kinds a chart looks up in the release namespace; lookups elsewhere are refused', async () => {
    const kinds = [{ apiVersion: 'apps/v1', kind: 'Deployment' }];
    const refs = [
      { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'prod' },
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'prod' },
      { apiVersion: 'example.com/v1', kind: 'Widget', namespace: 'prod' },
    ];
    const rules = await rulesForKinds(kinds, undefined, { refs, namespace: 'prod' });
    const verbs = (g: string, r: string) => rules.find((x) => x.apiGroups.includes(g) && x.resources.includes(r))?.verbs;
    expect(verbs('apps', 'statefulsets')).toEqual(['get', 'list']);
    expect(verbs('', 'persistentvolumeclaims')).toEqual(['get', 'list']);
    expect(verbs('example.com', 'widgets')).toEqual(['get', 'list']);
    expect(verbs('apps', 'deployments')).toEqual(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']);
    // Without lookups, nothing more than before.
    expect((await rulesForKinds(kinds)).flatMap((r) => r.resources).sort()).toEqual(['configmaps', 'deployments', 'secrets']);
    for (const [ref, re] of [
      [{ apiVersion: 'v1', kind: 'Namespace', namespace: '' }, /lookup on cluster-scoped Namespace \(v1\), outside the release namespace prod/],
      [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system' }, /lookup on ConfigMap \(v1\) in namespace kube-system, outside/],
      [{ apiVersion: 'v1', kind: 'Secret', namespace: '' }, /lookup on Secret \(v1\) in all namespaces, outside/],
    ] as const) {
      const e = await rulesForKinds(kinds, undefined, { refs: [ref], namespace: 'prod' }).catch((x: Error) => x);
      expect(e).toBeInstanceOf(LookupOutsideNamespaceError);
      expect((e as Error).message).toMatch(re);
    }
  });

  it('job names: DNS labels of at most 52 characters, unique suffix, long release names hashed', () => {
    expect(detachJobName('shop', 3, 'beef')).toBe('rel-deploy-shop-r3-beef');
    const long = detachJobName('a-very-long-release-name-that-goes-on-and-on-and-on', 12, '0a0a');
    expect(long.length).toBeLessThanOrEqual(52);
    expect(long).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(long.endsWith('-0a0a')).toBe(true);
    expect(detachJobName('shop.prod', 1, 'ffff')).toBe('rel-deploy-shop-prod-r1-ffff');
    expect(detachSelector('shop')).toBe('app.kubernetes.io/managed-by=rel,app.kubernetes.io/component=detached-rollout,rel.dev/release=shop');
  });

  it('deadline: every step, readiness waits and 10 minutes; a manual gate adds a day', () => {
    // 4 steps × 60 s + (4+3) × 300 s + 600 s
    expect(detachDeadlineSeconds({ strategy: 'canary', steps: [10, 25, 50, 100], stepIntervalMs: 60_000, timeoutMs: 300_000 })).toBe(240 + 2100 + 600);
    expect(detachDeadlineSeconds({ strategy: 'canary', steps: [10, 100], stepIntervalMs: 60_000, timeoutMs: 300_000, manualGate: true })).toBe(120 + 1500 + 600 + 86_400);
    // blue-green: analysis + scale-down delay + 4 × timeout + 600 s
    expect(detachDeadlineSeconds({ strategy: 'blueGreen', steps: [100], stepIntervalMs: 60_000, timeoutMs: 300_000, scaleDownDelayMs: 120_000 })).toBe(60 + 120 + 1200 + 600);
  });
});

describe('packFiles', () => {
  it('packs files and folders under new names and unpacks them the same', async () => {
    const d = mkdtempSync(join(tmpdir(), 'rel-pack-unit-'));
    writeFileSync(join(d, 'v.yaml'), 'a: 1\n');
    const p = await packFiles([
      { from: web, to: '_rel/0-web' },
      { from: join(d, 'v.yaml'), to: '_rel/1-v.yaml' },
    ]);
    expect(p.files).toContain('_rel/0-web/Chart.yaml');
    expect(p.files).toContain('_rel/1-v.yaml');
    const again = await packFiles([
      { from: web, to: '_rel/0-web' },
      { from: join(d, 'v.yaml'), to: '_rel/1-v.yaml' },
    ]);
    expect(again.tgz.equals(p.tgz)).toBe(true); // same input, same bytes
    const tgz = join(d, 'b.tgz');
    writeFileSync(tgz, p.tgz);
    const u = await unpackFiles(tgz);
    expect(readFileSync(join(u.dir, '_rel/1-v.yaml'), 'utf8')).toBe('a: 1\n');
    expect(readFileSync(join(u.dir, '_rel/0-web/Chart.yaml'), 'utf8')).toBe(readFileSync(join(web, 'Chart.yaml'), 'utf8'));
    u.cleanup();
  });

  it('refuses past 1 MiB, naming the largest files and the Secret', async () => {
    const d = mkdtempSync(join(tmpdir(), 'rel-pack-unit-'));
    const { randomBytes } = await import('node:crypto');
    writeFileSync(join(d, 'big.bin'), randomBytes(1100 * 1024));
    const e = await packFiles([{ from: join(d, 'big.bin'), to: 'big.bin' }], { what: 'the bundle for the detached rollout', holder: 'Secret' }).catch((x: Error) => x);
    expect((e as Error).message).toMatch(/^the bundle for the detached rollout is 1\.0\d MiB, over the 1 MiB a Kubernetes Secret can hold\. Largest files: big\.bin \(1\.07 MiB\)/);
  });
});

describe('in-cluster kubeconfig from the environment', () => {
  it('REL_SERVICEACCOUNT_PREFIX locates the token; REL_KUBERNETES_SERVICE_SCHEME=http makes a plain-HTTP server', () => {
    const root = mkdtempSync(join(tmpdir(), 'rel-sa-'));
    const sa = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), 't');
    writeFileSync(join(sa, 'ca.crt'), '');
    writeFileSync(join(sa, 'namespace'), 'prod');
    const keep = { ...process.env };
    try {
      Object.assign(process.env, { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '6443', REL_SERVICEACCOUNT_PREFIX: root, REL_KUBERNETES_SERVICE_SCHEME: 'http' });
      const k = writeInClusterKubeconfig(mkdtempSync(join(tmpdir(), 'rel-kc-')));
      expect(k.namespace).toBe('prod');
      const text = readFileSync(k.file, 'utf8');
      expect(text).toContain('http://127.0.0.1:6443');
      expect(text).toContain(join(sa, 'token'));
      delete process.env.REL_KUBERNETES_SERVICE_SCHEME;
      expect(readFileSync(writeInClusterKubeconfig(mkdtempSync(join(tmpdir(), 'rel-kc-'))).file, 'utf8')).toContain('https://127.0.0.1:6443');
    } finally {
      for (const k of ['KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT', 'REL_SERVICEACCOUNT_PREFIX', 'REL_KUBERNETES_SERVICE_SCHEME']) {
        if (keep[k] === undefined) delete process.env[k];
        else process.env[k] = keep[k];
      }
    }
  });
});

describe('rel deploy --detach (on the sandbox, no Job run)', () => {
  let sb: Sandbox;
  let kubeconfig: string;
  beforeAll(async () => {
    sb = await startSandbox({ port: 0, podStartMs: 20 });
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'rel-detach-unit-')), 'kubeconfig');
    writeKubeconfig(kubeconfig, sb.url);
  });
  afterAll(async () => sb?.stop());
  const noLog = () => {};

  it('usage errors (exit 2) before touching the cluster: rolling deploys, --wait-for-window, --resume', async () => {
    const flags = { kubeconfig: '/nonexistent', namespace: 'x', detach: true };
    for (const [extra, re] of [
      [{}, /plain rolling update/],
      [{ canary: 10, 'wait-for-window': true }, /--wait-for-window/],
      [{ 'blue-green': true, resume: true }, /--resume continues one from here/],
    ] as const) {
      const e = await runDeploy({ release: 'a', chart: web }, { ...flags, ...extra }, noLog).catch((x: Error) => x);
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).exitCode).toBe(2);
      expect((e as Error).message).toMatch(re);
    }
  });

  it('--dry-run builds the objects from the local render without creating anything; files outside rel.yaml travel under _rel/', async () => {
    const ns = 'dry';
    await runDeploy({ release: 'shop', chart: web }, { kubeconfig, namespace: ns, 'create-namespace': true, set: ['ingress.host=a.test'] }, noLog);
    const d = mkdtempSync(join(tmpdir(), 'rel-detach-files-'));
    writeFileSync(join(d, 'extra.yaml'), 'message: extra\n');
    writeFileSync(join(d, 'msg.txt'), 'from a file');
    const r = await runDeploy(
      { release: 'shop', chart: web },
      { kubeconfig, namespace: ns, canary: 20, steps: '100', values: [join(d, 'extra.yaml')], 'set-file': [`note=${join(d, 'msg.txt')}`], set: ['ingress.host=a.test', 'image.tag=2'], 'min-requests': 5, detach: true, 'detach-image': 'img:1', 'dry-run': 'client' },
      noLog,
    );
    const det = r.detached!;
    expect(det).toMatchObject({ dryRun: true, revision: 2, namespace: ns, image: 'img:1', strategy: 'canary' });
    expect(det.objects.map((o) => o.kind)).toEqual(['Job', 'ServiceAccount', 'Role', 'RoleBinding', 'Secret']);
    const c = sb.cluster;
    expect(c.store.list('batch/jobs', ns).items).toHaveLength(0);
    expect((c.store.list('/secrets', ns).items as { metadata: { name: string } }[]).filter((s) => s.metadata.name.startsWith('rel-deploy'))).toHaveLength(0);
    // The Role covers what the chart renders (ConfigMap, Service, Deployment, Ingress) and the records.
    const role = det.objects.find((o) => o.kind === 'Role')!;
    expect((role.rules as { resources: string[] }[]).flatMap((x) => x.resources).sort()).toEqual(['configmaps', 'deployments', 'ingresses', 'secrets', 'services']);
    // The Secret's bundle: the chart and both files, the spec with the rewritten paths.
    const mount = mkdtempSync(join(tmpdir(), 'rel-detach-mount-'));
    const secret = det.objects.find((o) => o.kind === 'Secret')!;
    writeConfigMapFiles({ binaryData: secret.data as Record<string, string> }, mount);
    const s = JSON.parse(readFileSync(join(mount, 'deploy.json'), 'utf8')) as DetachSpec;
    expect(s).toMatchObject({ release: 'shop', namespace: ns, revision: 2, strategy: 'canary', args: { release: 'shop', chart: '_rel/0-web' } });
    expect(s.flags).toMatchObject({ canary: 20, steps: '100', values: ['_rel/1-extra.yaml'], 'set-file': ['note=_rel/2-msg.txt'], set: ['ingress.host=a.test', 'image.tag=2'] });
    expect(s.flags).toMatchObject({ 'min-requests': 5 }); // every strategy/analysis flag travels, including ones added later
    for (const local of ['detach', 'detach-image', 'namespace']) expect(s.flags).not.toHaveProperty(local);
    expect(s.flags).not.toHaveProperty('kubeconfig');
    expect(s.flags).not.toHaveProperty('dry-run');
    const u = await unpackFiles(join(mount, 'bundle.tgz'));
    expect(readdirSync(join(u.dir, '_rel')).sort()).toEqual(['0-web', '1-extra.yaml', '2-msg.txt']);
    u.cleanup();
  });

  it('--dry-run=server also sends the Job, RBAC and Secret to the API server as a dry run; nothing is created', async () => {
    const ns = 'dry';
    const seen: string[] = [];
    sb.addRoute((req) => {
      if (req.method === 'POST' && req.url?.includes('dryRun=All')) seen.push(req.url.replace(/\?.*/, ''));
      return false;
    });
    const r = await runDeploy({ release: 'shop', chart: web }, { kubeconfig, namespace: ns, canary: 20, set: ['ingress.host=a.test', 'image.tag=3'], detach: true, 'dry-run': 'server' }, noLog);
    expect(r.detached?.dryRun).toBe(true);
    const name = r.detached!.job;
    expect(seen).toEqual([
      `/apis/batch/v1/namespaces/${ns}/jobs`,
      `/api/v1/namespaces/${ns}/serviceaccounts`,
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`,
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`,
      `/api/v1/namespaces/${ns}/secrets`,
    ]);
    expect(sb.cluster.store.getRaw('batch/jobs', ns, name)).toBeUndefined();
    expect(sb.cluster.store.getRaw('/secrets', ns, name)).toBeUndefined();
  });

  it('a rel.yaml project: rel.yaml, the chart and the environment values travel at their places', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rel-detach-proj-'));
    cpSync(web, join(dir, 'charts/web'), { recursive: true });
    mkdirSync(join(dir, 'values/web'), { recursive: true });
    writeFileSync(join(dir, 'values/web/p.yaml'), 'message: from-p\n');
    writeFileSync(join(dir, 'rel.yaml'), 'apiVersion: rel.dev/v1\nenvironments:\n  p:\n    namespace: proj\n    createNamespace: true\n    strategy: { type: blueGreen }\n    analysis: { prometheus: { url: "http://prom:9090", bearerTokenEnv: REL_UNIT_PROM_TOKEN } }\nreleases:\n  - name: site\n    chart: ./charts/web\n');
    process.env.REL_UNIT_PROM_TOKEN = 's3cret';
    const r = await runDeploy({}, { kubeconfig, env: 'p', cwd: dir, detach: true, 'dry-run': 'client', 'detach-image': 'img:1' }, noLog).finally(() => delete process.env.REL_UNIT_PROM_TOKEN);
    const det = r.detached!;
    // The bearer token travels in the Secret and reaches the container by secretKeyRef, never in the Job's spec.
    const jobObj = det.objects.find((o) => o.kind === 'Job')!;
    expect(JSON.stringify(jobObj)).not.toContain('s3cret');
    expect((jobObj.spec as Record<string, any>).template.spec.containers[0].env).toContainEqual({ name: 'REL_UNIT_PROM_TOKEN', valueFrom: { secretKeyRef: { name: det.job, key: 'env.REL_UNIT_PROM_TOKEN' } } }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(Buffer.from((det.objects.find((o) => o.kind === 'Secret')!.data as Record<string, string>)['env.REL_UNIT_PROM_TOKEN']!, 'base64').toString()).toBe('s3cret');
    for (const o of det.objects) expect(await validateBuiltin(o as never), o.kind).toEqual([]);
    expect(det).toMatchObject({ strategy: 'blueGreen', revision: 1, namespace: 'proj' });
    const mount = mkdtempSync(join(tmpdir(), 'rel-detach-mount-'));
    writeConfigMapFiles({ binaryData: det.objects.find((o) => o.kind === 'Secret')!.data as Record<string, string> }, mount);
    const s = JSON.parse(readFileSync(join(mount, 'deploy.json'), 'utf8')) as DetachSpec;
    expect(s.args).toEqual({ release: 'site' });
    expect(s.flags).toMatchObject({ env: 'p' });
    const u = await unpackFiles(join(mount, 'bundle.tgz'));
    expect(readFileSync(join(u.dir, 'rel.yaml'), 'utf8')).toContain('name: site');
    expect(readFileSync(join(u.dir, 'values/web/p.yaml'), 'utf8')).toBe('message: from-p\n');
    expect(readFileSync(join(u.dir, 'charts/web/Chart.yaml'), 'utf8')).toBe(readFileSync(join(web, 'Chart.yaml'), 'utf8'));
    u.cleanup();
  });

  it('analysis.prometheus.caFile: its contents travel in the Secret, NODE_EXTRA_CA_CERTS and the Job\'s setting point at the mounted copy; a missing file is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rel-detach-ca-'));
    cpSync(web, join(dir, 'charts/web'), { recursive: true });
    mkdirSync(join(dir, 'certs'));
    const pem = '-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n';
    writeFileSync(join(dir, 'certs/ca.pem'), pem);
    const relYaml = (ca: string) =>
      `apiVersion: rel.dev/v1\nenvironments:\n  p:\n    namespace: caproj\n    createNamespace: true\n    strategy: { type: canary, steps: [50, 100] }\n    analysis: { prometheus: { url: "https://prom.monitoring:9090", caFile: ${ca} } }\nreleases:\n  - name: site\n    chart: ./charts/web\n    values: []\n`;
    writeFileSync(join(dir, 'rel.yaml'), relYaml('certs/ca.pem'));
    const saved = process.env.NODE_EXTRA_CA_CERTS;
    process.env.NODE_EXTRA_CA_CERTS = 'certs/ca.pem'; // as rel wants it started where --detach runs
    const r = await runDeploy({}, { kubeconfig, env: 'p', cwd: dir, detach: true, 'dry-run': 'client', 'detach-image': 'img:1', set: ['ingress.host=ca.test'] }, noLog);
    const det = r.detached!;
    const secret = det.objects.find((o) => o.kind === 'Secret')!;
    expect(Buffer.from((secret.data as Record<string, string>)['file.prometheus-ca.crt']!, 'base64').toString()).toBe(pem);
    const c0 = (det.objects.find((o) => o.kind === 'Job')!.spec as Record<string, any>).template.spec.containers[0]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(c0.env).toContainEqual({ name: 'NODE_EXTRA_CA_CERTS', value: '/etc/rel/file.prometheus-ca.crt' });
    const s = JSON.parse(Buffer.from((secret.data as Record<string, string>)['deploy.json']!, 'base64').toString()) as DetachSpec;
    expect(s.files).toEqual({ prometheusCaFile: 'file.prometheus-ca.crt' });
    for (const o of det.objects) expect(await validateBuiltin(o as never), o.kind).toEqual([]);
    // A caFile that cannot be read here is refused before anything is built.
    writeFileSync(join(dir, 'rel.yaml'), relYaml('certs/missing.pem'));
    process.env.NODE_EXTRA_CA_CERTS = 'certs/missing.pem';
    const e = await runDeploy({}, { kubeconfig, env: 'p', cwd: dir, detach: true, 'dry-run': 'client', 'detach-image': 'img:1', set: ['ingress.host=ca.test'] }, noLog).catch((x: Error) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toMatch(/^analysis\.prometheus\.caFile names certs\/missing\.pem, which does not exist here/);
    // In the Job, the setting names the mounted copy (the provider insists that Node was started with it as NODE_EXTRA_CA_CERTS).
    writeFileSync(join(dir, 'rel.yaml'), relYaml('/somewhere/else/ca.pem'));
    const mount = mkdtempSync(join(tmpdir(), 'rel-detach-mount-'));
    const packed = await packFiles([
      { from: join(dir, 'rel.yaml'), to: 'rel.yaml' },
      { from: join(dir, 'charts/web'), to: 'charts/web' },
    ]);
    writeFileSync(join(mount, 'deploy.json'), JSON.stringify({ ...s, flags: { ...s.flags } }));
    writeFileSync(join(mount, 'bundle.tgz'), packed.tgz);
    writeFileSync(join(mount, 'file.prometheus-ca.crt'), pem);
    delete process.env.NODE_EXTRA_CA_CERTS;
    const inJob = await runDetached({ from: mount, kubeconfig }).catch((x: Error) => x).finally(() => {
      if (saved !== undefined) process.env.NODE_EXTRA_CA_CERTS = saved;
    });
    expect((inJob as Error).message).toContain(`start rel with NODE_EXTRA_CA_CERTS=${join(mount, 'file.prometheus-ca.crt')}`);
  });

  it('a chart using lookup: the local render records what it looked up; the Role grants exactly that; a lookup outside the namespace is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rel-detach-lookup-'));
    const chartDir = join(dir, 'lk');
    mkdirSync(join(chartDir, 'templates'), { recursive: true });
    writeFileSync(join(chartDir, 'Chart.yaml'), 'apiVersion: v2\nname: lk\nversion: 0.1.0\n');
    const tpl = (extra: string) =>
      `{{- $db := lookup "apps/v1" "StatefulSet" .Release.Namespace "db" }}\n{{- $claims := lookup "v1" "PersistentVolumeClaim" .Release.Namespace "" }}\n${extra}apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  annotations:\n    db: {{ ternary "yes" "no" (not (empty $db)) | quote }}\nspec:\n  selector: { matchLabels: { app: lk } }\n  template:\n    metadata: { labels: { app: lk } }\n    spec: { containers: [ { name: app, image: "example/lk:{{ .Values.tag }}" } ] }\n`;
    writeFileSync(join(chartDir, 'values.yaml'), 'tag: "1"\n');
    writeFileSync(join(chartDir, 'templates/deploy.yaml'), tpl(''));
    const ns = 'lookups';
    await runDeploy({ release: 'lk', chart: chartDir }, { kubeconfig, namespace: ns, 'create-namespace': true }, noLog);
    const r = await runDeploy({ release: 'lk', chart: chartDir }, { kubeconfig, namespace: ns, canary: 50, set: ['tag=2'], detach: true, 'dry-run': 'client', 'detach-image': 'img:1' }, noLog);
    const role = r.detached!.objects.find((o) => o.kind === 'Role')!;
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'create', 'update', 'patch', 'delete'] },
      { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'create', 'update', 'delete'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
      { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'list'] },
    ]);
    writeFileSync(join(chartDir, 'templates/deploy.yaml'), tpl('{{- $ns := lookup "v1" "Namespace" "" .Release.Namespace }}\n'));
    const e = await runDeploy({ release: 'lk', chart: chartDir }, { kubeconfig, namespace: ns, canary: 50, set: ['tag=2'], detach: true, 'dry-run': 'client', 'detach-image': 'img:1' }, noLog).catch((x: Error) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toMatch(/^the chart uses lookup on cluster-scoped Namespace \(v1\), outside the release namespace lookups: the detached rollout's Job gets only a Role in lookups/);
    expect((e as UserError).options.hint).toMatch(/Deploy without --detach/);
  });

  it('creates the Job and its owned helpers; an image that does not run rel is reported (the Job completed, no revision)', async () => {
    const ns = 'notrel';
    await runDeploy({ release: 'nr', chart: web }, { kubeconfig, namespace: ns, 'create-namespace': true, set: ['ingress.host=n.test'] }, noLog);
    const e = await runDeploy({ release: 'nr', chart: web }, { kubeconfig, namespace: ns, canary: 10, set: ['ingress.host=n.test', 'image.tag=2'], detach: true, 'detach-image': 'busybox:1' }, noLog).catch((x: Error) => x);
    expect((e as Error).message).toMatch(/^the detached rollout's Job rel-deploy-nr-r2-[0-9a-f]{4} completed without recording revision 2 of nr: its image \(busybox:1\) does not seem to run rel$/);
    const job = sb.cluster.store.list('batch/jobs', ns).items[0]!;
    expect((job.spec as { suspend?: boolean }).suspend).toBe(false);
    for (const res of ['/serviceaccounts', 'rbac.authorization.k8s.io/roles', 'rbac.authorization.k8s.io/rolebindings', '/secrets']) {
      const o = sb.cluster.store.getRaw(res, ns, job.metadata.name!);
      expect(o?.metadata.ownerReferences?.[0]?.uid, res).toBe(job.metadata.uid);
    }
  });

  it('refuses while the release is pending or another detached rollout runs', async () => {
    const ns = 'busy';
    await runDeploy({ release: 'b', chart: web }, { kubeconfig, namespace: ns, 'create-namespace': true, set: ['ingress.host=b.test'] }, noLog);
    await sb.cluster.create(sb.cluster.kind('batch/v1', 'Job'), ns, {
      metadata: { name: 'rel-deploy-b-r2-0000', labels: { 'app.kubernetes.io/managed-by': 'rel', 'app.kubernetes.io/component': 'detached-rollout', 'rel.dev/release': 'b' } },
      spec: { suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'rel', image: 'img:1' }] } } },
    });
    const e = await runDeploy({ release: 'b', chart: web }, { kubeconfig, namespace: ns, canary: 10, set: ['ingress.host=b.test', 'image.tag=2'], detach: true }, noLog).catch((x: Error) => x);
    expect((e as Error).message).toMatch(/a detached rollout of b is still running: Job rel-deploy-b-r2-0000/);
  });

  it('run-detached is resume-safe: a revision already made by this Job is not deployed again; one made by someone else stops it', async () => {
    const ns = 'again';
    const job = 'rel-deploy-r-r2-1111';
    await runDeploy({ release: 'r', chart: web }, { kubeconfig, namespace: ns, 'create-namespace': true, set: ['ingress.host=r.test'] }, noLog);
    // Revision 2 made (and finished) by an earlier pod of the same Job.
    await runDeploy({ release: 'r', chart: web }, { kubeconfig, namespace: ns, set: ['ingress.host=r.test', 'image.tag=2'], trigger: { via: `job/${job}` } }, noLog);
    const mount = mkdtempSync(join(tmpdir(), 'rel-detach-mount-'));
    const packed = await packFiles([{ from: web, to: '_rel/0-web' }]);
    const s = spec({ release: 'r', namespace: ns, revision: 2, job, args: { release: 'r', chart: '_rel/0-web' }, flags: { canary: 10, set: ['ingress.host=r.test', 'image.tag=2'] } });
    writeFileSync(join(mount, 'deploy.json'), JSON.stringify(s));
    writeFileSync(join(mount, 'bundle.tgz'), packed.tgz);
    const r = await runDetached({ from: mount, kubeconfig });
    expect(r.action).toBe('already-deployed');
    expect(r.message).toMatch(/revision 2 of r was already deployed by an earlier pod of Job rel-deploy-r-r2-1111/);
    // Another Job's spec for the same revision: someone else made it.
    writeFileSync(join(mount, 'deploy.json'), JSON.stringify({ ...s, job: 'rel-deploy-r-r2-2222' }));
    const e = await runDetached({ from: mount, kubeconfig }).catch((x: Error) => x);
    expect((e as Error).message).toMatch(/revision 2 of r \(deployed\) was made by another operation after this rollout was handed to Job rel-deploy-r-r2-2222: nothing was deployed/);
    // A fresh revision 3 (plain deploy options); its render differs from the recorded sha: deployed, with a warning.
    const lines: string[] = [];
    writeFileSync(join(mount, 'deploy.json'), JSON.stringify({ ...s, revision: 3, job: 'rel-deploy-r-r3-3333', flags: { set: ['ingress.host=r.test', 'image.tag=3'] }, manifestSha256: 'not-this-one' }));
    const fresh = await runDetached({ from: mount, kubeconfig, log: (l) => lines.push(l) });
    expect(fresh).toMatchObject({ action: 'deployed', message: 'revision 3 deployed' });
    expect(fresh.deployed!.release.rel?.trigger).toMatchObject({ via: 'job/rel-deploy-r-r3-3333', by: 'alice' });
    expect(lines.filter((l) => /manifest rendered in the Job differs/.test(l))).toHaveLength(1);
  });
});
