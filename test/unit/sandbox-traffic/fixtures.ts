/** Plain Kubernetes objects for traffic tests. */
import type { KubeObject } from '../../../src/sandbox/traffic/cluster-view.js';

let clock = Date.parse('2026-01-01T00:00:00Z');
function nextTimestamp(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

export interface IngressFixture {
  ns?: string;
  host?: string;
  path?: string;
  pathType?: string;
  service: string;
  port?: number | string;
  annotations?: Record<string, string>;
  className?: string | null;
  paths?: Array<{ path: string; pathType?: string; service: string; port?: number }>;
}

export function ingress(name: string, f: IngressFixture): KubeObject {
  const port = (p: number | string | undefined) => (typeof p === 'string' ? { name: p } : { number: p ?? 80 });
  const paths = f.paths ?? [{ path: f.path ?? '/', pathType: f.pathType ?? 'Prefix', service: f.service, port: f.port as number | undefined }];
  const rule: Record<string, unknown> = {
    http: { paths: paths.map((p) => ({ path: p.path, pathType: p.pathType ?? 'Prefix', backend: { service: { name: p.service, port: port(p.port ?? (f.port as any)) } } })) },
  };
  if (f.host !== '') rule.host = f.host ?? 'app.example.com';
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: f.ns ?? 'default', annotations: f.annotations ?? {}, creationTimestamp: nextTimestamp() },
    spec: { ...(f.className === null ? {} : { ingressClassName: f.className ?? 'nginx' }), rules: [rule] },
  };
}

export function canaryAnnotations(extra: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { 'nginx.ingress.kubernetes.io/canary': 'true' };
  for (const [k, v] of Object.entries(extra)) out[`nginx.ingress.kubernetes.io/${k}`] = v;
  return out;
}

export function service(name: string, selector: Record<string, string>, opts: { ns?: string; port?: number; portName?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: opts.ns ?? 'default', creationTimestamp: nextTimestamp() },
    spec: { selector, ports: [{ name: opts.portName ?? 'http', port: opts.port ?? 80, targetPort: 8080 }] },
  };
}

export function pod(
  name: string,
  labels: Record<string, string>,
  opts: { ns?: string; ready?: boolean; annotations?: Record<string, string>; terminating?: boolean } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: opts.ns ?? 'default',
      labels,
      annotations: opts.annotations ?? {},
      creationTimestamp: nextTimestamp(),
      ...(opts.terminating ? { deletionTimestamp: nextTimestamp() } : {}),
    },
    spec: { containers: [{ name: 'app', image: 'example/app:1' }] },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: opts.ready === false ? 'False' : 'True' },
      ],
    },
  };
}

/** A Service `name` with `replicas` ready pods labelled app=name. */
export function app(name: string, replicas: number, opts: { ns?: string; annotations?: Record<string, string>; ready?: boolean } = {}): KubeObject[] {
  const out: KubeObject[] = [service(name, { app: name }, { ns: opts.ns })];
  for (let i = 0; i < replicas; i++) out.push(pod(`${name}-7d9f8b-${i}`, { app: name }, { ns: opts.ns, annotations: opts.annotations, ready: opts.ready }));
  return out;
}

export function httpRoute(name: string, spec: Record<string, unknown>, ns = 'default'): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: ns, creationTimestamp: nextTimestamp() },
    spec: { parentRefs: [{ name: 'gw' }], ...spec },
  };
}
