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

/**
 * A request header's value by case-insensitive name; `Cookie` is the request's cookies serialized as a browser
 * sends them (`a=1; b=2`), after any explicit Cookie header.
 */
export function requestHeader(req: SyntheticRequest, name: string): string | undefined {
  const want = name.toLowerCase();
  const entry = Object.entries(req.headers).find(([k]) => k.toLowerCase() === want);
  if (want !== 'cookie') return entry?.[1];
  const parts = [...(entry ? [entry[1]] : []), ...Object.entries(req.cookies ?? {}).map(([k, v]) => `${k}=${v}`)];
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/**
 * RegularExpression header match. Its dialect and anchoring are implementation-specific in the Gateway API; the
 * model follows the Envoy-based implementations (Envoy Gateway, Istio, Contour): the whole value must match.
 */
export function headerRegexMatches(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return false;
  }
}

/** The match's header conditions; per the spec only the first entry of equivalent (case-insensitive) names counts. */
export function effectiveHeaderMatches(m: any): any[] {
  const hs: any[] = Array.isArray(m?.headers) ? m.headers : [];
  const seen = new Set<string>();
  return hs.filter((h) => {
    const k = String(h?.name ?? '').toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function headerMatches(m: any, req: SyntheticRequest): boolean {
  return effectiveHeaderMatches(m).every((h) => {
    const value = requestHeader(req, String(h?.name ?? ''));
    if (value === undefined) return false;
    if ((h?.type ?? 'Exact') === 'RegularExpression') return headerRegexMatches(String(h.value), value);
    return value === String(h?.value ?? '');
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
        const key = [hs, pm.exact ? 1 : 0, pm.prefixLen, m?.method ? 1 : 0, effectiveHeaderMatches(m).length, Array.isArray(m?.queryParams) ? m.queryParams.length : 0, -route.order, -rule.index];
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

/** Cookie names a `Cookie` header regex accepts with the value `value` (`NAME=value` alone must match the pattern). */
export function cookieNamesIn(pattern: string, value: string): string[] {
  const out = new Set<string>();
  // Candidate names: runs of cookie-name characters (regex-escaped or not) right before a literal '='.
  for (const m of pattern.matchAll(/((?:\\.|[A-Za-z0-9!#%&'_`~-])+)=/g)) {
    const name = m[1]!.replace(/\\(.)/g, '$1');
    if (name && headerRegexMatches(pattern, `${name}=${value}`)) out.add(name);
  }
  return [...out];
}

export interface GatewayRequestShapes {
  paths: string[];
  /** Headers (name, value) whose matches synthetic requests should sometimes satisfy. */
  headers: Array<[string, string]>;
  /** Cookie names the routes match (in a RegularExpression on the Cookie header). */
  cookies: string[];
}

/**
 * Paths, header values and cookies that synthetic requests for a hostname should use: Exact header matches with
 * their value, RegularExpression header matches with `headerValue` (default "always") when it matches, Cookie
 * regexes with the cookie names they accept with `cookieValue` (default "always").
 */
export function gatewayRequestShapes(model: GatewayModel, host: string, opts: { headerValue?: string; cookieValue?: string } = {}): GatewayRequestShapes {
  const paths = new Set<string>();
  const headers = new Map<string, [string, string]>();
  const cookies = new Set<string>();
  const regexValue = opts.headerValue ?? 'always';
  for (const route of model.routes) {
    if (hostnameScore(route, host) === 0) continue;
    for (const rule of route.rules)
      for (const m of rule.matches) {
        const type = m?.path?.type ?? 'PathPrefix';
        if (type !== 'RegularExpression') paths.add(m?.path?.value ?? '/');
        for (const h of effectiveHeaderMatches(m)) {
          if (!h?.name) continue;
          const name = String(h.name);
          if ((h?.type ?? 'Exact') === 'Exact') headers.set(`${name.toLowerCase()}=${h.value}`, [name, String(h.value ?? '')]);
          else if (name.toLowerCase() === 'cookie') for (const c of cookieNamesIn(String(h.value ?? ''), opts.cookieValue ?? 'always')) cookies.add(c);
          else if (headerRegexMatches(String(h.value ?? ''), regexValue)) headers.set(`${name.toLowerCase()}=${regexValue}`, [name, regexValue]);
        }
      }
  }
  if (paths.size === 0) paths.add('/');
  return { paths: [...paths].sort(), headers: [...headers.values()], cookies: [...cookies].sort() };
}
