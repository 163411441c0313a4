/**
 * Discovery documents (`/api`, `/api/v1`, `/apis`, `/apis/<group>`, `/apis/<group>/<version>`,
 * `/version`) in the classic (unaggregated) form that kubectl and client-go fall back to, plus the
 * aggregated `APIGroupDiscoveryList` (apidiscovery.k8s.io/v2) they ask for first.
 */
import type { ResourceRegistry, ResourceType } from './resources.js';

export const KUBE_VERSION = { major: '1', minor: '33', gitVersion: 'v1.33.0-rel-sandbox', gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.24.0', compiler: 'gc', platform: 'linux/amd64' };

/** Preferred version of a group: the first served (groups here serve one version, CRDs maybe more). */
function groupVersions(reg: ResourceRegistry): { name: string; versions: string[] }[] {
  const out: { name: string; versions: string[] }[] = [];
  for (const [name, versions] of reg.groups()) if (name !== '') out.push({ name, versions });
  return out;
}

export function apiVersions(host: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }] };
}

function apiGroup(g: { name: string; versions: string[] }) {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

export function apiGroupList(reg: ResourceRegistry) {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groupVersions(reg).map(apiGroup) };
}

export function apiGroupDoc(reg: ResourceRegistry, group: string) {
  const g = groupVersions(reg).find((x) => x.name === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) } : undefined;
}

function resourceEntries(r: ResourceType) {
  const main: Record<string, unknown> = {
    name: r.plural,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
  };
  if (r.shortNames.length) main.shortNames = r.shortNames;
  if (r.categories.length) main.categories = r.categories;
  const out: Record<string, unknown>[] = [main];
  if (r.subresources.status) out.push({ name: `${r.plural}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] });
  if (r.subresources.scale) out.push({ name: `${r.plural}/scale`, singularName: '', namespaced: r.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  return out;
}

export function apiResourceList(reg: ResourceRegistry, group: string, version: string) {
  const types = reg.inGroupVersion(group, version);
  if (!types.length) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: types.flatMap(resourceEntries),
  };
}

/** Aggregated discovery (apidiscovery.k8s.io/v2) for `/api` (core) or `/apis` (named groups). */
export function aggregatedDiscovery(reg: ResourceRegistry, core: boolean) {
  const groups = core ? [{ name: '', versions: ['v1'] }] : groupVersions(reg);
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.name, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: reg.inGroupVersion(g.name, v).map((r) => {
          const e: Record<string, unknown> = {
            resource: r.plural,
            responseKind: { group: r.group, version: v, kind: r.kind },
            scope: r.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: r.singular,
            verbs: r.verbs,
          };
          if (r.shortNames.length) e.shortNames = r.shortNames;
          if (r.categories.length) e.categories = r.categories;
          const subs: Record<string, unknown>[] = [];
          if (r.subresources.status) subs.push({ subresource: 'status', responseKind: { group: r.group, version: v, kind: r.kind }, verbs: ['get', 'patch', 'update'] });
          if (r.subresources.scale) subs.push({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
          if (subs.length) e.subresources = subs;
          return e;
        }),
        freshness: 'Current',
      })),
    })),
  };
}
