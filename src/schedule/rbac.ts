/**
 * The narrowest namespaced Role a scheduled `rel run-scheduled` needs, computed from the kinds the chart
 * renders (manifest and hooks) plus what rel itself touches:
 *
 *   secrets      get list create update delete   release records (HELM_DRIVER=secret, the default)
 *   configmaps   get list create update delete   release records when HELM_DRIVER=configmap
 *   configmaps   get patch delete                rollout state rel-rollout-<release> (canary, blue-green)
 *   chart kinds  get list watch create patch delete    server-side apply, readiness watches, pruning, hooks
 *   deployments  + update                        the replica-ratio canary router scales by update
 *   services     + update                        blue-green switches a Service selector by update
 *   ingresses    get patch delete                ingress-nginx canary Ingress (when the chart renders an Ingress)
 *   httproutes   + update                        Gateway API weights (when the chart renders an HTTPRoute)
 *
 * Discovery (/version, /apis) is open to every authenticated account (system:discovery), so no rule is needed.
 * Cluster-scoped kinds cannot be granted by a Role: they are refused with a clear error.
 */
import { builtinResourceTypes } from '../sandbox/resources.js';

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export interface KindRef {
  apiVersion: string;
  kind: string;
}

export interface ResourceInfo {
  group: string;
  plural: string;
  namespaced: boolean;
}

/** Finds a kind's resource (plural) and scope; undefined when unknown. */
export type ResourceResolver = (apiVersion: string, kind: string) => ResourceInfo | undefined | Promise<ResourceInfo | undefined>;

export class ClusterScopedKindError extends Error {
  constructor(readonly kinds: string[]) {
    super(
      `the chart renders cluster-scoped ${kinds.join(', ')}: a scheduled run gets only a Role in the release namespace and cannot manage ${kinds.length === 1 ? 'it' : 'them'}. ` +
        'Install cluster-scoped objects (CRDs, ClusterRoles, Namespaces...) separately, or move them out of the chart, then run rel schedule again.',
    );
    this.name = 'ClusterScopedKindError';
  }
}

/** A kind a chart reads with `lookup`, and the namespace it asked for ("" = all namespaces, or a cluster-scoped kind). */
export interface LookupKindRef extends KindRef {
  namespace: string;
}

/**
 * The chart reads, with `lookup`, objects outside the namespace a Role can cover. Refused rather than widened:
 * a detached rollout's Job gets rights in the release namespace only.
 */
export class LookupOutsideNamespaceError extends Error {
  constructor(
    readonly lookups: string[],
    readonly namespace: string,
  ) {
    super(
      `the chart uses lookup on ${lookups.join(', ')}, outside the release namespace ${namespace}: the detached rollout's Job gets only a Role in ${namespace}, ` +
        'so those lookups would be refused inside the Job (and the chart would render differently there)',
    );
    this.name = 'LookupOutsideNamespaceError';
  }
}

const VERB_ORDER = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const sortVerbs = (v: Iterable<string>) => [...new Set(v)].sort((a, b) => VERB_ORDER.indexOf(a) - VERB_ORDER.indexOf(b));

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

let builtin: Map<string, ResourceInfo> | undefined;

/** Built-in Kubernetes kinds (from the sandbox's table of the API), then a plural guess for custom kinds. */
export function builtinResolver(apiVersion: string, kind: string): ResourceInfo | undefined {
  if (!builtin) {
    builtin = new Map();
    for (const t of builtinResourceTypes()) builtin.set(`${t.group}|${t.kind}`, { group: t.group, plural: t.plural, namespaced: t.namespaced });
  }
  return builtin.get(`${groupOf(apiVersion)}|${kind}`);
}

/** Kubernetes' default plural for a custom kind (lowercase; -s, -es, -ies), used when nothing better is known. */
export function guessPlural(kind: string): string {
  const k = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(k)) return `${k}es`;
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

const CHART_VERBS = ['get', 'list', 'watch', 'create', 'patch', 'delete'];
const RECORD_VERBS = ['get', 'list', 'create', 'update', 'delete'];

/**
 * Rules for a Role that lets rel deploy a chart rendering `kinds` in its own namespace. `resolve` (e.g.
 * cluster discovery) is asked first, then the built-in table; unknown kinds are assumed namespaced with
 * Kubernetes' default plural. Throws ClusterScopedKindError for cluster-scoped kinds.
 */
export async function rulesForKinds(kinds: KindRef[], resolve?: ResourceResolver, lookups?: { refs: LookupKindRef[]; namespace: string }): Promise<PolicyRule[]> {
  const grants = new Map<string, Set<string>>(); // "group|resource" → verbs
  const grant = (group: string, resource: string, verbs: string[]) => {
    const key = `${group}|${resource}`;
    if (!grants.has(key)) grants.set(key, new Set());
    for (const v of verbs) grants.get(key)!.add(v);
  };
  grant('', 'secrets', RECORD_VERBS);
  grant('', 'configmaps', [...RECORD_VERBS, 'patch']);
  const clusterScoped: string[] = [];
  const seen = new Set<string>();
  for (const k of kinds) {
    const id = `${k.apiVersion}|${k.kind}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const info = (resolve ? await resolve(k.apiVersion, k.kind) : undefined) ?? builtinResolver(k.apiVersion, k.kind) ?? { group: groupOf(k.apiVersion), plural: guessPlural(k.kind), namespaced: true };
    if (!info.namespaced) {
      clusterScoped.push(`${k.kind} (${k.apiVersion})`);
      continue;
    }
    grant(info.group, info.plural, CHART_VERBS);
    // Progressive delivery extras, only for what the chart has.
    if (info.group === 'apps' && info.plural === 'deployments') grant('apps', 'deployments', ['update']);
    if (info.group === '' && info.plural === 'services') grant('', 'services', ['update']);
    if (info.group === 'networking.k8s.io' && info.plural === 'ingresses') grant('networking.k8s.io', 'ingresses', ['get', 'patch', 'delete']);
    if (info.group === 'gateway.networking.k8s.io' && info.plural === 'httproutes') grant('gateway.networking.k8s.io', 'httproutes', ['update']);
  }
  if (clusterScoped.length) throw new ClusterScopedKindError(clusterScoped);
  // Kinds the chart reads with lookup: get (by name) and list (name "") in the release namespace, nothing else.
  const outside: string[] = [];
  for (const l of lookups?.refs ?? []) {
    const info = (resolve ? await resolve(l.apiVersion, l.kind) : undefined) ?? builtinResolver(l.apiVersion, l.kind) ?? { group: groupOf(l.apiVersion), plural: guessPlural(l.kind), namespaced: true };
    if (!info.namespaced) outside.push(`cluster-scoped ${l.kind} (${l.apiVersion})`);
    else if (l.namespace === '') outside.push(`${l.kind} (${l.apiVersion}) in all namespaces`);
    else if (l.namespace !== lookups!.namespace) outside.push(`${l.kind} (${l.apiVersion}) in namespace ${l.namespace}`);
    else grant(info.group, info.plural, ['get', 'list']);
  }
  if (outside.length) throw new LookupOutsideNamespaceError([...new Set(outside)], lookups!.namespace);
  // One rule per group and verb set, resources sorted: stable output, easy to read.
  const byGroupVerbs = new Map<string, PolicyRule>();
  for (const [key, verbs] of [...grants.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const [group, resource] = key.split('|') as [string, string];
    const vs = sortVerbs(verbs);
    const id = `${group}|${vs.join(',')}`;
    const rule = byGroupVerbs.get(id);
    if (rule) rule.resources.push(resource);
    else byGroupVerbs.set(id, { apiGroups: [group], resources: [resource], verbs: vs });
  }
  return [...byGroupVerbs.values()];
}
