/**
 * Values coalescing with Helm's rules (pkg/chart/common/util/coalesce.go): user values win
 * over chart defaults, maps merge, scalars and lists replace, `null` from the user deletes a
 * default key (when coalescing, kept when merging), globals flow from parents to subcharts, and
 * a chart sees the values of its dependencies under their names.
 */
import type { GoMap, GoValue } from '../engine/types.js';
import { isGoMap, newMap } from '../engine/types.js';
import type { Chart } from './chart.js';
import { sprintf } from '../engine/gofmt.js';

export const GLOBAL_KEY = 'global';

export type PrintFn = (msg: string) => void;
let printf: PrintFn = () => {};

/** Where coalescing warnings go (Helm logs them); default: dropped. */
export function setCoalesceWarnings(fn: PrintFn): void {
  printf = fn;
}

/**
 * Deep copy of maps and slices (copystructure.Copy). Other values are immutable or shared.
 * Iterative, so deeply nested values (helm accepts 10,000 levels) cannot exhaust the stack.
 */
export function deepCopy<T extends GoValue>(v: T): T {
  const copyShallow = (x: GoValue): GoValue => (Array.isArray(x) ? x.slice() : isGoMap(x) ? Object.assign(newMap(), x) : x);
  const root = copyShallow(v);
  const stack: GoValue[] = [root];
  while (stack.length > 0) {
    const cur = stack.pop()!;
    if (Array.isArray(cur)) {
      for (let i = 0; i < cur.length; i++) {
        const c = cur[i];
        if (Array.isArray(c) || isGoMap(c)) stack.push((cur[i] = copyShallow(c)));
      }
    } else if (isGoMap(cur)) {
      for (const k of Object.keys(cur)) {
        const c = cur[k];
        if (Array.isArray(c) || isGoMap(c)) stack.push((cur[k] = copyShallow(c)));
      }
    }
  }
  return root as T;
}

function istable(v: GoValue): v is GoMap {
  return isGoMap(v);
}

function has(m: GoMap, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, k);
}

function concatPrefix(a: string, b: string): string {
  return a === '' ? b : `${a}.${b}`;
}

function goV(v: GoValue): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(goV).join(' ')}]`;
  if (isGoMap(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goV(v[k])}`).join(' ')}]`;
  return String(v);
}

/** CoalesceValues: chart defaults under user values, nulls remove keys. */
export function coalesceValues(chart: Chart, vals: GoMap | null | undefined): GoMap {
  const copy = vals ? deepCopy(vals) : newMap();
  return coalesce(chart, copy, '', false);
}

/** MergeValues: like coalesceValues but nulls are kept. */
export function mergeValues(chart: Chart, vals: GoMap | null | undefined): GoMap {
  const copy = vals ? deepCopy(vals) : newMap();
  return coalesce(chart, copy, '', true);
}

function coalesce(ch: Chart, dest: GoMap, prefix: string, merge: boolean): GoMap {
  coalesceChartValues(ch, dest, prefix, merge);
  return coalesceDeps(ch, dest, prefix, merge);
}

export class CoalesceError extends Error {}

function coalesceDeps(ch: Chart, dest: GoMap, prefix: string, merge: boolean): GoMap {
  for (const sub of ch.dependencies()) {
    const name = sub.name();
    if (!has(dest, name)) {
      dest[name] = newMap();
    } else if (!istable(dest[name])) {
      // fmt's %t of a value that is not a bool (element by element for lists and maps, `%!t(<nil>)` for nil)
      throw new CoalesceError(`type mismatch on ${name}: ${sprintf('%t', dest[name] as GoValue)}`);
    }
    const dvmap = dest[name] as GoMap;
    const subPrefix = concatPrefix(prefix, ch.name());
    coalesceGlobals(dvmap, dest, subPrefix);
    dest[name] = coalesce(sub, dvmap, subPrefix, merge);
  }
  return dest;
}

function coalesceGlobals(dest: GoMap, src: GoMap, prefix: string): void {
  let dg: GoMap;
  let sg: GoMap;
  if (!has(dest, GLOBAL_KEY)) dg = newMap();
  else if (istable(dest[GLOBAL_KEY])) dg = dest[GLOBAL_KEY] as GoMap;
  else {
    printf(`warning: skipping globals because destination ${GLOBAL_KEY} is not a table.`);
    return;
  }
  if (!has(src, GLOBAL_KEY)) sg = newMap();
  else if (istable(src[GLOBAL_KEY])) sg = src[GLOBAL_KEY] as GoMap;
  else {
    printf(`warning: skipping globals because source ${GLOBAL_KEY} is not a table.`);
    return;
  }
  for (const key of Object.keys(sg)) {
    const val = sg[key];
    if (istable(val)) {
      const vv = newMap();
      Object.assign(vv, val);
      if (!has(dg, key)) {
        dg[key] = vv;
      } else {
        const destv = dg[key];
        if (!istable(destv)) {
          printf(`Conflict: cannot merge map onto non-map for "${key}". Skipping.`);
        } else {
          coalesceTablesFullKey(vv, destv, concatPrefix(prefix, key), true);
          dg[key] = vv;
        }
      }
    } else if (has(dg, key) && istable(dg[key])) {
      printf(`key ${key} is table. Skipping`);
    } else {
      dg[key] = val;
    }
  }
  dest[GLOBAL_KEY] = dg;
}

function childChartMergeTrue(ch: Chart, key: string, merge: boolean): boolean {
  for (const sub of ch.dependencies()) if (sub.name() === key) return true;
  return merge;
}

function coalesceChartValues(ch: Chart, v: GoMap, prefix: string, merge: boolean): void {
  const subPrefix = concatPrefix(prefix, ch.name());
  const vc = deepCopy(ch.values ?? newMap());
  for (const key of Object.keys(vc)) {
    const val = vc[key];
    if (has(v, key)) {
      const value = v[key];
      if (value === null && !merge) {
        delete v[key];
      } else if (istable(value)) {
        if (!istable(val)) {
          if (val !== null) printf(`warning: skipped value for ${subPrefix}.${key}: Not a table.`);
        } else {
          const m = childChartMergeTrue(ch, key, merge);
          if (!m && prefix !== '') cleanNilValues(val);
          coalesceTablesFullKey(value, val, concatPrefix(subPrefix, key), m);
        }
      }
    } else {
      if (!merge && prefix !== '') {
        if (val === null) continue;
        if (istable(val)) cleanNilValues(val);
      }
      v[key] = val;
    }
  }
}

/** CoalesceTables: src under dst (dst wins), nulls in dst delete src's keys. */
export function coalesceTables(dst: GoMap | null, src: GoMap | null): GoMap | null {
  return coalesceTablesFullKey(dst, src, '', false);
}

/** MergeTables: like coalesceTables but keeps nulls. */
export function mergeTables(dst: GoMap | null, src: GoMap | null): GoMap | null {
  return coalesceTablesFullKey(dst, src, '', true);
}

function coalesceTablesFullKey(dst: GoMap | null, src: GoMap | null, prefix: string, merge: boolean): GoMap | null {
  if (src === null) return dst;
  if (dst === null) return src;
  const srcOriginalNonNil = new Set<string>();
  for (const key of Object.keys(src)) if (src[key] !== null) srcOriginalNonNil.add(key);
  for (const key of Object.keys(dst)) if (dst[key] === null) src[key] = null;
  for (const key of Object.keys(src)) {
    const val = src[key];
    const fullkey = concatPrefix(prefix, key);
    const ok = has(dst, key);
    const dv = dst[key];
    if (ok && !merge && dv === null && srcOriginalNonNil.has(key)) {
      delete dst[key];
    } else if (!ok) {
      dst[key] = val;
    } else if (istable(val)) {
      if (istable(dv)) coalesceTablesFullKey(dv, val, fullkey, merge);
      else printf(`warning: cannot overwrite table with non table for ${fullkey} (${goV(val)})`);
    } else if (istable(dv) && val !== null) {
      printf(`warning: destination for ${fullkey} is a table. Ignoring non-table value (${goV(val)})`);
    }
  }
  return dst;
}

function cleanNilValues(m: GoMap): void {
  for (const key of Object.keys(m)) {
    const val = m[key];
    if (val === null) delete m[key];
    else if (istable(val)) cleanNilValues(val);
  }
}

/** Values.Table: the map at a dotted path, or undefined. */
export function valuesTable(v: GoMap, path: string): GoMap | undefined {
  let cur: GoValue = v;
  for (const part of path.split('.')) {
    if (!istable(cur) || !has(cur, part)) return undefined;
    cur = cur[part];
  }
  return istable(cur) ? cur : undefined;
}

/** Values.PathValue: a non-table value at a dotted path, or undefined when there is none. */
export function valuesPathValue(v: GoMap, path: string): GoValue {
  const parts = path.split('.');
  const key = parts.pop()!;
  const t = parts.length === 0 ? v : valuesTable(v, parts.join('.'));
  if (!t || !has(t, key) || istable(t[key])) return undefined;
  return t[key];
}
