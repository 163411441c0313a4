/**
 * A model of a Gateway API implementation routing HTTPRoutes: hostnames, rule matches with the spec's
 * precedence (hostname specificity, Exact path, longest PathPrefix, method, most header matches, oldest route,
 * then namespace/name, then rule order) and weighted backendRefs. Per the HTTPRoute spec, requests routed to
 * an invalid backendRef (unknown kind, missing Service or port, cross-namespace without a ReferenceGrant) and
 * requests of rules whose weights are all zero get 500; a valid Service without ready pods gets 503 (as Envoy
 * answers "no healthy upstream"). Only routes with at least one parentRef are attached.
 */
import type { KubeObject } from './cluster-view.js';
import { byAgeThenName, findServicePort, nameOf, nsOf, type ServiceIndex } from './k8s.js';
import { nextRoundRobin, type RoundRobin, type SyntheticRequest } from './ingress-nginx.js';
import type { Rng } from './rng.js';

export interface GatewayBackend {
  namespace: string;
  service: string;
  weight: number;
  /** Undefined when valid; otherwise why the ref is invalid (requests to it get 500). */
  invalid?: string;
  endpoints: KubeObject[];
}

export interface GatewayRule {
  index: number;
  matches: any[];
  backends: GatewayBackend[];
}

export interface GatewayRoute {
  namespace: string;
  name: string;
  hostnames: string[];
  rules: GatewayRule[];
  order: number;
  rps?: number;
}

export interface GatewayModel {
  routes: GatewayRoute[];
  /** Hostnames that get synthetic traffic ('' for routes without hostnames). */
  hosts: string[];
}

function referenceGranted(grants: KubeObject[], fromNs: string, toNs: string, toName: string): boolean {
  return grants.some((g) => {
    if (nsOf(g) !== toNs) return false;
    const from: any[] = Array.isArray(g.spec?.from) ? g.spec.from : [];
    const to: any[] = Array.isArray(g.spec?.to) ? g.spec.to : [];
    const okFrom = from.some((f) => f?.group === 'gateway.networking.k8s.io' && f?.kind === 'HTTPRoute' && f?.namespace === fromNs);
    const okTo = to.some((t) => (t?.group ?? '') === '' && t?.kind === 'Service' && (t?.name === undefined || t?.name === '' || t?.name === toName));
    return okFrom && okTo;
  });
}

export function buildGatewayModel(httpRoutes: KubeObject[], index: ServiceIndex, referenceGrants: KubeObject[] = []): GatewayModel {
  const routes: GatewayRoute[] = [];
  const sorted = [...httpRoutes].sort(byAgeThenName);
  sorted.forEach((r, order) => {
    const parents: any[] = Array.isArray(r.spec?.parentRefs) ? r.spec.parentRefs : [];
    if (parents.length === 0) return;
    const ns = nsOf(r);
    const rulesIn: any[] = Array.isArray(r.spec?.rules) && r.spec.rules.length > 0 ? r.spec.rules : [{}];
    const rules: GatewayRule[] = rulesIn.map((rule, i) => {
      const refs: any[] = Array.isArray(rule?.backendRefs) ? rule.backendRefs : [];
      const backends = refs.map((ref): GatewayBackend => {
        const bns: string = ref?.namespace || ns;
        const service: string = String(ref?.name ?? '');
        const weight = typeof ref?.weight === 'number' && ref.weight >= 0 ? ref.weight : 1;
        const b: GatewayBackend = { namespace: bns, service, weight, endpoints: [] };
        const group = ref?.group ?? '';
        const kind = ref?.kind ?? 'Service';
        if (group !== '' || kind !== 'Service') b.invalid = `unsupported backend kind ${group ? group + '/' : ''}${kind}`;
        else if (bns !== ns && !referenceGranted(referenceGrants, ns, bns, service)) b.invalid = `no ReferenceGrant allows ${ns}/HTTPRoute to use Service ${bns}/${service}`;
        else {
          const svc = index.service(bns, service);
          if (!svc) b.invalid = `Service ${bns}/${service} not found`;
          else if (typeof ref?.port !== 'number' || !findServicePort(svc, { number: ref.port })) b.invalid = `Service ${bns}/${service} has no port ${ref?.port}`;
          else b.endpoints = index.readyPods(svc);
        }
        return b;
      });
      const matches: any[] = Array.isArray(rule?.matches) && rule.matches.length > 0 ? rule.matches : [{ path: { type: 'PathPrefix', value: '/' } }];
      return { index: i, matches, backends };
    });
    const hostnames: string[] = Array.isArray(r.spec?.hostnames) ? r.spec.hostnames.map(String) : [];
    const rpsRaw = r.metadata?.annotations?.['sandbox.rel.dev/requests-per-second'];
    const rps = rpsRaw !== undefined && Number.isFinite(Number(rpsRaw)) && Number(rpsRaw) >= 0 ? Number(rpsRaw) : undefined;
    routes.push({ namespace: ns, name: nameOf(r), hostnames, rules, order, rps });
  });
  const hosts = new Set<string>();
  for (const r of routes) {
    if (r.hostnames.length === 0) hosts.add('');
    for (const h of r.hostnames) hosts.add(h.startsWith('*.') ? `sandbox${h.slice(1)}` : h);
  }
  return { routes, hosts: [...hosts] };
}

/** 3 = exact hostname, 2 = wildcard (by suffix length in the fraction), 1 = route without hostnames, 0 = no match. */
function hostnameScore(route: GatewayRoute, host: string): number {
  if (route.hostnames.length === 0) return 1;
  let best = 0;
  for (const h of route.hostnames) {
    if (h === host) best = Math.max(best, 3);
    else if (h.startsWith('*.') && host.endsWith(h.slice(1)) && host.length > h.length - 1) best = Math.max(best, 2 + h.length / 1000);
  }
  return best;
}

function pathMatches(m: any, path: string): { ok: boolean; exact: boolean; prefixLen: number } {
  const type = m?.path?.type ?? 'PathPrefix';
  const value: string = m?.path?.value ?? '/';
  if (type === 'Exact') return { ok: path === value, exact: true, prefixLen: value.length };
  if (type === 'RegularExpression') {
    try {
      return { ok: new RegExp(`^(?:${value})$`).test(path), exact: false, prefixLen: 0 };
    } catch {
      return { ok: false, exact: false, prefixLen: 0 };
    }
  }
  // PathPrefix: element-wise prefix, trailing slash ignored.
  const v = value.length > 1 ? value.replace(/\/+$/, '') : value;
  const ok = v === '/' || path === v || path.startsWith(v + '/');
  return { ok, exact: false, prefixLen: v.length };
}

function headerMatches(m: any, req: SyntheticRequest): boolean {
  const hs: any[] = Array.isArray(m?.headers) ? m.headers : [];
  return hs.every((h) => {
    const want = String(h?.name ?? '').toLowerCase();
    const entry = Object.entries(req.headers).find(([k]) => k.toLowerCase() === want);
    if (!entry) return false;
    if ((h?.type ?? 'Exact') === 'RegularExpression') {
      try {
        return new RegExp(String(h.value)).test(entry[1]);
      } catch {
        return false;
      }
    }
    return entry[1] === String(h?.value ?? '');
  });
}

export interface GatewayMatch {
  route: GatewayRoute;
  rule: GatewayRule;
}

/** The route rule that handles the request, by the Gateway API precedence rules; undefined → 404. */
export function matchGatewayRequest(model: GatewayModel, req: SyntheticRequest): GatewayMatch | undefined {
  let best: { key: number[]; m: GatewayMatch } | undefined;
  for (const route of model.routes) {
    const hs = hostnameScore(route, req.host);
    if (hs === 0) continue;
    for (const rule of route.rules) {
      for (const m of rule.matches) {
        const pm = pathMatches(m, req.path);
        if (!pm.ok) continue;
        if (m?.method && m.method !== req.method) continue;
        if (!headerMatches(m, req)) continue;
        if (Array.isArray(m?.queryParams) && m.queryParams.length > 0) continue; // synthetic requests carry no query
        const key = [hs, pm.exact ? 1 : 0, pm.prefixLen, m?.method ? 1 : 0, Array.isArray(m?.headers) ? m.headers.length : 0, -route.order, -rule.index];
        if (!best || compareKeys(key, best.key) > 0) best = { key, m: { route, rule } };
      }
    }
  }
  return best?.m;
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

export type GatewayRouteResult =
  | { kind: 'not-found' }
  | { kind: 'error'; status: 500 | 503; route: GatewayRoute; backend?: GatewayBackend; reason: string }
  | { kind: 'pod'; route: GatewayRoute; backend: GatewayBackend; pod: KubeObject };

/** Routes a request: rule by precedence, backend by weight, pod by round robin. */
export function routeGatewayRequest(model: GatewayModel, req: SyntheticRequest, rng: Rng, rr: RoundRobin): GatewayRouteResult {
  const match = matchGatewayRequest(model, req);
  if (!match) return { kind: 'not-found' };
  const { route, rule } = match;
  const total = rule.backends.reduce((s, b) => s + b.weight, 0);
  if (rule.backends.length === 0 || total <= 0) return { kind: 'error', status: 500, route, reason: 'no backend with a weight above zero' };
  let x = rng.next() * total;
  let chosen = rule.backends[rule.backends.length - 1]!;
  for (const b of rule.backends) {
    if (b.weight <= 0) continue;
    if (x < b.weight) {
      chosen = b;
      break;
    }
    x -= b.weight;
  }
  if (chosen.invalid) return { kind: 'error', status: 500, route, backend: chosen, reason: chosen.invalid };
  if (chosen.endpoints.length === 0) return { kind: 'error', status: 503, route, backend: chosen, reason: 'no ready pods' };
  const pod = nextRoundRobin(rr, `gw/${chosen.namespace}/${chosen.service}`, chosen.endpoints);
  return { kind: 'pod', route, backend: chosen, pod };
}

/** Paths and exact header values that synthetic requests for a hostname should use. */
export function gatewayRequestShapes(model: GatewayModel, host: string): { paths: string[]; headers: Array<[string, string]> } {
  const paths = new Set<string>();
  const headers = new Map<string, [string, string]>();
  for (const route of model.routes) {
    if (hostnameScore(route, host) === 0) continue;
    for (const rule of route.rules)
      for (const m of rule.matches) {
        const type = m?.path?.type ?? 'PathPrefix';
        if (type !== 'RegularExpression') paths.add(m?.path?.value ?? '/');
        for (const h of Array.isArray(m?.headers) ? m.headers : [])
          if ((h?.type ?? 'Exact') === 'Exact' && h?.name) headers.set(`${String(h.name).toLowerCase()}=${h.value}`, [String(h.name), String(h.value ?? '')]);
      }
  }
  if (paths.size === 0) paths.add('/');
  return { paths: [...paths].sort(), headers: [...headers.values()] };
}
