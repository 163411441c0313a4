/**
 * Prometheus metrics of the simulated traffic, in a prom-client Registry of their own (never the global one).
 *
 * ingress-nginx (same names, labels and default buckets as the controller with --metrics-per-host=true):
 *   nginx_ingress_controller_requests                        counter
 *   nginx_ingress_controller_request_duration_seconds        histogram (whole request as nginx saw it)
 *   nginx_ingress_controller_response_duration_seconds       histogram (upstream response time; not observed
 *                                                            when no upstream was contacted, e.g. 503 without endpoints)
 *   const labels controller_class, controller_namespace, controller_pod; labels status, method, path, namespace,
 *   ingress, service, canary, host. As in ingress-nginx, `ingress`, `service` and `path` are those of the MAIN
 *   Ingress's location even when the canary served the request; `canary` is the canary upstream name
 *   ("<namespace>-<service>-<port>") for requests the canary served and "" otherwise.
 *
 * Gateway API (names chosen for the sandbox; Envoy-style implementations expose other names):
 *   gateway_http_requests_total{namespace,route,host,backend_namespace,backend_service,status,method}   counter
 *   gateway_http_request_duration_seconds{same labels}                                               histogram
 *   `namespace`/`route` are the HTTPRoute's; backend_* is the chosen backendRef ("" for 404s and rules without one).
 *
 * Application (what every simulated pod reports about the requests it served, whatever sent them):
 *   http_requests_total{namespace,service,pod,status}                                                counter
 *   http_request_duration_seconds{namespace,service,pod,status}                                      histogram
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Histogram, Registry } from 'prom-client';

/** prometheus.DefBuckets of client_golang: ingress-nginx's default --time-buckets. */
export const NGINX_TIME_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface ControllerIdentity {
  controllerClass: string;
  controllerNamespace: string;
  controllerPod: string;
}

export const DEFAULT_CONTROLLER: ControllerIdentity = {
  controllerClass: 'k8s.io/ingress-nginx',
  controllerNamespace: 'ingress-nginx',
  controllerPod: 'ingress-nginx-controller-sandbox',
};

export const NGINX_LABELS = ['status', 'method', 'path', 'namespace', 'ingress', 'service', 'canary', 'host'] as const;
export const GATEWAY_LABELS = ['namespace', 'route', 'host', 'backend_namespace', 'backend_service', 'status', 'method'] as const;
export const APP_LABELS = ['namespace', 'service', 'pod', 'status'] as const;

export type NginxLabels = Record<(typeof NGINX_LABELS)[number], string>;
export type GatewayLabels = Record<(typeof GATEWAY_LABELS)[number], string>;
export type AppLabels = Record<(typeof APP_LABELS)[number], string>;

/** Remembers which label sets were used for an owner (an Ingress, a route, a pod) so they can be removed with it. */
class SeriesTracker<L extends Record<string, string>> {
  private byOwner = new Map<string, Map<string, L>>();
  note(owner: string, labels: L): void {
    let m = this.byOwner.get(owner);
    if (!m) this.byOwner.set(owner, (m = new Map()));
    const k = JSON.stringify(labels);
    if (!m.has(k)) m.set(k, { ...labels });
  }
  /** Removes and returns the label sets of owners not in `keep`. */
  prune(keep: Set<string>): L[] {
    const gone: L[] = [];
    for (const [owner, m] of this.byOwner) {
      if (keep.has(owner)) continue;
      gone.push(...m.values());
      this.byOwner.delete(owner);
    }
    return gone;
  }
}

export class TrafficMetrics {
  /** The ingress-nginx metrics; prom-client has no per-metric const labels, so the controller labels are this registry's default labels. */
  readonly registry = new Registry();
  /** Gateway and application metrics (without the ingress-nginx controller labels). */
  readonly otherRegistry = new Registry();
  readonly nginxRequests: Counter<string>;
  readonly nginxRequestDuration: Histogram<string>;
  readonly nginxResponseDuration: Histogram<string>;
  readonly gatewayRequests: Counter<string>;
  readonly gatewayRequestDuration: Histogram<string>;
  readonly appRequests: Counter<string>;
  readonly appRequestDuration: Histogram<string>;
  private nginxSeries = new SeriesTracker<NginxLabels>();
  private gatewaySeries = new SeriesTracker<GatewayLabels>();
  private appSeries = new SeriesTracker<AppLabels>();

  constructor(controller: ControllerIdentity = DEFAULT_CONTROLLER) {
    const constLabels = {
      controller_class: controller.controllerClass,
      controller_namespace: controller.controllerNamespace,
      controller_pod: controller.controllerPod,
    };
    const r = [this.registry];
    this.nginxRequests = new Counter({ name: 'nginx_ingress_controller_requests', help: 'The total number of client requests', labelNames: [...NGINX_LABELS], registers: r });
    this.nginxRequestDuration = new Histogram({
      name: 'nginx_ingress_controller_request_duration_seconds',
      help: 'The request processing time in milliseconds',
      labelNames: [...NGINX_LABELS],
      buckets: NGINX_TIME_BUCKETS,
      registers: r,
    });
    this.nginxResponseDuration = new Histogram({
      name: 'nginx_ingress_controller_response_duration_seconds',
      help: 'The time spent on receiving the response from the upstream server',
      labelNames: [...NGINX_LABELS],
      buckets: NGINX_TIME_BUCKETS,
      registers: r,
    });
    this.gatewayRequests = new Counter({ name: 'gateway_http_requests_total', help: 'HTTP requests routed by HTTPRoutes (rel sandbox)', labelNames: [...GATEWAY_LABELS], registers: [] });
    this.gatewayRequestDuration = new Histogram({
      name: 'gateway_http_request_duration_seconds',
      help: 'Duration of HTTP requests routed by HTTPRoutes, seconds (rel sandbox)',
      labelNames: [...GATEWAY_LABELS],
      buckets: NGINX_TIME_BUCKETS,
      registers: [],
    });
    this.appRequests = new Counter({ name: 'http_requests_total', help: 'HTTP requests served by the simulated application pods', labelNames: [...APP_LABELS], registers: [] });
    this.appRequestDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP requests served by the simulated application pods, seconds',
      labelNames: [...APP_LABELS],
      buckets: NGINX_TIME_BUCKETS,
      registers: [],
    });
    this.registry.setDefaultLabels(constLabels);
    this.otherRegistry.registerMetric(this.gatewayRequests);
    this.otherRegistry.registerMetric(this.gatewayRequestDuration);
    this.otherRegistry.registerMetric(this.appRequests);
    this.otherRegistry.registerMetric(this.appRequestDuration);
  }

  recordNginx(ingressKey: string, labels: NginxLabels, requestSeconds: number, upstreamSeconds: number | undefined): void {
    this.nginxSeries.note(ingressKey, labels);
    this.nginxRequests.inc(labels);
    this.nginxRequestDuration.observe(labels, requestSeconds);
    if (upstreamSeconds !== undefined) this.nginxResponseDuration.observe(labels, upstreamSeconds);
  }

  recordGateway(routeKey: string, labels: GatewayLabels, seconds: number): void {
    this.gatewaySeries.note(routeKey, labels);
    this.gatewayRequests.inc(labels);
    this.gatewayRequestDuration.observe(labels, seconds);
  }

  recordApp(podKey: string, labels: AppLabels, seconds: number): void {
    this.appSeries.note(podKey, labels);
    this.appRequests.inc(labels);
    this.appRequestDuration.observe(labels, seconds);
  }

  /**
   * Drops the series of Ingresses, HTTPRoutes and pods that no longer exist, as ingress-nginx removes the
   * metrics of deleted Ingresses and as a deleted pod's series go stale in Prometheus.
   */
  prune(keep: { ingresses: Set<string>; routes: Set<string>; pods: Set<string> }): void {
    for (const l of this.nginxSeries.prune(keep.ingresses)) {
      this.nginxRequests.remove(l);
      this.nginxRequestDuration.remove(l);
      this.nginxResponseDuration.remove(l);
    }
    for (const l of this.gatewaySeries.prune(keep.routes)) {
      this.gatewayRequests.remove(l);
      this.gatewayRequestDuration.remove(l);
    }
    for (const l of this.appSeries.prune(keep.pods)) {
      this.appRequests.remove(l);
      this.appRequestDuration.remove(l);
    }
  }

  /** The Prometheus text exposition of all metrics. */
  async exposition(): Promise<string> {
    const [a, b] = await Promise.all([this.registry.metrics(), this.otherRegistry.metrics()]);
    return `${a.trimEnd()}\n\n${b}`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** An HTTP handler serving the exposition (for GET/HEAD on any path it is mounted at). */
  handler(): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: 'GET, HEAD' });
        res.end('method not allowed: use GET\n');
        return;
      }
      this.exposition().then(
        (body) => {
          res.writeHead(200, { 'content-type': this.contentType, 'cache-control': 'no-store' });
          res.end(req.method === 'HEAD' ? undefined : body);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(`collecting metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
        },
      );
    };
  }
}
