/**
 * Go value conversions used across the library: spf13/cast (v1.7) number conversions,
 * Sprig's strval/empty, reflect kinds, reflect.DeepEqual and int64 arithmetic.
 */
import { GoError, GoFunction, GoInt, GoStruct, goIntKind, goTypeName, isGoMap, namedMapType, sliceTypeName, type GoMap, type GoValue } from '../types.js';
import { formatV } from './fmt.js';
import { goByteLen, goBytes, goString } from '../bytes.js';

export const INT64_MIN = -(1n << 63n);
export const INT64_MAX = (1n << 63n) - 1n;

/** Wrap to int64 the way Go's two's-complement arithmetic does. */
export function i64(x: bigint): bigint {
  return BigInt.asIntN(64, x);
}

/** Go's int64(f) conversion (out of range and NaN give the minimum int64 on amd64). */
export function floatToInt64(f: number): bigint {
  if (!Number.isFinite(f) || f >= 9223372036854775808 || f < -9223372036854775808) return INT64_MIN;
  return BigInt(Math.trunc(f));
}

/** strconv.ParseInt(s, base, 64); returns undefined on a syntax error, clamps on range error. */
export function parseGoInt(s: string, base: number): { value: bigint; err?: 'syntax' | 'range' } {
  let str = s;
  let neg = false;
  if (str.startsWith('+') || str.startsWith('-')) {
    neg = str[0] === '-';
    str = str.slice(1);
  }
  let b = base;
  if (str.includes('_')) {
    if (base !== 0 || !/^(0[xXbBoO]_?)?[0-9a-zA-Z]+(_[0-9a-zA-Z]+)*$/.test(str)) return { value: 0n, err: 'syntax' };
    str = str.replace(/_/g, '');
  }
  if (base === 0) {
    b = 10;
    if (/^0[xX]/.test(str)) {
      b = 16;
      str = str.slice(2);
    } else if (/^0[bB]/.test(str)) {
      b = 2;
      str = str.slice(2);
    } else if (/^0[oO]/.test(str)) {
      b = 8;
      str = str.slice(2);
    } else if (str.length > 1 && str[0] === '0') {
      b = 8;
      str = str.slice(1);
    }
  }
  if (str === '') return { value: 0n, err: 'syntax' };
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, b);
  let v = 0n;
  for (const ch of str.toLowerCase()) {
    const d = digits.indexOf(ch);
    if (d < 0) return { value: 0n, err: 'syntax' };
    v = v * BigInt(b) + BigInt(d);
  }
  if (neg) v = -v;
  if (v > INT64_MAX) return { value: INT64_MAX, err: 'range' };
  if (v < INT64_MIN) return { value: INT64_MIN, err: 'range' };
  return { value: v };
}

/** cast's trimZeroDecimal: "5.00" -> "5". */
function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === '0') {
      foundZero = true;
    } else {
      return s;
    }
  }
  return s;
}

/** strconv.ParseFloat(s, 64); undefined on error. */
export function parseGoFloat(s: string): number | undefined {
  const t = s.toLowerCase();
  const signless = t.replace(/^[+-]/, '');
  const neg = t.startsWith('-');
  if (signless === 'inf' || signless === 'infinity') return neg ? -Infinity : Infinity;
  if (signless === 'nan') return NaN;
  if (/^[+-]?0x/.test(t)) {
    const m = /^([+-]?)0x([0-9a-f_]*)(?:\.([0-9a-f_]*))?p([+-]?\d+)$/.exec(t);
    if (!m || (m[2] + (m[3] ?? '')).replace(/_/g, '') === '') return undefined;
    const mant = parseInt((m[2] + (m[3] ?? '')).replace(/_/g, '') || '0', 16);
    const frac = (m[3] ?? '').replace(/_/g, '').length;
    const v = mant * Math.pow(2, parseInt(m[4], 10) - 4 * frac);
    return m[1] === '-' ? -v : v;
  }
  let dec = t;
  if (dec.includes('_')) {
    // Go accepts underscores between digits
    if (!/^[+-]?(\d+(_\d+)*)?(\.(\d+(_\d+)*)?)?(e[+-]?\d+(_\d+)*)?$/.test(dec)) return undefined;
    dec = dec.replace(/_/g, '');
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(dec)) return undefined;
  const v = Number(dec);
  if (!Number.isFinite(v)) return undefined; // range error
  return v;
}

/** cast.ToInt64E; returns [value, ok]. */
export function castToInt64E(v: GoValue): [bigint, boolean] {
  if (v === null || v === undefined) return [0n, true];
  switch (typeof v) {
    case 'bigint':
      return [v, true];
    case 'number':
      return [floatToInt64(v), true];
    case 'boolean':
      return [v ? 1n : 0n, true];
    case 'string': {
      const r = parseGoInt(trimZeroDecimal(v), 0);
      if (r.err) return [0n, false];
      return [r.value, true];
    }
  }
  if (v instanceof GoInt) return [v.type === 'uint64' || v.type === 'uint' ? BigInt.asIntN(64, v.value) : v.value, true];
  return [0n, false];
}

/** cast.ToInt64 (errors give 0), Sprig's toInt64. */
export function toInt64(v: GoValue): bigint {
  return castToInt64E(v)[0];
}

/** cast.ToFloat64E. */
export function castToFloat64E(v: GoValue): [number, boolean] {
  if (v === null || v === undefined) return [0, true];
  switch (typeof v) {
    case 'bigint':
      return [Number(v), true];
    case 'number':
      return [v, true];
    case 'boolean':
      return [v ? 1 : 0, true];
    case 'string': {
      const f = parseGoFloat(v);
      if (f === undefined) return [0, false];
      return [f, true];
    }
  }
  if (v instanceof GoInt) return [Number(v.value), true];
  return [0, false];
}

export function toFloat64(v: GoValue): number {
  return castToFloat64E(v)[0];
}

/** Sprig's strval: string, []byte, error, fmt.Stringer, else %v. */
export function strval(v: GoValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return goString(v);
  return formatV(v === undefined ? null : v);
}

/** The slice or map under a named Go type (a GoStruct with goUnderlying, e.g. `type VersionSet []string`), else undefined. */
function namedUnderlying(v: GoValue): GoValue | undefined {
  if (!(v instanceof GoStruct)) return undefined;
  const f = (v as unknown as { goUnderlying?: () => GoValue }).goUnderlying;
  return typeof f === 'function' ? f.call(v) : undefined;
}

/** Kind of a value as reflect.Value.Kind().String() prints it. */
export function kindOf(v: GoValue): string {
  if (v === undefined || v === null) return 'invalid';
  const u = namedUnderlying(v);
  if (u !== undefined) return kindOf(u);
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float64';
    case 'bigint':
      return 'int64';
  }
  if (v instanceof GoInt) return goIntKind(v);
  if (v instanceof Uint8Array || Array.isArray(v)) return 'slice';
  if (v instanceof GoStruct) return v.goTypeName.startsWith('*') ? 'ptr' : 'struct';
  if (v instanceof GoFunction) return 'func';
  return 'map';
}

/** Sprig's empty(): the zero value of its type. */
export function empty(v: GoValue): boolean {
  if (v === undefined || v === null) return true;
  switch (typeof v) {
    case 'string':
      return v.length === 0;
    case 'boolean':
      return !v;
    case 'number':
      return v === 0;
    case 'bigint':
      return v === 0n;
  }
  if (v instanceof GoInt) return v.value === 0n;
  if (v instanceof Uint8Array || Array.isArray(v)) return v.length === 0;
  const u = namedUnderlying(v);
  if (u !== undefined) return empty(u);
  if (v instanceof GoStruct || v instanceof GoFunction) return false;
  return Object.keys(v).length === 0;
}

/** reflect.DeepEqual on Go values. */
export function deepEqual(a: GoValue, b: GoValue): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === null || b === null) return a === b;
  if (typeof a !== typeof b) return false;
  if (typeof a !== 'object') {
    if (typeof a === 'number') return a === b; // NaN != NaN as in Go
    return a === b;
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false;
    return a.every((x, i) => x === b[i]);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!(Array.isArray(a) && Array.isArray(b)) || a.length !== b.length) return false;
    if (sliceTypeName(a) !== sliceTypeName(b)) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (a instanceof GoFunction || b instanceof GoFunction) return false;
  if (a instanceof GoInt || b instanceof GoInt) {
    // int(1) and int64(1) or uint8(1) differ, as in Go
    return a instanceof GoInt && b instanceof GoInt && a.type === b.type && a.value === b.value;
  }
  if (a instanceof GoStruct || b instanceof GoStruct) {
    if (!(a instanceof GoStruct && b instanceof GoStruct) || a.goTypeName !== b.goTypeName) return false;
    if (a === b) return true;
    const ea = a as unknown as Record<string, GoValue>;
    const eb = b as unknown as Record<string, GoValue>;
    const ka = Object.keys(ea);
    if (ka.length !== Object.keys(eb).length) return false;
    return ka.every((k) => k in eb && deepEqual(ea[k], eb[k]));
  }
  const ma = a as GoMap;
  const mb = b as GoMap;
  if (namedMapType(ma) !== namedMapType(mb)) return false;
  const ka = Object.keys(ma);
  if (ka.length !== Object.keys(mb).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(mb, k) && deepEqual(ma[k], mb[k]));
}

/** A value of slice/array kind as a JS array of elements, or undefined. */
export function sliceElems(v: GoValue): GoValue[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof Uint8Array) return Array.from(v, (x) => new GoInt(BigInt(x), 'uint8'));
  const u = namedUnderlying(v);
  if (u !== undefined && u !== v) return sliceElems(u);
  return undefined;
}

/** The message Go gives when a nil interface reaches reflect.TypeOf(x).Kind(). */
export const NIL_DEREF = 'runtime error: invalid memory address or nil pointer dereference';

/** `interface conversion: interface {} is T, not W` (a failed type assertion). */
export function ifaceConversion(v: GoValue, want: string): GoError {
  const t = v === null || v === undefined ? 'nil' : goTypeName(v);
  return new GoError(`interface conversion: interface {} is ${t}, not ${want}`);
}

/** Go string <-> bytes (bytes that are not UTF-8 kept as escapes, see ../bytes.ts). */
export function utf8(s: string): Buffer {
  const b = goBytes(s);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

export function fromUtf8(b: Uint8Array): string {
  return goString(b);
}

/** Go's len(s) for a string (bytes). */
export function byteLen(s: string): number {
  return goByteLen(s);
}

export function isMap(v: GoValue): v is GoMap {
  return isGoMap(v);
}
