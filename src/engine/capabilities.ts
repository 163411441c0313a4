/**
 * `.Capabilities`: what the target cluster supports. Without a cluster (rel template), the
 * values equal helm 4.1.4's defaults: Kubernetes v1.35.0, Helm's default API version list.
 */
import { GoError, GoStruct, newMap, sliceOf, structJson, type GoMap, type GoValue } from './types.js';

/** helm 4.1.4's DefaultVersionSet, in its order. */
export const DEFAULT_API_VERSIONS: readonly string[] = [
  'v1',
  'admissionregistration.k8s.io/v1',
  'admissionregistration.k8s.io/v1alpha1',
  'admissionregistration.k8s.io/v1beta1',
  'internal.apiserver.k8s.io/v1alpha1',
  'apps/v1',
  'apps/v1beta1',
  'apps/v1beta2',
  'authentication.k8s.io/v1',
  'authentication.k8s.io/v1alpha1',
  'authentication.k8s.io/v1beta1',
  'authorization.k8s.io/v1',
  'authorization.k8s.io/v1beta1',
  'autoscaling/v1',
  'autoscaling/v2',
  'autoscaling/v2beta1',
  'autoscaling/v2beta2',
  'batch/v1',
  'batch/v1beta1',
  'certificates.k8s.io/v1',
  'certificates.k8s.io/v1beta1',
  'certificates.k8s.io/v1alpha1',
  'coordination.k8s.io/v1alpha2',
  'coordination.k8s.io/v1beta1',
  'coordination.k8s.io/v1',
  'discovery.k8s.io/v1',
  'discovery.k8s.io/v1beta1',
  'events.k8s.io/v1',
  'events.k8s.io/v1beta1',
  'extensions/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1beta2',
  'flowcontrol.apiserver.k8s.io/v1beta3',
  'networking.k8s.io/v1',
  'networking.k8s.io/v1beta1',
  'node.k8s.io/v1',
  'node.k8s.io/v1alpha1',
  'node.k8s.io/v1beta1',
  'policy/v1',
  'policy/v1beta1',
  'rbac.authorization.k8s.io/v1',
  'rbac.authorization.k8s.io/v1beta1',
  'rbac.authorization.k8s.io/v1alpha1',
  'resource.k8s.io/v1',
  'resource.k8s.io/v1beta2',
  'resource.k8s.io/v1beta1',
  'resource.k8s.io/v1alpha3',
  'scheduling.k8s.io/v1alpha1',
  'scheduling.k8s.io/v1beta1',
  'scheduling.k8s.io/v1',
  'storage.k8s.io/v1beta1',
  'storage.k8s.io/v1',
  'storage.k8s.io/v1alpha1',
  'storagemigration.k8s.io/v1beta1',
  'apiextensions.k8s.io/v1beta1',
  'apiextensions.k8s.io/v1',
];

export const HELM_BUILD = {
  version: 'v4.1.4',
  gitCommit: '05fa37973dc9e42b76e1d2883494c87174b6074f',
  gitTreeState: 'clean',
  goVersion: 'go1.25.9',
  kubeClientVersion: 'v1.35',
} as const;

export class KubeVersion extends GoStruct {
  readonly goTypeName = 'common.KubeVersion';
  declare Version: string;
  declare normalizedVersion: string;
  declare Major: string;
  declare Minor: string;

  constructor(version: string, normalized: string, major: string, minor: string) {
    super();
    // Own enumerable data properties are the Go fields, in declaration order.
    Object.defineProperty(this, 'goTypeName', { enumerable: false, value: 'common.KubeVersion' });
    this.Version = version;
    this.normalizedVersion = normalized;
    this.Major = major;
    this.Minor = minor;
  }

  /** Helm declares String on *KubeVersion: fmt (printf, toString, quote) prints the struct instead. */
  static readonly goPointerMethods: ReadonlySet<string> = new Set(['String']);

  String(): string {
    return this.normalizedVersion;
  }

  /** Deprecated alias of Version (Helm keeps it for charts). */
  GitVersion(): string {
    return this.Version;
  }
  // JSON and YAML: the exported fields in declaration order (Version, Major, Minor), like encoding/json.
}

export class KubeVersionError extends Error {}

/** Helm's ParseKubeVersion (k8s ParseGeneric: at least major.minor, any suffix kept in Version). */
export function parseKubeVersion(input: string): KubeVersion {
  const m = /^v?([0-9]+(?:\.[0-9]+)*)(.*)$/.exec(input.trim());
  if (!m) throw new KubeVersionError(`could not parse ${JSON.stringify(input)} as version`);
  const comps = m[1]!.split('.');
  if (comps.length < 2) throw new KubeVersionError(`illegal version string ${JSON.stringify(input)}`);
  for (const c of comps) {
    if (c.length > 1 && c.startsWith('0')) throw new KubeVersionError(`illegal zero-prefixed version component ${JSON.stringify(c)} in ${JSON.stringify(input)}`);
  }
  const git = input.startsWith('v') ? input : `v${input}`;
  const nums = comps.map((c) => String(Number(c)));
  return new KubeVersion(git, `v${nums.join('.')}`, nums[0]!, nums[1]!);
}

/** A list of API versions (`apps/v1`, `apps/v1/Deployment`) with `Has`. */
export class VersionSet extends GoStruct {
  readonly goTypeName = 'common.VersionSet';
  declare private readonly list: string[];

  constructor(list: readonly string[]) {
    super();
    Object.defineProperty(this, 'goTypeName', { enumerable: false, value: 'common.VersionSet' });
    Object.defineProperty(this, 'list', { enumerable: false, value: [...list] });
  }

  Has(apiVersion: string): boolean {
    if (typeof apiVersion !== 'string') throw new GoError(`wrong type for value; expected string; got ${typeof apiVersion}`);
    return this.list.includes(apiVersion);
  }

  String(): string {
    return `[${this.list.join(' ')}]`;
  }

  /** Go's `type VersionSet []string`: len, range, index, slice and Sprig's list functions see the slice. */
  goUnderlying(): GoValue {
    return sliceOf('[]string', [...this.list]);
  }

  toArray(): string[] {
    return [...this.list];
  }

  toJSON(): string[] {
    return [...this.list];
  }
}

export class HelmVersion extends GoStruct {
  readonly goTypeName = 'version.BuildInfo';
  declare Version: string;
  declare GitCommit: string;
  declare GitTreeState: string;
  declare GoVersion: string;
  declare KubeClientVersion: string;

  constructor() {
    super();
    Object.defineProperty(this, 'goTypeName', { enumerable: false, value: 'version.BuildInfo' });
    this.Version = HELM_BUILD.version;
    this.GitCommit = HELM_BUILD.gitCommit;
    this.GitTreeState = HELM_BUILD.gitTreeState;
    this.GoVersion = HELM_BUILD.goVersion;
    this.KubeClientVersion = HELM_BUILD.kubeClientVersion;
  }

  toJSON(): GoMap {
    const m = structJson(newMap());
    m.version = this.Version;
    m.git_commit = this.GitCommit;
    m.git_tree_state = this.GitTreeState;
    m.go_version = this.GoVersion;
    m.kube_client_version = this.KubeClientVersion;
    return m;
  }
}

export class Capabilities extends GoStruct {
  readonly goTypeName = '*common.Capabilities';
  declare KubeVersion: KubeVersion;
  declare APIVersions: VersionSet;
  declare HelmVersion: HelmVersion;

  constructor(kube: KubeVersion, apis: VersionSet, helm: HelmVersion = new HelmVersion()) {
    super();
    Object.defineProperty(this, 'goTypeName', { enumerable: false, value: '*common.Capabilities' });
    this.KubeVersion = kube;
    this.APIVersions = apis;
    this.HelmVersion = helm;
  }
}

export const DEFAULT_KUBE_VERSION = 'v1.35.0';

/** Capabilities for `rel template`: defaults plus --kube-version / --api-versions. */
export function makeCapabilities(opts: { kubeVersion?: string; apiVersions?: string[] } = {}): Capabilities {
  const kv = parseKubeVersion(opts.kubeVersion ?? DEFAULT_KUBE_VERSION);
  return new Capabilities(kv, new VersionSet([...DEFAULT_API_VERSIONS, ...(opts.apiVersions ?? [])]));
}
