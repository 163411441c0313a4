/**
 * The predefined functions of Go's text/template (funcs.go): and, or, not, len, index,
 * slice, eq, ne, lt, le, gt, ge, print, printf, println, html, js, urlquery, call.
 * Parameters declared 'reflect' receive the raw value (undefined = invalid, null = nil interface).
 */
import { compareGoStrings, formatTemplateValue, isPrint, sprint, sprintf, sprintln } from '../gofmt.js';
import { goByteLen, goBytes, goString, isByteEscape } from '../bytes.js';
import { FuncSpec, GoError, GoFunction, GoInt, GoParamType, GoStruct, GoValue, goInt, goTypeName, isGoMap, isUnsignedInt, mapAssignableToIface, mapElemZero } from '../types.js';

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * A GoStruct may stand for a named slice or map type with methods (Go's `type VersionSet []string`,
 * `type Files map[string][]byte`): it then defines `goUnderlying()` returning the slice or map,
 * which range, len, index, slice, truth, field access and printing use.
 */
export interface GoNamedType {
  goUnderlying(): GoValue;
}

/** The underlying slice/map of a named type, or v itself. */
export function underlying(v: GoValue): GoValue {
  if (v instanceof GoStruct) {
    const f = (v as unknown as Partial<GoNamedType>).goUnderlying;
    if (typeof f === 'function') return f.call(v);
  }
  return v;
}

/** Go's template truth (isTrue after indirectInterface). */
export function truth(v: GoValue): boolean {
  switch (typeof v) {
    case 'undefined':
      return false;
    case 'boolean':
      return v;
    case 'string':
      return v.length > 0;
    case 'number':
      return v !== 0;
    case 'bigint':
      return v !== 0n;
  }
  if (v === null) return false;
  if (v instanceof GoInt) return v.value !== 0n;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length > 0;
  if (v instanceof GoStruct) {
    const u = underlying(v);
    return u === v ? true : truth(u);
  }
  if (v instanceof GoFunction) return true;
  for (const k in v) if (hasOwn.call(v, k)) return true;
  return false;
}

/** indirectInterface: a nil interface becomes the invalid value. */
function ind(v: GoValue): GoValue {
  return v === null ? undefined : v;
}

const enum K {
  Invalid,
  Bool,
  Int,
  Uint,
  Float,
  String,
}

function basicKind(v: GoValue): K {
  switch (typeof v) {
    case 'boolean':
      return K.Bool;
    case 'bigint':
      return K.Int;
    case 'number':
      return K.Float;
    case 'string':
      return K.String;
  }
  if (v instanceof GoInt) return isUnsignedInt(v) ? K.Uint : K.Int;
  return K.Invalid;
}

/** The integer value of an int- or uint-kind value. */
function ival(v: GoValue): bigint {
  return typeof v === 'bigint' ? v : (v as GoInt).value;
}

/** reflect Kind name used to decide comparability. */
function reflectKind(v: GoValue): string {
  if (v === undefined) return 'invalid';
  if (Array.isArray(v) || v instanceof Uint8Array) return 'slice';
  if (v instanceof GoFunction) return 'func';
  if (v instanceof GoStruct) return v.goTypeName.startsWith('*') ? 'ptr' : 'struct';
  if (isGoMap(v)) return 'map';
  return typeof v;
}

function typeName(v: GoValue): string {
  return goTypeName(v);
}

function eqCheck(arg1: GoValue, ...arg2: GoValue[]): boolean {
  arg1 = ind(arg1);
  if (arg2.length === 0) throw new GoError('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (let arg of arg2) {
    arg = ind(arg);
    const k2 = basicKind(arg);
    let t = false;
    if (k1 !== k2) {
      if ((k1 === K.Int && k2 === K.Uint) || (k1 === K.Uint && k2 === K.Int)) {
        t = ival(arg1) === ival(arg); // a negative int never equals a uint
      } else if (arg1 !== undefined && arg !== undefined) {
        throw new GoError(`incompatible types for comparison: ${typeName(arg1)} and ${typeName(arg)}`);
      }
    } else {
      switch (k1) {
        case K.Int:
        case K.Uint:
          t = ival(arg1) === ival(arg);
          break;
        case K.Bool:
        case K.Float:
        case K.String:
          t = arg1 === arg;
          break;
        default: {
          const r1 = reflectKind(arg1);
          const r2 = reflectKind(arg);
          if (!(r1 === r2 || r1 === 'invalid' || r2 === 'invalid')) {
            throw new GoError(sprintf('non-comparable types %s: %v, %s: %v', arg1, typeName(arg1), typeName(arg), arg));
          }
          if (arg1 === undefined || arg === undefined) {
            t = arg1 === arg;
          } else {
            if (r2 === 'slice' || r2 === 'map' || r2 === 'func') {
              throw new GoError(sprintf('non-comparable type %s: %v', arg, typeName(arg)));
            }
            t = arg1 === arg;
          }
        }
      }
    }
    if (t) return true;
  }
  return false;
}

function ltCheck(arg1: GoValue, arg2: GoValue): boolean {
  arg1 = ind(arg1);
  const k1 = basicKind(arg1);
  if (k1 === K.Invalid) throw new GoError('invalid type for comparison');
  arg2 = ind(arg2);
  const k2 = basicKind(arg2);
  if (k2 === K.Invalid) throw new GoError('invalid type for comparison');
  if (k1 !== k2) {
    // int and uint compare by value (a negative int is less than any uint)
    if ((k1 === K.Int && k2 === K.Uint) || (k1 === K.Uint && k2 === K.Int)) return ival(arg1) < ival(arg2);
    throw new GoError(`incompatible types for comparison: ${typeName(arg1)} and ${typeName(arg2)}`);
  }
  switch (k1) {
    case K.Bool:
      throw new GoError('invalid type for comparison');
    case K.String:
      return compareGoStrings(arg1 as string, arg2 as string) < 0;
    case K.Int:
    case K.Uint:
      return ival(arg1) < ival(arg2);
    default:
      return (arg1 as number) < (arg2 as number);
  }
}

function leCheck(a: GoValue, b: GoValue): boolean {
  if (ltCheck(a, b)) return true;
  return eqCheck(a, b);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

function indexArg(index: GoValue, cap: number): number {
  let x: bigint;
  if (typeof index === 'bigint') x = index;
  else if (index instanceof GoInt) x = index.value;
  else {
    if (index === undefined || index === null) throw new GoError('cannot index slice/array with nil');
    throw new GoError(`cannot index slice/array with type ${typeName(index)}`);
  }
  if (x < 0n || x > BigInt(cap)) throw new GoError(`index out of range: ${x}`);
  return Number(x);
}

function index(item: GoValue, ...indexes: GoValue[]): GoValue {
  item = ind(item);
  if (item === undefined) throw new GoError('index of untyped nil');
  for (let idx of indexes) {
    idx = ind(idx);
    if (item === null || item === undefined) throw new GoError('index of nil pointer');
    const orig = item;
    item = underlying(item);
    if (Array.isArray(item)) {
      const x = indexArg(idx, item.length);
      if (x === item.length) throw new GoError('reflect: slice index out of range');
      item = item[x];
    } else if (item instanceof Uint8Array) {
      const x = indexArg(idx, item.length);
      if (x === item.length) throw new GoError('reflect: slice index out of range');
      item = new GoInt(BigInt(item[x]!), 'uint8');
    } else if (typeof item === 'string') {
      const bytes = isAscii(item) ? null : goBytes(item);
      const len = bytes ? bytes.length : item.length;
      const x = indexArg(idx, len);
      if (x === len) throw new GoError('reflect: string index out of range');
      item = new GoInt(BigInt(bytes ? bytes[x]! : item.charCodeAt(x)), 'uint8');
    } else if (isGoMap(item)) {
      if (idx === undefined) throw new GoError('value is nil; should be of type string');
      if (typeof idx !== 'string') throw new GoError(`value has type ${typeName(idx)}; should be string`);
      item = hasOwn.call(item, idx) ? item[idx] : mapElemZero(item);
    } else {
      throw new GoError(`can't index item of type ${typeName(orig)}`);
    }
  }
  return item;
}

function slice(item: GoValue, ...indexes: GoValue[]): GoValue {
  const orig = ind(item);
  item = underlying(orig);
  if (item === undefined) throw new GoError('slice of untyped nil');
  if (indexes.length > 3) throw new GoError(`too many slice indexes: ${indexes.length}`);
  let len: number;
  let bytes: Uint8Array | null = null;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new GoError('cannot 3-index slice a string');
    if (!isAscii(item)) bytes = goBytes(item);
    len = bytes ? bytes.length : item.length;
  } else if (Array.isArray(item) || item instanceof Uint8Array) {
    len = item.length;
  } else {
    throw new GoError(`can't slice item of type ${typeName(orig)}`);
  }
  const idx = [0, len, len];
  for (let i = 0; i < indexes.length; i++) idx[i] = indexArg(ind(indexes[i]), len);
  if (idx[0]! > idx[1]!) throw new GoError(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!) throw new GoError(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (typeof item === 'string') {
    if (bytes) return goString(bytes.subarray(idx[0], idx[1]));
    return item.slice(idx[0], idx[1]);
  }
  return item.slice(idx[0], idx[1]);
}

function length(orig: GoValue): GoValue {
  const item = underlying(orig);
  if (item === null) throw new GoError('len of nil pointer');
  if (item === undefined) throw new GoError('reflect: call of reflect.Value.Type on zero Value');
  if (typeof item === 'string') return goInt(isAscii(item) ? item.length : goByteLen(item));
  if (Array.isArray(item) || item instanceof Uint8Array) return goInt(item.length);
  if (isGoMap(item)) return goInt(Object.keys(item).length);
  throw new GoError(`len of type ${typeName(orig)}`);
}

/** printableValue + fmt.Sprint, as Go's evalArgs does for html/js/urlquery. */
function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  const printable = args.map((a) => {
    if (a === null || a === undefined) return '<no value>';
    if (a instanceof GoStruct) return formatTemplateValue(a);
    return a;
  });
  return sprint(...printable);
}

export function htmlEscapeString(s: string): string {
  if (!/['"&<>\0]/.test(s)) return s;
  return s.replace(/['"&<>\0]/g, (c) => {
    switch (c) {
      case '\0':
        return '\uFFFD';
      case '"':
        return '&#34;';
      case "'":
        return '&#39;';
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      default:
        return '&gt;';
    }
  });
}

export function jsEscapeString(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | null = null;
    if (c < 0x80) {
      switch (c) {
        case 92:
          rep = '\\\\';
          break;
        case 39:
          rep = "\\'";
          break;
        case 34:
          rep = '\\"';
          break;
        case 60:
          rep = '\\u003C';
          break;
        case 62:
          rep = '\\u003E';
          break;
        case 38:
          rep = '\\u0026';
          break;
        case 61:
          rep = '\\u003D';
          break;
        default:
          if (c < 0x20) rep = '\\u00' + c.toString(16).toUpperCase().padStart(2, '0');
      }
      if (rep === null) continue;
      out += s.slice(last, i) + rep;
      last = i + 1;
    } else {
      const r = s.codePointAt(i)!;
      const w = r > 0xffff ? 2 : 1;
      // a byte that is not UTF-8 decodes to U+FFFD, which is printable: Go keeps the byte
      if (!isPrint(r) && !isByteEscape(r)) {
        out += s.slice(last, i) + '\\u' + (r >= 0xd800 && r <= 0xdfff ? 0xfffd : r).toString(16).toUpperCase().padStart(4, '0');
        last = i + w;
      }
      i += w - 1;
    }
  }
  return out + s.slice(last);
}

/** Go's url.QueryEscape. */
export function urlQueryEscape(s: string): string {
  let out = '';
  for (const b of goBytes(s)) {
    if ((b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b === 45 || b === 95 || b === 46 || b === 126) {
      out += String.fromCharCode(b);
    } else if (b === 32) out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function assignable(v: GoValue, t: GoParamType): boolean {
  switch (t) {
    case 'any':
    case 'reflect':
      return true;
    case 'string':
      return typeof v === 'string';
    case 'int':
      return v instanceof GoInt && v.type === 'int';
    case 'int64':
      return typeof v === 'bigint';
    case 'float64':
      return typeof v === 'number';
    case 'bool':
      return typeof v === 'boolean';
    case '[]any':
    case '[]string':
      return Array.isArray(v);
    case 'map':
      return isGoMap(v) && mapAssignableToIface(v);
    case 'bytes':
      return v instanceof Uint8Array;
  }
  return false;
}

/** Go type name of a declared parameter type. */
export function paramTypeName(t: GoParamType): string {
  switch (t) {
    case 'any':
      return 'interface {}';
    case 'reflect':
      return 'reflect.Value';
    case '[]any':
      return '[]interface {}';
    case 'map':
      return 'map[string]interface {}';
    case 'bytes':
      return '[]uint8';
    default:
      return t;
  }
}

function callFn(name: string, fn: GoValue, ...args: GoValue[]): GoValue {
  fn = ind(fn);
  if (fn === undefined) throw new GoError('call of nil');
  if (!(fn instanceof GoFunction)) throw new GoError(`non-function ${name} of type ${typeName(fn)}`);
  const spec = fn.spec;
  const numIn = spec.params.length + (spec.variadic ? 1 : 0);
  if (spec.variadic) {
    if (args.length < numIn - 1) throw new GoError(`wrong number of args for ${name}: got ${args.length} want at least ${numIn - 1}`);
  } else if (args.length !== numIn) {
    throw new GoError(`wrong number of args for ${name}: got ${args.length} want ${numIn}`);
  }
  const argv: GoValue[] = [];
  for (let i = 0; i < args.length; i++) {
    let a = ind(args[i]);
    const t = i < spec.params.length ? spec.params[i]! : spec.variadic!;
    if (a === undefined) {
      if (t === 'reflect') {
        argv.push(undefined);
        continue;
      }
      if (t === 'string' || t === 'int' || t === 'int64' || t === 'float64' || t === 'bool') {
        throw new GoError(`arg ${i}: value is nil; should be of type ${paramTypeName(t)}`);
      }
      a = null;
    } else if (!assignable(a, t)) {
      throw new GoError(`arg ${i}: value has type ${typeName(a)}; should be ${paramTypeName(t)}`);
    }
    argv.push(t === 'int' ? (a as GoInt).value : a);
  }
  return spec.fn(...argv);
}

function spec(params: GoParamType[], fn: FuncSpec['fn'], variadic?: GoParamType, returns?: string): FuncSpec {
  return variadic ? { params, variadic, fn, returns } : { params, fn, returns };
}

export const BUILTINS: Map<string, FuncSpec> = new Map([
  ['and', spec(['reflect'], () => undefined, 'reflect', 'reflect.Value')],
  ['or', spec(['reflect'], () => undefined, 'reflect', 'reflect.Value')],
  ['not', spec(['reflect'], (a: GoValue) => !truth(a), undefined, 'bool')],
  ['call', spec(['reflect'], callFn as FuncSpec['fn'], 'reflect', 'reflect.Value')],
  ['html', spec([], (...a: GoValue[]) => htmlEscapeString(evalArgs(a)), 'any', 'string')],
  ['js', spec([], (...a: GoValue[]) => jsEscapeString(evalArgs(a)), 'any', 'string')],
  ['urlquery', spec([], (...a: GoValue[]) => urlQueryEscape(evalArgs(a)), 'any', 'string')],
  ['index', spec(['reflect'], index as FuncSpec['fn'], 'reflect', 'reflect.Value')],
  ['slice', spec(['reflect'], slice as FuncSpec['fn'], 'reflect', 'reflect.Value')],
  ['len', spec(['reflect'], length, undefined, 'int')],
  ['print', spec([], (...a: GoValue[]) => sprint(...a), 'any', 'string')],
  ['printf', spec(['string'], (f: string, ...a: GoValue[]) => sprintf(f, ...a), 'any', 'string')],
  ['println', spec([], (...a: GoValue[]) => sprintln(...a), 'any', 'string')],
  ['eq', spec(['reflect'], eqCheck as FuncSpec['fn'], 'reflect', 'bool')],
  ['ne', spec(['reflect', 'reflect'], (a: GoValue, b: GoValue) => !eqCheck(a, b), undefined, 'bool')],
  ['lt', spec(['reflect', 'reflect'], ltCheck, undefined, 'bool')],
  ['le', spec(['reflect', 'reflect'], leCheck, undefined, 'bool')],
  ['gt', spec(['reflect', 'reflect'], (a: GoValue, b: GoValue) => !leCheck(a, b), undefined, 'bool')],
  ['ge', spec(['reflect', 'reflect'], (a: GoValue, b: GoValue) => !ltCheck(a, b), undefined, 'bool')],
]);
