import type { Kube, KubeObject } from '../kube/client.js';
import type { MetricSelectors, RouteTarget, TrafficRouter } from './router.js';
import { updateWithRetry } from './update.js';

/**
 * No router in front of the Service: the canary pods sit behind the stable Service too, and
 * the share of traffic is the share of replicas. setWeight scales the canary Deployment.
 * Measured with the application's own per-pod metrics (http_requests_total{service,pod}).
 */
export class ReplicaRouter implements TrafficRouter {
  readonly name = 'replicas';

  constructor(
    private readonly kube: Kube,
    private readonly target: RouteTarget & { canaryDeployment: string; stableDeployment: string; totalReplicas: number },
    _rendered: KubeObject[],
  ) {}

  async applies(): Promise<boolean> {
    return true;
  }

  describe(): string {
    return `replica ratio behind Service ${this.target.stableService}`;
  }

  /** Canary replicas for a weight: at least one while weight > 0. */
  replicasFor(weight: number): number {
    if (weight <= 0) return 0;
    return Math.max(1, Math.round((this.target.totalReplicas * weight) / 100));
  }

  async setWeight(weight: number): Promise<void> {
    const read = () => this.kube.get('apps/v1', 'Deployment', this.target.canaryDeployment, this.target.namespace);
    const done = await updateWithRetry(this.kube, read, (dep) => {
      (dep.spec as { replicas?: number }).replicas = this.replicasFor(weight);
    });
    if (!done) throw new Error(`canary Deployment ${this.target.canaryDeployment} not found`);
  }

  async currentWeight(): Promise<number> {
    const dep = await this.kube.get('apps/v1', 'Deployment', this.target.canaryDeployment, this.target.namespace);
    const n = (dep?.spec as { replicas?: number } | undefined)?.replicas ?? 0;
    return Math.round((100 * n) / Math.max(1, this.target.totalReplicas));
  }

  async reset(): Promise<void> {
    // Traffic leaves the canary when its pods go; the strategy deletes the canary Deployment.
  }

  selectors(): MetricSelectors {
    const ns = `namespace="${this.target.namespace}",service="${this.target.stableService}"`;
    return {
      requests: 'http_requests_total',
      duration: 'http_request_duration_seconds',
      canary: `${ns},pod=~"${this.target.canaryDeployment}-.*"`,
      stable: `${ns},pod!~"${this.target.canaryDeployment}-.*"`,
    };
  }
}
