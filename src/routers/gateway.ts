import type { Kube, KubeObject } from '../kube/client.js';
import type { MetricSelectors, RouteTarget, TrafficRouter } from './router.js';
import { updateWithRetry } from './update.js';

type BackendRef = { name?: string; kind?: string; group?: string; namespace?: string; port?: number; weight?: number };
type HeaderMatch = { type?: 'Exact' | 'RegularExpression'; name: string; value: string };
type RouteMatch = { path?: { type?: string; value?: string }; headers?: HeaderMatch[]; method?: string; queryParams?: unknown[] };
type Rule = { matches?: RouteMatch[]; backendRefs?: BackendRef[]; [k: string]: unknown };
type HTTPRoute = KubeObject & { spec?: { rules?: Rule[] } };

/** HTTPRoute spec.rules maxItems in the Gateway API CRDs (v1.0 to v1.3). */
const MAX_RULES = 16;

const isService = (b: BackendRef) => (b.kind ?? 'Service') === 'Service' && (b.group ?? '') === '';

/** Escapes a literal for a regular expression that RE2, PCRE, POSIX ERE and JavaScript read alike. */
const reLiteral = (s: string) => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/**
 * The `Cookie` header value pattern that matches when the cookie NAME is set to `always` (ingress-nginx's
 * canary-by-cookie semantics: `always` → canary, anything else → by weight). Anchored at both ends, so it means the
 * same under full-match (Envoy-based: Envoy Gateway, Istio, Contour) and search (NGINX Gateway Fabric) semantics.
 */
export function cookieRegex(name: string, value = 'always'): string {
  return `^(.*;\\s*)?${reLiteral(name)}=${value}(\\s*;.*)?$`;
}

/**
 * The header matches that send a request to the canary, one per alternative (a request matching any alternative
 * reaches the canary, like ingress-nginx's header-or-cookie canary):
 * - `--canary-header NAME=VALUE`: `NAME: VALUE` (HTTPHeaderMatch type Exact: Gateway API core conformance);
 * - `--canary-header NAME`: `NAME: always`, as ingress-nginx's canary-by-header (Exact, core);
 * - `--canary-cookie NAME`: the `Cookie` header against {@link cookieRegex} (type RegularExpression:
 *   implementation-specific conformance; Gateway API has no cookie match).
 */
export function canaryHeaderMatches(target: Pick<RouteTarget, 'header' | 'cookie'>): HeaderMatch[] {
  const out: HeaderMatch[] = [];
  if (target.header?.name) out.push({ type: 'Exact', name: target.header.name, value: target.header.value || 'always' });
  if (target.cookie) out.push({ type: 'RegularExpression', name: 'Cookie', value: cookieRegex(target.cookie) });
  return out;
}

/**
 * The header matches that keep a request on the stable version whatever the weight (ingress-nginx: header or
 * cookie value `never`): `NAME: never` for a header given without a value, `NAME=never` in the Cookie header.
 */
export function stableHeaderMatches(target: Pick<RouteTarget, 'header' | 'cookie'>): HeaderMatch[] {
  const out: HeaderMatch[] = [];
  if (target.header?.name && !target.header.value) out.push({ type: 'Exact', name: target.header.name, value: 'never' });
  if (target.cookie) out.push({ type: 'RegularExpression', name: 'Cookie', value: cookieRegex(target.cookie, 'never') });
  return out;
}

const NEVER_COOKIE = /^\^\(\.\*;\\s\*\)\?.+=never\(\\s\*;\.\*\)\?\$$/;
const isPinMatch = (h: HeaderMatch | undefined) =>
  h !== undefined && (((h.type ?? 'Exact') === 'Exact' && h.value === 'never') || (h.type === 'RegularExpression' && h.name.toLowerCase() === 'cookie' && NEVER_COOKIE.test(h.value)));

/**
 * Gateway API: the HTTPRoute that sends traffic to the stable Service gets a second backendRef (the canary
 * Service) in the same rules, with weights 100−w and w. With `--canary-header`/`--canary-cookie`, every rule that
 * routes to the stable Service also gets copies appended to the route's rules, with the same path matches plus the
 * header (or Cookie) match: one whose only backendRef is the canary Service (header value or cookie `always`), and
 * for a header given without a value or a cookie one whose only backendRef is the stable Service (value `never`).
 * By the Gateway API precedence (for the same path, more header matches win) those requests reach their version at
 * any weight, 0 included. rel's rules are recognised by their backends (only the canary Service; only the stable
 * Service with a trailing `never` match and unlike any of the chart's rules), so a resumed or taken-over rollout
 * finds them; reset() removes them and restores the chart's weights.
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

  /** A rule rel added: it has backendRefs and all of them point at the canary Service. */
  private isCanaryRule(rule: Rule): boolean {
    const refs = rule.backendRefs ?? [];
    return refs.length > 0 && refs.every((b) => isService(b) && b.name === this.target.canaryService);
  }

  /**
   * A rule rel added to keep `never` requests on stable: only the stable Service, every match ending in a
   * `never` header/cookie match, and after the chart's rules (rel appends its rules; `index` is the rule's position).
   */
  private isStablePinRule(rule: Rule, index: number): boolean {
    if (index < (this.route!.spec?.rules ?? []).length) return false;
    const refs = rule.backendRefs ?? [];
    if (refs.length === 0 || !refs.every((b) => isService(b) && b.name === this.target.stableService)) return false;
    const ms = rule.matches ?? [];
    return ms.length > 0 && ms.every((m) => isPinMatch(m.headers?.[m.headers.length - 1]));
  }

  private isRelRule(rule: Rule, index: number): boolean {
    return this.isCanaryRule(rule) || this.isStablePinRule(rule, index);
  }

  private routesToStable(rule: Rule): boolean {
    return (rule.backendRefs ?? []).some((b) => isService(b) && b.name === this.target.stableService);
  }

  async setWeight(weight: number): Promise<void> {
    const w = Math.round(weight);
    await updateWithRetry(this.kube, () => this.live(), (live) => this.weigh(live as HTTPRoute, w));
  }

  private weigh(r: HTTPRoute, w: number): void {
    const rules = (r.spec?.rules ?? []).filter((rule, i) => !this.isRelRule(rule, i));
    const toCanary = canaryHeaderMatches(this.target);
    const toStable = stableHeaderMatches(this.target);
    const added: Rule[] = [];
    for (const rule of rules) {
      if (!this.routesToStable(rule)) continue;
      if (toCanary.length > 0) added.push(this.headerRule(rule, toCanary, this.target.canaryService));
      if (toStable.length > 0) added.push(this.headerRule(rule, toStable, this.target.stableService));
      const refs = rule.backendRefs ?? [];
      const stable = refs.find((b) => isService(b) && b.name === this.target.stableService)!;
      stable.weight = 100 - w;
      let canary = refs.find((b) => isService(b) && b.name === this.target.canaryService);
      if (!canary) {
        canary = { ...stable, name: this.target.canaryService };
        refs.push(canary);
      }
      canary.weight = w;
      rule.backendRefs = refs;
    }
    // A copy equal to a rule already there (e.g. the chart pins `never` itself) is left out.
    const have = new Set(rules.map((x) => JSON.stringify(x)));
    const fresh = added.filter((x) => !have.has(JSON.stringify(x)) && have.add(JSON.stringify(x)));
    if (rules.length + fresh.length > MAX_RULES)
      throw new Error(
        `HTTPRoute ${r.metadata?.name} would need ${rules.length + fresh.length} rules for the header/cookie canary (${rules.length} of the chart, ${fresh.length} added), but the Gateway API allows ${MAX_RULES}: route the canary by weight only, or use fewer rules to the Service ${this.target.stableService}`,
      );
    r.spec = { ...r.spec, rules: [...rules, ...fresh] };
  }

  /**
   * The copy of `rule` for header/cookie requests: each of its matches (the default `PathPrefix /` when it has
   * none) once per alternative, with that header match added last (replacing one on the same header name), and
   * `service` (the canary's or the stable one) as the only backend.
   */
  private headerRule(rule: Rule, alternatives: HeaderMatch[], service: string): Rule {
    const base: RouteMatch[] = rule.matches && rule.matches.length > 0 ? rule.matches : [{ path: { type: 'PathPrefix', value: '/' } }];
    const matches: RouteMatch[] = [];
    for (const alt of alternatives)
      for (const m of base) {
        const headers = (m.headers ?? []).filter((h) => h.name.toLowerCase() !== alt.name.toLowerCase());
        matches.push({ ...structuredClone(m), headers: [...structuredClone(headers), { ...alt }] });
      }
    const stable = (rule.backendRefs ?? []).find((b) => isService(b) && b.name === this.target.stableService)!;
    const copy = structuredClone(rule);
    delete copy.name; // rule names must be unique within a route
    const { weight: _w, ...ref } = stable;
    return { ...copy, matches, backendRefs: [{ ...structuredClone(ref), name: service }] };
  }

  async currentWeight(): Promise<number> {
    const r = await this.live();
    for (const [i, rule] of (r.spec?.rules ?? []).entries()) {
      if (this.isRelRule(rule, i)) continue;
      const c = (rule.backendRefs ?? []).find((b) => isService(b) && b.name === this.target.canaryService);
      if (c) return c.weight ?? 1;
    }
    return 0;
  }

  async reset(): Promise<void> {
    if (!this.route) return;
    await updateWithRetry(this.kube, () => this.live().catch(() => undefined), (live) => this.unweigh(live as HTTPRoute));
  }

  /**
   * Removes rel's header rules and the canary backendRefs and gives each stable backendRef the weight the chart
   * rendered for it (the rule at the same position; rel appends its rules, so positions of the chart's rules hold);
   * false when there is nothing to do.
   */
  private unweigh(r: HTTPRoute): boolean {
    const renderedRules = this.route!.spec?.rules ?? [];
    const all = r.spec?.rules ?? [];
    const rules = all.filter((rule, i) => !this.isRelRule(rule, i));
    let changed = rules.length !== all.length;
    rules.forEach((rule, i) => {
      const refs = rule.backendRefs ?? [];
      const kept = refs.filter((b) => !(isService(b) && b.name === this.target.canaryService));
      if (kept.length !== refs.length) changed = true;
      const renderedRefs = (renderedRules[i] ?? renderedRules.find((x) => this.routesToStable(x)))?.backendRefs ?? [];
      const original = renderedRefs.find((b) => isService(b) && b.name === this.target.stableService);
      for (const b of kept) {
        if (isService(b) && b.name === this.target.stableService && b.weight !== original?.weight) {
          b.weight = original?.weight;
          if (b.weight === undefined) delete b.weight;
          changed = true;
        }
      }
      if (rule.backendRefs) rule.backendRefs = kept;
    });
    if (changed && r.spec) r.spec.rules = rules;
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
