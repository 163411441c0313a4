import type { Kube, KubeObject } from '../kube/client.js';
import type { MetricSelectors, RouteTarget, TrafficRouter } from './router.js';
import { labelValue, routedName } from './names.js';

const P = 'nginx.ingress.kubernetes.io';
export const CANARY_ANNOTATIONS = ['canary', 'canary-weight', 'canary-weight-total', 'canary-by-header', 'canary-by-header-value', 'canary-by-header-pattern', 'canary-by-cookie'].map(
  (a) => `${P}/${a}`,
);
export const CANARY_OF_LABEL = 'rel.dev/canary-of';

type Ingress = KubeObject & {
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

/**
 * ingress-nginx: a second Ingress with the canary annotations, routing the same hosts and paths to the
 * canary Service: `<main>-canary`, or `<main>-<service>-canary` when the main Ingress routes to several Services
 * (each changed Service gets its own canary Ingress). Weight changes are one annotation patch.
 * Metrics: ingress-nginx labels canary requests with the main Ingress name and a non-empty `canary` label.
 */
export class NginxRouter implements TrafficRouter {
  readonly name = 'nginx';
  private main: Ingress | undefined;

  constructor(
    private readonly kube: Kube,
    private readonly target: RouteTarget,
    private readonly rendered: KubeObject[],
  ) {
    this.main = rendered.find((o) => o.kind === 'Ingress' && pointsAt(o as Ingress, target.stableService)) as Ingress | undefined;
  }

  async applies(): Promise<boolean> {
    return this.main !== undefined;
  }

  get canaryName(): string {
    const shared = backendServices(this.main!).size > 1;
    return routedName(this.main!.metadata!.name!, shared ? this.target.stableService : undefined, '-canary');
  }

  /** The name rel used before it told Services apart; a rollout started then may still have it. */
  private get legacyName(): string {
    return `${this.main!.metadata!.name}-canary`.slice(0, 253);
  }

  /** Deletes a canary Ingress under the legacy name when it routes to this router's canary Service. */
  private async removeLegacy(): Promise<void> {
    if (this.legacyName === this.canaryName) return;
    const old = (await this.kube.get('networking.k8s.io/v1', 'Ingress', this.legacyName, this.target.namespace)) as Ingress | undefined;
    if (old && pointsAt(old, this.target.canaryService)) await this.kube.delete(old);
  }

  describe(): string {
    return this.main ? `Ingress ${this.main.metadata?.name} (canary Ingress ${this.canaryName})` : 'no Ingress';
  }

  private canaryIngress(weight: number): KubeObject {
    const main = this.main!;
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
    if (!this.main) return;
    await this.kube.delete({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: this.canaryName, namespace: this.target.namespace } });
    await this.removeLegacy();
  }

  selectors(): MetricSelectors {
    const base = `namespace="${this.target.namespace}",ingress="${this.main?.metadata?.name ?? ''}"`;
    return {
      requests: 'nginx_ingress_controller_requests',
      duration: 'nginx_ingress_controller_request_duration_seconds',
      canary: `${base},canary!=""`,
      stable: `${base},canary=""`,
    };
  }
}
