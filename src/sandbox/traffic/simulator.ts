/**
 * The sandbox's traffic: steady synthetic requests through every served Ingress host (ingress-nginx model),
 * every HTTPRoute hostname (Gateway API model) and every other Service with a selector, answered by the ready
 * pods as their sandbox.rel.dev annotations say, and counted in Prometheus metrics.
 *
 * Time is simulated: tick(seconds) sends rate × seconds requests per stream at once; start() ticks in real time.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ClusterView, type KubeObject, listKind } from './cluster-view.js';
import { podAnswer, podBehaviour } from './app.js';
import { buildGatewayModel, gatewayRequestShapes, routeGatewayRequest, type GatewayModel, type GatewayRequestShapes } from './gateway.js';
import {
  buildNginxModel,
  CATCH_ALL_SERVER,
  routeNginxRequest,
  type NginxModel,
  type NginxServer,
  type RoundRobin,
  type SyntheticRequest,
} from './ingress-nginx.js';
import { keyOf, nameOf, nsOf, ServiceIndex } from './k8s.js';
import { DEFAULT_CONTROLLER, type ControllerIdentity, TrafficMetrics } from './metrics.js';
import { mathRng, seededRng, type Rng } from './rng.js';

export interface TrafficOptions {
  /** Synthetic requests per second per Ingress host and per HTTPRoute hostname. Default 20. */
  requestsPerSecond?: number;
  /** Requests per second to each Service that no Ingress or HTTPRoute routes to. Default: requestsPerSecond. 0 turns it off. */
  serviceRequestsPerSecond?: number;
  /** Share of requests to a host with a canary-by-header rule (or HTTPRoute header match) that carry the header. Default 0.1. */
  headerShare?: number;
  /** Value sent in the canary header. Default: the canary-by-header-value, else "always" (HTTPRoutes: the match's value). */
  headerValue?: string;
  /** Share of requests to a host with a canary-by-cookie rule (or an HTTPRoute Cookie header regex) that carry the cookie. Default 0.1. */
  cookieShare?: number;
  /** Value sent in the canary cookie. Default "always". */
  cookieValue?: string;
  /** Seed for reproducible runs (unit tests); default: Math.random. */
  seed?: number;
  /** Real-time tick period of start(), ms. Default 100. */
  tickMs?: number;
  /** IngressClass names served by the simulated ingress-nginx. Default ["nginx"]. */
  ingressClassNames?: string[];
  /** Serve Ingresses without a class. Default true. */
  watchIngressWithoutClass?: boolean;
  /** Record metrics for rules without host (host label "_"), like --metrics-per-undefined-host. Default true. */
  metricsPerUndefinedHost?: boolean;
  controller?: Partial<ControllerIdentity>;
  /**
   * Ceiling on all synthetic requests per second together (protects the CPU of a sandbox with many hosts and
   * Services); when the streams ask for more, every stream is slowed down by the same factor. Default 5000.
   */
  maxTotalRequestsPerSecond?: number;
}

export interface RequestRecord {
  via: 'ingress' | 'gateway' | 'service';
  host: string;
  path: string;
  namespace: string;
  /** The main Ingress (via ingress) or the HTTPRoute (via gateway). */
  ingress?: string;
  route?: string;
  /** The Service that answered (for ingress: the canary's Service when the canary served it). */
  service: string;
  /** ingress-nginx canary upstream name, "" when not served by a canary. */
  canary?: string;
  pod?: string;
  status: number;
  seconds: number;
  /** Headers and cookies the request carried (ingress and gateway requests: the canary header or cookie, if sent). */
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
}

interface Stream {
  key: string;
  rps: number;
  send: (n: number) => void;
}

const OVERHEAD_SECONDS = 0.0003;

export class TrafficSimulator {
  readonly metrics: TrafficMetrics;
  private readonly rng: Rng;
  private readonly opts: Required<Omit<TrafficOptions, 'seed' | 'headerValue' | 'controller' | 'serviceRequestsPerSecond'>> & {
    serviceRequestsPerSecond: number;
    headerValue?: string;
  };
  private readonly rr: RoundRobin = new Map();
  private readonly carry = new Map<string, number>();
  private listeners = new Set<(r: RequestRecord) => void>();
  private lastRevision: string | number | undefined;
  private streams: Stream[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastTickAt = 0;
  private total = 0;
  /** Models of the last refresh (read-only, for diagnostics and tests). */
  nginx: NginxModel = { servers: [], upstreams: new Map() };
  gateway: GatewayModel = { routes: [], hosts: [] };

  constructor(
    private readonly view: ClusterView,
    options: TrafficOptions = {},
  ) {
    const rps = options.requestsPerSecond ?? 20;
    for (const [k, v] of Object.entries({ maxTotalRequestsPerSecond: options.maxTotalRequestsPerSecond, requestsPerSecond: rps, headerShare: options.headerShare, cookieShare: options.cookieShare, serviceRequestsPerSecond: options.serviceRequestsPerSecond })) {
      if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new Error(`traffic option ${k} must be a number ≥ 0, got ${String(v)}`);
    }
    for (const k of ['headerShare', 'cookieShare'] as const) {
      const v = options[k];
      if (v !== undefined && v > 1) throw new Error(`traffic option ${k} is a share between 0 and 1, got ${v}`);
    }
    this.opts = {
      requestsPerSecond: rps,
      serviceRequestsPerSecond: options.serviceRequestsPerSecond ?? rps,
      headerShare: options.headerShare ?? 0.1,
      headerValue: options.headerValue,
      cookieShare: options.cookieShare ?? 0.1,
      cookieValue: options.cookieValue ?? 'always',
      tickMs: options.tickMs ?? 100,
      ingressClassNames: options.ingressClassNames ?? ['nginx'],
      watchIngressWithoutClass: options.watchIngressWithoutClass ?? true,
      metricsPerUndefinedHost: options.metricsPerUndefinedHost ?? true,
      maxTotalRequestsPerSecond: options.maxTotalRequestsPerSecond ?? 5000,
    };
    this.rng = options.seed === undefined ? mathRng : seededRng(options.seed);
    this.metrics = new TrafficMetrics({ ...DEFAULT_CONTROLLER, ...options.controller });
  }

  /** HTTP handler for GET /metrics (mount it on any server). */
  readonly metricsHandler = (req: http.IncomingMessage, res: http.ServerResponse): void => this.metrics.handler()(req, res);

  /**
   * For an HTTP server's routing hook: serves GET/HEAD /metrics and returns true, returns false for any other
   * path (e.g. SandboxServer's `extraRoutes`).
   */
  readonly metricsRoute = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
    if (path !== '/metrics') return false;
    this.metricsHandler(req, res);
    return true;
  };

  /** Calls `fn` for every simulated request; returns an unsubscribe function. */
  onRequest(fn: (r: RequestRecord) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Factor (≤ 1) applied to every stream's rate because of maxTotalRequestsPerSecond. */
  get rateScale(): number {
    const total = this.streams.reduce((s, x) => s + x.rps, 0);
    return total > this.opts.maxTotalRequestsPerSecond ? this.opts.maxTotalRequestsPerSecond / total : 1;
  }

  /** Number of requests simulated so far. */
  get requestCount(): number {
    return this.total;
  }

  /** Re-reads the cluster and rebuilds the routing tables (tick() does this when the cluster changed). */
  refresh(force = true): void {
    const rev = this.view.revision?.();
    if (!force && rev !== undefined && rev === this.lastRevision && this.streams.length > 0) return;
    this.lastRevision = rev;
    const ingresses = listKind(this.view, 'Ingress');
    const services = listKind(this.view, 'Service');
    const pods = listKind(this.view, 'Pod');
    const routes = listKind(this.view, 'HTTPRoute');
    const index = new ServiceIndex(services, pods);
    this.nginx = buildNginxModel(ingresses, index, {
      ingressClassNames: this.opts.ingressClassNames,
      watchWithoutClass: this.opts.watchIngressWithoutClass,
      ingressClasses: listKind(this.view, 'IngressClass'),
    });
    this.gateway = buildGatewayModel(routes, index, routes.length > 0 ? listKind(this.view, 'ReferenceGrant') : []);
    this.metrics.prune({
      ingresses: new Set(ingresses.map(keyOf)),
      routes: new Set([...routes.map(keyOf), '']),
      pods: new Set(pods.map(keyOf)),
    });
    this.streams = this.buildStreams(index);
  }

  private buildStreams(index: ServiceIndex): Stream[] {
    const streams: Stream[] = [];
    const routed = new Set<string>();
    for (const u of this.nginx.upstreams.values()) routed.add(`${u.namespace}/${u.service}`);
    for (const r of this.gateway.routes) for (const rule of r.rules) for (const b of rule.backends) routed.add(`${b.namespace}/${b.service}`);

    for (const server of this.nginx.servers) {
      if (server.locations.length === 0) continue;
      const annotated = server.locations.map((l) => l.rps).filter((x): x is number => x !== undefined);
      const rps = annotated.length > 0 ? Math.max(...annotated) : this.opts.requestsPerSecond;
      streams.push({ key: `nginx:${server.host}`, rps, send: (n) => this.sendNginx(server, n) });
    }
    for (const host of this.gateway.hosts) {
      const annotated = this.gateway.routes
        .filter((r) => (host === '' ? r.hostnames.length === 0 : r.hostnames.length > 0))
        .map((r) => r.rps)
        .filter((x): x is number => x !== undefined);
      const rps = annotated.length > 0 ? Math.max(...annotated) : this.opts.requestsPerSecond;
      const shapes = gatewayRequestShapes(this.gateway, host, { headerValue: this.opts.headerValue, cookieValue: this.opts.cookieValue });
      streams.push({ key: `gw:${host}`, rps, send: (n) => this.sendGateway(host, shapes, n) });
    }
    for (const svc of index.allServices()) {
      if (routed.has(keyOf(svc))) continue;
      const sel = svc.spec?.selector;
      if (!sel || Object.keys(sel).length === 0 || svc.spec?.type === 'ExternalName') continue;
      const raw = svc.metadata?.annotations?.['sandbox.rel.dev/requests-per-second'];
      const rps = raw !== undefined && Number.isFinite(Number(raw)) && Number(raw) >= 0 ? Number(raw) : this.opts.serviceRequestsPerSecond;
      const pods = index.readyPods(svc);
      streams.push({ key: `svc:${keyOf(svc)}`, rps, send: (n) => this.sendService(svc, pods, n) });
    }
    return streams;
  }

  /** Advances simulated time: every stream sends rate × seconds requests (fractions carry over). Returns the number sent. */
  tick(seconds: number): number {
    if (!(seconds >= 0)) throw new Error(`tick needs a duration ≥ 0 seconds, got ${seconds}`);
    this.refresh(false);
    let sent = 0;
    const live = new Set<string>();
    const scale = this.rateScale;
    for (const s of this.streams) {
      live.add(s.key);
      const want = (this.carry.get(s.key) ?? 0) + s.rps * scale * seconds;
      const n = Math.floor(want);
      this.carry.set(s.key, want - n);
      if (n > 0) s.send(n);
      sent += n;
    }
    for (const k of this.carry.keys()) if (!live.has(k)) this.carry.delete(k);
    this.total += sent;
    return sent;
  }

  /** Ticks in real time every tickMs until stop(). */
  start(): void {
    if (this.timer) return;
    this.lastTickAt = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      const dt = Math.min(5, (now - this.lastTickAt) / 1000);
      this.lastTickAt = now;
      try {
        this.tick(dt);
      } catch (err) {
        // A malformed object must not stop the traffic; report once per distinct message.
        const msg = err instanceof Error ? err.message : String(err);
        if (msg !== this.lastError) process.stderr.write(`rel sandbox traffic: ${msg}\n`);
        this.lastError = msg;
      }
    }, this.opts.tickMs);
    this.timer.unref();
  }
  private lastError = '';

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Serves GET /metrics on its own loopback listener (port 0 = any free port). */
  async listen(port = 0, host = '127.0.0.1'): Promise<{ url: string; port: number; close(): Promise<void> }> {
    const server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/metrics') return this.metricsHandler(req, res);
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found: the traffic metrics are at /metrics\n');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(new Error(err.code === 'EADDRINUSE' ? `cannot serve metrics on ${host}:${port}: the port is in use; choose another port` : `cannot serve metrics on ${host}:${port}: ${err.message}`)),
      );
      server.listen(port, host, () => resolve());
    });
    const actual = (server.address() as AddressInfo).port;
    return {
      url: `http://${host}:${actual}/metrics`,
      port: actual,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections?.();
          server.close(() => resolve());
        }),
    };
  }

  private emit(r: RequestRecord): void {
    for (const l of this.listeners) l(r);
  }

  private sendNginx(server: NginxServer, n: number): void {
    const recordMetrics = server.host !== CATCH_ALL_SERVER || this.opts.metricsPerUndefinedHost;
    for (let i = 0; i < n; i++) {
      const loc = server.locations.length === 1 ? server.locations[0]! : server.locations[Math.floor(this.rng.next() * server.locations.length)]!;
      const req: SyntheticRequest = { method: 'GET', host: server.host, path: loc.path, headers: {}, cookies: {} };
      const primary = this.nginx.upstreams.get(loc.upstream);
      const altName = primary?.alternatives[0];
      const policy = altName ? this.nginx.upstreams.get(altName)?.trafficShapingPolicy : undefined;
      if (policy?.header && this.rng.next() < this.opts.headerShare) req.headers[policy.header] = this.opts.headerValue ?? (policy.headerValue || 'always');
      if (policy?.cookie && this.rng.next() < this.opts.cookieShare) req.cookies[policy.cookie] = this.opts.cookieValue;
      const result = routeNginxRequest(this.nginx, loc, req, this.rng, this.rr);
      let status: number;
      let requestSeconds: number;
      let upstreamSeconds: number | undefined;
      let service = loc.service;
      let pod: KubeObject | undefined;
      if (result.kind === 'no-endpoints') {
        status = 503;
        requestSeconds = OVERHEAD_SECONDS * (0.5 + this.rng.next());
      } else {
        pod = result.pod;
        const answer = podAnswer(podBehaviour(pod), this.rng);
        status = answer.status;
        upstreamSeconds = answer.seconds;
        requestSeconds = answer.seconds + OVERHEAD_SECONDS * (0.5 + this.rng.next());
        service = result.upstream.service;
        this.metrics.recordApp(keyOf(pod), { namespace: nsOf(pod), service, pod: nameOf(pod), status: String(status) }, answer.seconds);
      }
      if (recordMetrics)
        this.metrics.recordNginx(
          `${loc.namespace}/${loc.ingress}`,
          { status: String(status), method: req.method, path: loc.path, namespace: loc.namespace, ingress: loc.ingress, service: loc.service, canary: result.canary, host: server.host },
          requestSeconds,
          upstreamSeconds,
        );
      if (this.listeners.size > 0)
        this.emit({ via: 'ingress', host: server.host, path: loc.path, namespace: loc.namespace, ingress: loc.ingress, service, canary: result.canary, pod: pod && nameOf(pod), status, seconds: requestSeconds, headers: req.headers, cookies: req.cookies });
    }
  }

  private sendGateway(host: string, shapes: GatewayRequestShapes, n: number): void {
    for (let i = 0; i < n; i++) {
      const path = shapes.paths.length === 1 ? shapes.paths[0]! : shapes.paths[Math.floor(this.rng.next() * shapes.paths.length)]!;
      const req: SyntheticRequest = { method: 'GET', host, path, headers: {}, cookies: {} };
      for (const [name, value] of shapes.headers) if (this.rng.next() < this.opts.headerShare) req.headers[name] = this.opts.headerValue ?? value;
      for (const name of shapes.cookies) if (this.rng.next() < this.opts.cookieShare) req.cookies[name] = this.opts.cookieValue;
      const result = routeGatewayRequest(this.gateway, req, this.rng, this.rr);
      let status: number;
      let seconds: number;
      let pod: KubeObject | undefined;
      const routeNs = result.kind === 'not-found' ? '' : result.route.namespace;
      const routeName = result.kind === 'not-found' ? '' : result.route.name;
      const backend = result.kind === 'pod' ? result.backend : result.kind === 'error' ? result.backend : undefined;
      if (result.kind === 'pod') {
        pod = result.pod;
        const answer = podAnswer(podBehaviour(pod), this.rng);
        status = answer.status;
        seconds = answer.seconds + OVERHEAD_SECONDS * (0.5 + this.rng.next());
        this.metrics.recordApp(keyOf(pod), { namespace: nsOf(pod), service: result.backend.service, pod: nameOf(pod), status: String(status) }, answer.seconds);
      } else {
        status = result.kind === 'not-found' ? 404 : result.status;
        seconds = OVERHEAD_SECONDS * (0.5 + this.rng.next());
      }
      this.metrics.recordGateway(
        routeNs === '' ? '' : `${routeNs}/${routeName}`,
        { namespace: routeNs, route: routeName, host, backend_namespace: backend?.namespace ?? '', backend_service: backend?.service ?? '', status: String(status), method: req.method },
        seconds,
      );
      if (this.listeners.size > 0) this.emit({ via: 'gateway', host, path, namespace: routeNs, route: routeName, service: backend?.service ?? '', pod: pod && nameOf(pod), status, seconds, headers: req.headers, cookies: req.cookies });
    }
  }

  private sendService(svc: KubeObject, pods: KubeObject[], n: number): void {
    for (let i = 0; i < n; i++) {
      if (pods.length === 0) {
        // kube-proxy rejects connections to a Service without ready endpoints: no pod sees the request.
        if (this.listeners.size > 0) this.emit({ via: 'service', host: `${nameOf(svc)}.${nsOf(svc)}.svc`, path: '/', namespace: nsOf(svc), service: nameOf(svc), status: 503, seconds: 0 });
        continue;
      }
      const pod = pods[Math.floor(this.rng.next() * pods.length)]!;
      const answer = podAnswer(podBehaviour(pod), this.rng);
      this.metrics.recordApp(keyOf(pod), { namespace: nsOf(pod), service: nameOf(svc), pod: nameOf(pod), status: String(answer.status) }, answer.seconds);
      if (this.listeners.size > 0)
        this.emit({ via: 'service', host: `${nameOf(svc)}.${nsOf(svc)}.svc`, path: '/', namespace: nsOf(svc), service: nameOf(svc), pod: nameOf(pod), status: answer.status, seconds: answer.seconds });
    }
  }
}
