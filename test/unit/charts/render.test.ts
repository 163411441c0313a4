/**
 * The example charts (charts/<system>) render byte for byte like helm for every environment of the
 * root rel.yaml, lint clean with helm, and give each service its own selector.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const root = resolve(import.meta.dirname, '../../..');
const helm = join(root, '.cache/tools/helm');
const run = promisify(execFile);
const systems = ['chat', 'mpim', 'worklog', 'registration', 'monitor'] as const;
const envs = ['dev', 'test', 'staging', 'prod'] as const;
const namespaces: Record<string, string> = { chat: 'chat-app', mpim: 'mpim', worklog: 'worklog', registration: 'registration', monitor: 'monitor' };

const valueFiles = (system: string, env: string) => [join(root, 'values', system, 'common.yaml'), join(root, 'values', system, `${env}.yaml`)];

async function helmTemplate(system: string, env: string): Promise<string> {
  const args = ['template', system, join(root, 'charts', system), '-n', namespaces[system]!];
  for (const f of valueFiles(system, env)) args.push('-f', f);
  const { stdout } = await run(helm, args, { maxBuffer: 16 * 1024 * 1024, env: { ...process.env, HELM_CACHE_HOME: '/tmp/rel-charts-test-helm' } });
  return stdout;
}

async function relTemplate(system: string, env: string): Promise<string> {
  const { runTemplate } = await import('../../../src/actions/template.js');
  const r = await runTemplate({ releaseName: system, chart: join(root, 'charts', system), valueFiles: valueFiles(system, env), namespace: namespaces[system] });
  if (r.error) throw r.error;
  return r.stdout;
}

type Obj = { kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec?: Record<string, any> };
const objects = (text: string): Obj[] => parseAllDocuments(text).map((d) => d.toJS() as Obj).filter(Boolean);

describe.each(systems)('chart %s', (system) => {
  it.each(envs)('renders identically with rel and helm for %s', async (env) => {
    const [h, r] = await Promise.all([helmTemplate(system, env), relTemplate(system, env)]);
    expect(h.length).toBeGreaterThan(1000);
    expect(r).toBe(h);
  });

  it('passes helm lint with every environment', async () => {
    for (const env of envs) {
      const args = ['lint', join(root, 'charts', system), '--strict'];
      for (const f of valueFiles(system, env)) args.push('-f', f);
      const { stdout } = await run(helm, args);
      expect(stdout, `${system}/${env}`).toMatch(/0 chart\(s\) failed/);
    }
  });

  it('passes rel lint --strict with every environment (no warnings, no missing keys)', async () => {
    const { lintChart, isFailed } = await import('../../../src/lint/lint.js');
    for (const env of envs) {
      const messages = await lintChart(join(root, 'charts', system), { valueFiles: valueFiles(system, env), strict: true, namespace: namespaces[system] });
      expect(isFailed(messages, true), `${system}/${env}: ${JSON.stringify(messages)}`).toBe(false);
    }
  });

  it('gives every Service a selector that matches only its own Deployment', async () => {
    const objs = objects(await helmTemplate(system, 'dev'));
    const deps = objs.filter((o) => o.kind === 'Deployment');
    const svcs = objs.filter((o) => o.kind === 'Service');
    expect(deps.length).toBeGreaterThan(0);
    expect(svcs.length).toBe(deps.length);
    for (const s of svcs) {
      const sel = Object.entries(s.spec!.selector as Record<string, string>);
      const matching = deps.filter((d) => sel.every(([k, v]) => d.spec!.template.metadata.labels[k] === v));
      expect(matching.map((d) => d.metadata.name), s.metadata.name).toEqual([s.metadata.name]);
    }
    // Every probe and every Ingress backend points at something that exists.
    for (const d of deps) {
      const c = d.spec!.template.spec.containers[0];
      expect(c.readinessProbe?.httpGet?.path, d.metadata.name).toMatch(/^\//);
      expect(c.livenessProbe?.httpGet?.path, d.metadata.name).toMatch(/^\//);
    }
    for (const ing of objs.filter((o) => o.kind === 'Ingress')) {
      for (const rule of ing.spec!.rules) for (const p of rule.http.paths) expect(svcs.map((s) => s.metadata.name)).toContain(p.backend.service.name);
    }
  });

  it('scales with an HPA in prod and with fixed replicas in dev; TLS in prod only', async () => {
    const dev = objects(await helmTemplate(system, 'dev'));
    const prod = objects(await helmTemplate(system, 'prod'));
    expect(dev.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
    for (const d of dev.filter((o) => o.kind === 'Deployment')) expect(d.spec!.replicas).toBe(1);
    const hpas = prod.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpas.length).toBe(prod.filter((o) => o.kind === 'Deployment').length);
    for (const h of hpas) {
      expect(h.spec!.metrics.map((m: { resource: { name: string } }) => m.resource.name)).toEqual(['cpu', 'memory']);
      expect(h.spec!.maxReplicas).toBeGreaterThanOrEqual(h.spec!.minReplicas);
    }
    for (const d of prod.filter((o) => o.kind === 'Deployment')) expect(d.spec!.replicas).toBeUndefined();
    for (const i of dev.filter((o) => o.kind === 'Ingress')) expect(i.spec!.tls).toBeUndefined();
    for (const i of prod.filter((o) => o.kind === 'Ingress')) expect(i.spec!.tls[0].secretName).toBeTruthy();
  });

  it('routes each service through its own Ingress object (a canary of one service never rewrites another\'s routes)', async () => {
    const ingresses = objects(await helmTemplate(system, 'prod')).filter((o) => o.kind === 'Ingress');
    const backends = ingresses.map((i) => [...new Set(i.spec!.rules.flatMap((r: { http: { paths: { backend: { service: { name: string } } }[] } }) => r.http.paths.map((p) => p.backend.service.name)))]);
    for (const b of backends) expect(b.length).toBe(1);
    expect(new Set(ingresses.map((i) => i.metadata.name)).size).toBe(ingresses.length);
  });

  it('sets pod annotations from values on one service only (how faults are injected)', async () => {
    const { runTemplate } = await import('../../../src/actions/template.js');
    const svcName = objects(await helmTemplate(system, 'dev')).find((o) => o.kind === 'Deployment')!.metadata.name.slice(system.length + 1);
    const r = await runTemplate({
      releaseName: system,
      chart: join(root, 'charts', system),
      valueFiles: valueFiles(system, 'dev'),
      namespace: namespaces[system],
      set: [`services.${svcName}.podAnnotations.sandbox\\.rel\\.dev/error-rate=0.2`],
    });
    expect(r.error).toBeUndefined();
    const deps = objects(r.stdout).filter((o) => o.kind === 'Deployment');
    const annotated = deps.filter((d) => d.spec!.template.metadata.annotations['sandbox.rel.dev/error-rate'] === '0.2');
    expect(annotated.map((d) => d.metadata.name)).toEqual([`${system}-${svcName}`]);
  });
});

describe('chart errors are readable', () => {
  it('an Ingress path naming an unknown service fails with the path and the name', async () => {
    const { runTemplate } = await import('../../../src/actions/template.js');
    const r = await runTemplate({ releaseName: 'monitor', chart: join(root, 'charts/monitor'), setJson: ['ingresses.web.paths=[{"path":"/api","service":"nope"}]'] });
    expect(r.error?.message).toMatch(/ingresses\.web: path \/api points at service "nope"/);
  });

  it('the schema rejects a malformed Secret name before rendering', async () => {
    const { runTemplate } = await import('../../../src/actions/template.js');
    const r = await runTemplate({ releaseName: 'registration', chart: join(root, 'charts/registration'), set: ['secrets.app=Not_A_Name'] });
    expect(r.error?.message).toMatch(/\/secrets\/app.*does not match pattern/);
  });

  it('a missing Secret name fails with the key to set', async () => {
    const { runTemplate } = await import('../../../src/actions/template.js');
    const r = await runTemplate({ releaseName: 'registration', chart: join(root, 'charts/registration'), set: ['secrets.app=null'] });
    expect(r.error?.message).toMatch(/secrets\.app must name an existing Secret/);
  });
});

describe('hosts', () => {
  it.each(envs)('no two systems share an Ingress host in %s', async (env) => {
    const hosts: string[] = [];
    for (const system of systems) {
      const own = new Set<string>();
      for (const ing of objects(await helmTemplate(system, env)).filter((o) => o.kind === 'Ingress')) for (const r of ing.spec!.rules) own.add(r.host);
      hosts.push(...own);
    }
    expect(hosts.length).toBe(6);
    expect(new Set(hosts).size).toBe(hosts.length);
  });
});
