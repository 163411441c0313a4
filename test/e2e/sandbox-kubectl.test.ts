// The real kubectl against the sandbox: apply, get, rollout status, wait, server-side apply,
// selectors, CRDs and custom resources, rejection of invalid manifests, delete.
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as YAML from 'yaml';
import { type Harness, startHarness } from './fixtures/sandbox-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const deployment = (image: string, replicas = 3, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  replicas: ${replicas}
  strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
${extra}
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{containerPort: 8080, name: http}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
`;

describe('kubectl against rel sandbox', () => {
  it('serves version and discovery', async () => {
    const v = await h.kubectl(['version', '-o', 'json']);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout).serverVersion.minor).toBe('33');
    const r = await h.kubectl(['api-resources', '-o', 'name']);
    expect(r.code).toBe(0);
    for (const name of ['deployments.apps', 'pods', 'ingresses.networking.k8s.io', 'customresourcedefinitions.apiextensions.k8s.io', 'horizontalpodautoscalers.autoscaling', 'poddisruptionbudgets.policy', 'roles.rbac.authorization.k8s.io', 'cronjobs.batch']) {
      expect(r.stdout.split('\n')).toContain(name);
    }
  });

  it('applies a Deployment and Service, rolls out, fills Endpoints', async () => {
    const a = await h.kubectl(['apply', '-f', '-'], deployment('nginx:1.27'));
    expect(a.stderr).toBe('');
    expect(a.stdout).toContain('deployment.apps/web created');
    const rs = await h.kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s']);
    expect(rs.code).toBe(0);
    expect(rs.stdout).toContain('successfully rolled out');
    const w = await h.kubectl(['wait', '--for=condition=Available', 'deployment/web', '--timeout=20s']);
    expect(w.code).toBe(0);
    const d = YAML.parse((await h.kubectl(['get', 'deployment', 'web', '-o', 'yaml'])).stdout);
    expect(d.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3, observedGeneration: 1 });
    expect(d.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    const pods = await h.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'json']);
    const items = JSON.parse(pods.stdout).items;
    expect(items).toHaveLength(3);
    expect(items.every((p: { status: { phase: string } }) => p.status.phase === 'Running')).toBe(true);
    // endpoints follow ready pods (service may be reconciled just after the rollout)
    let ips = 0;
    for (let i = 0; i < 20 && ips < 3; i++) {
      const ep = JSON.parse((await h.kubectl(['get', 'endpoints', 'web', '-o', 'json'])).stdout);
      ips = ep.subsets?.[0]?.addresses?.length ?? 0;
      if (ips < 3) await new Promise((r) => setTimeout(r, 200));
    }
    expect(ips).toBe(3);
    const logs = await h.kubectl(['logs', 'deployment/web']);
    expect(logs.stdout).toContain('rel sandbox: simulated container "web" (image nginx:1.27)');
    expect((await h.kubectl(['auth', 'can-i', 'create', 'deployments'])).stdout.trim()).toBe('yes');
    const table = await h.kubectl(['get', 'deployments']);
    expect(table.stdout).toMatch(/web\s+3\/3\s+3\s+3/);
  });

  it('rolls out a new image within maxSurge and keeps revision history', async () => {
    const a = await h.kubectl(['apply', '-f', '-'], deployment('nginx:1.28'));
    expect(a.stdout).toContain('deployment.apps/web configured');
    const rs = await h.kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s']);
    expect(rs.code).toBe(0);
    const sets = JSON.parse((await h.kubectl(['get', 'rs', '-l', 'app=web', '-o', 'json'])).stdout).items as { spec: { replicas: number }; metadata: { annotations: Record<string, string> } }[];
    expect(sets).toHaveLength(2);
    expect(sets.map((s) => s.spec.replicas).sort()).toEqual([0, 3]);
    const undo = await h.kubectl(['rollout', 'undo', 'deployment/web']);
    expect(undo.code).toBe(0);
    expect((await h.kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s'])).code).toBe(0);
    const img = await h.kubectl(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
    expect(img.stdout).toBe('nginx:1.27');
    // the rollback reuses the first ReplicaSet: still two ReplicaSets
    expect(JSON.parse((await h.kubectl(['get', 'rs', '-l', 'app=web', '-o', 'json'])).stdout).items).toHaveLength(2);
  });

  it('reports a rollout that cannot become ready (fault annotation)', async () => {
    const a = await h.kubectl(['apply', '-f', '-'], deployment('nginx:1.29', 2, '      annotations: {sandbox.rel.dev/fail: crash}').replace(/name: web/g, 'name: broken').replace(/app: web/g, 'app: broken'));
    expect(a.code).toBe(0);
    const rs = await h.kubectl(['rollout', 'status', 'deployment/broken', '--timeout=3s']);
    expect(rs.code).not.toBe(0);
    const pods = await h.kubectl(['get', 'pods', '-l', 'app=broken']);
    expect(pods.stdout).toContain('CrashLoopBackOff');
  });

  it('runs StatefulSets (with PVCs), DaemonSets, Jobs and LoadBalancer Services', async () => {
    const a = await h.kubectl(['apply', '-f', path.join(import.meta.dirname, 'fixtures/sandbox-workloads.yaml')]);
    expect(a.code).toBe(0);
    expect((await h.kubectl(['rollout', 'status', 'statefulset/db', '--timeout=30s'])).code).toBe(0);
    expect((await h.kubectl(['rollout', 'status', 'daemonset/agent', '--timeout=30s'])).code).toBe(0);
    expect((await h.kubectl(['wait', '--for=condition=Complete', 'job/once', '--timeout=30s'])).code).toBe(0);
    expect((await h.kubectl(['wait', '--for=condition=Failed', 'job/fails', '--timeout=30s'])).code).toBe(0);
    expect((await h.kubectl(['get', 'pods', '-l', 'app=db', '-o', 'name'])).stdout.trim().split('\n')).toEqual(['pod/db-0', 'pod/db-1', 'pod/db-2']);
    const pvcs = JSON.parse((await h.kubectl(['get', 'pvc', '-o', 'json'])).stdout).items;
    expect(pvcs.map((p: { metadata: { name: string }; status: { phase: string } }) => `${p.metadata.name}:${p.status.phase}`)).toEqual(['data-db-0:Bound', 'data-db-1:Bound', 'data-db-2:Bound']);
    const lb = JSON.parse((await h.kubectl(['get', 'svc', 'lb', '-o', 'json'])).stdout);
    expect(lb.status.loadBalancer.ingress[0].ip).toBe('127.0.0.1');
    // a template change rolls the StatefulSet from the highest ordinal
    expect((await h.kubectl(['patch', 'statefulset', 'db', '--type=merge', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"db","image":"postgres:17"}]}}}}'])).code).toBe(0);
    expect((await h.kubectl(['rollout', 'status', 'statefulset/db', '--timeout=30s'])).code).toBe(0);
    const imgs = (await h.kubectl(['get', 'pods', '-l', 'app=db', '-o', 'jsonpath={.items[*].spec.containers[0].image}'])).stdout;
    expect(imgs).toBe('postgres:17 postgres:17 postgres:17');
  });

  it('takes imperative kubectl create commands (protobuf bodies)', async () => {
    expect((await h.kubectl(['create', 'deployment', 'imp', '--image=nginx:1.27', '--replicas=2', '--port=80'])).stdout).toContain('deployment.apps/imp created');
    expect((await h.kubectl(['rollout', 'status', 'deployment/imp', '--timeout=30s'])).code).toBe(0);
    expect((await h.kubectl(['create', 'service', 'clusterip', 'imp', '--tcp=80:80'])).code).toBe(0);
    expect((await h.kubectl(['create', 'job', 'imp-job', '--image=busybox', '--', 'echo', 'hi'])).code).toBe(0);
    expect((await h.kubectl(['wait', '--for=condition=Complete', 'job/imp-job', '--timeout=30s'])).code).toBe(0);
    expect((await h.kubectl(['create', 'role', 'imp', '--verb=get', '--resource=pods'])).code).toBe(0);
    expect((await h.kubectl(['create', 'rolebinding', 'imp', '--role=imp', '--serviceaccount=default:default'])).code).toBe(0);
    const d = JSON.parse((await h.kubectl(['get', 'deployment', 'imp', '-o', 'json'])).stdout);
    expect(d.spec.template.spec.containers[0]).toMatchObject({ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }] });
    expect(d.status.readyReplicas).toBe(2);
  });

  it('server-side apply: field managers and conflicts', async () => {
    const cm = (v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {level: "${v}", color: blue}\n`;
    const a = await h.kubectl(['apply', '--server-side', '--field-manager=team-a', '-f', '-'], cm('1'));
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('serverside-applied');
    const c = await h.kubectl(['apply', '--server-side', '--field-manager=team-b', '-f', '-'], cm('2'));
    expect(c.code).not.toBe(0);
    expect(c.stderr).toContain('Apply failed with 1 conflict: conflict with "team-a" using v1: .data.level');
    const f = await h.kubectl(['apply', '--server-side', '--field-manager=team-b', '--force-conflicts', '-f', '-'], cm('2'));
    expect(f.code).toBe(0);
    const got = JSON.parse((await h.kubectl(['get', 'cm', 'settings', '-o', 'json', '--show-managed-fields'])).stdout);
    expect(got.data.level).toBe('2');
    const managers = got.metadata.managedFields.map((m: { manager: string }) => m.manager).sort();
    expect(managers).toEqual(['team-a', 'team-b']);
    // team-a stops applying `color`: it stays because team-b co-owns it
    const partial = await h.kubectl(['apply', '--server-side', '--field-manager=team-a', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {}\n');
    expect(partial.code).toBe(0);
    expect(JSON.parse((await h.kubectl(['get', 'cm', 'settings', '-o', 'json'])).stdout).data).toEqual({ level: '2', color: 'blue' });
  });

  it('selects by label and field', async () => {
    for (const [n, tier] of [['a', 'gold'], ['b', 'silver'], ['c', 'gold']]) {
      expect((await h.kubectl(['create', 'configmap', `sel-${n}`, '--from-literal=x=1'])).code).toBe(0);
      expect((await h.kubectl(['label', 'configmap', `sel-${n}`, `tier=${tier}`])).code).toBe(0);
    }
    expect((await h.kubectl(['get', 'cm', '-l', 'tier=gold', '-o', 'name'])).stdout.trim().split('\n')).toEqual(['configmap/sel-a', 'configmap/sel-c']);
    expect((await h.kubectl(['get', 'cm', '-l', 'tier in (silver)', '-o', 'name'])).stdout.trim()).toBe('configmap/sel-b');
    expect((await h.kubectl(['get', 'cm', '-l', 'tier,tier!=gold', '-o', 'name'])).stdout.trim()).toBe('configmap/sel-b');
    expect((await h.kubectl(['get', 'cm', '--field-selector', 'metadata.name=sel-c', '-o', 'name'])).stdout.trim()).toBe('configmap/sel-c');
    const paged = await h.kubectl(['get', 'cm', '-l', 'tier', '--chunk-size=1', '-o', 'name']);
    expect(paged.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('serves CRDs and their custom resources (with schema validation)', async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets, singular: widget, shortNames: [wg]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, minimum: 1}
`;
    expect((await h.kubectl(['apply', '-f', '-'], crd)).code).toBe(0);
    expect((await h.kubectl(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=10s'])).code).toBe(0);
    const ok = await h.kubectl(['apply', '-f', '-'], 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 2}\n');
    expect(ok.stdout).toContain('widget.example.com/w1 created');
    expect((await h.kubectl(['get', 'wg', '-o', 'name'])).stdout.trim()).toBe('widget.example.com/w1');
    const bad = await h.kubectl(['apply', '-f', '-'], 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w2}\nspec: {size: 0}\n');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('spec.size');
    const patched = await h.kubectl(['patch', 'widget', 'w1', '--type=merge', '-p', '{"spec":{"size":5}}']);
    expect(patched.code).toBe(0);
    const w = JSON.parse((await h.kubectl(['get', 'widget', 'w1', '-o', 'json'])).stdout);
    expect(w.spec.size).toBe(5);
    expect(w.metadata.generation).toBe(2);
    expect((await h.kubectl(['delete', 'crd', 'widgets.example.com'])).code).toBe(0);
    expect((await h.kubectl(['get', 'widgets'])).code).not.toBe(0);
  });

  it('rejects invalid manifests like a real API server', async () => {
    const badName = await h.kubectl(['apply', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n');
    expect(badName.code).not.toBe(0);
    expect(badName.stderr).toContain('metadata.name: Invalid value: "Bad_Name"');
    const badType = await h.kubectl(['apply', '-f', '-'], deployment('nginx').replace('replicas: 3', 'replicas: "three"').replace(/name: web/, 'name: typed'));
    expect(badType.code).not.toBe(0);
    expect(badType.stderr).toContain('spec.replicas');
    const mismatch = await h.kubectl(['apply', '-f', '-'], deployment('nginx').replace('matchLabels: {app: web}', 'matchLabels: {app: other}').replace(/name: web\n  labels/, 'name: mismatch\n  labels'));
    expect(mismatch.code).not.toBe(0);
    expect(mismatch.stderr).toContain('`selector` does not match template `labels`');
    const unknownKind = await h.kubectl(['apply', '-f', '-'], 'apiVersion: v1\nkind: Frobnicator\nmetadata: {name: x}\n');
    expect(unknownKind.code).not.toBe(0);
    expect(unknownKind.stderr).toContain('no matches for kind "Frobnicator" in version "v1"');
    const wrongVersion = await h.kubectl(['apply', '-f', '-'], 'apiVersion: apps/v9\nkind: Deployment\nmetadata: {name: x}\n');
    expect(wrongVersion.code).not.toBe(0);
    expect(wrongVersion.stderr).toContain('no matches for kind "Deployment" in version "apps/v9"');
    const typo = await h.kubectl(['apply', '-f', '-'], deployment('nginx').replace('replicas: 3', 'replica: 3').replace(/name: web\n  labels/, 'name: typo\n  labels'));
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toContain('strict decoding error: unknown field "spec.replica"');
    const warned = await h.kubectl(['apply', '--validate=warn', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: warned}\ncolour: blue\n');
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain('Warning: unknown field "colour"');
    expect(JSON.parse((await h.kubectl(['get', 'cm', 'warned', '-o', 'json'])).stdout).colour).toBeUndefined();
    const big = await h.kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'huge' }, data: { blob: 'x'.repeat(1_600_000) } }));
    expect(big.code).not.toBe(0);
    expect(big.stderr).toMatch(/too large/i);
  });

  it('deletes with cascade and namespaces with their contents', async () => {
    expect((await h.kubectl(['create', 'namespace', 'scratch'])).code).toBe(0);
    const dep = deployment('nginx', 2).replace(/name: web/g, 'name: api').replace(/app: web/g, 'app: api');
    expect((await h.kubectl(['-n', 'scratch', 'apply', '-f', '-'], dep)).code).toBe(0);
    expect((await h.kubectl(['-n', 'scratch', 'rollout', 'status', 'deployment/api', '--timeout=20s'])).code).toBe(0);
    const del = await h.kubectl(['-n', 'scratch', 'delete', 'deployment', 'api', '--wait=true']);
    expect(del.stdout).toContain('deployment.apps "api" deleted');
    for (let i = 0; i < 20; i++) {
      const left = (await h.kubectl(['-n', 'scratch', 'get', 'rs,pods', '-o', 'name'])).stdout.trim();
      if (!left) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await h.kubectl(['-n', 'scratch', 'get', 'rs,pods', '-o', 'name'])).stdout.trim()).toBe('');
    expect((await h.kubectl(['-n', 'scratch', 'create', 'configmap', 'keep', '--from-literal=a=b'])).code).toBe(0);
    const ns = await h.kubectl(['delete', 'namespace', 'scratch', '--timeout=20s']);
    expect(ns.code).toBe(0);
    expect((await h.kubectl(['get', 'namespace', 'scratch'])).stderr).toContain('namespaces "scratch" not found');
    const missing = await h.kubectl(['delete', 'configmap', 'nope']);
    expect(missing.stderr).toContain('configmaps "nope" not found');
  });
});
