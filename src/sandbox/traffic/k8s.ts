/** Small helpers over plain Kubernetes JSON used by the routers. */
import type { KubeObject } from './cluster-view.js';

export function nsOf(o: KubeObject): string {
  return o.metadata?.namespace || 'default';
}

export function nameOf(o: KubeObject): string {
  return o.metadata?.name ?? '';
}

export function keyOf(o: KubeObject): string {
  return `${nsOf(o)}/${nameOf(o)}`;
}

/** Sort like ingress-nginx's store: oldest creationTimestamp first, ties by namespace/name. */
export function byAgeThenName(a: KubeObject, b: KubeObject): number {
  const ta = Date.parse(a.metadata?.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata?.creationTimestamp ?? '') || 0;
  if (ta !== tb) return ta - tb;
  const ka = keyOf(a);
  const kb = keyOf(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Go's strconv.ParseBool. */
export function parseGoBool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

/** Go's strconv.Atoi (decimal, optional sign, no spaces). */
export function parseGoInt(v: string | undefined): number | undefined {
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A pod that an endpoints controller would list as ready: Ready=True and not terminating. */
export function isPodReady(pod: KubeObject): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const conds: Array<{ type?: string; status?: string }> = Array.isArray(pod.status?.conditions) ? pod.status.conditions : [];
  return conds.some((c) => c?.type === 'Ready' && c?.status === 'True');
}

export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  const l = labels ?? {};
  return Object.entries(selector).every(([k, v]) => l[k] === v);
}

/** Service port lookup by number or name; undefined when the Service has no such port. */
export function findServicePort(svc: KubeObject, port: { number?: number; name?: string }): object | undefined {
  const ports: Array<{ port?: number; name?: string }> = Array.isArray(svc.spec?.ports) ? svc.spec.ports : [];
  if (port.number !== undefined && port.number > 0) return ports.find((p) => p.port === port.number);
  if (port.name) return ports.find((p) => p.name === port.name);
  return undefined;
}

/** Index of Services and Pods of the cluster, with ready pods behind each Service. */
export class ServiceIndex {
  private services = new Map<string, KubeObject>();
  private podsByNs = new Map<string, KubeObject[]>();
  private readyCache = new Map<string, KubeObject[]>();

  constructor(services: KubeObject[], pods: KubeObject[]) {
    for (const s of services) this.services.set(keyOf(s), s);
    for (const p of pods) {
      const ns = nsOf(p);
      let list = this.podsByNs.get(ns);
      if (!list) this.podsByNs.set(ns, (list = []));
      list.push(p);
    }
  }

  service(namespace: string, name: string): KubeObject | undefined {
    return this.services.get(`${namespace}/${name}`);
  }

  allServices(): KubeObject[] {
    return [...this.services.values()];
  }

  allPods(): KubeObject[] {
    return [...this.podsByNs.values()].flat();
  }

  /** Ready pods selected by the Service (ExternalName and selector-less Services have none here). */
  readyPods(svc: KubeObject): KubeObject[] {
    const key = keyOf(svc);
    const hit = this.readyCache.get(key);
    if (hit) return hit;
    const selector = svc.spec?.selector as Record<string, string> | undefined;
    const out = svc.spec?.type === 'ExternalName' ? [] : (this.podsByNs.get(nsOf(svc)) ?? []).filter((p) => selectorMatches(selector, p.metadata?.labels) && isPodReady(p));
    out.sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0));
    this.readyCache.set(key, out);
    return out;
  }
}
