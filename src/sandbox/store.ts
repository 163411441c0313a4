/**
 * The sandbox's object store: plain Kubernetes JSON objects indexed by resource (`group/plural`),
 * namespace and name, a cluster-wide resourceVersion counter, an event history for watches that
 * resume from a resourceVersion, and optional persistence to a directory as JSON.
 *
 * The store holds no API semantics (validation, defaulting, conflicts): `Cluster` in api.ts does.
 * Readers outside the API server (controllers, the traffic simulator) use `get`, `list` and `watch`.
 * Objects handed out are deep copies unless a method says otherwise.
 */
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiError } from './errors.js';
import { type FieldRequirement, type LabelSelector, matchesFields, matchesLabels } from './selectors.js';

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
  [k: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [k: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  /** resource key, `group/plural` */
  resource: string;
  namespace: string;
  object: KubeObject;
  /** for MODIFIED: the object before the change */
  prev?: KubeObject;
  rv: number;
}

export interface ListOptions {
  labelSelector?: LabelSelector;
  fieldSelector?: FieldRequirement[];
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface Watch {
  stop(): void;
}

const HISTORY_MAX = 100_000;

export const clone = <T>(o: T): T => structuredClone(o);

export class ObjectStore {
  private rv = 0;
  private data = new Map<string, Map<string, Map<string, KubeObject>>>();
  private history: StoreEvent[] = [];
  private historyStart = 0; // index of history[0] in the logical log
  /** resourceVersion after which the history is complete */
  private oldestRv = 0;
  private emitter = new EventEmitter();
  private persistDir?: string;
  private persistTimer?: NodeJS.Timeout;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** The current (latest) resourceVersion. */
  currentResourceVersion(): string {
    return String(this.rv);
  }

  /** Allocates the next resourceVersion. */
  nextResourceVersion(): number {
    return ++this.rv;
  }

  private bucket(resource: string, namespace: string, create: boolean): Map<string, KubeObject> | undefined {
    let byNs = this.data.get(resource);
    if (!byNs) {
      if (!create) return undefined;
      byNs = new Map();
      this.data.set(resource, byNs);
    }
    let b = byNs.get(namespace);
    if (!b && create) {
      b = new Map();
      byNs.set(namespace, b);
    }
    return b;
  }

  /** The stored object itself (not a copy): callers must not change it. */
  getRaw(resource: string, namespace: string, name: string): KubeObject | undefined {
    return this.bucket(resource, namespace, false)?.get(name);
  }

  get(resource: string, namespace: string, name: string): KubeObject | undefined {
    const o = this.getRaw(resource, namespace, name);
    return o ? clone(o) : undefined;
  }

  /** All stored objects of a resource (in one namespace, or all when namespace is undefined), not copies. */
  *iterate(resource: string, namespace?: string): Generator<KubeObject> {
    const byNs = this.data.get(resource);
    if (!byNs) return;
    if (namespace !== undefined) {
      const b = byNs.get(namespace);
      if (b) yield* b.values();
      return;
    }
    for (const b of byNs.values()) yield* b.values();
  }

  count(resource: string, namespace?: string): number {
    const byNs = this.data.get(resource);
    if (!byNs) return 0;
    if (namespace !== undefined) return byNs.get(namespace)?.size ?? 0;
    let n = 0;
    for (const b of byNs.values()) n += b.size;
    return n;
  }

  /** Lists objects sorted by namespace then name, with selectors and limit/continue paging. */
  list(resource: string, namespace: string | undefined, opts: ListOptions = {}, copy = true): ListResult {
    const byNs = this.data.get(resource);
    const rv = this.currentResourceVersion();
    let all: KubeObject[] = [];
    if (byNs) {
      if (namespace !== undefined) all = [...(byNs.get(namespace)?.values() ?? [])];
      else for (const b of byNs.values()) all.push(...b.values());
    }
    const key = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    all.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    let start = 0;
    if (opts.continue) {
      let tok: { k?: string };
      try {
        tok = JSON.parse(Buffer.from(opts.continue, 'base64').toString('utf8'));
      } catch {
        throw new ApiError(400, 'BadRequest', 'continue key is not valid: illegal base64 data');
      }
      if (typeof tok.k !== 'string') throw new ApiError(400, 'BadRequest', 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
      const k = tok.k;
      start = all.findIndex((o) => key(o) > k);
      if (start < 0) start = all.length;
    }
    const items: KubeObject[] = [];
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    let i = start;
    for (; i < all.length && items.length < limit; i++) {
      const o = all[i]!;
      if (opts.labelSelector && !matchesLabels(opts.labelSelector, o.metadata.labels)) continue;
      if (opts.fieldSelector && opts.fieldSelector.length && !matchesFields(opts.fieldSelector, o)) continue;
      items.push(copy ? clone(o) : o);
    }
    const res: ListResult = { items, resourceVersion: rv };
    if (i < all.length && items.length >= limit) {
      // is anything left that matches?
      let remaining = 0;
      for (let j = i; j < all.length; j++) {
        const o = all[j]!;
        if (opts.labelSelector && !matchesLabels(opts.labelSelector, o.metadata.labels)) continue;
        if (opts.fieldSelector && opts.fieldSelector.length && !matchesFields(opts.fieldSelector, o)) continue;
        remaining++;
      }
      if (remaining > 0) {
        res.continue = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: Number(rv), k: key(items[items.length - 1]!) })).toString('base64');
        if (!opts.labelSelector?.length && !opts.fieldSelector?.length) res.remainingItemCount = remaining;
      }
    }
    return res;
  }

  /**
   * Writes an object (create or replace). The caller has set metadata; the store assigns the
   * resourceVersion and notifies watchers. Returns the stored object (not a copy).
   */
  put(resource: string, obj: KubeObject): KubeObject {
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name!;
    const b = this.bucket(resource, ns, true)!;
    const prev = b.get(name);
    const rv = this.nextResourceVersion();
    obj.metadata.resourceVersion = String(rv);
    b.set(name, obj);
    this.record(prev ? { type: 'MODIFIED', resource, namespace: ns, object: obj, prev, rv } : { type: 'ADDED', resource, namespace: ns, object: obj, rv });
    return obj;
  }

  /** Removes an object and notifies watchers with its final state. */
  remove(resource: string, namespace: string, name: string): KubeObject | undefined {
    const b = this.bucket(resource, namespace, false);
    const o = b?.get(name);
    if (!b || !o) return undefined;
    b.delete(name);
    const rv = this.nextResourceVersion();
    const final = { ...o, metadata: { ...o.metadata, resourceVersion: String(rv) } };
    this.record({ type: 'DELETED', resource, namespace, object: final, rv });
    return final;
  }

  /** Drops every object of a resource (used when a CRD is deleted), notifying watchers. */
  removeAll(resource: string): void {
    for (const o of [...this.iterate(resource)]) this.remove(resource, o.metadata.namespace ?? '', o.metadata.name!);
    this.data.delete(resource);
  }

  private record(ev: StoreEvent): void {
    this.history.push(ev);
    if (this.history.length > HISTORY_MAX) {
      const drop = this.history.length - HISTORY_MAX;
      this.oldestRv = this.history[drop - 1]!.rv;
      this.history.splice(0, drop);
      this.historyStart += drop;
    }
    this.emitter.emit('event', ev);
    this.schedulePersist();
  }

  /**
   * Watches a resource (optionally one namespace). With `sinceRv` the events after that
   * resourceVersion are replayed first; a version older than the kept history is a 410 error.
   * The listener receives the stored objects: copy before changing them.
   */
  watch(resource: string, namespace: string | undefined, sinceRv: number | undefined, listener: (ev: StoreEvent) => void): Watch {
    if (sinceRv !== undefined) {
      if (sinceRv < this.oldestRv) {
        throw new ApiError(410, 'Expired', `too old resource version: ${sinceRv} (${this.oldestRv + 1})`);
      }
      // binary search the first event with rv > sinceRv
      let lo = 0;
      let hi = this.history.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.history[mid]!.rv <= sinceRv) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < this.history.length; i++) {
        const ev = this.history[i]!;
        if (ev.resource === resource && (namespace === undefined || ev.namespace === namespace)) listener(ev);
      }
    }
    const fn = (ev: StoreEvent) => {
      if (ev.resource === resource && (namespace === undefined || ev.namespace === namespace)) listener(ev);
    };
    this.emitter.on('event', fn);
    return { stop: () => this.emitter.off('event', fn) };
  }

  /** Watches every resource (used by controllers). */
  watchAll(listener: (ev: StoreEvent) => void): Watch {
    this.emitter.on('event', listener);
    return { stop: () => this.emitter.off('event', listener) };
  }

  /** Forgets history before the current version (tests use it to provoke 410 Gone). */
  compact(): void {
    this.oldestRv = this.rv;
    this.historyStart += this.history.length;
    this.history = [];
  }

  // ---- persistence ----

  /** Loads objects saved by `persistTo` earlier; later writes are saved there too. */
  persistTo(dir: string): void {
    this.persistDir = dir;
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'objects.json');
    if (fs.existsSync(file)) {
      const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { resourceVersion: number; objects: { resource: string; object: KubeObject }[] };
      for (const { resource, object } of saved.objects) {
        this.bucket(resource, object.metadata.namespace ?? '', true)!.set(object.metadata.name!, object);
      }
      this.rv = Math.max(this.rv, saved.resourceVersion);
      this.oldestRv = this.rv;
    }
  }

  private schedulePersist(): void {
    if (!this.persistDir || this.persistTimer) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      this.flush();
    }, 200);
    this.persistTimer.unref();
  }

  /** Writes the store to the persistence directory now (atomically). */
  flush(): void {
    if (!this.persistDir) return;
    if (this.persistTimer) {
      clearTimeout(this.persistTimer);
      this.persistTimer = undefined;
    }
    const objects: { resource: string; object: KubeObject }[] = [];
    for (const [resource, byNs] of this.data) {
      if (resource === '/events') continue; // events are not worth keeping across restarts
      for (const b of byNs.values()) for (const o of b.values()) objects.push({ resource, object: o });
    }
    const file = path.join(this.persistDir, 'objects.json');
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ resourceVersion: this.rv, objects }));
    fs.renameSync(tmp, file);
  }

  resources(): string[] {
    return [...this.data.keys()];
  }
}
