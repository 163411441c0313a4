import type { Kube, KubeObject } from '../kube/client.js';
import type { MetricSelectors, RouteTarget, RouterProblem, TrafficRouter } from './router.js';
import { FanOutRouter, labelMatcher, reLiteral } from './fanout.js';
import { updateWithRetry } from './update.js';

type BackendRef = { name?: string; kind?: string; group?: string; namespace?: string; port?: number; weight?: number };
type HeaderMatch = { type?: 'Exact' | 'RegularExpression'; name: string; value: string };
type RouteMatch = { path?: { type?: string; value?: string }; headers?: HeaderMatch[]; method?: string; queryParams?: unknown[] };
type Rule = { matches?: RouteMatch[]; backendRefs?: BackendRef[]; [k: string]: unknown };
export type HTTPRoute = KubeObject & { spec?: { rules?: Rule[] } };

/**
 * Limits of an HTTPRoute in the Gateway API CRDs (standard channel, v1.1 to v1.3): spec.rules
 * maxItems, rules[].matches maxItems, the CEL rule on the sum of all rules' matches, rules[].backendRefs maxItems and
 * matches[].headers maxItems. The API server refuses a route past any of them.
 */
export const HTTPROUTE_LIMITS = { rules: 16, matchesPerRule: 64, matchesPerRoute: 128, backendRefsPerRule: 16, headersPerMatch: 16 } as const;

const isService = (b: BackendRef) => (b.kind ?? 'Service') === 'Service' && (b.group ?? '') === '';

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

/** An HTTPRoute as the chart renders it (named). */
export type Rendered = HTTPRoute & { metadata: { name: string } };

const routeName = (r: HTTPRoute) => r.metadata?.name ?? '';
const ruleLabel = (rule: Rule, i: number) => `rule ${i + 1}${typeof rule.name === 'string' && rule.name ? ` (${rule.name})` : ''}`;
/** Matches a rule counts against the limits: one (the default `PathPrefix /`) when it has none. */
const matchCount = (rule: Rule) => Math.max(1, rule.matches?.length ?? 0);

/** The HTTPRoutes among `objects` with a rule that routes to `service`. */
export function routesTo(objects: KubeObject[], service: string): Rendered[] {
  return objects.filter(
    (o) => o.kind === 'HTTPRoute' && !!o.metadata?.name && ((o as HTTPRoute).spec?.rules ?? []).some((r) => (r.backendRefs ?? []).some((b) => isService(b) && b.name === service)),
  ) as Rendered[];
}

/**
 * Gateway API, one HTTPRoute: the rules that send traffic to the stable Service get a second backendRef (the canary
 * Service), with weights 100−w and w. With `--canary-header`/`--canary-cookie`, every rule that routes to the stable
 * Service also gets copies appended to the route's rules, with the same path matches plus the header (or Cookie)
 * match: one whose only backendRef is the canary Service (header value or cookie `always`), and for a header given
 * without a value or a cookie one whose only backendRef is the stable Service (value `never`). By the Gateway API
 * precedence (for the same path, more header matches win) those requests reach their version at any weight, 0
 * included. rel's rules are recognised by their backends (only the canary Service; only the stable Service with a
 * trailing `never` match and unlike any of the chart's rules), so a resumed or taken-over rollout finds them;
 * reset() removes them and restores the chart's weights.
 */
export class HTTPRouteRouter implements TrafficRouter {
  readonly name = 'gateway';

  constructor(
    private readonly kube: Kube,
    private readonly target: RouteTarget,
    /** The HTTPRoute as the chart renders it. */
    readonly route: Rendered,
  ) {}

  async applies(): Promise<boolean> {
    return true;
  }

  describe(): string {
    return `HTTPRoute ${routeName(this.route)}`;
  }

  private get namespace(): string {
    return this.route.metadata.namespace ?? this.target.namespace;
  }

  private async live(): Promise<HTTPRoute> {
    const r = await this.kube.get(this.route.apiVersion!, 'HTTPRoute', routeName(this.route), this.namespace);
    if (!r) throw new Error(`HTTPRoute ${routeName(this.route)} not found in namespace ${this.namespace}`);
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
    if (index < (this.route.spec?.rules ?? []).length) return false;
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

  /**
   * What keeps this route from taking the canary, judged on the route as the chart renders it (before anything in
   * the cluster changes): the Gateway API limits the rules and backendRefs rel adds would pass.
   */
  check(): RouterProblem[] {
    return this.weigh(structuredClone(this.route), 0);
  }

  async setWeight(weight: number): Promise<void> {
    const w = Math.round(weight);
    await updateWithRetry(this.kube, () => this.live(), (live) => {
      const problems = this.weigh(live as HTTPRoute, w);
      if (problems.length > 0) throw new Error(problems.map((p) => `${p.message}: ${p.hint}`).join('; '));
    });
  }

  /**
   * Puts weight `w` and rel's header rules on `r` (in place) and returns the Gateway API limits the result passes
   * (when there are any, `r` must not be sent).
   */
  private weigh(r: HTTPRoute, w: number): RouterProblem[] {
    const problems: RouterProblem[] = [];
    const name = routeName(r);
    const rules = (r.spec?.rules ?? []).filter((rule, i) => !this.isRelRule(rule, i));
    const toCanary = canaryHeaderMatches(this.target);
    const toStable = stableHeaderMatches(this.target);
    const added: { rule: Rule; from: number }[] = [];
    for (const [i, rule] of rules.entries()) {
      if (!this.routesToStable(rule)) continue;
      if (toCanary.length > 0) added.push({ rule: this.headerRule(rule, toCanary, this.target.canaryService), from: i });
      if (toStable.length > 0) added.push({ rule: this.headerRule(rule, toStable, this.target.stableService), from: i });
      const refs = rule.backendRefs ?? [];
      const stable = refs.find((b) => isService(b) && b.name === this.target.stableService)!;
      stable.weight = 100 - w;
      let canary = refs.find((b) => isService(b) && b.name === this.target.canaryService);
      if (!canary) {
        canary = { ...stable, name: this.target.canaryService };
        refs.push(canary);
        if (refs.length > HTTPROUTE_LIMITS.backendRefsPerRule)
          problems.push({
            message: `${ruleLabel(rule, i)} of HTTPRoute ${name} has ${refs.length - 1} backendRefs, and the canary Service would make ${refs.length}, but the Gateway API allows ${HTTPROUTE_LIMITS.backendRefsPerRule} per rule`,
            hint: `give that rule at most ${HTTPROUTE_LIMITS.backendRefsPerRule - 1} backendRefs`,
          });
      }
      canary.weight = w;
      rule.backendRefs = refs;
    }
    // A copy equal to a rule already there (e.g. the chart pins `never` itself) is left out.
    const have = new Set(rules.map((x) => JSON.stringify(x)));
    const fresh = added.filter((x) => !have.has(JSON.stringify(x.rule)) && have.add(JSON.stringify(x.rule)));
    const hint = `route the canary by weight only (without --canary-header/--canary-cookie), or have fewer rules and matches to the Service ${this.target.stableService} in HTTPRoute ${name}, e.g. by splitting it into several HTTPRoutes (rel routes the canary on each)`;
    if (rules.length + fresh.length > HTTPROUTE_LIMITS.rules)
      problems.push({
        message: `HTTPRoute ${name} would need ${rules.length + fresh.length} rules for the header/cookie canary (${rules.length} of the chart, ${fresh.length} added), but the Gateway API allows ${HTTPROUTE_LIMITS.rules}`,
        hint,
      });
    for (const { rule, from } of fresh) {
      if (rule.matches!.length > HTTPROUTE_LIMITS.matchesPerRule)
        problems.push({
          message: `a header/cookie copy of ${ruleLabel(rules[from]!, from)} of HTTPRoute ${name} would need ${rule.matches!.length} matches (its ${matchCount(rules[from]!)} once per header/cookie alternative), but the Gateway API allows ${HTTPROUTE_LIMITS.matchesPerRule} per rule`,
          hint,
        });
      const crowded = rule.matches!.find((m) => (m.headers ?? []).length > HTTPROUTE_LIMITS.headersPerMatch);
      if (crowded)
        problems.push({
          message: `a match of ${ruleLabel(rules[from]!, from)} of HTTPRoute ${name} has ${crowded.headers!.length - 1} header matches, and the canary header or cookie would make ${crowded.headers!.length}, but the Gateway API allows ${HTTPROUTE_LIMITS.headersPerMatch}`,
          hint,
        });
    }
    const chartMatches = rules.reduce((n, x) => n + matchCount(x), 0);
    const addedMatches = fresh.reduce((n, x) => n + matchCount(x.rule), 0);
    if (fresh.length > 0 && chartMatches + addedMatches > HTTPROUTE_LIMITS.matchesPerRoute)
      problems.push({
        message: `HTTPRoute ${name} would have ${chartMatches + addedMatches} matches in all for the header/cookie canary (${chartMatches} of the chart, ${addedMatches} added), but the Gateway API allows ${HTTPROUTE_LIMITS.matchesPerRoute} per route`,
        hint,
      });
    r.spec = { ...r.spec, rules: [...rules, ...fresh.map((x) => x.rule)] };
    // The canary and the `never` copies of one rule can pass a limit alike: say it once.
    return problems.filter((p, i) => problems.findIndex((q) => q.message === p.message) === i);
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
    await updateWithRetry(this.kube, () => this.live().catch(() => undefined), (live) => this.unweigh(live as HTTPRoute));
  }

  /**
   * Removes rel's header rules and the canary backendRefs and gives each stable backendRef the weight the chart
   * rendered for it (the rule at the same position; rel appends its rules, so positions of the chart's rules hold);
   * false when there is nothing to do.
   */
  private unweigh(r: HTTPRoute): boolean {
    const renderedRules = this.route.spec?.rules ?? [];
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
    return gatewaySelectors(this.namespace, [routeName(this.route)], this.target);
  }
}

function gatewaySelectors(namespace: string, routes: string[], target: RouteTarget): MetricSelectors {
  const base = `namespace="${namespace}",${labelMatcher('route', routes)}`;
  return {
    requests: 'gateway_http_requests_total',
    duration: 'gateway_http_request_duration_seconds',
    canary: `${base},backend_service="${target.canaryService}"`,
    stable: `${base},backend_service="${target.stableService}"`,
  };
}

/**
 * Gateway API: every HTTPRoute the chart renders with a rule to the stable Service (one per hostname or Gateway, an
 * internal and an external one…) gets the canary weights and header/cookie rules ({@link HTTPRouteRouter}); the
 * canary and stable traffic is measured over all of them (`route=~"a|b"`).
 */
export class GatewayRouter extends FanOutRouter<HTTPRouteRouter> {
  readonly name = 'gateway';

  constructor(
    kube: Kube,
    private readonly target: RouteTarget,
    rendered: KubeObject[],
  ) {
    super(routesTo(rendered, target.stableService).map((r) => new HTTPRouteRouter(kube, target, r)));
  }

  override describe(): string {
    if (this.parts.length === 0) return 'no HTTPRoute';
    return this.parts.length === 1 ? super.describe() : `HTTPRoutes ${this.parts.map((p) => routeName(p.route)).join(', ')}`;
  }

  /** The problems of every route ({@link HTTPRouteRouter.check}); empty when the canary can go ahead. */
  check(): RouterProblem[] {
    return this.parts.flatMap((p) => p.check());
  }

  /** Refuses before touching any route when one of them cannot take the canary, so no route is left half-changed. */
  override async setWeight(weight: number): Promise<void> {
    const problems = this.check();
    if (problems.length > 0) throw new Error(problems.map((p) => `${p.message}: ${p.hint}`).join('; '));
    await super.setWeight(weight);
  }

  selectors(): MetricSelectors {
    const nss = [...new Set(this.parts.map((p) => p.route.metadata.namespace ?? this.target.namespace))];
    // Routes in one namespace (the usual case: the release's): one matcher over their names.
    if (nss.length <= 1) return gatewaySelectors(nss[0] ?? this.target.namespace, this.parts.map((p) => routeName(p.route)), this.target);
    const base = `${labelMatcher('namespace', nss)},${labelMatcher('route', this.parts.map((p) => routeName(p.route)))}`;
    return {
      requests: 'gateway_http_requests_total',
      duration: 'gateway_http_request_duration_seconds',
      canary: `${base},backend_service="${this.target.canaryService}"`,
      stable: `${base},backend_service="${this.target.stableService}"`,
    };
  }
}
