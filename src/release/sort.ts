/**
 * Splitting rendered templates into manifests and hooks and ordering them for install,
 * like Helm's releaseutil (SplitManifests, SortManifests, InstallOrder).
 */
import type { GoValue } from '../engine/types.js';
import { isGoMap } from '../engine/types.js';

export const INSTALL_ORDER: readonly string[] = [
  'PriorityClass', 'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy',
  'PodDisruptionBudget', 'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass',
  'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList',
  'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role', 'RoleList', 'RoleBinding', 'RoleBindingList', 'Service',
  'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet',
  'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService', 'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

export const UNINSTALL_ORDER: readonly string[] = [
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService', 'Ingress', 'IngressClass', 'Service',
  'CronJob', 'Job', 'StatefulSet', 'HorizontalPodAutoscaler', 'Deployment', 'ReplicaSet', 'ReplicationController', 'Pod',
  'DaemonSet', 'RoleBindingList', 'RoleBinding', 'RoleList', 'Role', 'ClusterRoleBindingList', 'ClusterRoleBinding',
  'ClusterRoleList', 'ClusterRole', 'CustomResourceDefinition', 'PersistentVolumeClaim', 'PersistentVolume',
  'StorageClass', 'ConfigMap', 'SecretList', 'Secret', 'ServiceAccount', 'PodDisruptionBudget', 'PodSecurityPolicy',
  'LimitRange', 'ResourceQuota', 'NetworkPolicy', 'Namespace', 'PriorityClass',
];

export const HOOK_EVENTS = [
  'pre-install', 'post-install', 'pre-delete', 'post-delete', 'pre-upgrade', 'post-upgrade', 'pre-rollback',
  'post-rollback', 'test',
] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

export interface SimpleHead {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations: Record<string, string> | null } | null;
}

export interface Manifest {
  /** Template path, e.g. `mychart/templates/deployment.yaml`. */
  name: string;
  content: string;
  head: SimpleHead;
}

export interface Hook {
  name: string;
  kind: string;
  path: string;
  manifest: string;
  events: HookEvent[];
  weight: number;
  deletePolicies: string[];
  outputLogPolicies: string[];
}

export class ManifestParseError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'ManifestParseError';
  }
}

const SEP = /(?:^|\s*\n)---\s*/;

/** Helm's SplitManifests: the YAML documents of one rendered file, trimmed, empty ones dropped. */
export function splitManifests(bigFile: string): string[] {
  const docs = bigFile.trim().split(SEP);
  const out: string[] = [];
  for (const d of docs) {
    if (d === '') continue;
    out.push(d.trim());
  }
  return out;
}

/** Parses YAML text into Go values; supplied by the caller (the shared codec). */
export type YamlParser = (text: string) => GoValue;

function jsonKind(v: GoValue): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

function scalarString(v: GoValue, field: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'number') return String(v);
  throw new Error(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(v)} into Go struct field ${field} of type string`);
}

/** Decodes the head of a manifest (kind, apiVersion, name, annotations) like Helm's SimpleHead. */
export function decodeHead(doc: GoValue): SimpleHead {
  if (doc === null || doc === undefined) return { apiVersion: '', kind: '', metadata: null };
  if (!isGoMap(doc)) {
    throw new Error(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(doc)} into Go value of type util.SimpleHead`);
  }
  const head: SimpleHead = {
    apiVersion: scalarString(doc.apiVersion, 'SimpleHead.apiVersion'),
    kind: scalarString(doc.kind, 'SimpleHead.kind'),
    metadata: null,
  };
  const md = doc.metadata;
  if (md !== undefined && md !== null) {
    if (!isGoMap(md)) {
      throw new Error(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(md)} into Go struct field SimpleHead.metadata of type struct { Name string "json:\\"name\\""; Annotations map[string]string "json:\\"annotations\\"" }`);
    }
    let annotations: Record<string, string> | null = null;
    const an = md.annotations;
    if (an !== undefined && an !== null) {
      if (!isGoMap(an)) {
        throw new Error(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(an)} into Go struct field .metadata.annotations of type map[string]string`);
      }
      annotations = {};
      for (const [k, v] of Object.entries(an)) annotations[k] = scalarString(v, '.metadata.annotations');
    }
    head.metadata = { name: scalarString(md.name, '.metadata.name'), annotations };
  }
  return head;
}

function kindRank(order: readonly string[]): Map<string, number> {
  return new Map(order.map((k, i) => [k, i]));
}

function lessByKind(a: string, b: string, ordering: Map<string, number>): boolean {
  const first = ordering.get(a);
  const second = ordering.get(b);
  if (first === undefined && second === undefined) return a !== b ? a < b : false;
  if (first === undefined) return false;
  if (second === undefined) return true;
  return first < second;
}

function stableSortBy<T>(items: T[], less: (a: T, b: T) => boolean): T[] {
  return items
    .map((v, i) => ({ v, i }))
    .sort((x, y) => (less(x.v, y.v) ? -1 : less(y.v, x.v) ? 1 : x.i - y.i))
    .map((x) => x.v);
}

/** Go's byte-wise string order (sort.Strings). */
export function goStringLess(a: string, b: string): number {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return Buffer.compare(ba, bb);
}

/**
 * Helm's SortManifests: files in path order, documents in file order, hooks separated by the
 * `helm.sh/hook` annotation (unknown hook types are skipped), then both sorted by kind.
 */
export function sortManifests(
  files: Map<string, string>,
  parse: YamlParser,
  ordering: readonly string[] = INSTALL_ORDER,
  log: (msg: string) => void = () => {},
): { hooks: Hook[]; manifests: Manifest[] } {
  const hooks: Hook[] = [];
  const generic: Manifest[] = [];
  const paths = [...files.keys()].sort(goStringLess);
  for (const filePath of paths) {
    const content = files.get(filePath)!;
    const base = filePath.slice(filePath.lastIndexOf('/') + 1);
    if (base.startsWith('_')) continue;
    if (content.trim() === '') continue;
    for (const m of splitManifests(content)) {
      let head: SimpleHead;
      try {
        head = decodeHead(parse(m));
      } catch (e) {
        throw new ManifestParseError(`YAML parse error on ${filePath}: ${(e as Error).message}`, filePath);
      }
      const annotations = head.metadata?.annotations;
      if (!annotations || Object.keys(annotations).length === 0 || !Object.prototype.hasOwnProperty.call(annotations, 'helm.sh/hook')) {
        generic.push({ name: filePath, content: m, head });
        continue;
      }
      const hookTypes = annotations['helm.sh/hook']!;
      const weightNum = /^[+-]?\d+$/.test(annotations['helm.sh/hook-weight'] ?? '') ? Number(annotations['helm.sh/hook-weight']) : 0;
      const h: Hook = {
        name: head.metadata?.name ?? '',
        kind: head.kind,
        path: filePath,
        manifest: m,
        events: [],
        weight: Number.isSafeInteger(weightNum) ? weightNum : 0,
        deletePolicies: [],
        outputLogPolicies: [],
      };
      let unknown = false;
      for (let t of hookTypes.split(',')) {
        t = t.trim().toLowerCase();
        if (t === 'test-success') t = 'test';
        if (!(HOOK_EVENTS as readonly string[]).includes(t)) {
          unknown = true;
          break;
        }
        h.events.push(t as HookEvent);
      }
      if (unknown) {
        log(`skipping unknown hooks: ${hookTypes}`);
        continue;
      }
      hooks.push(h);
      const dp = annotations['helm.sh/hook-delete-policy'];
      if (dp !== undefined) for (const p of dp.split(',')) h.deletePolicies.push(p.trim().toLowerCase());
      const ol = annotations['helm.sh/hook-output-log-policy'];
      if (ol !== undefined) for (const p of ol.split(',')) h.outputLogPolicies.push(p.trim().toLowerCase());
    }
  }
  const rank = kindRank(ordering);
  return {
    hooks: stableSortBy(hooks, (a, b) => lessByKind(a.kind, b.kind, rank)),
    manifests: stableSortBy(generic, (a, b) => lessByKind(a.head.kind, b.head.kind, rank)),
  };
}
