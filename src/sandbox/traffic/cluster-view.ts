/**
 * The traffic simulator reads the cluster through this small interface only, so it can be driven by the
 * sandbox's object store, by fixture objects in tests, or by anything else that yields plain Kubernetes JSON.
 */

/** A plain Kubernetes object as JSON (what `kubectl get -o json` prints for one item). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    ownerReferences?: Array<{ apiVersion?: string; kind?: string; name?: string; uid?: string; controller?: boolean }>;
    [key: string]: unknown;
  };
  spec?: any;
  status?: any;
  [key: string]: unknown;
}

export interface ClusterView {
  /**
   * Objects of one kind, e.g. list('networking.k8s.io/v1', 'Ingress') or list('v1', 'Pod', 'default').
   * Without a namespace: all namespaces. An unknown kind yields an empty list.
   * The simulator only reads the returned objects; it never modifies them.
   */
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  /**
   * Optional change counter (e.g. the store's latest resourceVersion). When present and unchanged since the
   * last call, the simulator reuses its routing table instead of listing everything again.
   */
  revision?(): string | number;
}

/** The API versions the simulator asks for (it tries each listed version of a kind, first hit wins). */
export const KIND_VERSIONS: Record<string, string[]> = {
  Ingress: ['networking.k8s.io/v1'],
  IngressClass: ['networking.k8s.io/v1'],
  Service: ['v1'],
  Pod: ['v1'],
  HTTPRoute: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'],
  ReferenceGrant: ['gateway.networking.k8s.io/v1beta1', 'gateway.networking.k8s.io/v1alpha2'],
};

/** Lists a kind across the API versions the simulator understands (objects served under several versions are deduplicated by namespace/name). */
export function listKind(view: ClusterView, kind: string, namespace?: string): KubeObject[] {
  const versions = KIND_VERSIONS[kind] ?? ['v1'];
  const seen = new Set<string>();
  const out: KubeObject[] = [];
  for (const v of versions) {
    for (const o of view.list(v, kind, namespace)) {
      const key = `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(o);
    }
  }
  return out;
}

/**
 * A ClusterView over an in-memory array of objects; `objects` may be changed at any time (tests change a
 * pod's annotations to inject faults). Matching uses apiVersion and kind exactly.
 */
export class StaticClusterView implements ClusterView {
  constructor(public objects: KubeObject[] = []) {}

  list(apiVersion: string, kind: string, namespace?: string): KubeObject[] {
    return this.objects.filter(
      (o) => o.apiVersion === apiVersion && o.kind === kind && (namespace === undefined || (o.metadata?.namespace ?? 'default') === namespace),
    );
  }

  /** Replaces the object with the same apiVersion, kind, namespace and name, or adds it. */
  upsert(obj: KubeObject): void {
    const i = this.objects.findIndex(
      (o) =>
        o.apiVersion === obj.apiVersion &&
        o.kind === obj.kind &&
        (o.metadata?.namespace ?? 'default') === (obj.metadata?.namespace ?? 'default') &&
        o.metadata?.name === obj.metadata?.name,
    );
    if (i >= 0) this.objects[i] = obj;
    else this.objects.push(obj);
  }

  remove(apiVersion: string, kind: string, namespace: string, name: string): void {
    this.objects = this.objects.filter(
      (o) => !(o.apiVersion === apiVersion && o.kind === kind && (o.metadata?.namespace ?? 'default') === namespace && o.metadata?.name === name),
    );
  }
}

/**
 * The part of the sandbox's object store the adapter needs (structural, so this module does not depend on the
 * store's internals): objects addressed by `group/plural` (core group: `/plural`) and the latest resourceVersion.
 */
export interface IterableObjectStore {
  iterate(resource: string, namespace?: string): Iterable<KubeObject>;
  currentResourceVersion(): string;
}

/** Storage keys of the kinds the simulator reads. */
export const STORE_RESOURCE_KEYS: Record<string, string> = {
  Ingress: 'networking.k8s.io/ingresses',
  IngressClass: 'networking.k8s.io/ingressclasses',
  Service: '/services',
  Pod: '/pods',
  HTTPRoute: 'gateway.networking.k8s.io/httproutes',
  ReferenceGrant: 'gateway.networking.k8s.io/referencegrants',
};

/**
 * A ClusterView over the sandbox's object store. The objects are the stored ones, not copies (the simulator
 * only reads them); the store's resourceVersion serves as revision, so routing tables are rebuilt only after a
 * change. The version part of apiVersion is ignored: a kind is stored once, whatever version it was written in.
 */
export function storeClusterView(store: IterableObjectStore): ClusterView {
  return {
    list(apiVersion: string, kind: string, namespace?: string): KubeObject[] {
      const key = STORE_RESOURCE_KEYS[kind];
      if (!key) return [];
      const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
      if (key.slice(0, key.indexOf('/')) !== group) return [];
      return [...store.iterate(key, namespace)];
    },
    revision: () => store.currentResourceVersion(),
  };
}
