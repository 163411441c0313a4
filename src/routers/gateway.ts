import type { Kube, KubeObject } from '../kube/client.js';
import type { MetricSelectors, RouteTarget, TrafficRouter } from './router.js';
import { updateWithRetry } from './update.js';

type BackendRef = { name?: string; kind?: string; group?: string; namespace?: string; port?: number; weight?: number };
type HTTPRoute = KubeObject & { spec?: { rules?: { backendRefs?: BackendRef[] }[] } };

const isService = (b: BackendRef) => (b.kind ?? 'Service') === 'Service' && (b.group ?? '') === '';

/**
 * Gateway API: the HTTPRoute that sends traffic to the stable Service gets a second
 * backendRef (the canary Service) in the same rules, with weights 100−w and w.
 */
export class GatewayRouter implements TrafficRouter {
  readonly name = 'gateway';
  private route: HTTPRoute | undefined;

  constructor(
    private readonly kube: Kube,
    private readonly target: RouteTarget,
    rendered: KubeObject[],
  ) {
    this.route = rendered.find(
      (o) => o.kind === 'HTTPRoute' && ((o as HTTPRoute).spec?.rules ?? []).some((r) => (r.backendRefs ?? []).some((b) => isService(b) && b.name === target.stableService)),
    ) as HTTPRoute | undefined;
  }

  async applies(): Promise<boolean> {
    return this.route !== undefined;
  }

  describe(): string {
    return this.route ? `HTTPRoute ${this.route.metadata?.name}` : 'no HTTPRoute';
  }

  private async live(): Promise<HTTPRoute> {
    const r = await this.kube.get(this.route!.apiVersion!, 'HTTPRoute', this.route!.metadata!.name!, this.target.namespace);
    if (!r) throw new Error(`HTTPRoute ${this.route!.metadata!.name} not found in namespace ${this.target.namespace}`);
    return r as HTTPRoute;
  }

  async setWeight(weight: number): Promise<void> {
    const w = Math.round(weight);
    await updateWithRetry(this.kube, () => this.live(), (live) => this.weigh(live as HTTPRoute, w));
  }

  private weigh(r: HTTPRoute, w: number): void {
    for (const rule of r.spec?.rules ?? []) {
      const refs = rule.backendRefs ?? [];
      const stable = refs.find((b) => isService(b) && b.name === this.target.stableService);
      if (!stable) continue;
      stable.weight = 100 - w;
      let canary = refs.find((b) => isService(b) && b.name === this.target.canaryService);
      if (!canary) {
        canary = { ...stable, name: this.target.canaryService };
        refs.push(canary);
      }
      canary.weight = w;
      rule.backendRefs = refs;
    }
  }

  async currentWeight(): Promise<number> {
    const r = await this.live();
    for (const rule of r.spec?.rules ?? []) {
      const c = (rule.backendRefs ?? []).find((b) => isService(b) && b.name === this.target.canaryService);
      if (c) return c.weight ?? 1;
    }
    return 0;
  }

  async reset(): Promise<void> {
    if (!this.route) return;
    await updateWithRetry(this.kube, () => this.live().catch(() => undefined), (live) => this.unweigh(live as HTTPRoute));
  }

  /** Removes the canary backendRef and restores the stable one's weight; false when there is nothing to do. */
  private unweigh(r: HTTPRoute): boolean {
    const route = this.route!;
    let changed = false;
    for (const rule of r.spec?.rules ?? []) {
      const refs = rule.backendRefs ?? [];
      const kept = refs.filter((b) => !(isService(b) && b.name === this.target.canaryService));
      if (kept.length !== refs.length) changed = true;
      const original = (route.spec?.rules ?? []).flatMap((x) => x.backendRefs ?? []).find((b) => b.name === this.target.stableService);
      for (const b of kept) {
        if (isService(b) && b.name === this.target.stableService && b.weight !== original?.weight) {
          b.weight = original?.weight;
          if (b.weight === undefined) delete b.weight;
          changed = true;
        }
      }
      rule.backendRefs = kept;
    }
    return changed;
  }

  selectors(): MetricSelectors {
    const base = `namespace="${this.target.namespace}",route="${this.route?.metadata?.name ?? ''}"`;
    return {
      requests: 'gateway_http_requests_total',
      duration: 'gateway_http_request_duration_seconds',
      canary: `${base},backend_service="${this.target.canaryService}"`,
      stable: `${base},backend_service="${this.target.stableService}"`,
    };
  }
}
