/**
 * The resource types the sandbox API server serves: the built-in Kubernetes kinds plus any kind that
 * a CustomResourceDefinition adds at run time. A resource is addressed by its group and plural name
 * (`apps/deployments`, `/pods` for the core group); `ResourceRegistry` maps kinds, plurals, short names
 * and apiVersions to it.
 */

export interface ResourceType {
  group: string; // '' for the core group
  version: string; // the version served (a CRD may serve several: see `versions`)
  versions: string[];
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  subresources: { status: boolean; scale: boolean };
  /** true for kinds defined by a CustomResourceDefinition */
  custom: boolean;
  /** OpenAPI v3 schema of a custom resource (from the CRD), used for validation */
  schema?: Record<string, unknown>;
  verbs: string[];
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** The key under which a resource's objects are stored: `group/plural` (core: `/plural`). */
export function resourceKey(r: { group: string; plural: string }): string {
  return `${r.group}/${r.plural}`;
}

export function apiVersionOf(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

type Def = [group: string, version: string, kind: string, plural: string, namespaced: boolean, shortNames?: string[], sub?: string];

const BUILTIN: Def[] = [
  ['', 'v1', 'Namespace', 'namespaces', false, ['ns'], 'status'],
  ['', 'v1', 'Node', 'nodes', false, ['no'], 'status'],
  ['', 'v1', 'Pod', 'pods', true, ['po'], 'status'],
  ['', 'v1', 'Service', 'services', true, ['svc'], 'status'],
  ['', 'v1', 'Endpoints', 'endpoints', true, ['ep']],
  ['', 'v1', 'ConfigMap', 'configmaps', true, ['cm']],
  ['', 'v1', 'Secret', 'secrets', true],
  ['', 'v1', 'ServiceAccount', 'serviceaccounts', true, ['sa']],
  ['', 'v1', 'Event', 'events', true, ['ev']],
  ['', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, ['pvc'], 'status'],
  ['', 'v1', 'PersistentVolume', 'persistentvolumes', false, ['pv'], 'status'],
  ['', 'v1', 'ResourceQuota', 'resourcequotas', true, ['quota'], 'status'],
  ['', 'v1', 'LimitRange', 'limitranges', true, ['limits']],
  ['', 'v1', 'ReplicationController', 'replicationcontrollers', true, ['rc'], 'status,scale'],
  ['apps', 'v1', 'Deployment', 'deployments', true, ['deploy'], 'status,scale'],
  ['apps', 'v1', 'ReplicaSet', 'replicasets', true, ['rs'], 'status,scale'],
  ['apps', 'v1', 'StatefulSet', 'statefulsets', true, ['sts'], 'status,scale'],
  ['apps', 'v1', 'DaemonSet', 'daemonsets', true, ['ds'], 'status'],
  ['apps', 'v1', 'ControllerRevision', 'controllerrevisions', true],
  ['batch', 'v1', 'Job', 'jobs', true, [], 'status'],
  ['batch', 'v1', 'CronJob', 'cronjobs', true, ['cj'], 'status'],
  ['networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, ['ing'], 'status'],
  ['networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', false],
  ['networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, ['netpol']],
  ['discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', true],
  ['autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, ['hpa'], 'status'],
  ['policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, ['pdb'], 'status'],
  ['rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true],
  ['rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false],
  ['apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, ['crd', 'crds'], 'status'],
  ['storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', false, ['sc']],
  ['scheduling.k8s.io', 'v1', 'PriorityClass', 'priorityclasses', false, ['pc']],
  ['coordination.k8s.io', 'v1', 'Lease', 'leases', true],
  ['admissionregistration.k8s.io', 'v1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false],
  ['admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false],
];

const CATEGORY_ALL = new Set(['pods', 'services', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'horizontalpodautoscalers', 'replicationcontrollers']);

export function builtinResourceTypes(): ResourceType[] {
  return BUILTIN.map(([group, version, kind, plural, namespaced, shortNames = [], sub = '']) => ({
    group,
    version,
    versions: [version],
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames,
    categories: CATEGORY_ALL.has(plural) ? ['all'] : [],
    subresources: { status: sub.includes('status'), scale: sub.includes('scale') },
    custom: false,
    verbs: ALL_VERBS,
  }));
}

/** Lookup tables over the served resource types; CRDs add and remove entries at run time. */
export class ResourceRegistry {
  private byKey = new Map<string, ResourceType>();

  constructor(types: ResourceType[] = builtinResourceTypes()) {
    for (const t of types) this.add(t);
  }

  add(t: ResourceType): void {
    this.byKey.set(resourceKey(t), t);
  }

  remove(group: string, plural: string): void {
    this.byKey.delete(`${group}/${plural}`);
  }

  all(): ResourceType[] {
    return [...this.byKey.values()];
  }

  /** The resource for a group and plural, if that version is served. */
  get(group: string, plural: string, version?: string): ResourceType | undefined {
    const t = this.byKey.get(`${group}/${plural}`);
    if (!t) return undefined;
    if (version !== undefined && !t.versions.includes(version)) return undefined;
    return t;
  }

  /** The resource for an apiVersion and kind (e.g. `apps/v1`, `Deployment`). */
  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    for (const t of this.byKey.values()) {
      if (t.group === group && t.kind === kind && t.versions.includes(version)) return t;
    }
    return undefined;
  }

  /** Group → versions served, in the order groups were added (core first). */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const t of this.byKey.values()) {
      const vs = out.get(t.group) ?? [];
      for (const v of t.versions) if (!vs.includes(v)) vs.push(v);
      out.set(t.group, vs);
    }
    return out;
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.all().filter((t) => t.group === group && t.versions.includes(version));
  }
}
