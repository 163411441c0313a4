/** The sandbox's traffic simulation, metrics and Prometheus launcher. */
export { type ClusterView, type KubeObject, StaticClusterView, listKind, storeClusterView, type IterableObjectStore } from './cluster-view.js';
export { TrafficSimulator, type TrafficOptions, type RequestRecord } from './simulator.js';
export { TrafficMetrics, NGINX_TIME_BUCKETS, DEFAULT_CONTROLLER } from './metrics.js';
export { startPrometheus, queryProm, prometheusConfig, PROMETHEUS_INSTALL_HINT, type RunningPrometheus, type PromSample } from './prometheus.js';
export { ERROR_RATE_ANNOTATION, LATENCY_ANNOTATION, podBehaviour } from './app.js';
export { parseCanary, routeToCanary, buildNginxModel, routeNginxRequest } from './ingress-nginx.js';
export { buildGatewayModel, routeGatewayRequest, matchGatewayRequest } from './gateway.js';
