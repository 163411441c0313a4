import type { Kube, KubeObject } from '../kube/client.js';
import type { MetricSelectors, RouteTarget, TrafficRouter } from './router.js';
import { FanOutRouter, labelMatcher } from './fanout.js';
import { labelValue, routedName } from './names.js';

const P = 'nginx.ingress.kubernetes.io';
export const CANARY_ANNOTATIONS = ['canary', 'canary-weight', 'canary-weight-total', 'canary-by-header', 'canary-by-header-value', 'canary-by-header-pattern', 'canary-by-cookie'].map(
  (a) => `${P}/${a}`,
);
export const CANARY_OF_LABEL = 'rel.dev/canary-of';

export type Ingress = KubeObject & {
  spec?: { rules?: { host?: string; http?: { paths?: { backend?: { service?: { name?: string } } }[] } }[]; tls?: unknown; ingressClassName?: string };
};

function pointsAt(ing: Ingress, service: string): boolean {
  return (ing.spec?.rules ?? []).some((r) => (r.http?.paths ?? []).some((p) => p.backend?.service?.name === service));
}

/** The Services an Ingress routes to. */
export function backendServices(ing: Ingress): Set<string> {
  const out = new Set<string>();
  for (const r of ing.spec?.rules ?? []) for (const p of r.http?.paths ?? []) if (p.backend?.service?.name) out.add(p.backend.service.name);
  return out;
}

/** The Ingresses among `objects` with a path to `service`. */
export function ingressesTo(objects: KubeObject[], service: string): Ingress[] {
  return objects.filter((o) => o.kind === 'Ingress' && !!o.metadata?.name && pointsAt(o as Ingress, service)) as Ingress[];
}

/**
 * ingress-nginx, one Ingress: a second Ingress with the canary annotations, routing the same hosts and paths to the
 * canary Service: `<main>-canary`, or `<main>-<service>-canary` when the main Ingress routes to several Services
 * (each changed Service gets its own canary Ingress). Weight changes are one annotation patch.
 * Metrics: ingress-nginx labels canary requests with the main Ingress name and a non-empty `canary` label.
 */
export class NginxIngressRouter implements TrafficRouter {
  readonly name = 'nginx';

  constructor(
    private readonly kube: Kube,
    private readonly target: RouteTarget,
    /** The Ingress as the chart renders it. */
    readonly main: Ingress,
  ) {}

  async applies(): Promise<boolean> {
    return true;
  }

  get canaryName(): string {
    const shared = backendServices(this.main).size > 1;
    return routedName(this.main.metadata!.name!, shared ? this.target.stableService : undefined, '-canary');
  }

  /** The name rel used before it told Services apart; a rollout started then may still have it. */
  private get legacyName(): string {
    return `${this.main.metadata!.name}-canary`.slice(0, 253);
  }

  /** Deletes a canary Ingress under the legacy name when it routes to this router's canary Service. */
  private async removeLegacy(): Promise<void> {
    if (this.legacyName === this.canaryName) return;
    const old = (await this.kube.get('networking.k8s.io/v1', 'Ingress', this.legacyName, this.target.namespace)) as Ingress | undefined;
    if (old && pointsAt(old, this.target.canaryService)) await this.kube.delete(old);
  }

  describe(): string {
    return `Ingress ${this.main.metadata?.name} (canary Ingress ${this.canaryName})`;
  }

  private canaryIngress(weight: number): KubeObject {
    const main = this.main;
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries((main.metadata?.annotations ?? {}) as Record<string, string>)) {
      if (!CANARY_ANNOTATIONS.includes(k) && !k.startsWith('meta.helm.sh/') && k !== 'kubectl.kubernetes.io/last-applied-configuration') annotations[k] = v;
    }
    annotations[`${P}/canary`] = 'true';
    annotations[`${P}/canary-weight`] = String(Math.round(weight));
    if (this.target.header) {
      annotations[`${P}/canary-by-header`] = this.target.header.name;
      if (this.target.header.value) annotations[`${P}/canary-by-header-value`] = this.target.header.value;
    }
    if (this.target.cookie) annotations[`${P}/canary-by-cookie`] = this.target.cookie;
    const spec = structuredClone(main.spec ?? {});
    spec.rules = (spec.rules ?? [])
      .map((r) => ({
        ...r,
        http: r.http && {
          ...r.http,
          paths: (r.http.paths ?? [])
            .filter((p) => p.backend?.service?.name === this.target.stableService)
            .map((p) => ({ ...p, backend: { ...p.backend, service: { ...p.backend!.service, name: this.target.canaryService } } })),
        },
      }))
      .filter((r) => (r.http?.paths ?? []).length > 0);
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: this.canaryName,
        namespace: this.target.namespace,
        labels: { ...((main.metadata?.labels ?? {}) as Record<string, string>), [CANARY_OF_LABEL]: labelValue(main.metadata!.name!) },
        annotations,
      },
      spec,
    };
  }

  async setWeight(weight: number): Promise<void> {
    await this.kube.apply(this.canaryIngress(weight));
    await this.removeLegacy();
  }

  async currentWeight(): Promise<number> {
    let live = await this.kube.get('networking.k8s.io/v1', 'Ingress', this.canaryName, this.target.namespace);
    if (!live && this.legacyName !== this.canaryName) {
      const old = (await this.kube.get('networking.k8s.io/v1', 'Ingress', this.legacyName, this.target.namespace)) as Ingress | undefined;
      if (old && pointsAt(old, this.target.canaryService)) live = old;
    }
    const w = (live?.metadata?.annotations as Record<string, string> | undefined)?.[`${P}/canary-weight`];
    return live ? Number(w ?? 0) : 0;
  }

  async reset(): Promise<void> {
    await this.kube.delete({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: this.canaryName, namespace: this.target.namespace } });
    await this.removeLegacy();
  }

  selectors(): MetricSelectors {
    return nginxSelectors(this.target.namespace, [this.main.metadata!.name!]);
  }
}

function nginxSelectors(namespace: string, ingresses: string[]): MetricSelectors {
  const base = `namespace="${namespace}",${labelMatcher('ingress', ingresses)}`;
  return {
    requests: 'nginx_ingress_controller_requests',
    duration: 'nginx_ingress_controller_request_duration_seconds',
    canary: `${base},canary!=""`,
    stable: `${base},canary=""`,
  };
}

/**
 * ingress-nginx: every Ingress the chart renders with a path to the stable Service (an internal and an external
 * one, one per host or class…) gets its canary Ingress ({@link NginxIngressRouter}) and every weight change; the
 * canary and stable traffic is measured over all of them (`ingress=~"a|b"`).
 */
export class NginxRouter extends FanOutRouter<NginxIngressRouter> {
  readonly name = 'nginx';

  constructor(
    kube: Kube,
    private readonly target: RouteTarget,
    rendered: KubeObject[],
  ) {
    super(ingressesTo(rendered, target.stableService).map((i) => new NginxIngressRouter(kube, target, i)));
  }

  /** The canary Ingresses rel creates, one per main Ingress. */
  get canaryNames(): string[] {
    return this.parts.map((p) => p.canaryName);
  }

  override describe(): string {
    return this.parts.length === 0 ? 'no Ingress' : super.describe();
  }

  selectors(): MetricSelectors {
    return nginxSelectors(this.target.namespace, this.parts.map((p) => p.main.metadata!.name!));
  }
}
