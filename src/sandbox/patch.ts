/**
 * Patch kinds of the Kubernetes API: JSON patch (RFC 6902, via fast-json-patch), JSON merge patch
 * (RFC 7386) and strategic merge patch for built-in kinds, whose lists merge by the keys the
 * Kubernetes types declare (`patchMergeKey`, e.g. containers by name, volumeMounts by mountPath).
 */
import fastJsonPatch from 'fast-json-patch';
import { ApiError } from './errors.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** How a list field merges, from the built-in types' patch strategies and list types. */
export type ListInfo = { type: 'map'; keys: string[]; smpKey: string } | { type: 'set' } | { type: 'atomic' };

const MAP_LISTS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  env: ['name'],
  volumes: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  imagePullSecrets: ['name'],
  conditions: ['type'],
  hostAliases: ['ip'],
  ownerReferences: ['uid'],
  topologySpreadConstraints: ['topologyKey', 'whenUnsatisfiable'],
  resourceClaims: ['name'],
  schedulingGates: ['name'],
  readinessGates: ['conditionType'],
  resizePolicy: ['resourceName'],
};
const SET_LISTS = new Set(['finalizers']);

/**
 * The list type of field `name` whose sibling elements look like `sample` (ports are keyed by
 * containerPort in containers and by port in Services). Unknown lists are atomic (replaced whole).
 */
export function listInfo(name: string, sample: unknown, builtin: boolean): ListInfo {
  if (name === 'finalizers' || (builtin && SET_LISTS.has(name))) return { type: 'set' };
  if (name === 'managedFields') return { type: 'atomic' };
  if (!builtin) return name === 'ownerReferences' ? { type: 'map', keys: ['uid'], smpKey: 'uid' } : { type: 'atomic' };
  if (name === 'ports') {
    if (isObj(sample) && 'containerPort' in sample) return { type: 'map', keys: ['containerPort', 'protocol'], smpKey: 'containerPort' };
    if (isObj(sample) && 'port' in sample) return { type: 'map', keys: ['port', 'protocol'], smpKey: 'port' };
    return { type: 'atomic' };
  }
  const keys = MAP_LISTS[name];
  if (keys) return { type: 'map', keys, smpKey: keys[0]! };
  return { type: 'atomic' };
}

export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw new ApiError(400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  try {
    const res = fastJsonPatch.applyPatch(structuredClone(doc), patch as fastJsonPatch.Operation[], true, false);
    return res.newDocument;
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${msg}`);
  }
}

/** RFC 7386 JSON merge patch. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

/** Strategic merge patch; `builtin` false treats every list as atomic (as for custom resources). */
export function applyStrategicMergePatch(target: unknown, patch: unknown, builtin = true): unknown {
  return smp(target, patch, builtin);
}

function keyOf(item: unknown, key: string): string | undefined {
  if (!isObj(item)) return undefined;
  const v = item[key];
  return v === undefined ? undefined : JSON.stringify(v);
}

function smp(target: unknown, patch: unknown, builtin: boolean): unknown {
  if (!isObj(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return structuredClone(rest);
  }
  const out: Obj = isObj(target) ? { ...target } : {};
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  const orders: [string, unknown[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/')) {
      if (Array.isArray(v)) orders.push([k.slice('$setElementOrder/'.length), v]);
      continue;
    }
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const f = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[f]) && Array.isArray(v)) out[f] = (out[f] as unknown[]).filter((x) => !v.some((d) => JSON.stringify(d) === JSON.stringify(x)));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    if (isObj(v) && v.$patch === 'delete') {
      delete out[k];
      continue;
    }
    if (Array.isArray(v)) {
      const sample = v.find(isObj) ?? (Array.isArray(out[k]) ? (out[k] as unknown[]).find(isObj) : undefined);
      const info = listInfo(k, sample, builtin);
      const cur = Array.isArray(out[k]) ? (out[k] as unknown[]) : [];
      if (v.some((x) => isObj(x) && x.$patch === 'replace')) {
        out[k] = structuredClone(v.filter((x) => !(isObj(x) && x.$patch === 'replace')));
      } else if (info.type === 'map') {
        out[k] = mergeKeyedList(cur, v, info.smpKey, builtin);
      } else if (info.type === 'set') {
        const seen = new Set(cur.map((x) => JSON.stringify(x)));
        const res = [...cur];
        for (const x of v) if (!seen.has(JSON.stringify(x))) res.push(structuredClone(x));
        out[k] = res;
      } else {
        out[k] = structuredClone(v);
      }
      continue;
    }
    if (isObj(v)) {
      out[k] = smp(out[k], v, builtin);
      continue;
    }
    out[k] = v;
  }
  for (const [f, order] of orders) {
    const list = out[f];
    if (!Array.isArray(list)) continue;
    const sample = order.find(isObj) ?? list.find(isObj);
    const info = listInfo(f, sample, builtin);
    const idx = (x: unknown) => {
      const i = order.findIndex((o) => (info.type === 'map' ? keyOf(o, info.smpKey) === keyOf(x, info.smpKey) : JSON.stringify(o) === JSON.stringify(x)));
      return i < 0 ? order.length : i;
    };
    out[f] = [...list].sort((a, b) => idx(a) - idx(b));
  }
  return out;
}

function mergeKeyedList(cur: unknown[], patch: unknown[], key: string, builtin: boolean): unknown[] {
  const res = [...cur];
  for (const p of patch) {
    const pk = keyOf(p, key);
    if (pk === undefined) {
      res.push(structuredClone(p));
      continue;
    }
    const i = res.findIndex((x) => keyOf(x, key) === pk);
    if (isObj(p) && p.$patch === 'delete') {
      if (i >= 0) res.splice(i, 1);
      continue;
    }
    if (i >= 0) res[i] = smp(res[i], p, builtin);
    else res.push(smp({}, p, builtin));
  }
  return res;
}
