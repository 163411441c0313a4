/** Sprig list, dict, default and reflection functions (list.go, dict.go, defaults.go, reflect.go). */
import { GoError, GoStruct, goTypeName, isGoMap, mapAssignableToIface, mapElemZero, markNamedMap, namedMapType, newMap, nilSlice, sliceOf, sliceTypeName, type FuncMap, type FuncSpec, type GoMap, type GoValue } from '../types.js';
import { NIL_DEREF, deepEqual, empty, ifaceConversion, kindOf, sliceElems, strval, toInt64 } from './convert.js';

// ---- lists -------------------------------------------------------------------

/** The elements of a slice/array argument, or the Go error the reflect-based Sprig code gives. */
function listArg(v: GoValue, msg: (kind: string) => string): GoValue[] {
  if (v === null || v === undefined) throw new GoError(NIL_DEREF);
  const elems = sliceElems(v);
  if (!elems) throw new GoError(msg(kindOf(v)));
  return elems;
}

/** Both the plain (panicking) and the must* variant give the same template error. */
function both(map: FuncMap, name: string, mustName: string, spec: FuncSpec): void {
  map[name] = spec;
  map[mustName] = spec;
}

function inList(haystack: GoValue[], needle: GoValue): boolean {
  return haystack.some((h) => deepEqual(needle, h));
}

function listSlice(list: GoValue, ...indices: GoValue[]): GoValue {
  if (list === null || list === undefined) throw new GoError(NIL_DEREF);
  const isBytes = list instanceof Uint8Array;
  const elems = sliceElems(list);
  if (!elems) throw new GoError(`list should be type of slice or array but ${kindOf(list)}`);
  const l = elems.length;
  if (l === 0) return null;
  const start = indices.length > 0 ? Number(toInt64(indices[0])) : 0;
  const end = indices.length >= 2 ? Number(toInt64(indices[1])) : l;
  // reflect.Value.Slice checks against the capacity; for our slices cap == len
  if (start < 0 || end < start || end > l) throw new GoError('reflect.Value.Slice: slice index out of bounds');
  if (isBytes) return (list as Uint8Array).slice(start, end);
  // reflect's Slice keeps the slice type ([]int stays []int)
  return sliceOf(sliceTypeName(elems), elems.slice(start, end));
}

function chunk(size: bigint, list: GoValue): GoValue[][] {
  const elems = listArg(list, (k) => `Cannot chunk type ${k}`);
  const n = Number(size);
  if (n <= 0) throw new GoError('runtime error: makeslice: len out of range');
  const out: GoValue[][] = [];
  for (let i = 0; i < elems.length; i += n) out.push(elems.slice(i, i + n));
  return sliceOf('[][]interface {}', out) as GoValue[][];
}

export function listFuncs(): FuncMap {
  const m: FuncMap = {};
  const list: FuncSpec = { params: [], variadic: 'any', returns: '[]interface {}', fn: (...v: GoValue[]) => v };
  m.list = list;
  m.tuple = list;
  const push: FuncSpec = {
    params: ['any', 'any'],
    returns: '[]interface {}',
    fn: (l: GoValue, v: GoValue) => [...listArg(l, (k) => `Cannot push on type ${k}`), v],
  };
  m.append = push;
  m.push = push;
  m.mustAppend = push;
  m.mustPush = push;
  both(m, 'prepend', 'mustPrepend', {
    params: ['any', 'any'],
    returns: '[]interface {}',
    fn: (l: GoValue, v: GoValue) => [v, ...listArg(l, (k) => `Cannot prepend on type ${k}`)],
  });
  both(m, 'first', 'mustFirst', {
    params: ['any'],
    returns: 'interface {}',
    fn: (l: GoValue) => {
      const e = listArg(l, (k) => `Cannot find first on type ${k}`);
      return e.length === 0 ? null : e[0];
    },
  });
  both(m, 'last', 'mustLast', {
    params: ['any'],
    returns: 'interface {}',
    fn: (l: GoValue) => {
      const e = listArg(l, (k) => `Cannot find last on type ${k}`);
      return e.length === 0 ? null : e[e.length - 1];
    },
  });
  both(m, 'rest', 'mustRest', {
    params: ['any'],
    returns: '[]interface {}',
    // Sprig returns a nil []interface{} for an empty list: prints as "[]", typeOf "[]interface {}", JSON null.
    fn: (l: GoValue) => {
      const a = listArg(l, (k) => `Cannot find rest on type ${k}`);
      return a.length === 0 ? nilSlice() : a.slice(1);
    },
  });
  both(m, 'initial', 'mustInitial', {
    params: ['any'],
    returns: '[]interface {}',
    fn: (l: GoValue) => {
      const a = listArg(l, (k) => `Cannot find initial on type ${k}`);
      return a.length === 0 ? nilSlice() : a.slice(0, -1);
    },
  });
  both(m, 'reverse', 'mustReverse', {
    params: ['any'],
    returns: '[]interface {}',
    fn: (l: GoValue) => [...listArg(l, (k) => `Cannot find reverse on type ${k}`)].reverse(),
  });
  both(m, 'uniq', 'mustUniq', {
    params: ['any'],
    returns: '[]interface {}',
    fn: (l: GoValue) => {
      const out: GoValue[] = [];
      for (const x of listArg(l, (k) => `Cannot find uniq on type ${k}`)) if (!inList(out, x)) out.push(x);
      return out;
    },
  });
  both(m, 'without', 'mustWithout', {
    params: ['any'],
    variadic: 'any',
    returns: '[]interface {}',
    fn: (l: GoValue, ...omit: GoValue[]) => listArg(l, (k) => `Cannot find without on type ${k}`).filter((x) => !inList(omit, x)),
  });
  both(m, 'has', 'mustHas', {
    params: ['any', 'any'],
    returns: 'bool',
    fn: (needle: GoValue, haystack: GoValue) => {
      if (haystack === null || haystack === undefined) return false;
      return inList(listArg(haystack, (k) => `Cannot find has on type ${k}`), needle);
    },
  });
  both(m, 'compact', 'mustCompact', {
    params: ['any'],
    returns: '[]interface {}',
    fn: (l: GoValue) => listArg(l, (k) => `Cannot compact on type ${k}`).filter((x) => !empty(x)),
  });
  both(m, 'slice', 'mustSlice', { params: ['any'], variadic: 'any', returns: 'interface {}', fn: listSlice });
  m.concat = {
    params: [],
    variadic: 'any',
    returns: 'interface {}',
    fn: (...lists: GoValue[]) => {
      const res: GoValue[] = [];
      for (const l of lists) res.push(...listArg(l, (k) => `Cannot concat type ${k} as list`));
      return res;
    },
  };
  both(m, 'chunk', 'mustChunk', { params: ['int', 'any'], returns: '[][]interface {}', fn: chunk });
  return m;
}

// ---- dicts ---------------------------------------------------------------------

const has = (d: GoMap, k: string) => Object.prototype.hasOwnProperty.call(d, k);

function nilMapWrite(): GoError {
  return new GoError('assignment to entry in nil map');
}

/** mergo's isEmptyValue on a map element (interfaces are dereferenced). */
function mergoEmpty(v: GoValue): boolean {
  if (v instanceof GoStruct) return false;
  return empty(v);
}

const isSliceVal = (v: GoValue) => Array.isArray(v) || v instanceof Uint8Array;

/**
 * mergo.Merge / MergeWithOverwrite of two map[string]interface{} values, as Sprig
 * calls it (dario.cat/mergo v1.0.1): recursive into nested maps, slices replaced
 * not merged, empty destination values filled, nil sources only written when overwriting.
 */
export function mergoMaps(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const key of Object.keys(src)) {
    const s = src[key];
    const dHas = has(dst, key);
    const d = dHas ? dst[key] : undefined;
    if (s === null || s === undefined) {
      if (overwrite) dst[key] = null;
      continue;
    }
    if (isGoMap(s)) {
      if (dHas && isGoMap(d)) mergoMaps(d, s, overwrite);
    } else if (isSliceVal(s)) {
      let dstSlice: GoValue;
      if (overwrite || Object.keys(dst).length === 0) dstSlice = s;
      else dstSlice = dHas && d !== null && d !== undefined ? d : [];
      dst[key] = dstSlice;
    }
    if (dHas && !mergoEmpty(d)) {
      if (isSliceVal(s)) continue;
      if (isGoMap(s) && isGoMap(d)) continue;
    }
    if (overwrite || !dHas || mergoEmpty(d)) dst[key] = s;
  }
}

function mergeFn(overwrite: boolean) {
  return (dst: GoMap | null, ...srcs: (GoMap | null)[]): GoValue => {
    let out = dst;
    for (const src of srcs) {
      if (src === null || src === undefined || Object.keys(src).length === 0) continue;
      if (out === null || out === undefined) out = newMap();
      mergoMaps(out, src, overwrite);
    }
    return out ?? null;
  };
}

/** copystructure.Copy of a Go value. */
export function deepCopyValue(v: GoValue): GoValue {
  if (v === null || v === undefined) return v === undefined ? null : null;
  if (Array.isArray(v)) {
    const c = v.map(deepCopyValue);
    const t = sliceTypeName(v);
    return t === '[]interface {}' ? c : sliceOf(t, c); // copystructure keeps the slice type
  }
  if (v instanceof Uint8Array) return v.slice();
  if (isGoMap(v)) {
    const m = newMap();
    for (const k of Object.keys(v)) m[k] = deepCopyValue(v[k]);
    // copystructure keeps the dynamic type: a copy of a common.Values is a common.Values
    const named = namedMapType(v);
    if (named === undefined) return m;
    return markNamedMap(m, named, mapAssignableToIface(v) ? {} : { elem: mapElemZero(v) });
  }
  return v;
}

function dig(...ps: GoValue[]): GoValue {
  if (ps.length < 3) throw new GoError('dig needs at least three arguments');
  const dict = ps[ps.length - 1];
  // a type assertion: a named map type (helm's common.Values, e.g. `.Values` itself) is refused
  if (!isGoMap(dict) || namedMapType(dict) !== undefined) throw ifaceConversion(dict, 'map[string]interface {}');
  const def = ps[ps.length - 2];
  const ks = ps.slice(0, ps.length - 2).map((k) => {
    if (typeof k !== 'string') throw ifaceConversion(k, 'string');
    return k;
  });
  let cur: GoMap = dict;
  for (let i = 0; i < ks.length; i++) {
    if (!has(cur, ks[i])) return def;
    const step = cur[ks[i]];
    if (i === ks.length - 1) return step;
    if (!isGoMap(step) || namedMapType(step) !== undefined) throw ifaceConversion(step, 'map[string]interface {}');
    cur = step;
  }
  return def;
}

export function dictFuncs(): FuncMap {
  const merge: FuncSpec = { params: ['map'], variadic: 'map', returns: 'interface {}', fn: mergeFn(false) };
  const mergeOverwrite: FuncSpec = { params: ['map'], variadic: 'map', returns: 'interface {}', fn: mergeFn(true) };
  const deepCopy: FuncSpec = {
    params: ['any'],
    returns: 'interface {}',
    fn: (v: GoValue) => {
      if (v === null || v === undefined) throw new GoError('reflect: call of reflect.Value.Type on zero Value');
      return deepCopyValue(v);
    },
  };
  return {
    dict: {
      params: [],
      variadic: 'any',
      returns: 'map[string]interface {}',
      fn: (...v: GoValue[]) => {
        const d = newMap();
        for (let i = 0; i < v.length; i += 2) d[strval(v[i] ?? null)] = i + 1 >= v.length ? '' : v[i + 1];
        return d;
      },
    },
    get: {
      params: ['map', 'string'],
      returns: 'interface {}',
      fn: (d: GoMap | null, k: string) => (d && has(d, k) ? d[k] : ''),
    },
    set: {
      params: ['map', 'string', 'any'],
      returns: 'map[string]interface {}',
      fn: (d: GoMap | null, k: string, v: GoValue) => {
        if (!d) throw nilMapWrite();
        d[k] = v;
        return d;
      },
    },
    unset: {
      params: ['map', 'string'],
      returns: 'map[string]interface {}',
      fn: (d: GoMap | null, k: string) => {
        if (d) delete d[k];
        return d;
      },
    },
    hasKey: { params: ['map', 'string'], returns: 'bool', fn: (d: GoMap | null, k: string) => !!d && has(d, k) },
    pluck: {
      params: ['string'],
      variadic: 'map',
      returns: '[]interface {}',
      fn: (k: string, ...ds: (GoMap | null)[]) => ds.filter((d): d is GoMap => !!d && has(d, k)).map((d) => d[k]),
    },
    keys: {
      params: [],
      variadic: 'map',
      returns: '[]string',
      fn: (...ds: (GoMap | null)[]) => ds.flatMap((d) => (d ? Object.keys(d) : [])),
    },
    pick: {
      params: ['map'],
      variadic: 'string',
      returns: 'map[string]interface {}',
      fn: (d: GoMap | null, ...ks: string[]) => {
        const r = newMap();
        for (const k of ks) if (d && has(d, k)) r[k] = d[k];
        return r;
      },
    },
    omit: {
      params: ['map'],
      variadic: 'string',
      returns: 'map[string]interface {}',
      fn: (d: GoMap | null, ...ks: string[]) => {
        const r = newMap();
        const skip = new Set(ks);
        for (const k of Object.keys(d ?? {})) if (!skip.has(k)) r[k] = d![k];
        return r;
      },
    },
    merge,
    mustMerge: merge,
    mergeOverwrite,
    mustMergeOverwrite: mergeOverwrite,
    values: {
      params: ['map'],
      returns: '[]interface {}',
      fn: (d: GoMap | null) => (d ? Object.keys(d).map((k) => d[k]) : []),
    },
    deepCopy,
    mustDeepCopy: deepCopy,
    dig: { params: [], variadic: 'any', returns: 'interface {}', fn: dig },
  };
}

// ---- defaults and reflection --------------------------------------------------------

export function defaultFuncs(): FuncMap {
  return {
    default: {
      params: ['any'],
      variadic: 'any',
      returns: 'interface {}',
      fn: (d: GoValue, ...given: GoValue[]) => (given.length === 0 || empty(given[0]) ? d : given[0]),
    },
    empty: { params: ['any'], returns: 'bool', fn: (v: GoValue) => empty(v) },
    coalesce: {
      params: [],
      variadic: 'any',
      returns: 'interface {}',
      fn: (...v: GoValue[]) => {
        for (const x of v) if (!empty(x)) return x;
        return null;
      },
    },
    all: { params: [], variadic: 'any', returns: 'bool', fn: (...v: GoValue[]) => v.every((x) => !empty(x)) },
    any: { params: [], variadic: 'any', returns: 'bool', fn: (...v: GoValue[]) => v.some((x) => !empty(x)) },
    ternary: {
      params: ['any', 'any', 'bool'],
      returns: 'interface {}',
      fn: (vt: GoValue, vf: GoValue, v: boolean) => (v ? vt : vf),
    },
  };
}

export function reflectFuncs(): FuncMap {
  const typeOf = (v: GoValue) => goTypeName(v === undefined ? null : v);
  return {
    typeOf: { params: ['any'], returns: 'string', fn: typeOf },
    typeIs: { params: ['string', 'any'], returns: 'bool', fn: (t: string, v: GoValue) => t === typeOf(v) },
    typeIsLike: {
      params: ['string', 'any'],
      returns: 'bool',
      fn: (t: string, v: GoValue) => {
        const s = typeOf(v);
        return t === s || '*' + t === s;
      },
    },
    kindOf: { params: ['any'], returns: 'string', fn: (v: GoValue) => kindOf(v) },
    kindIs: { params: ['string', 'any'], returns: 'bool', fn: (t: string, v: GoValue) => t === kindOf(v) },
    deepEqual: { params: ['any', 'any'], returns: 'bool', fn: (a: GoValue, b: GoValue) => deepEqual(a, b) },
  };
}
