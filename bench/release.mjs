#!/usr/bin/env node
// Benchmark: install and upgrade a chart of 200 objects against the sandbox with rel and with helm
// (same run, same sandbox), reporting wall time and API requests; then `rel list` and `helm list`
// over 2,000 releases with 10 revisions each. Needs `npm run build` and `npm run tools`.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '..');
if (!existsSync(join(root, 'dist/sandbox/index.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const run = promisify(execFile);
const { startSandbox, writeKubeconfig } = await import(join(root, 'dist/sandbox/index.js'));
const { encodeRelease } = await import(join(root, 'dist/storage/codec.js'));

const dir = mkdtempSync(join(tmpdir(), 'rel-bench-'));
const chart = join(dir, 'big');
mkdirSync(join(chart, 'templates'), { recursive: true });
writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: big\nversion: 1.0.0\n');
writeFileSync(join(chart, 'values.yaml'), 'count: 50\nmessage: hello\n');
// 4 objects per item: ConfigMap, Secret, Service, Deployment → 200 objects.
writeFileSync(
  join(chart, 'templates/items.yaml'),
  `{{- range $i := until (int .Values.count) }}
---
apiVersion: v1
kind: ConfigMap
metadata: { name: cm-{{ $i }} }
data: { message: {{ $.Values.message | quote }} }
---
apiVersion: v1
kind: Secret
metadata: { name: secret-{{ $i }} }
stringData: { token: {{ printf "t-%d" $i | quote }} }
---
apiVersion: v1
kind: Service
metadata: { name: svc-{{ $i }} }
spec: { selector: { app: app-{{ $i }} }, ports: [{ port: 80 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: app-{{ $i }} }
spec:
  replicas: 1
  selector: { matchLabels: { app: app-{{ $i }} } }
  template:
    metadata: { labels: { app: app-{{ $i }} } }
    spec: { containers: [{ name: app, image: "example/app:{{ $.Values.message }}" }] }
{{- end }}
`,
);

const sb = await startSandbox({ port: 0 });
let requests = 0;
sb.addRoute(() => {
  requests++;
  return false;
});
const kubeconfig = join(dir, 'kubeconfig');
writeKubeconfig(kubeconfig, sb.url);
const env = { ...process.env, KUBECONFIG: kubeconfig, HELM_DATA_HOME: join(dir, 'hd'), HELM_CONFIG_HOME: join(dir, 'hc'), HELM_CACHE_HOME: join(dir, 'hca') };
const rel = (...a) => run(process.execPath, [join(root, 'bin/run.js'), ...a], { env, maxBuffer: 64 << 20 });
const helm = (...a) => run(join(root, '.cache/tools/helm'), a, { env, maxBuffer: 64 << 20 });

async function measure(label, fn) {
  const before = requests;
  const t = performance.now();
  await fn();
  return { label, ms: Math.round(performance.now() - t), requests: requests - before };
}

const rows = [];
rows.push(await measure('rel install (200 objects, --wait)', () => rel('deploy', 'r', chart, '-n', 'rel', '--create-namespace', '--wait', '--timeout', '5m')));
rows.push(await measure('helm install (200 objects, --wait)', () => helm('install', 'h', chart, '-n', 'helm', '--create-namespace', '--wait', '--timeout', '5m')));
rows.push(await measure('rel upgrade (200 objects, --wait)', () => rel('deploy', 'r', chart, '-n', 'rel', '--set', 'message=v2', '--wait', '--timeout', '5m')));
rows.push(await measure('helm upgrade (200 objects, --wait)', () => helm('upgrade', 'h', chart, '-n', 'helm', '--set', 'message=v2', '--wait', '--timeout', '5m')));

// 2,000 releases × 10 revisions written straight into the store (Helm's record format).
const secrets = sb.cluster.kind('v1', 'Secret');
const nsType = sb.cluster.kind('v1', 'Namespace');
await sb.cluster.create(nsType, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'many' } });
const chartJson = { metadata: { name: 'big', version: '1.0.0', apiVersion: 'v2' }, lock: null, templates: [], values: {}, schema: null, files: [] };
for (let r = 0; r < 2000; r++) {
  for (let v = 1; v <= 10; v++) {
    const status = v === 10 ? 'deployed' : 'superseded';
    const rls = { name: `rel-${r}`, namespace: 'many', version: v, info: { status, last_deployed: new Date().toISOString() }, chart: chartJson, manifest: '', config: {} };
    const data = Buffer.from(encodeRelease(rls)).toString('base64');
    sb.cluster.store.put(`${secrets.group}/${secrets.plural}`, {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'helm.sh/release.v1',
      metadata: { name: `sh.helm.release.v1.rel-${r}.v${v}`, namespace: 'many', labels: { name: `rel-${r}`, owner: 'helm', status, version: String(v) }, uid: `u-${r}-${v}`, creationTimestamp: new Date().toISOString() },
      data: { release: data },
    });
  }
}
rows.push(await measure('rel list (2,000 releases × 10 revisions)', async () => {
  const { stdout } = await rel('list', '-n', 'many', '-o', 'json');
  if (JSON.parse(stdout).length !== 2000) throw new Error('rel list did not see 2,000 releases');
}));
rows.push(await measure('helm list (2,000 releases × 10 revisions)', async () => {
  const { stdout } = await helm('list', '-n', 'many', '-o', 'json', '--max', '0');
  if (JSON.parse(stdout).length !== 2000) throw new Error(`helm list saw ${JSON.parse(stdout).length} releases`);
}));

console.log('| operation | wall ms | API requests |\n|---|---:|---:|');
for (const r of rows) console.log(`| ${r.label} | ${r.ms} | ${r.requests} |`);
const ratio = (a, b) => (rows[a].ms / rows[b].ms).toFixed(2);
console.log(`\nrel/helm wall-time ratio: install ${ratio(0, 1)}, upgrade ${ratio(2, 3)}, list ${ratio(4, 5)}`);
await sb.stop();
