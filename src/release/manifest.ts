import { parseYaml } from '../encoding/yaml.js';
import type { KubeObject } from '../kube/client.js';

/** One rendered document of a release manifest, with where it came from. */
export interface ManifestDoc {
  /** Template path from the `# Source:` line, e.g. `shop/templates/deployment.yaml`. */
  source: string;
  /** The document text as stored in the release manifest. */
  text: string;
  object: KubeObject;
}

export const RELEASE_NAME_ANNOTATION = 'meta.helm.sh/release-name';
export const RELEASE_NAMESPACE_ANNOTATION = 'meta.helm.sh/release-namespace';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const RESOURCE_POLICY_ANNOTATION = 'helm.sh/resource-policy';

/**
 * Splits a release manifest (`---\n# Source: …\n<yaml>` documents, as Helm stores it) into
 * objects. Empty documents are skipped; a document that is not a Kubernetes object is an
 * error naming its source.
 */
export function parseManifest(manifest: string): ManifestDoc[] {
  const out: ManifestDoc[] = [];
  for (const raw of manifest.split(/^---[ \t]*$/m)) {
    const text = raw.replace(/^\n+/, '');
    if (text.trim() === '') continue;
    const m = /^# Source: (.*)$/m.exec(text);
    const source = m ? m[1]!.trim() : '(unknown)';
    const obj = parseYaml(text, { file: source }) as unknown;
    if (obj === null || obj === undefined) continue;
    if (typeof obj !== 'object' || Array.isArray(obj)) throw new Error(`${source}: document is not a Kubernetes object`);
    const o = obj as KubeObject;
    if (!o.apiVersion || !o.kind) throw new Error(`${source}: object has no apiVersion or kind`);
    if (!o.metadata?.name) throw new Error(`${source}: ${o.kind} has no metadata.name`);
    out.push({ source, text, object: o });
  }
  return out;
}

/** Identity of an object across revisions: group, kind, namespace, name (the version may change). */
export function objectKey(o: KubeObject, defaultNamespace: string, clusterScoped: (kind: string) => boolean = isClusterScopedKind): string {
  const group = (o.apiVersion ?? '').includes('/') ? o.apiVersion!.split('/')[0] : '';
  const ns = clusterScoped(o.kind!) ? '' : (o.metadata?.namespace ?? defaultNamespace);
  return `${group}/${o.kind}/${ns}/${o.metadata?.name}`;
}

const CLUSTER_KINDS = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'PriorityClass',
  'IngressClass',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'CSIDriver',
  'RuntimeClass',
  'GatewayClass',
]);

export function isClusterScopedKind(kind: string): boolean {
  return CLUSTER_KINDS.has(kind);
}

/** Adds the namespace (for namespaced kinds) and Helm's ownership metadata, so helm recognises the objects as the release's. */
export function withOwnership(o: KubeObject, release: string, namespace: string): KubeObject {
  const copy = structuredClone(o);
  copy.metadata ??= {};
  if (!isClusterScopedKind(copy.kind!) && !copy.metadata.namespace) copy.metadata.namespace = namespace;
  copy.metadata.labels = { ...(copy.metadata.labels ?? {}), [MANAGED_BY_LABEL]: 'Helm' };
  copy.metadata.annotations = {
    ...(copy.metadata.annotations ?? {}),
    [RELEASE_NAME_ANNOTATION]: release,
    [RELEASE_NAMESPACE_ANNOTATION]: namespace,
  };
  return copy;
}

/** Objects of `before` that are not in `after` (to delete on upgrade), except those Helm keeps (`helm.sh/resource-policy: keep`). */
export function removedObjects(before: KubeObject[], after: KubeObject[], namespace: string): KubeObject[] {
  const keep = new Set(after.map((o) => objectKey(o, namespace)));
  return before.filter(
    (o) => !keep.has(objectKey(o, namespace)) && o.metadata?.annotations?.[RESOURCE_POLICY_ANNOTATION] !== 'keep',
  );
}
