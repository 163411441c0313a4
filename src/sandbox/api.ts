/**
 * The API semantics of the sandbox: create, update, patch (all kinds, incl. server-side apply),
 * delete with finalizers and propagation, status subresources, optimistic concurrency, dry runs,
 * validation and defaulting, CRDs that add resource types. The HTTP layer (server.ts) and the
 * controllers both go through `Cluster`.
 */
import { randomUUID } from 'node:crypto';
import * as YAML from 'yaml';
import { applyDefaults } from './defaults.js';
import { ApiError, errors, type StatusCause } from './errors.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, isObj } from './patch.js';
import { ALL_VERBS, apiVersionOf, type ResourceType, ResourceRegistry, resourceKey, splitApiVersion } from './resources.js';
import { type LabelSelector, type FieldRequirement } from './selectors.js';
import { serverSideApply, trackUpdate } from './ssa.js';
import { type KubeObject, type ListResult, ObjectStore } from './store.js';
import { unknownFields, validateName, validateObject, validateUpdate } from './validate.js';

export const MAX_OBJECT_BYTES = 1572864; // etcd's default request limit (1.5 MiB)

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+json': 'apply',
};

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  subresource?: 'status' | 'scale';
  /** who is writing (for managedFields when no fieldManager is given), e.g. from User-Agent */
  userAgent?: string;
  /** a controller's own write of a status it computed: skips schema validation */
  internal?: boolean;
  /** unknown fields: Strict rejects them (400), Warn (default) and Ignore drop them */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** warnings for the client (HTTP `Warning` headers) are added here */
  warnings?: string[];
}

export interface PatchOptions extends WriteOptions {
  force?: boolean;
}

export interface DeleteOptions {
  dryRun?: boolean;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

function managerFrom(o: WriteOptions): string {
  if (o.fieldManager) return o.fieldManager;
  const ua = o.userAgent ?? 'unknown';
  return ua.split('/')[0]!.slice(0, 128) || 'unknown';
}

function randomSuffix(n = 5): string {
  const chars = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < n; i++) s += chars[Math.floor(Math.random() * chars.length)];
  return s;
}

/** The parts of an object that count as its spec for metadata.generation. */
function specPart(o: KubeObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return JSON.stringify(rest);
}

/** Drops null-valued fields, as decoding into the API's Go types does (e.g. `creationTimestamp: null`). */
export function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (isObj(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null || k === 'lastProbeTime') out[k] = dropNulls(x);
    return out;
  }
  return v;
}

/** A Service update that leaves out its allocated cluster IP and node ports keeps them (as the API server does). */
function keepAllocations(old: KubeObject, next: KubeObject): void {
  const os = old.spec as { clusterIP?: string; clusterIPs?: string[]; ports?: { port: number; protocol?: string; nodePort?: number }[] } | undefined;
  const ns = next.spec as typeof os;
  if (!os || !ns) return;
  if (!ns.clusterIP && os.clusterIP) {
    ns.clusterIP = os.clusterIP;
    if (!ns.clusterIPs?.length && os.clusterIPs) ns.clusterIPs = os.clusterIPs;
  }
  for (const p of ns.ports ?? []) {
    if (p.nodePort) continue;
    const prev = (os.ports ?? []).find((q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
    if (prev?.nodePort) p.nodePort = prev.nodePort;
  }
}

function sameIgnoringVersion(a: KubeObject, b: KubeObject): boolean {
  const norm = (o: KubeObject) => JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: undefined, managedFields: (o.metadata.managedFields ?? []).map((e) => ({ ...e, time: undefined })) } });
  return norm(a) === norm(b);
}

export class Cluster {
  readonly store: ObjectStore;
  readonly registry: ResourceRegistry;

  constructor(store = new ObjectStore(), registry = new ResourceRegistry()) {
    this.store = store;
    this.registry = registry;
    // CRDs restored from persisted state
    for (const crd of this.store.iterate('apiextensions.k8s.io/customresourcedefinitions')) this.registerCrd(crd);
  }

  /** The resource type for a group/version/plural, or a 404 error. */
  resource(group: string, version: string, plural: string): ResourceType {
    const r = this.registry.get(group, plural, version);
    if (!r) throw errors.notFoundPath();
    return r;
  }

  /** The resource type for an apiVersion and kind, e.g. ('apps/v1', 'Deployment'). */
  kind(apiVersion: string, kind: string): ResourceType {
    const r = this.registry.byKind(apiVersion, kind);
    if (!r) throw errors.notFoundPath();
    return r;
  }

  private nsOf(r: ResourceType, ns: string | undefined): string {
    return r.namespaced ? (ns ?? '') : '';
  }

  get(r: ResourceType, ns: string | undefined, name: string): KubeObject {
    const o = this.store.get(resourceKey(r), this.nsOf(r, ns), name);
    if (!o) throw errors.notFound(r, name);
    return this.present(r, o);
  }

  /** Sets apiVersion/kind of an object read from the store to the requested version. */
  private present(r: ResourceType, o: KubeObject): KubeObject {
    o.apiVersion = apiVersionOf(r);
    o.kind = r.kind;
    return o;
  }

  list(r: ResourceType, ns: string | undefined, opts: { labelSelector?: LabelSelector; fieldSelector?: FieldRequirement[]; limit?: number; continue?: string } = {}, copy = true): ListResult {
    return this.store.list(resourceKey(r), r.namespaced ? ns : undefined, opts, copy);
  }

  private checkNamespace(r: ResourceType, ns: string, forCreate: boolean): void {
    if (!r.namespaced) return;
    const nsObj = this.store.getRaw('/namespaces', '', ns);
    if (!nsObj) throw errors.notFound({ group: '', plural: 'namespaces' }, ns);
    if (forCreate && nsObj.metadata.deletionTimestamp) {
      throw new ApiError(403, 'Forbidden', `${r.plural}${r.group ? '.' + r.group : ''} "" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`, { group: r.group, kind: r.plural });
    }
  }

  private checkBody(r: ResourceType, body: unknown, urlNs: string | undefined, urlName?: string): KubeObject {
    if (!isObj(body)) throw errors.badRequest(`the body of the request was in an unknown format - it must be a JSON or YAML object`);
    const o = (r.custom ? body : dropNulls(body)) as KubeObject;
    if (o.apiVersion !== undefined || o.kind !== undefined) {
      if (typeof o.kind === 'string' && o.kind !== r.kind) {
        throw errors.badRequest(`the server could not find the requested resource: the kind in the request body (${o.kind}) does not match the URL's resource (${r.plural})`);
      }
      if (typeof o.apiVersion === 'string') {
        const { group } = splitApiVersion(o.apiVersion);
        if (group !== r.group || !r.versions.includes(splitApiVersion(o.apiVersion).version)) {
          throw errors.badRequest(`the API version in the data (${o.apiVersion}) does not match the expected API version (${apiVersionOf(r)})`);
        }
      }
    }
    if (o.metadata === undefined || o.metadata === null) o.metadata = {};
    if (!isObj(o.metadata)) throw errors.badRequest(`json: cannot unmarshal ${Array.isArray(o.metadata) ? 'array' : typeof o.metadata} into Go struct field .metadata of type v1.ObjectMeta`);
    if (r.namespaced) {
      if (o.metadata.namespace && urlNs && o.metadata.namespace !== urlNs) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      o.metadata.namespace = urlNs ?? o.metadata.namespace;
    } else delete o.metadata.namespace;
    if (urlName !== undefined && o.metadata.name !== undefined && o.metadata.name !== urlName) {
      throw errors.badRequest(`the name of the object (${o.metadata.name}) does not match the name on the URL (${urlName})`);
    }
    if (urlName !== undefined && !o.metadata.name) o.metadata.name = urlName;
    o.apiVersion = apiVersionOf(r);
    o.kind = r.kind;
    return o;
  }

  private async validate(r: ResourceType, o: KubeObject, isCreate: boolean): Promise<void> {
    const causes: StatusCause[] = [];
    if (isCreate) causes.push(...validateName(r, o.metadata.name));
    causes.push(...(await validateObject(r, o)));
    if (causes.length) throw errors.invalid(r, o.metadata.name ?? '', causes);
    const size = Buffer.byteLength(JSON.stringify(o));
    if (size > MAX_OBJECT_BYTES) throw errors.tooLarge(`Request entity too large: the object is ${size} bytes, over the limit of ${MAX_OBJECT_BYTES} bytes`);
  }

  /** Drops fields the type does not declare; a 400 under fieldValidation=Strict, a warning under Warn. */
  private checkUnknownFields(r: ResourceType, o: KubeObject, opts: WriteOptions): void {
    if (opts.internal) return;
    const unknown = unknownFields(r, o, true);
    if (!unknown.length) return;
    const list = unknown.map((f) => `unknown field "${f}"`);
    if (opts.fieldValidation === 'Strict') {
      throw errors.badRequest(`${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: strict decoding error: ${list.join(', ')}`);
    }
    if (opts.fieldValidation !== 'Ignore') opts.warnings?.push(...list);
  }

  async create(r: ResourceType, ns: string | undefined, body: unknown, opts: WriteOptions = {}): Promise<KubeObject> {
    const o = this.checkBody(r, structuredClone(body), r.namespaced ? ns : undefined);
    this.checkUnknownFields(r, o, opts);
    const nsName = this.nsOf(r, o.metadata.namespace);
    if (r.namespaced) {
      if (!nsName) throw errors.badRequest('the server could not find the requested resource: a namespace is required');
      this.checkNamespace(r, nsName, true);
    }
    if (!o.metadata.name && o.metadata.generateName) {
      for (let i = 0; i < 8; i++) {
        const cand = `${o.metadata.generateName}${randomSuffix()}`;
        if (!this.store.getRaw(resourceKey(r), nsName, cand)) {
          o.metadata.name = cand;
          break;
        }
      }
    }
    if (o.metadata.name && this.store.getRaw(resourceKey(r), nsName, o.metadata.name)) throw errors.alreadyExists(r, o.metadata.name);
    const m = o.metadata;
    m.uid = randomUUID();
    m.creationTimestamp = now();
    if ('spec' in o || r.custom) m.generation = 1;
    else delete m.generation;
    delete m.resourceVersion;
    delete m.deletionTimestamp;
    delete m.managedFields;
    if (r.subresources.status && r.kind !== 'Pod' && r.kind !== 'Namespace') delete o.status;
    if (!r.custom) applyDefaults(r.group, r.kind, o);
    await this.validate(r, o, true);
    trackUpdate(undefined, o, managerFrom(opts), apiVersionOf(r), !r.custom, m.creationTimestamp);
    if (opts.dryRun) return o;
    const stored = this.store.put(resourceKey(r), o);
    if (r.group === 'apiextensions.k8s.io' && r.kind === 'CustomResourceDefinition') this.onCrdWritten(stored);
    return this.present(r, structuredClone(stored));
  }

  /** PUT: replaces an object (or its status), with optimistic concurrency on resourceVersion. */
  async update(r: ResourceType, ns: string | undefined, name: string, body: unknown, opts: WriteOptions = {}): Promise<KubeObject> {
    const o = this.checkBody(r, structuredClone(body), r.namespaced ? ns : undefined, name);
    const old = this.store.getRaw(resourceKey(r), this.nsOf(r, ns), name);
    if (!old) throw errors.notFound(r, name);
    if (o.metadata.resourceVersion && o.metadata.resourceVersion !== old.metadata.resourceVersion) throw errors.conflict(r, name);
    return this.commitUpdate(r, old, o, opts, managerFrom(opts));
  }

  private async commitUpdate(r: ResourceType, oldRaw: KubeObject, incoming: KubeObject, opts: WriteOptions, manager: string, skipTrack = false): Promise<KubeObject> {
    const old = structuredClone(oldRaw);
    this.checkUnknownFields(r, incoming, opts);
    let o: KubeObject;
    if (opts.subresource === 'status') {
      o = { ...old, status: incoming.status };
      if (incoming.status === undefined) delete o.status;
    } else {
      o = incoming;
      if (r.subresources.status) {
        if (old.status !== undefined) o.status = old.status;
        else delete o.status;
      }
    }
    const m = o.metadata;
    m.uid = old.metadata.uid;
    m.creationTimestamp = old.metadata.creationTimestamp;
    m.name = old.metadata.name;
    if (r.namespaced) m.namespace = old.metadata.namespace;
    if (old.metadata.generation !== undefined) m.generation = old.metadata.generation;
    else delete m.generation;
    if (old.metadata.deletionTimestamp) {
      m.deletionTimestamp = old.metadata.deletionTimestamp;
      m.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    } else {
      delete m.deletionTimestamp;
    }
    if (opts.subresource === 'status') o.metadata = { ...old.metadata, ...(o.metadata.managedFields ? { managedFields: o.metadata.managedFields } : {}) };
    if (r.group === '' && r.kind === 'Service') keepAllocations(old, o);
    if (!r.custom) applyDefaults(r.group, r.kind, o);
    if (opts.subresource !== 'status' && old.metadata.generation !== undefined && specPart(o) !== specPart(old)) o.metadata.generation = old.metadata.generation + 1;
    if (!opts.internal) {
      await this.validate(r, o, false);
      if (!r.custom && opts.subresource !== 'status') {
        const causes = validateUpdate(r, old, o);
        if (causes.length) throw errors.invalid(r, o.metadata.name ?? '', causes);
      }
    }
    if (opts.internal) {
      // controllers' status writes keep the managedFields as they are (cheaper at scale)
      if (old.metadata.managedFields) o.metadata.managedFields = old.metadata.managedFields;
      else delete o.metadata.managedFields;
    } else if (!skipTrack) {
      o.metadata.managedFields = old.metadata.managedFields;
      trackUpdate(old, o, manager, apiVersionOf(r), !r.custom, now(), opts.subresource);
    }
    if (opts.dryRun) return this.present(r, o);
    if (sameIgnoringVersion(o, old)) {
      // a no-op write keeps the resourceVersion, like the API server
      return this.present(r, old);
    }
    if (o.metadata.deletionTimestamp && !(o.metadata.finalizers ?? []).length) {
      const removed = this.store.remove(resourceKey(r), this.nsOf(r, o.metadata.namespace), o.metadata.name!);
      if (r.kind === 'CustomResourceDefinition' && r.group === 'apiextensions.k8s.io') this.onCrdDeleted(o);
      return this.present(r, structuredClone(removed ?? o));
    }
    const stored = this.store.put(resourceKey(r), o);
    if (r.group === 'apiextensions.k8s.io' && r.kind === 'CustomResourceDefinition') this.onCrdWritten(stored);
    return this.present(r, structuredClone(stored));
  }

  async patch(r: ResourceType, ns: string | undefined, name: string, type: PatchType, rawBody: string, opts: PatchOptions = {}): Promise<KubeObject> {
    const nsName = this.nsOf(r, ns);
    const old = this.store.getRaw(resourceKey(r), nsName, name);
    if (type === 'apply') return this.apply(r, ns, name, rawBody, old, opts);
    if (!old) throw errors.notFound(r, name);
    let patch: unknown;
    try {
      patch = JSON.parse(rawBody);
    } catch (e) {
      throw errors.badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    const current = this.present(r, structuredClone(old));
    let next: unknown;
    if (type === 'json') next = applyJsonPatch(current, patch);
    else if (type === 'merge') {
      if (!isObj(patch)) throw errors.badRequest('error decoding patch: the patch must be a JSON object');
      next = applyMergePatch(current, patch);
    } else {
      if (r.custom) throw new ApiError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
      if (!isObj(patch)) throw errors.badRequest('error decoding patch: the patch must be a JSON object');
      next = applyStrategicMergePatch(current, patch, true);
    }
    const o = this.checkBody(r, next, r.namespaced ? ns : undefined, name);
    if (o.metadata.resourceVersion && o.metadata.resourceVersion !== old.metadata.resourceVersion) throw errors.conflict(r, name);
    return this.commitUpdate(r, old, o, opts, managerFrom(opts));
  }

  private async apply(r: ResourceType, ns: string | undefined, name: string, rawBody: string, old: KubeObject | undefined, opts: PatchOptions): Promise<KubeObject> {
    if (!opts.fieldManager) {
      throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', { group: 'meta.k8s.io', kind: 'PatchOptions', causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }] });
    }
    let applied: unknown;
    try {
      applied = YAML.parse(rawBody, { version: '1.1', uniqueKeys: true });
    } catch (e) {
      throw errors.badRequest(`error decoding YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    if (!isObj(applied)) throw errors.badRequest('error decoding YAML: the apply configuration must be an object');
    const a0 = applied as KubeObject;
    if (typeof a0.apiVersion !== 'string' || !a0.apiVersion) throw errors.badRequest('invalid object type: apiVersion must be set in an apply configuration');
    if (typeof a0.kind !== 'string' || !a0.kind) throw errors.badRequest('invalid object type: kind must be set in an apply configuration');
    const a = this.checkBody(r, a0, r.namespaced ? ns : undefined, name);
    if (old && a.metadata.resourceVersion && a.metadata.resourceVersion !== old.metadata.resourceVersion) throw errors.conflict(r, name);
    const sub = opts.subresource === 'status' ? 'status' : undefined;
    const merged = serverSideApply(old ? this.present(r, structuredClone(old)) : undefined, a, {
      manager: opts.fieldManager,
      force: !!opts.force,
      apiVersion: apiVersionOf(r),
      builtin: !r.custom,
      subresource: sub,
      now: now(),
    });
    if (!old) {
      // apply creates the object
      if (r.namespaced) this.checkNamespace(r, this.nsOf(r, ns), true);
      const mf = merged.metadata.managedFields;
      const created = await this.createWithManagedFields(r, merged, mf, opts);
      return created;
    }
    delete merged.metadata.resourceVersion;
    return this.commitUpdate(r, old, merged, opts, opts.fieldManager, true);
  }

  private async createWithManagedFields(r: ResourceType, o: KubeObject, mf: KubeObject['metadata']['managedFields'], opts: WriteOptions): Promise<KubeObject> {
    this.checkUnknownFields(r, o, opts);
    const m = o.metadata;
    m.uid = randomUUID();
    m.creationTimestamp = now();
    if ('spec' in o || r.custom) m.generation = 1;
    delete m.resourceVersion;
    if (r.subresources.status && r.kind !== 'Pod' && r.kind !== 'Namespace') delete o.status;
    if (!r.custom) applyDefaults(r.group, r.kind, o);
    await this.validate(r, o, true);
    if (mf) m.managedFields = mf;
    if (opts.dryRun) return o;
    const stored = this.store.put(resourceKey(r), o);
    if (r.group === 'apiextensions.k8s.io' && r.kind === 'CustomResourceDefinition') this.onCrdWritten(stored);
    return this.present(r, structuredClone(stored));
  }

  /**
   * DELETE: objects with finalizers (or foreground deletion, or namespaces) get a deletionTimestamp
   * and go away when their finalizers are removed; others go at once. Dependents are handled by the
   * garbage collector (controllers.ts) following ownerReferences.
   */
  async delete(r: ResourceType, ns: string | undefined, name: string, opts: DeleteOptions = {}): Promise<{ object: KubeObject; gone: boolean }> {
    const nsName = this.nsOf(r, ns);
    const old = this.store.getRaw(resourceKey(r), nsName, name);
    if (!old) throw errors.notFound(r, name);
    if (r.group === '' && r.kind === 'Namespace' && ['default', 'kube-system', 'kube-public'].includes(name)) {
      throw new ApiError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
    }
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== old.metadata.uid) throw errors.conflict(r, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) throw errors.conflict(r, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
    const o = structuredClone(old);
    const finalizers = [...(o.metadata.finalizers ?? [])];
    const policy = opts.propagationPolicy;
    if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    if (policy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    const isNamespace = r.kind === 'Namespace' && r.group === '';
    if (finalizers.length || isNamespace) {
      if (opts.dryRun) return { object: this.present(r, o), gone: false };
      if (!o.metadata.deletionTimestamp) {
        o.metadata.deletionTimestamp = now();
        o.metadata.deletionGracePeriodSeconds = 0;
      }
      o.metadata.finalizers = finalizers.length ? finalizers : undefined;
      if (!o.metadata.finalizers) delete o.metadata.finalizers;
      if (isNamespace) o.status = { ...(isObj(o.status) ? o.status : {}), phase: 'Terminating' };
      const stored = this.store.put(resourceKey(r), o);
      return { object: this.present(r, structuredClone(stored)), gone: false };
    }
    if (opts.dryRun) return { object: this.present(r, o), gone: true };
    const removed = this.store.remove(resourceKey(r), nsName, name)!;
    if (r.group === 'apiextensions.k8s.io' && r.kind === 'CustomResourceDefinition') this.onCrdDeleted(removed);
    return { object: this.present(r, structuredClone(removed)), gone: true };
  }

  // ---- helpers for controllers (no validation of names, internal manager names) ----

  /** Writes an object's status as `manager` (a controller). Returns false if the object is gone. */
  async writeStatus(r: ResourceType, obj: KubeObject, status: unknown, manager = 'kube-controller-manager'): Promise<boolean> {
    const cur = this.store.getRaw(resourceKey(r), this.nsOf(r, obj.metadata.namespace), obj.metadata.name!);
    if (!cur) return false;
    if (JSON.stringify(cur.status) === JSON.stringify(status)) return true;
    await this.commitUpdate(r, cur, { ...structuredClone(cur), status } as KubeObject, { subresource: 'status', internal: true }, manager);
    return true;
  }

  /** Writes a whole object as a controller would (update without a resourceVersion check). */
  async writeObject(r: ResourceType, obj: KubeObject, manager = 'kube-controller-manager'): Promise<KubeObject | undefined> {
    const cur = this.store.getRaw(resourceKey(r), this.nsOf(r, obj.metadata.namespace), obj.metadata.name!);
    if (!cur) return undefined;
    return this.commitUpdate(r, cur, structuredClone(obj), {}, manager);
  }

  // ---- CRDs ----

  private onCrdWritten(crd: KubeObject): void {
    this.registerCrd(crd);
    const status = crd.status as { conditions?: { type: string }[] } | undefined;
    if (!status?.conditions?.some((c) => c.type === 'Established')) {
      // establish right away (the real API server takes a moment)
      const spec = crd.spec as { names: Record<string, unknown> };
      const t = now();
      const next = structuredClone(crd);
      next.status = {
        acceptedNames: spec.names,
        conditions: [
          { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: t },
          { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: t },
        ],
        storedVersions: ((crd.spec as { versions?: { name: string; storage?: boolean }[] }).versions ?? []).filter((v) => v.storage).map((v) => v.name),
      };
      this.store.put('apiextensions.k8s.io/customresourcedefinitions', next);
    }
  }

  private registerCrd(crd: KubeObject): void {
    if (crd.metadata.deletionTimestamp) return;
    const spec = crd.spec as {
      group: string;
      scope: string;
      names: { kind: string; listKind?: string; plural: string; singular?: string; shortNames?: string[]; categories?: string[] };
      versions: { name: string; served: boolean; storage: boolean; schema?: { openAPIV3Schema?: Record<string, unknown> }; subresources?: { status?: unknown; scale?: unknown } }[];
    };
    if (!spec?.group || !spec.names?.plural) return;
    const served = (spec.versions ?? []).filter((v) => v.served !== false);
    if (!served.length) return;
    const storage = served.find((v) => v.storage) ?? served[0]!;
    this.registry.add({
      group: spec.group,
      version: storage.name,
      versions: served.map((v) => v.name),
      kind: spec.names.kind,
      listKind: spec.names.listKind ?? `${spec.names.kind}List`,
      plural: spec.names.plural,
      singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
      namespaced: spec.scope !== 'Cluster',
      shortNames: spec.names.shortNames ?? [],
      categories: spec.names.categories ?? [],
      subresources: { status: !!storage.subresources?.status, scale: !!storage.subresources?.scale },
      custom: true,
      schema: storage.schema?.openAPIV3Schema,
      verbs: ALL_VERBS,
    });
  }

  private onCrdDeleted(crd: KubeObject): void {
    const spec = crd.spec as { group: string; names: { plural: string } };
    if (!spec?.group) return;
    this.store.removeAll(`${spec.group}/${spec.names.plural}`);
    this.registry.remove(spec.group, spec.names.plural);
  }
}
