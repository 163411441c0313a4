/**
 * Server-side apply and field management: field sets in the `FieldsV1` format of
 * `metadata.managedFields`, ownership tracking for Apply and Update operations, and conflict
 * detection with the API server's messages (`Apply failed with 1 conflict: conflict with "helm"
 * using apps/v1: .spec.replicas`).
 *
 * A field set is kept as a set of paths; a path is its FieldsV1 elements (`f:spec`, `k:{"name":"c"}`,
 * `v:"x"`) joined by NUL. Members are leaves and list items (the `.` entries of FieldsV1).
 */
import { ApiError } from './errors.js';
import { isObj, listInfo } from './patch.js';
import type { KubeObject, ManagedFieldsEntry } from './store.js';

type Obj = Record<string, unknown>;
const SEP = '\u0000';

export type FieldSet = Set<string>;

const IGNORED_META = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink', 'generateName']);

/** The field set of an object (apiVersion, kind, identity metadata and status excluded unless `status`). */
export function fieldsOf(obj: Obj, builtin: boolean, part: 'main' | 'status' = 'main'): FieldSet {
  const out: FieldSet = new Set();
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (part === 'main' && k === 'status') continue;
    if (part === 'status' && k !== 'status') continue;
    if (k === 'metadata' && isObj(v)) {
      for (const [mk, mv] of Object.entries(v)) {
        if (IGNORED_META.has(mk)) continue;
        walk(mv, mk, `f:metadata${SEP}f:${mk}`, out, builtin);
      }
      continue;
    }
    walk(v, k, `f:${k}`, out, builtin);
  }
  return out;
}

/** Defaults of list-key fields (a port without protocol is keyed as TCP, as the API server does). */
const KEY_DEFAULTS: Obj = { protocol: 'TCP' };

function keyValue(item: unknown, k: string): unknown {
  const v = isObj(item) ? item[k] : undefined;
  return v === undefined ? KEY_DEFAULTS[k] : v;
}

function itemKey(item: unknown, keys: string[]): string {
  const o: Obj = {};
  for (const k of keys) {
    const v = keyValue(item, k);
    if (v !== undefined) o[k] = v;
  }
  return `k:${JSON.stringify(o)}`;
}

function walk(v: unknown, name: string, p: string, out: FieldSet, builtin: boolean): void {
  if (isObj(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0) {
      out.add(p);
      return;
    }
    for (const k of keys) walk(v[k], k, `${p}${SEP}f:${k}`, out, builtin);
    return;
  }
  if (Array.isArray(v)) {
    const info = listInfo(name, v.find(isObj), builtin);
    if (info.type === 'atomic' || v.length === 0) {
      out.add(p);
      return;
    }
    if (info.type === 'set') {
      for (const x of v) out.add(`${p}${SEP}v:${JSON.stringify(x)}`);
      return;
    }
    for (const item of v) {
      const ip = `${p}${SEP}${itemKey(item, info.keys)}`;
      out.add(ip);
      if (isObj(item)) for (const [k, iv] of Object.entries(item)) walk(iv, k, `${ip}${SEP}f:${k}`, out, builtin);
    }
    return;
  }
  out.add(p);
}

/** Converts a field set to the FieldsV1 JSON of managedFields. */
export function toFieldsV1(set: FieldSet): Obj {
  const root: Obj = {};
  for (const p of [...set].sort()) {
    let cur = root;
    const parts = p.split(SEP);
    for (const el of parts) {
      if (!isObj(cur[el])) cur[el] = {};
      cur = cur[el] as Obj;
    }
    if (parts[parts.length - 1]!.startsWith('k:') || parts[parts.length - 1]!.startsWith('i:')) cur['.'] = {};
  }
  return root;
}

/** Converts FieldsV1 JSON back to a field set. */
export function fromFieldsV1(f: unknown): FieldSet {
  const out: FieldSet = new Set();
  const rec = (node: Obj, p: string) => {
    const keys = Object.keys(node);
    for (const k of keys) {
      if (k === '.') {
        if (p) out.add(p);
        continue;
      }
      const child = node[k];
      const cp = p ? `${p}${SEP}${k}` : k;
      if (isObj(child) && Object.keys(child).length > 0) rec(child, cp);
      else out.add(cp);
    }
  };
  if (isObj(f)) rec(f, '');
  return out;
}

/** Human form of a path as the API server prints it: `.spec.template.spec.containers[name="web"].image`. */
export function pathString(p: string): string {
  return p
    .split(SEP)
    .map((el) => {
      if (el.startsWith('f:')) return `.${el.slice(2)}`;
      if (el.startsWith('k:')) {
        const o = JSON.parse(el.slice(2)) as Obj;
        return `[${Object.entries(o)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(',')}]`;
      }
      if (el.startsWith('v:')) return `[=${el.slice(2)}]`;
      return el;
    })
    .join('');
}

const MISSING = Symbol('missing');

/** The value at a path in an object, or MISSING. */
function valueAt(obj: unknown, p: string): unknown {
  let cur: unknown = obj;
  for (const el of p.split(SEP)) {
    if (el.startsWith('f:')) {
      if (!isObj(cur) || !(el.slice(2) in cur)) return MISSING;
      cur = cur[el.slice(2)];
    } else if (el.startsWith('k:')) {
      if (!Array.isArray(cur)) return MISSING;
      const key = JSON.parse(el.slice(2)) as Obj;
      const found = cur.find((it) => isObj(it) && Object.entries(key).every(([k, v]) => JSON.stringify(keyValue(it, k)) === JSON.stringify(v)));
      if (found === undefined) return MISSING;
      cur = found;
    } else if (el.startsWith('v:')) {
      if (!Array.isArray(cur)) return MISSING;
      const want = el.slice(2);
      if (!cur.some((x) => JSON.stringify(x) === want)) return MISSING;
      cur = JSON.parse(want);
    } else return MISSING;
  }
  return cur;
}

const isItemPath = (p: string) => {
  const last = p.slice(p.lastIndexOf(SEP) + 1);
  return last.startsWith('k:') || last.startsWith('v:');
};

/** Removes the field at a path from an object (in place). */
function removeAt(obj: Obj, p: string): void {
  const parts = p.split(SEP);
  const parentPath = parts.slice(0, -1).join(SEP);
  const parent = parts.length === 1 ? obj : valueAt(obj, parentPath);
  const last = parts[parts.length - 1]!;
  if (last.startsWith('f:')) {
    if (isObj(parent)) delete parent[last.slice(2)];
  } else if (Array.isArray(parent)) {
    const item = valueAt(obj, p);
    if (item === MISSING) return;
    const i = last.startsWith('v:') ? parent.findIndex((x) => JSON.stringify(x) === last.slice(2)) : parent.indexOf(item);
    if (i >= 0) parent.splice(i, 1);
  }
}

/** After a removal, drops the lists and maps it left empty (up to the top-level field). */
function pruneEmptyParents(obj: Obj, p: string): void {
  const parts = p.split(SEP);
  for (let n = parts.length - 1; n >= 2; n--) {
    const parentPath = parts.slice(0, n).join(SEP);
    if (isItemPath(parentPath)) return;
    const v = valueAt(obj, parentPath);
    const empty = Array.isArray(v) ? v.length === 0 : isObj(v) && Object.keys(v).length === 0;
    if (!empty) return;
    removeAt(obj, parentPath);
  }
}

/** Deep-merges an applied configuration into a live object (maps recursively, keyed lists by key). */
export function mergeApplied(live: unknown, applied: unknown, name: string, builtin: boolean): unknown {
  if (isObj(applied)) {
    const out: Obj = isObj(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(applied)) out[k] = mergeApplied(out[k], v, k, builtin);
    return out;
  }
  if (Array.isArray(applied)) {
    const info = listInfo(name, applied.find(isObj) ?? (Array.isArray(live) ? live.find(isObj) : undefined), builtin);
    if (info.type === 'atomic' || !Array.isArray(live)) return structuredClone(applied);
    if (info.type === 'set') {
      const res = [...live];
      for (const x of applied) if (!res.some((y) => JSON.stringify(y) === JSON.stringify(x))) res.push(structuredClone(x));
      return res;
    }
    const res = [...live];
    const same = (a: unknown, b: unknown) => info.keys.every((k) => JSON.stringify(keyValue(a, k)) === JSON.stringify(keyValue(b, k)));
    // applied items keep their relative order; items only in live stay where they were
    for (const item of applied) {
      const i = res.findIndex((x) => same(x, item));
      if (i >= 0) res[i] = mergeApplied(res[i], item, '', builtin);
      else res.push(structuredClone(item));
    }
    return res;
  }
  return structuredClone(applied);
}

function entryKey(e: { manager: string; operation: string; subresource?: string }): string {
  return `${e.manager}\u0001${e.operation}\u0001${e.subresource ?? ''}`;
}

interface Managed {
  entry: ManagedFieldsEntry;
  set: FieldSet;
}

function readManaged(obj: KubeObject): Managed[] {
  return (obj.metadata.managedFields ?? []).map((entry) => ({ entry, set: fromFieldsV1(entry.fieldsV1) }));
}

function writeManaged(list: Managed[]): ManagedFieldsEntry[] | undefined {
  const out = list.filter((m) => m.set.size > 0).map((m) => ({ ...m.entry, fieldsType: 'FieldsV1' as const, fieldsV1: toFieldsV1(m.set) }));
  return out.length ? out : undefined;
}

export interface ApplyOptions {
  manager: string;
  force: boolean;
  apiVersion: string;
  builtin: boolean;
  subresource?: 'status';
  now: string;
}

/**
 * Server-side apply of `applied` onto `live` (undefined when the object does not exist yet).
 * Returns the new object with updated managedFields, or throws a 409 conflict error.
 */
export function serverSideApply(live: KubeObject | undefined, applied: KubeObject, o: ApplyOptions): KubeObject {
  const part = o.subresource === 'status' ? 'status' : 'main';
  const appliedSet = fieldsOf(applied, o.builtin, part);
  const base: KubeObject = live ? structuredClone(live) : { apiVersion: applied.apiVersion, kind: applied.kind, metadata: { name: applied.metadata.name, namespace: applied.metadata.namespace } };
  const managed = live ? readManaged(live) : [];
  const self = { manager: o.manager, operation: 'Apply' as const, subresource: o.subresource };
  const selfKey = entryKey(self);

  // conflicts: fields another manager owns whose value this apply would change
  const conflicts = new Map<string, { m: Managed; paths: string[] }>();
  for (const m of managed) {
    if (entryKey(m.entry) === selfKey) continue;
    for (const p of appliedSet) {
      if (!m.set.has(p) || isItemPath(p)) continue;
      const a = valueAt(applied, p);
      const l = valueAt(base, p);
      if (l === MISSING || JSON.stringify(a) === JSON.stringify(l)) continue;
      const c = conflicts.get(entryKey(m.entry)) ?? { m, paths: [] };
      c.paths.push(p);
      conflicts.set(entryKey(m.entry), c);
    }
  }
  if (conflicts.size && !o.force) throw conflictError(applied, [...conflicts.values()]);
  for (const { m, paths } of conflicts.values()) for (const p of paths) m.set.delete(p);

  // fields this manager applied before and no longer applies are removed, unless someone else owns them
  const prev = managed.find((m) => entryKey(m.entry) === selfKey)?.set ?? new Set<string>();
  const others = managed.filter((m) => entryKey(m.entry) !== selfKey);
  const ownedByOthers = (p: string) => others.some((m) => m.set.has(p) || [...m.set].some((q) => q.startsWith(p + SEP)));
  const removed = [...prev].filter((p) => !appliedSet.has(p) && !ownedByOthers(p));
  // whole items go at once (their key fields with them); then leaves, deepest first
  const removedItems = removed.filter((p) => isItemPath(p) && valueAt(applied, p) === MISSING);
  const underRemovedItem = (p: string) => removedItems.some((i) => p.startsWith(i + SEP));
  const order = removed.filter((p) => !underRemovedItem(p) && !(isItemPath(p) && valueAt(applied, p) !== MISSING));
  order.sort((a, b) => b.split(SEP).length - a.split(SEP).length);
  for (const p of order) {
    removeAt(base as unknown as Obj, p);
    pruneEmptyParents(base as unknown as Obj, p);
  }

  let merged: KubeObject;
  if (part === 'status') {
    merged = { ...base, status: mergeApplied(base.status, applied.status, 'status', o.builtin) };
  } else {
    const { status: _s, ...rest } = applied;
    merged = mergeApplied(base, rest, '', o.builtin) as KubeObject;
    // identity metadata is the server's
    merged.metadata = { ...merged.metadata, name: base.metadata.name ?? applied.metadata.name };
  }

  const list = others.map((m) => m);
  list.push({ entry: { manager: o.manager, operation: 'Apply', apiVersion: o.apiVersion, time: o.now, fieldsType: 'FieldsV1', fieldsV1: {}, ...(o.subresource ? { subresource: o.subresource } : {}) }, set: appliedSet });
  merged.metadata.managedFields = writeManaged(list);
  if (!merged.metadata.managedFields) delete merged.metadata.managedFields;
  return merged;
}

function conflictError(obj: KubeObject, list: { m: Managed; paths: string[] }[]): ApiError {
  const total = list.reduce((n, c) => n + c.paths.length, 0);
  // the API server names a manager with its subresource, and an Update's time
  const who = (e: ManagedFieldsEntry) => `"${e.manager}"${e.subresource ? ` with subresource "${e.subresource}"` : ''} using ${e.apiVersion}${e.operation === 'Update' && e.time ? ` at ${e.time}` : ''}`;
  const causes = list.flatMap(({ m, paths }) => paths.map((p) => ({ reason: 'FieldManagerConflict', message: `conflict with ${who(m.entry)}`, field: pathString(p) })));
  let msg: string;
  if (total === 1) {
    const c = causes[0]!;
    msg = `Apply failed with 1 conflict: ${c.message}: ${c.field}`;
  } else {
    msg = `Apply failed with ${total} conflicts: ` + list.map(({ m, paths }) => `conflicts with ${who(m.entry)}:\n${paths.map((p) => `- ${pathString(p)}`).join('\n')}`).join('\n');
  }
  return new ApiError(409, 'Conflict', msg, { name: obj.metadata.name, causes });
}

/**
 * Records an Update operation (create, update, non-apply patch) by `manager`: it owns the fields it
 * set or changed, and no other manager keeps them.
 */
export function trackUpdate(oldObj: KubeObject | undefined, newObj: KubeObject, manager: string, apiVersion: string, builtin: boolean, now: string, subresource?: 'status' | 'scale'): void {
  const part = subresource === 'status' ? 'status' : 'main';
  const managed = oldObj ? readManaged(oldObj) : readManaged(newObj).filter(() => false);
  const newSet = fieldsOf(newObj, builtin, part);
  const oldSet = oldObj ? fieldsOf(oldObj, builtin, part) : new Set<string>();
  const changed = new Set<string>();
  for (const p of newSet) if (!oldSet.has(p) || (!isItemPath(p) && JSON.stringify(valueAt(newObj, p)) !== JSON.stringify(valueAt(oldObj, p)))) changed.add(p);
  const gone = [...oldSet].filter((p) => !newSet.has(p));
  const key = entryKey({ manager, operation: 'Update', subresource });
  let mine = managed.find((m) => entryKey(m.entry) === key);
  for (const m of managed) {
    if (m === mine) continue;
    for (const p of changed) m.set.delete(p);
    for (const p of gone) m.set.delete(p);
  }
  if (mine) for (const p of gone) mine.set.delete(p);
  if (changed.size) {
    if (!mine) {
      mine = { entry: { manager, operation: 'Update', apiVersion, time: now, fieldsType: 'FieldsV1', fieldsV1: {}, ...(subresource ? { subresource } : {}) }, set: new Set() };
      managed.push(mine);
    }
    mine.entry = { ...mine.entry, time: now, apiVersion };
    for (const p of changed) mine.set.add(p);
  }
  const out = writeManaged(managed);
  if (out) newObj.metadata.managedFields = out;
  else delete newObj.metadata.managedFields;
}
