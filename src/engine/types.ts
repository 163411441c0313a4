/**
 * The Go value model shared by the template engine, the Sprig/Helm function library,
 * the YAML/JSON codecs and the values code. Charts are written against Go semantics,
 * so every JS value that flows through a template stands for one Go value:
 *
 * | JS value                         | Go value                                   |
 * |----------------------------------|--------------------------------------------|
 * | `undefined`                      | invalid reflect.Value ("<no value>")       |
 * | `null`                           | nil (a nil interface{})                    |
 * | `boolean`                        | bool                                       |
 * | `string`                         | string                                     |
 * | `number`                         | float64 (all numbers read from YAML/JSON)  |
 * | `bigint`                         | int64 (--set integers, Sprig math results: add, sub, max, int64 ...) |
 * | `GoInt`                          | any other Go integer type: int (template literals, len, range indexes, atoi, int, until), uint8 (a byte of a string), uint64 (semver parts) ... |
 * | `Uint8Array`                     | []byte                                     |
 * | `GoValue[]`                      | []interface{} (or any other slice)         |
 * | plain object (`isGoMap`)         | map[string]interface{}                     |
 * | instance of `GoStruct`           | a Go struct or pointer to struct, with fields (own properties) and exported methods (prototype methods starting with an upper-case letter) |
 * | `GoFunction`                     | a func value (for `call`)                  |
 *
 * Maps are plain objects whose prototype is Object.prototype or null. Code that
 * creates maps from untrusted keys must use `newMap()` (null prototype) so that a
 * key such as `__proto__` is an ordinary key.
 */

export type GoMap = { [key: string]: GoValue };

export type GoValue =
  | undefined
  | null
  | boolean
  | string
  | number
  | bigint
  | GoInt
  | Uint8Array
  | GoValue[]
  | GoMap
  | GoStruct
  | GoFunction;

/** The Go integer types other than int64 (which is a plain bigint). */
export type GoIntType = 'int' | 'int8' | 'int16' | 'int32' | 'uint' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'time.Month' | 'time.Weekday';

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The String() of an integer type with one (time.Month, time.Weekday), else undefined. */
export function goIntString(v: GoInt): string | undefined {
  if (v.type === 'time.Month') return v.value >= 1n && v.value <= 12n ? MONTH_NAMES[Number(v.value) - 1] : `%!Month(${v.value})`;
  if (v.type === 'time.Weekday') return v.value >= 0n && v.value <= 6n ? DAY_NAMES[Number(v.value)] : `%!Weekday(${v.value})`;
  return undefined;
}

/** The reflect kind of an integer type (time.Month is an int). */
export function goIntKind(v: GoInt): string {
  return v.type.startsWith('time.') ? 'int' : v.type;
}

/**
 * A Go integer whose type is not int64: Go's `int` (template integer literals, `len`, range indexes,
 * `atoi`, `int`, `until`...), or a sized/unsigned type such as `uint8` (a byte of a string) or `uint64`.
 * int64 is a plain bigint. Both are "int kind" to comparisons and arithmetic; only the type name differs
 * (`%T`, typeOf, kindOf, error texts) and Go's reflect rules (an int64 is not assignable to an `int` parameter,
 * reflect.DeepEqual(int(1), int64(1)) is false).
 */
export class GoInt {
  constructor(
    readonly value: bigint,
    readonly type: GoIntType = 'int',
  ) {}
  toString(): string {
    return this.value.toString();
  }
}

/** A Go `int`. */
export function goInt(v: bigint | number): GoInt {
  return new GoInt(typeof v === 'number' ? BigInt(v) : v);
}

/** True for a Go value of integer kind (int64 bigint or GoInt). */
export function isGoInteger(v: unknown): v is bigint | GoInt {
  return typeof v === 'bigint' || v instanceof GoInt;
}

/** The integer value of a bigint or GoInt, else undefined. */
export function intValue(v: GoValue): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (v instanceof GoInt) return v.value;
  return undefined;
}

/** True for an unsigned Go integer type. */
export function isUnsignedInt(v: GoValue): boolean {
  return v instanceof GoInt && v.type.charCodeAt(0) === 117; /* 'u' */
}

/** Base class of values that behave like Go structs (Capabilities, Files, time.Time, semver.Version, certificates...). */
export abstract class GoStruct {
  /** Go type name used in error messages and by `typeOf`, e.g. `*chart.Metadata`, `time.Time`. */
  abstract readonly goTypeName: string;
}

const namedMaps = new WeakMap<object, string>();
const namedMapMethods = new Map<string, Record<string, FuncSpec>>();

/**
 * Marks a map as a value of a named Go map type (helm's `common.Values`): typeOf/%T print that
 * name, Sprig's type assertions to map[string]interface {} refuse it, and the type's methods
 * (registered with registerNamedMapMethods) answer field access (`.Values.AsMap`). Returns m.
 */
export function markNamedMap<T extends object>(m: T, typeName: string, opts: NamedMapOptions = {}): T {
  namedMaps.set(m, typeName);
  if (opts.elem !== undefined) notIfaceMaps.set(m, opts.elem);
  if (opts.nil) nilMaps.add(m);
  return m;
}

export interface NamedMapOptions {
  /**
   * The zero value of the element type when it is not interface {} (`''` for map[string]string):
   * such a map is not assignable to a map[string]interface {} parameter, and `index` of a missing
   * key gives this zero value.
   */
  elem?: GoValue;
  /** A nil map of that type: empty, but JSON-encoded as null. */
  nil?: boolean;
}

const notIfaceMaps = new WeakMap<object, GoValue>();
const nilMaps = new WeakSet<object>();

/** Can this map be passed to a map[string]interface {} parameter (plain maps and common.Values)? */
export function mapAssignableToIface(m: object): boolean {
  return !notIfaceMaps.has(m);
}

/** What `index` gives for a missing key of this map: the element type's zero value. */
export function mapElemZero(m: object): GoValue {
  return notIfaceMaps.has(m) ? notIfaceMaps.get(m)! : null;
}

/** A nil map (see NamedMapOptions.nil). */
export function isNilMap(m: unknown): boolean {
  return typeof m === 'object' && m !== null && nilMaps.has(m);
}

/** The named map type of a map, if it was marked. */
export function namedMapType(m: object): string | undefined {
  return namedMaps.get(m);
}

/** Declares the methods of a named map type; each FuncSpec's fn runs with `this` = the map. */
export function registerNamedMapMethods(typeName: string, methods: Record<string, FuncSpec>): void {
  namedMapMethods.set(typeName, methods);
}

/** A method of a marked map's type, or undefined. */
export function namedMapMethod(m: object, name: string): FuncSpec | undefined {
  const t = namedMaps.get(m);
  return t === undefined ? undefined : namedMapMethods.get(t)?.[name];
}

const structJsonMaps = new WeakSet<object>();

/**
 * Marks a map built by a struct's toJSON (a Go struct with json tags, like helm's BuildInfo):
 * encoding/json writes its keys in field order, not sorted like a map's. Returns m.
 */
export function structJson<T extends object>(m: T): T {
  structJsonMaps.add(m);
  return m;
}

/** Whether the JSON encoders must keep this map's key order (see structJson). */
export function isStructJson(m: object): boolean {
  return structJsonMaps.has(m);
}

const unaddressable = new WeakSet<object>();

/**
 * The copy a struct value becomes when it is passed to a function (an interface holding a copy:
 * not addressable, so methods with pointer receivers, declared in the class's static
 * `goPointerMethods`, are out of reach for fmt and text/template printing). Other values pass as is.
 */
export function asFuncArg(v: GoValue): GoValue {
  if (!(v instanceof GoStruct) || v.goTypeName.startsWith('*') || unaddressable.has(v)) return v;
  if ((v.constructor as { goPointerMethods?: ReadonlySet<string> }).goPointerMethods === undefined) return v;
  const c = Object.create(Object.getPrototypeOf(v) as object) as GoStruct;
  Object.defineProperties(c, Object.getOwnPropertyDescriptors(v));
  unaddressable.add(c);
  return c;
}

/** Whether a struct value is such a copy (see asFuncArg). */
export function isUnaddressable(v: object): boolean {
  return unaddressable.has(v);
}

/** A Go func value; `call` invokes it. Throw `GoError` to return a non-nil error. */
export class GoFunction {
  constructor(
    readonly spec: FuncSpec,
    readonly goTypeName = 'func',
  ) {}
}

const nilSlices = new WeakSet<GoValue[]>();

/**
 * A nil slice of a typed slice type (e.g. the `[]string(nil)` regexp.FindAllString returns): an empty array
 * that prints as `[]` but encodes to JSON/YAML as `null`, like Go's.
 */
export function nilSlice(): GoValue[] {
  const a: GoValue[] = [];
  nilSlices.add(a);
  return a;
}

export function isNilSlice(v: unknown): boolean {
  return Array.isArray(v) && v.length === 0 && nilSlices.has(v as GoValue[]);
}

const nilByteSlices = new WeakSet<Uint8Array>();

/** A nil []byte (the zero value of engine.files' elements): prints as `[]`, JSON-encodes as null. */
export function nilBytes(): Uint8Array {
  const b = new Uint8Array(0);
  nilByteSlices.add(b);
  return b;
}

export function isNilBytes(v: unknown): boolean {
  return v instanceof Uint8Array && nilByteSlices.has(v);
}

const sliceTypes = new WeakMap<GoValue[], string>();

/**
 * Marks an array as a typed Go slice such as `[]int` or `[]string` (for `%T`, typeOf and reflect.DeepEqual);
 * an unmarked array is a `[]interface {}`. Returns the array.
 */
export function sliceOf(typeName: string, a: GoValue[]): GoValue[] {
  sliceTypes.set(a, typeName);
  return a;
}

/** The Go type name of a slice: `[]interface {}` unless marked by `sliceOf`. */
export function sliceTypeName(a: GoValue[]): string {
  return sliceTypes.get(a) ?? '[]interface {}';
}

export function newMap(): GoMap {
  return Object.create(null) as GoMap;
}

export function isGoMap(v: unknown): v is GoMap {
  if (v === null || typeof v !== 'object') return false;
  // Instances of GoStruct, GoFunction, GoInt and Uint8Array have other prototypes; one prototype
  // lookup (instead of a chain walk per class) matters on this hot path, and more on proxies.
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && !Array.isArray(v);
}

export function isGoStruct(v: unknown): v is GoStruct {
  return v instanceof GoStruct;
}

/**
 * An error returned by a function (Go's `error` result). The executor reports it as
 * `error calling NAME: MESSAGE`, exactly as Go's text/template does.
 */
export class GoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoError';
  }
}

/**
 * Declared Go parameter types of a template function. The executor converts and checks
 * arguments the way Go's text/template does with reflect (validateType):
 * - 'any'      interface{}: accepts everything; an invalid value becomes nil (null).
 * - 'string'   accepts only strings; otherwise `wrong type for value; expected string; got T`.
 * - 'int' accepts only a Go int (GoInt of type int) and passes its bigint value to the function; 'int64' accepts
 *   only an int64 (bigint); an integer literal converts to either. 'float64' | 'bool': only that Go kind.
 * - '[]any' | '[]string': a slice; 'map': map[string]interface{}; 'bytes': []byte; 'reflect': receives the raw value (undefined kept).
 */
export type GoParamType = 'any' | 'string' | 'int' | 'int64' | 'float64' | 'bool' | '[]any' | '[]string' | 'map' | 'bytes' | 'reflect';

export interface FuncSpec {
  /** Fixed parameters. */
  params: GoParamType[];
  /** Type of the variadic tail (`...T`), if the function is variadic. */
  variadic?: GoParamType;
  /** Go result type name, used only for messages/typeOf (optional). */
  returns?: string;
  /** The implementation. Throw GoError for a Go error result. */
  fn: (...args: any[]) => GoValue;
}

export type FuncMap = Record<string, FuncSpec>;

/** Go type name of a value as fmt's %T / Sprig's typeOf would print it. */
export function goTypeName(v: GoValue): string {
  if (v === undefined) return '<invalid reflect.Value>';
  if (v === null) return '<nil>';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'bigint':
      return 'int64';
  }
  if (v instanceof GoInt) return v.type;
  if (v instanceof Uint8Array) return '[]uint8';
  if (Array.isArray(v)) return sliceTypeName(v);
  if (v instanceof GoStruct) return v.goTypeName;
  if (v instanceof GoFunction) return v.goTypeName;
  return namedMaps.get(v) ?? 'map[string]interface {}';
}
