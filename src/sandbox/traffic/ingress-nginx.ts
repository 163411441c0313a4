/**
 * A model of how ingress-nginx turns Ingress objects into servers, locations and upstreams, and how its Lua
 * balancer picks the canary ("alternative") upstream for a request. Behaviour follows ingress-nginx
 * (internal/ingress/controller/controller.go and rootfs/etc/nginx/lua/balancer.lua), including its quirks:
 *  - only Ingresses of the nginx class (or without a class) are served; the oldest Ingress wins a host+path;
 *  - a canary Ingress never creates locations: its backend becomes the alternative of the main upstream with
 *    the same host, path and pathType; the alternative belongs to the main *upstream* (namespace-service-port),
 *    so it applies to every location that uses that upstream; only the first (oldest) canary is used;
 *  - precedence: canary-by-header (value, else pattern, else "always"/"never") → canary-by-cookie
 *    ("always"/"never") → canary-weight (math.random(total) <= weight, total = canary-weight-total if > 100);
 *  - a main upstream without ready endpoints answers 503 for every request (the canary is not consulted); a
 *    canary upstream without ready endpoints is skipped and the request goes to the main upstream.
 */
import type { KubeObject } from './cluster-view.js';
import { byAgeThenName, findServicePort, nameOf, nsOf, parseGoBool, parseGoInt, type ServiceIndex } from './k8s.js';
import { randomInt1, type Rng } from './rng.js';

export const NGINX_ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io';
export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
/** Name ingress-nginx gives the catch-all server (rules without host). */
export const CATCH_ALL_SERVER = '_';

export interface TrafficShapingPolicy {
  weight: number;
  weightTotal: number;
  header: string;
  headerValue: string;
  headerPattern: string;
  cookie: string;
}

export interface NginxUpstream {
  /** ingress-nginx upstream name: namespace-service-port (port number, or port name). */
  name: string;
  namespace: string;
  service: string;
  /** The Service (undefined when it does not exist). */
  svc?: KubeObject;
  /** Ready pods behind the Service port (empty when the Service or its port is missing). */
  endpoints: KubeObject[];
  /** Upstream names of canary backends merged into this one (only the first is used, as in ingress-nginx). */
  alternatives: string[];
  /** Set when this upstream is the backend of a canary Ingress. */
  trafficShapingPolicy?: TrafficShapingPolicy;
}

export interface NginxLocation {
  host: string;
  path: string;
  pathType: string;
  namespace: string;
  ingress: string;
  service: string;
  upstream: string;
  /** Requests per second for this location's host, from the sandbox.rel.dev/requests-per-second annotation of the Ingress. */
  rps?: number;
}

export interface NginxServer {
  host: string;
  locations: NginxLocation[];
}

export interface NginxModel {
  servers: NginxServer[];
  upstreams: Map<string, NginxUpstream>;
}

export interface NginxModelOptions {
  /** IngressClass names this controller serves (besides IngressClasses whose spec.controller is k8s.io/ingress-nginx). */
  ingressClassNames?: string[];
  /** Serve Ingresses without any class (ingress-nginx's --watch-ingress-without-class). Default true. */
  watchWithoutClass?: boolean;
  /** IngressClass objects (to find classes handled by controller k8s.io/ingress-nginx). */
  ingressClasses?: KubeObject[];
  controllerName?: string;
}

function ann(o: KubeObject, key: string): string | undefined {
  return o.metadata?.annotations?.[`${NGINX_ANNOTATION_PREFIX}/${key}`];
}

/** Parsed canary annotations; undefined when the Ingress is not a canary. */
export function parseCanary(ing: KubeObject): TrafficShapingPolicy | undefined {
  if (parseGoBool(ann(ing, 'canary')) !== true) return undefined;
  return {
    weight: parseGoInt(ann(ing, 'canary-weight')) ?? 0,
    weightTotal: parseGoInt(ann(ing, 'canary-weight-total')) ?? 100,
    header: ann(ing, 'canary-by-header') ?? '',
    headerValue: ann(ing, 'canary-by-header-value') ?? '',
    headerPattern: ann(ing, 'canary-by-header-pattern') ?? '',
    cookie: ann(ing, 'canary-by-cookie') ?? '',
  };
}

function servedClass(ing: KubeObject, opts: NginxModelOptions): boolean {
  const controller = opts.controllerName ?? 'k8s.io/ingress-nginx';
  const names = new Set(opts.ingressClassNames ?? ['nginx']);
  for (const ic of opts.ingressClasses ?? []) if (ic.spec?.controller === controller && ic.metadata?.name) names.add(ic.metadata.name);
  const cls: string | undefined = ing.spec?.ingressClassName ?? ing.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION];
  if (cls === undefined || cls === '') return opts.watchWithoutClass ?? true;
  return names.has(cls);
}

interface BackendRef {
  name: string;
  port: { number?: number; name?: string };
}

function serviceBackend(b: any): BackendRef | undefined {
  const s = b?.service;
  if (!s || typeof s.name !== 'string') return undefined;
  return { name: s.name, port: { number: typeof s.port?.number === 'number' ? s.port.number : undefined, name: s.port?.name } };
}

/** ingress-nginx's upstreamName(namespace, service). */
export function upstreamName(namespace: string, ref: BackendRef): string {
  if (ref.port.number !== undefined && ref.port.number > 0) return `${namespace}-${ref.name}-${ref.port.number}`;
  if (ref.port.name) return `${namespace}-${ref.name}-${ref.port.name}`;
  return 'upstream-default-backend';
}

function rpsAnnotation(o: KubeObject): number | undefined {
  const v = o.metadata?.annotations?.['sandbox.rel.dev/requests-per-second'];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Builds servers, locations and upstreams from the Ingresses, as ingress-nginx's controller does. */
export function buildNginxModel(ingresses: KubeObject[], index: ServiceIndex, opts: NginxModelOptions = {}): NginxModel {
  const served = ingresses.filter((i) => servedClass(i, opts)).sort(byAgeThenName);
  const upstreams = new Map<string, NginxUpstream>();
  const servers = new Map<string, NginxServer>();

  const ensureUpstream = (namespace: string, ref: BackendRef): NginxUpstream => {
    const name = upstreamName(namespace, ref);
    let u = upstreams.get(name);
    if (!u) {
      const svc = index.service(namespace, ref.name);
      const endpoints = svc && findServicePort(svc, ref.port) ? index.readyPods(svc) : [];
      u = { name, namespace, service: ref.name, svc, endpoints, alternatives: [] };
      upstreams.set(name, u);
    }
    return u;
  };

  // Main (non-canary) Ingresses create the locations; the oldest Ingress wins a host + path + pathType.
  for (const ing of served) {
    if (parseCanary(ing)) continue;
    const rules: any[] = Array.isArray(ing.spec?.rules) ? ing.spec.rules : [];
    for (const rule of rules) {
      const host = rule?.host ? String(rule.host) : CATCH_ALL_SERVER;
      const paths: any[] = Array.isArray(rule?.http?.paths) ? rule.http.paths : [];
      for (const p of paths) {
        const ref = serviceBackend(p?.backend);
        if (!ref) continue;
        const path = p?.path ? String(p.path) : '/';
        const pathType = p?.pathType ? String(p.pathType) : 'ImplementationSpecific';
        let server = servers.get(host);
        if (!server) servers.set(host, (server = { host, locations: [] }));
        if (server.locations.some((l) => l.path === path && l.pathType === pathType)) continue;
        const u = ensureUpstream(nsOf(ing), ref);
        server.locations.push({ host, path, pathType, namespace: nsOf(ing), ingress: nameOf(ing), service: ref.name, upstream: u.name, rps: rpsAnnotation(ing) });
      }
    }
  }

  // Canary Ingresses: merge their backends as alternatives of the matching main upstreams.
  for (const ing of served) {
    const policy = parseCanary(ing);
    if (!policy) continue;
    const rules: any[] = Array.isArray(ing.spec?.rules) ? ing.spec.rules : [];
    for (const rule of rules) {
      const host = rule?.host ? String(rule.host) : CATCH_ALL_SERVER;
      const paths: any[] = Array.isArray(rule?.http?.paths) ? rule.http.paths : [];
      for (const p of paths) {
        const ref = serviceBackend(p?.backend);
        if (!ref) continue;
        const server = servers.get(host);
        if (!server) continue; // "cannot merge alternative backend into hostname that does not exist"
        const path = p?.path ? String(p.path) : '/';
        const pathType = p?.pathType ? String(p.pathType) : 'ImplementationSpecific';
        const altName = upstreamName(nsOf(ing), ref);
        for (const loc of server.locations) {
          const pri = upstreams.get(loc.upstream);
          if (!pri) continue;
          if (pri.name === altName) break; // the canary's backend is the primary of another location
          if (loc.path !== path || loc.pathType !== pathType || pri.name === 'upstream-default-backend') continue;
          const alt = ensureUpstream(nsOf(ing), ref);
          if (!alt.trafficShapingPolicy) alt.trafficShapingPolicy = policy;
          if (!pri.alternatives.includes(alt.name)) pri.alternatives.push(alt.name);
        }
      }
    }
  }

  return { servers: [...servers.values()], upstreams };
}

/** A synthetic request as the router sees it. Header names are matched case-insensitively. */
export interface SyntheticRequest {
  method: string;
  host: string;
  path: string;
  headers: Record<string, string>;
  cookies: Record<string, string>;
}

function headerValue(req: SyntheticRequest, name: string): string | undefined {
  // nginx's $http_NAME: lower case, '-' replaced by '_'.
  const want = name.toLowerCase().replace(/-/g, '_');
  for (const [k, v] of Object.entries(req.headers)) if (k.toLowerCase().replace(/-/g, '_') === want) return v;
  return undefined;
}

function cookieValue(req: SyntheticRequest, name: string): string | undefined {
  if (!name) return undefined;
  if (Object.prototype.hasOwnProperty.call(req.cookies, name)) return req.cookies[name];
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(req.cookies)) if (k.toLowerCase() === want) return v;
  return undefined;
}

const regexCache = new Map<string, RegExp | null>();
function compilePattern(p: string): RegExp | null {
  if (!regexCache.has(p)) {
    let re: RegExp | null = null;
    try {
      re = new RegExp(p);
    } catch {
      re = null;
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(p, re);
  }
  return regexCache.get(p) ?? null;
}

/** balancer.lua route_to_alternative_balancer: should this request go to the canary upstream? */
export function routeToCanary(policy: TrafficShapingPolicy, req: SyntheticRequest, rng: Rng): boolean {
  const header = policy.header ? headerValue(req, policy.header) : undefined;
  if (header !== undefined) {
    if (policy.headerValue.length > 0) {
      if (policy.headerValue === header) return true;
    } else if (policy.headerPattern.length > 0) {
      const re = compilePattern(policy.headerPattern);
      if (re === null) return false; // ngx.re.match error: stay on the main upstream
      if (re.test(header)) return true;
    } else if (header === 'always') {
      return true;
    } else if (header === 'never') {
      return false;
    }
  }
  const cookie = cookieValue(req, policy.cookie);
  if (cookie !== undefined) {
    if (cookie === 'always') return true;
    if (cookie === 'never') return false;
  }
  const total = policy.weightTotal > 100 ? policy.weightTotal : 100;
  return randomInt1(rng, total) <= policy.weight;
}

export type NginxRouteResult =
  | { kind: 'no-endpoints'; location: NginxLocation; canary: '' }
  | { kind: 'pod'; location: NginxLocation; upstream: NginxUpstream; pod: KubeObject; canary: string };

/** Round-robin cursors by upstream name; kept by the caller so they survive rebuilding the model. */
export type RoundRobin = Map<string, number>;

/** Picks the next endpoint of a list in round-robin order. */
export function nextRoundRobin<T>(rr: RoundRobin, key: string, list: T[]): T {
  const i = rr.get(key) ?? 0;
  rr.set(key, (i + 1) % 1_000_000_007);
  return list[i % list.length]!;
}

/** Routes one request that matched `location`: picks the upstream (main or canary) and a ready pod (round robin). */
export function routeNginxRequest(model: NginxModel, location: NginxLocation, req: SyntheticRequest, rng: Rng, rr: RoundRobin): NginxRouteResult {
  const primary = model.upstreams.get(location.upstream);
  if (!primary || primary.endpoints.length === 0) return { kind: 'no-endpoints', location, canary: '' };
  let chosen = primary;
  let canary = '';
  const altName = primary.alternatives[0];
  if (altName) {
    const alt = model.upstreams.get(altName);
    if (alt && alt.endpoints.length > 0 && alt.trafficShapingPolicy && routeToCanary(alt.trafficShapingPolicy, req, rng)) {
      chosen = alt;
      canary = alt.name;
    }
  }
  const pod = nextRoundRobin(rr, chosen.name, chosen.endpoints);
  return { kind: 'pod', location, upstream: chosen, pod, canary };
}
