import type { Kube, KubeObject } from '../kube/client.js';

/** PromQL label selectors and metric names a router's traffic is measured with. */
export interface MetricSelectors {
  /** Counter of requests, with a `status` label (HTTP code). */
  requests: string;
  /** Histogram (base name, without _bucket) of request durations in seconds. */
  duration: string;
  /** Label matchers (inside `{}`) selecting the canary's (or green's) requests. */
  canary: string;
  /** Label matchers selecting the stable version's requests. */
  stable: string;
}

export interface RouteTarget {
  namespace: string;
  release: string;
  /** The Service the chart exposes (stable version). */
  stableService: string;
  /** The Service rel creates for the canary pods. */
  canaryService: string;
  /** Route by header (`X-Canary: always`, or a given value) or cookie before weights. */
  header?: { name: string; value?: string };
  cookie?: string;
}

/**
 * Moves traffic between the stable and the canary Service. One implementation per
 * technology (ingress-nginx, Gateway API, replica ratio); a new one (Traefik, Istio…)
 * is one new file registered in routers/index.ts.
 */
export interface TrafficRouter {
  readonly name: string;
  /** True when this router can route to the target (e.g. an Ingress points at the stable Service). */
  applies(): Promise<boolean>;
  /** Sends `weight` percent (0–100) of the traffic to the canary. Creates what it needs on first use. */
  setWeight(weight: number): Promise<void>;
  /** Current canary weight as the cluster says. */
  currentWeight(): Promise<number>;
  /** All traffic back to stable and the router's own objects removed (idempotent). */
  reset(): Promise<void>;
  /** The router objects that route to the stable Service (for reports). */
  describe(): string;
  selectors(): MetricSelectors;
  /**
   * What would make this router fail once the rollout runs, judged from the rendered objects alone (no cluster
   * change, no cluster read), so a deploy can be refused before anything in the cluster changes. Empty: none.
   */
  check?(): RouterProblem[];
}

/** What stops a router before it changes anything, and what the user can do about it. */
export interface RouterProblem {
  message: string;
  hint: string;
}

export type RouterFactory = (kube: Kube, target: RouteTarget, objects: KubeObject[]) => TrafficRouter;
