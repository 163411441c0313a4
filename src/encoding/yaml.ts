/**
 * YAML exactly as Helm reads and writes it.
 *
 * Reading (`parseYaml`) follows sigs.k8s.io/yaml.Unmarshal into interface{}: the text is
 * decoded with go-yaml v2's YAML 1.1 rules, converted to JSON and decoded again, so every
 * number ends up a float64 (JS number) and every map key a string. The `yaml` npm package
 * is used only as a syntax parser; scalar resolution, merge keys, aliases and the JSON
 * conversion are done here with go-yaml v2's semantics.
 *
 * Writing (`toYaml`) follows sigs.k8s.io/yaml.Marshal: Go's json.Marshal, then the JSON
 * is re-read with go-yaml v2 and emitted by go-yaml v2's emitter (sorted keys, quoting,
 * literal blocks, folding at 80 columns). The emitter below reimplements that logic.
 */
import { createRequire } from 'node:module';
import type * as JsYaml from 'js-yaml';
import type * as YamlLib from 'yaml';
import type { Node as YNode, Document as YDocument, LineCounter } from 'yaml';

/** js-yaml (the fast path) and `yaml` (the exact path) are loaded on first use: start-up time. */
let jsYamlLib: typeof JsYaml | undefined;
function jsyamlLib(): typeof JsYaml {
  return (jsYamlLib ??= createRequire(import.meta.url)('js-yaml') as typeof JsYaml);
}

let yamlLib: typeof YamlLib | undefined;
function lib(): typeof YamlLib {
  return (yamlLib ??= createRequire(import.meta.url)('yaml') as typeof YamlLib);
}
const isAlias = (n: unknown): n is YamlLib.Alias => lib().isAlias(n);
const isMap = (n: unknown): n is YamlLib.YAMLMap => lib().isMap(n);
const isScalar = (n: unknown): n is YamlLib.Scalar => lib().isScalar(n);
const isSeq = (n: unknown): n is YamlLib.YAMLSeq => lib().isSeq(n);
const isPair = (n: unknown): n is YamlLib.Pair => lib().isPair(n);
import { GoInt, GoStruct, isGoMap, newMap, type GoMap, type GoValue } from '../engine/types.js';
import { goBytes, hasRawBytes } from '../engine/bytes.js';
import { formatFloatG } from './gofloat.js';
import { jsonNormalize, JsonMarshalError, type JNode } from './json.js';
import { DEEP_FLOW, DeepFlowUnsupported, findDeepFlow, parseDeepFlow } from './deepflow.js';
import { flowCollectionError } from './yamlflow.js';

export class YamlError extends Error {
  file?: string;
  line?: number;
  col?: number;
  /**
   * True when the failure comes from the JavaScript stack running out (a document or value
   * nested deeper than this process's stack allows, though within go-yaml's limits): the same
   * call on a thread with a bigger stack can succeed.
   */
  stackExhausted?: boolean;
  constructor(message: string, opts?: { file?: string; line?: number; col?: number; stackExhausted?: boolean }) {
    super(message);
    this.name = 'YamlError';
    this.file = opts?.file;
    this.line = opts?.line;
    this.col = opts?.col;
    if (opts?.stackExhausted) this.stackExhausted = true;
  }
}

/** go-yaml v2 limits nesting to 10000 levels. */
export const MAX_DEPTH = 10000;

// ---------------------------------------------------------------------------------------------
// Scalar resolution (go-yaml v2 resolve.go)
// ---------------------------------------------------------------------------------------------

/** A decoded go-yaml v2 scalar before JSON conversion. */
type V2Scalar =
  | { k: 'null' }
  | { k: 'bool'; v: boolean }
  | { k: 'int'; v: bigint } // int/int64/uint64
  | { k: 'float'; v: number }
  | { k: 'str'; v: string }
  | { k: 'timestamp'; v: string };

const BOOL_NULL: Record<string, V2Scalar> = Object.create(null);
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) BOOL_NULL[s] = { k: 'bool', v: true };
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) BOOL_NULL[s] = { k: 'bool', v: false };
for (const s of ['', '~', 'null', 'Null', 'NULL']) BOOL_NULL[s] = { k: 'null' };
for (const s of ['.nan', '.NaN', '.NAN']) BOOL_NULL[s] = { k: 'float', v: NaN };
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) BOOL_NULL[s] = { k: 'float', v: Infinity };
for (const s of ['-.inf', '-.Inf', '-.INF']) BOOL_NULL[s] = { k: 'float', v: -Infinity };

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go strconv.ParseInt/ParseUint with base 0 (after '_' removal); returns undefined on syntax error, 'range' on overflow. */
function parseGoInt(s: string, unsigned: boolean): bigint | undefined | 'range' {
  let i = 0;
  let neg = false;
  if (!unsigned && (s[0] === '+' || s[0] === '-')) {
    neg = s[0] === '-';
    i = 1;
  }
  let body = s.slice(i);
  let base = 10;
  if (body.length >= 2 && body[0] === '0') {
    const p = body[1].toLowerCase();
    if (p === 'x') (base = 16), (body = body.slice(2));
    else if (p === 'o') (base = 8), (body = body.slice(2));
    else if (p === 'b') (base = 2), (body = body.slice(2));
    else (base = 8), (body = body.slice(1));
  }
  if (body === '') return undefined;
  const re = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!re.test(body)) return undefined;
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  let v = BigInt(prefix + body);
  if (neg) v = -v;
  if (unsigned) return v > UINT64_MAX ? 'range' : v;
  return v < INT64_MIN || v > INT64_MAX ? 'range' : v;
}

/** Go strconv.ParseFloat for the forms go-yaml lets through (decimal, optional exponent). */
function parseGoFloat(s: string): number | undefined {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return undefined;
  const v = Number(s);
  if (Number.isNaN(v)) return undefined;
  if (!Number.isFinite(v)) return undefined; // Go: ErrRange → go-yaml treats as a string
  return v;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** go-yaml v2 parseTimestamp: the subset of time.Parse layouts it accepts. */
export function isYamlTimestamp(s: string): boolean {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt ])(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const dim = month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1];
  if (day > dim) return false;
  if (m[4] === undefined) return true;
  if (Number(m[5]) > 23 || Number(m[6]) > 59 || Number(m[7]) > 59) return false;
  const tz = m[9];
  if (m[4] === ' ') {
    // "2006-1-2 15:4:5.999999999": no zone
    return tz === undefined;
  }
  if (tz === undefined) return false;
  if (tz !== 'Z') {
    const hh = Number(tz.slice(1, 3));
    const mm = Number(tz.slice(4, 6));
    if (hh > 23 || mm > 59) return false;
  }
  return true;
}

/** go-yaml v2 `resolve("", in)` for a plain scalar. */
export function resolvePlain(s: string): V2Scalar {
  const hit = BOOL_NULL[s];
  if (hit) return hit;
  const c = s[0];
  if (c === '.') {
    const f = parseGoFloat(s);
    if (f !== undefined) return { k: 'float', v: f };
    return { k: 'str', v: s };
  }
  if ((c >= '0' && c <= '9') || c === '+' || c === '-') {
    if (isYamlTimestamp(s)) return { k: 'timestamp', v: s };
    const plain = s.replace(/_/g, '');
    const iv = parseGoInt(plain, false);
    if (typeof iv === 'bigint') return { k: 'int', v: iv };
    const uv = parseGoInt(plain, true);
    if (typeof uv === 'bigint') return { k: 'int', v: uv };
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = parseGoFloat(plain);
      if (f !== undefined) return { k: 'float', v: f };
    }
    if (plain.startsWith('0b')) {
      const r = /^[01]+$/.test(plain.slice(2)) ? BigInt('0b' + plain.slice(2)) : undefined;
      if (r !== undefined && r <= UINT64_MAX) return { k: 'int', v: r };
    } else if (plain.startsWith('-0b')) {
      const r = /^[01]+$/.test(plain.slice(3)) ? -BigInt('0b' + plain.slice(3)) : undefined;
      if (r !== undefined && r >= INT64_MIN) return { k: 'int', v: r };
    }
  }
  return { k: 'str', v: s };
}

const TAG_PREFIX = 'tag:yaml.org,2002:';
function shortTag(tag: string): string {
  return tag.startsWith(TAG_PREFIX) ? '!!' + tag.slice(TAG_PREFIX.length) : tag;
}
const KIND_TAG: Record<V2Scalar['k'], string> = {
  null: '!!null',
  bool: '!!bool',
  int: '!!int',
  float: '!!float',
  str: '!!str',
  timestamp: '!!timestamp',
};

/** go-yaml v2 resolve(tag, in) for an explicitly tagged scalar. */
function resolveTagged(tag: string, s: string, fail: (msg: string) => never): V2Scalar {
  const t = shortTag(tag);
  switch (t) {
    case '!!str':
      return { k: 'str', v: s };
    case '!!binary': {
      const clean = s.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) fail(`!!binary value contains invalid base64 data`);
      return { k: 'str', v: Buffer.from(clean, 'base64').toString('latin1') };
    }
    case '!!null':
    case '!!bool':
    case '!!int':
    case '!!float':
    case '!!timestamp': {
      let r = resolvePlain(s);
      if (t === '!!timestamp') {
        if (r.k === 'timestamp') return r;
      }
      if (KIND_TAG[r.k] === t) return r;
      if (t === '!!float' && r.k === 'int') return { k: 'float', v: Number(r.v) };
      if (r.k === 'timestamp') r = { k: 'str', v: s };
      fail(`cannot decode ${KIND_TAG[r.k]} \`${s}\` as a ${t}`);
    }
    // falls through (unreachable)
    default:
      // Unknown tags: go-yaml keeps the value as a string.
      return { k: 'str', v: s };
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

/** go-yaml v2 decode.go: alias expansion limits. */
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400000) return 0.99;
  if (decodeCount >= 4000000) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - 400000) / 3600000);
}

/** Intermediate (go-yaml v2 typed) value. Maps keep Go-typed keys until JSON conversion. */
type V2Value = V2Scalar | { k: 'map'; entries: Map<string, [V2Scalar | V2Value, V2Value]> } | { k: 'seq'; items: V2Value[] };

class Decoder {
  decodeCount = 0;
  aliasCount = 0;
  aliasDepth = 0;
  /** anchor name → node (the latest definition so far). */
  anchors = new Map<string, YNode>();
  inProgress = new Set<YNode>();
  lc: LineCounter;
  constructor(
    readonly file: string | undefined,
    lc: LineCounter,
    readonly text: string,
  ) {
    this.lc = lc;
  }

  fail(msg: string, node?: { range?: [number, number, number] | null }): never {
    let line: number | undefined;
    let col: number | undefined;
    if (node?.range) {
      const p = this.lc.linePos(node.range[0]);
      line = p.line;
      col = p.col;
    }
    throw new YamlError(`yaml: ${msg}`, { file: this.file, line, col });
  }

  /** go-yaml's scanner error for an anchor or alias name it cannot read (at offset `at` of the text). */
  badName(name: string, at: number): never {
    // go-yaml names no line for an error on the first line (its marks count lines from 0)
    const line = at >= 0 ? this.lc.linePos(at).line : 1;
    throw new YamlError(`yaml: ${line > 1 ? `line ${line}: ` : ''}${badAnchorMessage(name)}`, { file: this.file, line });
  }

  countDecode(node: YNode | undefined): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (this.aliasCount > 100 && this.decodeCount > 1000 && this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)) {
      this.fail('document contains excessive aliasing', node as never);
    }
  }

  decode(node: YNode | null | undefined, depth: number): V2Value {
    if (depth > MAX_DEPTH) this.fail(`exceeded max depth of ${MAX_DEPTH}`, node as never);
    if (node === null || node === undefined) {
      this.countDecode(undefined);
      return { k: 'null' };
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor && !isAlias(node)) {
      if (!goYamlAnchorName(anchor)) this.badName(anchor, this.text.lastIndexOf('&' + anchor, node.range?.[0] ?? this.text.length));
      this.anchors.set(anchor, node);
    }
    if (isAlias(node)) {
      if (!goYamlAnchorName(node.source)) this.badName(node.source, node.range?.[0] ?? -1);
      const target = this.anchors.get(node.source);
      if (!target) this.fail(`unknown anchor '${node.source}' referenced`, node);
      if (this.inProgress.has(target)) this.fail(`anchor '${node.source}' value contains itself`, node);
      this.countDecode(node);
      this.aliasDepth++;
      this.inProgress.add(target);
      try {
        return this.decodeNoAnchor(target, depth + 1);
      } finally {
        this.inProgress.delete(target);
        this.aliasDepth--;
      }
    }
    this.countDecode(node);
    return this.decodeNoAnchor(node, depth);
  }

  /** Decodes a node without re-registering its anchor (used for alias targets). */
  decodeNoAnchor(node: YNode, depth: number): V2Value {
    if (isScalar(node)) return this.scalar(node as never);
    if (isSeq(node)) {
      const items: V2Value[] = [];
      const wasIn = this.inProgress.has(node);
      this.inProgress.add(node);
      for (const it of node.items) items.push(this.decodeChild(it as YNode, depth + 1));
      if (!wasIn) this.inProgress.delete(node);
      return { k: 'seq', items };
    }
    if (isMap(node)) {
      const wasIn = this.inProgress.has(node);
      this.inProgress.add(node);
      const out: V2Value = { k: 'map', entries: new Map() };
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YNode | null;
        if (keyNode && isScalar(keyNode) && keyNode.type === 'PLAIN' && !keyNode.tag && keyNode.value === '<<') {
          this.merge(pair.value as YNode | null, out, depth + 1);
          continue;
        }
        if (
          keyNode &&
          isScalar(keyNode) &&
          keyNode.type === 'PLAIN' &&
          !keyNode.tag &&
          keyNode.source === '' &&
          keyNode.range &&
          this.text[keyNode.range[0]] === ':'
        ) {
          // A ':' with no key before it: libyaml's parser wants a key there.
          const line0 = lineAt(this.text, keyNode.range[0]);
          throw new YamlError(`yaml: ${parserWhere(line0)}did not find expected key`, { file: this.file, line: line0 + 1 });
        }
        const k = this.decodeChild(keyNode, depth + 1);
        if (k.k === 'map' || k.k === 'seq') {
          this.fail(`invalid map key: ${goSharpV(k)}`, keyNode as never);
        }
        const v = this.decodeChild(pair.value as YNode | null, depth + 1);
        out.entries.set(scalarKeyId(k), [k, v]);
      }
      if (!wasIn) this.inProgress.delete(node);
      return out;
    }
    this.fail('unsupported YAML node', node as never);
  }

  decodeChild(node: YNode | null | undefined, depth: number): V2Value {
    return this.decode(node, depth);
  }

  merge(valueNode: YNode | null, out: { k: 'map'; entries: Map<string, [V2Value, V2Value]> }, depth: number): void {
    const failWantMap = (): never => this.fail('map merge requires map or sequence of maps as the value', valueNode as never);
    const mergeOne = (n: YNode | null) => {
      const resolvedNode = n && isAlias(n) ? this.anchors.get(n.source) : n;
      if (n && isAlias(n) && !resolvedNode) this.fail(`unknown anchor '${n.source}' referenced`, n);
      if (!resolvedNode || !isMap(resolvedNode)) failWantMap();
      const v = this.decode(n, depth);
      if (v.k !== 'map') failWantMap();
      for (const [id, kv] of (v as { entries: Map<string, [V2Value, V2Value]> }).entries) out.entries.set(id, kv);
    };
    if (valueNode && isSeq(valueNode)) {
      const items = valueNode.items as (YNode | null)[];
      for (let i = items.length - 1; i >= 0; i--) mergeOne(items[i]);
      return;
    }
    mergeOne(valueNode);
  }

  scalar(node: { value: unknown; type?: string; tag?: string; source?: string; range?: [number, number, number] }): V2Scalar {
    const text = node.value === null || node.value === undefined ? '' : String(node.value);
    const tag = node.tag;
    if (tag && tag !== '!') {
      return resolveTagged(tag, text, (m) => this.fail(m, node));
    }
    if (node.type === 'PLAIN' && tag !== '!') return resolvePlain(text);
    return { k: 'str', v: text };
  }
}

/** Identity of a Go map key (so that 1 and "1" stay distinct keys in the Go map). */
function scalarKeyId(k: V2Value): string {
  switch (k.k) {
    case 'null':
      return 'n:';
    case 'bool':
      return 'b:' + k.v;
    case 'int':
      return 'i:' + k.v;
    case 'float':
      return 'f:' + k.v;
    case 'str':
    case 'timestamp':
      return 's:' + k.v;
    default:
      return 'x:' + Math.random();
  }
}

/** Go's %#v of a decoded go-yaml v2 value (for error messages). */
function goSharpV(v: V2Value, nested = false): string {
  switch (v.k) {
    case 'null':
      return nested ? 'interface {}(nil)' : '<nil>';
    case 'str':
    case 'timestamp':
      return JSON.stringify(v.v);
    case 'bool':
      return String(v.v);
    case 'int':
      return String(v.v);
    case 'float':
      return formatFloatG(v.v);
    case 'seq':
      return '[]interface {}{' + v.items.map((x) => goSharpV(x, true)).join(', ') + '}';
    case 'map':
      return (
        'map[interface {}]interface {}{' +
        Array.from(v.entries.values())
          .map(([k, x]) => goSharpV(k as V2Value, true) + ':' + goSharpV(x, true))
          .join(', ') +
        '}'
      );
  }
}

function goPrintScalar(k: V2Value): string {
  switch (k.k) {
    case 'null':
      return '<nil>';
    case 'str':
    case 'timestamp':
      return JSON.stringify(k.v);
    case 'bool':
      return String(k.v);
    case 'int':
      return String(k.v);
    case 'float':
      return formatFloatG(k.v);
    case 'map':
      return 'map[interface {}]interface {}{...}';
    case 'seq':
      return '[]interface {}{...}';
  }
}

const nonFinite = { seen: false };

/** Throws json.Marshal's error for the first non-finite float in marshal order (maps by sorted key). */
function checkFinite(v: GoValue): void {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new YamlError(`error converting YAML to JSON: json: unsupported value: ${formatFloatG(v)}`);
  } else if (Array.isArray(v)) {
    for (const x of v) checkFinite(x);
  } else if (isGoMap(v)) {
    for (const k of Object.keys(v).sort()) checkFinite(v[k]);
  }
}

/** toJsonValue for a whole document: conversion first, then the JSON marshal check. */
function toJsonDocument(v: V2Value, sf?: ParseOpts['stringField']): GoValue {
  nonFinite.seen = false;
  const out = toJsonValue(v, 0, sf, sf ? [] : undefined);
  if (nonFinite.seen) {
    nonFinite.seen = false;
    checkFinite(out);
  }
  return out;
}

/** sigs.k8s.io/yaml convertToJSONableObject + json.Marshal + json.Unmarshal into interface{}. */
function toJsonValue(v: V2Value, depth: number, sf?: ParseOpts['stringField'], path?: (string | number)[]): GoValue {
  if (sf && path && (v.k === 'int' || v.k === 'float' || v.k === 'bool') && sf(path)) return stringifyScalar(v)!;
  switch (v.k) {
    case 'null':
      return null;
    case 'bool':
      return v.v;
    case 'str':
    case 'timestamp':
      return v.v;
    case 'int':
      return Number(v.v);
    case 'float':
      // Reported after the whole conversion (sigs.k8s.io/yaml converts first, so a bad map key
      // anywhere wins; json.Marshal then meets the first non-finite float in sorted-key order).
      if (!Number.isFinite(v.v)) nonFinite.seen = true;
      return v.v === 0 ? 0 * Math.sign(1 / v.v) : v.v;
    case 'seq': {
      const out: GoValue[] = new Array(v.items.length);
      for (let i = 0; i < v.items.length; i++) {
        path?.push(i);
        out[i] = toJsonValue(v.items[i], depth + 1, sf, path);
        path?.pop();
      }
      return out;
    }
    case 'map': {
      const out = newMap();
      for (const [k, val] of v.entries.values()) {
        let key: string;
        switch (k.k) {
          case 'str':
          case 'timestamp':
            key = k.v;
            break;
          case 'int':
            key = String(k.v);
            break;
          case 'float':
            key = floatKey(k.v);
            break;
          case 'bool':
            key = k.v ? 'true' : 'false';
            break;
          default: {
            const t = k.k === 'null' ? '%!s(<nil>)' : k.k === 'map' ? 'map[interface {}]interface {}' : '[]interface {}';
            throw new YamlError(
              `error converting YAML to JSON: unsupported map key of type: ${t}, key: ${goPrintScalar(k)}, value: ${goPrintScalar(val)}`,
            );
          }
        }
        path?.push(key);
        out[key] = toJsonValue(val, depth + 1, sf, path);
        path?.pop();
      }
      return out;
    }
  }
}

function floatKey(f: number): string {
  const s = formatFloatG(f, 32);
  if (s === '+Inf') return '.inf';
  if (s === '-Inf') return '-.inf';
  if (s === 'NaN') return '.nan';
  return s;
}

// ---------------------------------------------------------------------------------------------
// Syntax errors: map the `yaml` package's errors to go-yaml's wording where they correspond.
// ---------------------------------------------------------------------------------------------

type YamlLibError = YDocument.Parsed['errors'][number];

/** 0-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let n = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function lineStart(text: string, offset: number): number {
  const i = text.lastIndexOf('\n', offset - 1);
  return i + 1;
}

/** Indentation (spaces) of the line containing offset. */
function indentOfLine(text: string, offset: number): number {
  let i = lineStart(text, offset);
  let n = 0;
  while (text[i] === ' ') i++, n++;
  return n;
}

/** go-yaml's "line N: " prefix for a scanner error (problem line is 0-based, printed +1). */
function scannerWhere(line0: number): string {
  return line0 !== 0 ? `line ${line0 + 1}: ` : '';
}
/** go-yaml's "line N: " prefix for a parser error (the 0-based line is printed as is). */
function parserWhere(line0: number): string {
  return line0 !== 0 ? `line ${line0}: ` : '';
}

/** Which block collection encloses the token at offset: decides go-yaml's "expected key" vs "'-' indicator". */
function expectedIn(text: string, offset: number): string {
  const ls = lineStart(text, offset);
  const col = offset - ls;
  // Text on the same line before the token: a key on that line means a mapping.
  const before = text.slice(ls, offset);
  if (/\S/.test(before)) return /^\s*- /.test(before) && !/:\s/.test(before) ? "did not find expected '-' indicator" : 'did not find expected key';
  let pos = ls - 1;
  while (pos > 0) {
    const s0 = lineStart(text, pos);
    const line = text.slice(s0, pos);
    pos = s0 - 1;
    if (!/\S/.test(line) || /^\s*#/.test(line) || /^(---|\.\.\.)(\s|$)/.test(line)) continue;
    const li = line.length - line.trimStart().length;
    if (li > col) continue;
    const cc = contentColumn(line);
    if (cc <= col && isKeyText(line.slice(cc))) return 'did not find expected key';
    if (/^\s*-(\s|$)/.test(line)) return "did not find expected '-' indicator";
    return 'did not find expected key';
  }
  return 'did not find expected key';
}

function isKeyText(t: string): boolean {
  return /^[^\s#"'[{|>][^#]*?:(?:\s|$)|^"(?:[^"\\]|\\.)*"\s*:(?:\s|$)|^'(?:[^']|'')*'\s*:(?:\s|$)/.test(t);
}

/** libyaml marks a parser error at the start of the offending token. */
function skipToToken(text: string, off: number): number {
  let i = off;
  for (;;) {
    while (i < text.length && /[ \t\r\n]/.test(text[i])) i++;
    if (text[i] === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return text.length;
      i = nl + 1;
      continue;
    }
    return i;
  }
}

/** A quoted scalar opened at a token position and never closed: go-yaml reads to the end of the stream. */
function unclosedQuoteBefore(text: string, off: number): boolean {
  const re = /(^|[\n:,[{-][ \t]*|^[ \t]+)(["'])/g;
  let m: RegExpExecArray | null;
  let from = 0;
  re.lastIndex = 0;
  while ((m = re.exec(text))) {
    const q = m.index + m[1].length;
    if (q < from) continue;
    if (q >= off) return false;
    const head = text.slice(lineStart(text, q), q);
    if (/(^|\s)#/.test(head)) continue;
    const quote = m[2];
    let j = q + 1;
    let closed = false;
    for (; j < text.length; j++) {
      if (quote === '"' && text[j] === '\\') {
        j++;
        continue;
      }
      if (text[j] === quote) {
        if (quote === "'" && text[j + 1] === "'") {
          j++;
          continue;
        }
        closed = true;
        break;
      }
    }
    if (!closed) return true;
    from = j + 1;
    re.lastIndex = j + 1;
  }
  return false;
}

/** A tab at the start of a block scalar's content line. */
function tabInBlockScalar(text: string, off: number): number | undefined {
  const re = /[|>][-+0-9]*[ \t]*(?:#.*)?\r?\n((?:[ \t]*\r?\n)*)([ ]*)\t/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const at = m.index + m[0].length - 1;
    if (at > off) return undefined;
    const head = text.slice(lineStart(text, m.index), m.index);
    if (/:\s*$|^\s*-\s*$|^\s*$/.test(head) || /:\s+$/.test(head)) return at;
  }
  return undefined;
}

/** An unterminated flow collection: after ',' or the opening bracket a node was expected. */
function flowMessage(text: string, off: number, seq: boolean): string {
  const last = lastSignificant(text, off);
  if (last === ',' || last === '[' || last === '{') return 'did not find expected node content';
  return seq ? "did not find expected ',' or ']'" : "did not find expected ',' or '}'";
}

function pickError(errors: YamlLibError[]): YamlLibError {
  const prio: Record<string, number> = {
    BAD_SCALAR_START: -3,
    TAB_AS_INDENT: -2,
    BAD_DQ_ESCAPE: -1,
    UNEXPECTED_TOKEN: 0,
    BAD_INDENT: 1,
    BLOCK_AS_IMPLICIT_KEY: 2,
    MISSING_CHAR: 3,
    MULTILINE_IMPLICIT_KEY: 4,
  };
  return [...errors].sort((a, b) => a.pos[0] - b.pos[0] || (prio[a.code] ?? 9) - (prio[b.code] ?? 9))[0];
}

/** Translates a syntax error of the `yaml` package into go-yaml v2's message and line rules. */
/** 0-based line of libyaml's STREAM-END mark (an unterminated last line counts as ended). */
function streamEndLine(text: string): number {
  const n = lineAt(text, text.length);
  return text.length > 0 && !text.endsWith('\n') ? n + 1 : n;
}

/** Offset of the outermost flow collection still open at `off` (by the `yaml` lexer), or undefined. */
function openFlowAt(text: string, off: number): number | undefined {
  let pos = 0;
  let depth = 0;
  let start: number | undefined;
  for (const tok of new (lib().Lexer)().lex(text)) {
    if (pos >= off) break;
    if (tok === '\x02' || tok === '\x18' || tok === '\x1f') continue; // zero-width markers
    if (tok === '[' || tok === '{') {
      if (depth === 0) start = pos;
      depth++;
    } else if ((tok === ']' || tok === '}') && depth > 0) {
      depth--;
      if (depth === 0) start = undefined;
    }
    pos += tok.length;
  }
  return depth > 0 ? start : undefined;
}

function goYamlSyntaxMessage(text: string, err: YamlLibError): string {
  const rawOff = err.pos[0];
  const flowStart = openFlowAt(text, rawOff);
  if (flowStart !== undefined && !unclosedQuoteBefore(text, rawOff)) {
    const fe = flowCollectionError(text, flowStart, streamEndLine(text));
    if (fe) return parserWhere(fe.line0) + fe.message;
  }
  if (unclosedQuoteBefore(text, rawOff)) return scannerWhere(lineAt(text, text.length)) + 'found unexpected end of stream';
  const tab = tabInBlockScalar(text, rawOff);
  if (tab !== undefined) return scannerWhere(lineAt(text, tab)) + 'found a tab character where an indentation space is expected';
  const parserStyle = err.code === 'UNEXPECTED_TOKEN' || (err.code === 'BAD_INDENT' && !/Flow/.test(err.message));
  const off = parserStyle ? skipToToken(text, rawOff) : rawOff;
  const line0 = off >= text.length ? streamEndLine(text) : lineAt(text, off);
  const msg = err.message;
  // `&` or `*` without a name: go-yaml's anchor scanner fails where the indicator stands
  if (/^(Alias|Anchor) cannot be an empty string/.test(msg)) {
    const ind = text.lastIndexOf(msg.startsWith('Alias') ? '*' : '&', rawOff);
    return scannerWhere(lineAt(text, ind >= 0 ? ind : rawOff)) + 'did not find expected alphabetic or numeric character';
  }
  switch (err.code) {
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY': {
      if (err.code === 'BLOCK_AS_IMPLICIT_KEY' && /block sequence/.test(msg)) return parserWhere(line0) + expectedIn(text, off);
      if (err.code === 'MULTILINE_IMPLICIT_KEY') {
        if (isKeyColumn(text, off)) return missingColon(text, off);
        // A plain scalar continued over several lines, then a ':' — not a key.
        const after = text.slice(off);
        const m = /:(?=[ \t\r\n]|$)/.exec(after);
        if (m) return scannerWhere(lineAt(text, off + m.index)) + 'mapping values are not allowed in this context';
        return missingColon(text, off);
      }
      // The problem is the second ':' (a mapping value indicator) after the error position.
      const rest = text.slice(off);
      const m = /:(?=[ \t\r\n]|$)/.exec(rest);
      const at = m ? off + m.index : off;
      return scannerWhere(lineAt(text, at)) + 'mapping values are not allowed in this context';
    }
    case 'TAB_AS_INDENT': {
      // A tab on a continuation line of a plain scalar is reported by the plain-scalar scanner.
      const ls = lineStart(text, off);
      let p = ls - 1;
      let prev = '';
      while (p > 0) {
        const s0 = lineStart(text, p);
        const line = text.slice(s0, p);
        p = s0 - 1;
        if (/\S/.test(line) && !/^\s*#/.test(line)) {
          prev = line.trimEnd();
          break;
        }
      }
      if (prev && !/\s#/.test(prev) && !/^(---|\.\.\.)$/.test(prev) && !/(?:^|\s)-$|:$|[|>][-+0-9]*$|["'\]},[{]$/.test(prev)) {
        return scannerWhere(line0) + 'found a tab character that violates indentation';
      }
      return scannerWhere(line0) + 'found character that cannot start any token';
    }
    case 'BAD_SCALAR_START':
      return scannerWhere(line0) + 'found character that cannot start any token';
    case 'BAD_DQ_ESCAPE':
      return scannerWhere(line0) + 'found unknown escape character';
    case 'MISSING_CHAR':
      if (/quote/i.test(msg)) return scannerWhere(lineAt(text, text.length)) + 'found unexpected end of stream';
      if (/between flow map items/.test(msg)) return parserWhere(line0) + "did not find expected ',' or '}'";
      if (/between flow sequence items/.test(msg)) return parserWhere(line0) + "did not find expected ',' or ']'";
      if (/Flow sequence/.test(msg)) return parserWhere(line0) + "did not find expected ',' or ']'";
      if (/Flow map/.test(msg)) return parserWhere(line0) + "did not find expected ',' or '}'";
      if (/followed by map values/.test(msg)) return missingColon(text, off);
      return parserWhere(line0) + 'did not find expected node content';
    case 'BAD_INDENT':
      if (/Flow (sequence|map)/.test(msg)) return parserWhere(line0) + flowMessage(text, off, /sequence/.test(msg));
      return parserWhere(line0) + expectedIn(text, off);
    case 'BLOCK_IN_FLOW':
      return parserWhere(line0) + 'did not find expected node content';
    case 'UNEXPECTED_TOKEN': {
      const header = badBlockScalarHeader(text, rawOff);
      if (header) return scannerWhere(lineAt(text, header.at)) + header.message;
    }
      if (/block-seq-ind/.test(msg) && /\S/.test(text.slice(lineStart(text, off), off))) {
        return scannerWhere(line0) + 'block sequence entries are not allowed in this context';
      }
      return parserWhere(line0) + expectedIn(text, off);
    default:
      if (/Maximum call stack/.test(msg)) return scannerWhere(line0) + 'document is nested too deeply';
      return scannerWhere(line0) + msg.replace(/ at line \d+, column \d+:[\s\S]*$/, '').replace(/\.$/, '');
  }
}

/**
 * libyaml's block scalar header (`|`/`>`, chomping and indentation indicators, blanks, a comment):
 * anything else before the line break is "did not find expected comment or line break", and an
 * indentation indicator 0 is refused. Looks at a header on the line of `off` that starts a node.
 */
function badBlockScalarHeader(text: string, off: number): { at: number; message: string } | undefined {
  const ls = lineStart(text, off);
  const le = text.indexOf('\n', ls);
  const line = text.slice(ls, le < 0 ? text.length : le);
  const m = /(?:^[ \t]*(?:-[ \t]+)*|[:?-][ \t]+)([|>])/.exec(line);
  if (!m) return undefined;
  let i = ls + m.index + m[0].length;
  const digit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
  const zero = (at: number) => ({ at, message: 'found an indentation indicator equal to 0' });
  if (text[i] === '+' || text[i] === '-') {
    i++;
    if (digit(text[i])) {
      if (text[i] === '0') return zero(i);
      i++;
    }
  } else if (digit(text[i])) {
    if (text[i] === '0') return zero(i);
    i++;
    if (text[i] === '+' || text[i] === '-') i++;
  }
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] === '#' || text[i] === '\n' || text[i] === '\r' || i >= text.length) return undefined;
  return { at: i, message: 'did not find expected comment or line break' };
}

/** libyaml notices a simple key without ':' at the next token after the key's line. */
function missingColon(text: string, off: number): string {
  let nl = text.indexOf('\n', off);
  let next = -1;
  while (nl >= 0 && nl < text.length) {
    const ls = nl + 1;
    const le = text.indexOf('\n', ls);
    const line = text.slice(ls, le < 0 ? text.length : le);
    if (/\S/.test(line) && !/^\s*#/.test(line)) {
      next = ls + (line.length - line.trimStart().length);
      break;
    }
    if (le < 0) break;
    nl = le;
  }
  return scannerWhere(next < 0 ? streamEndLine(text) : lineAt(text, next)) + "could not find expected ':'";
}

/** Column where the content of a line starts, after any "- " sequence indicators. */
function contentColumn(line: string): number {
  const m = /^(\s*(?:-\s+)*)/.exec(line);
  return m ? m[1].length : 0;
}

/** Is the token at offset at the key column of an enclosing block mapping (a required simple key)? */
function isKeyColumn(text: string, off: number): boolean {
  const col = off - lineStart(text, off);
  let p = lineStart(text, off) - 1;
  while (p > 0) {
    const s0 = lineStart(text, p);
    const line = text.slice(s0, p);
    p = s0 - 1;
    if (!/\S/.test(line) || /^\s*#/.test(line)) continue;
    const cc = contentColumn(line);
    const indent = line.length - line.trimStart().length;
    if (cc === col && /^[^#"'\[{]*?:(?:\s|$)|^["'][^"']*["']\s*:(?:\s|$)/.test(line.slice(cc))) return true;
    if (indent < col && cc <= col) return false;
  }
  return false;
}

/** A line starting with ':' (no '?' key before it) is "did not find expected key" for go-yaml. */
function bareValueIndicator(text: string): number | undefined {
  const re = /(^|\n)([ \t]*):(?=[ \t\r\n]|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const at = m.index + m[1].length + m[2].length;
    // Preceded by a "? key" line at the same indentation: an explicit key's value.
    let p = m.index + m[1].length - 1;
    let explicit = false;
    while (p > 0) {
      const s0 = lineStart(text, p);
      const line = text.slice(s0, p);
      p = s0 - 1;
      if (!/\S/.test(line) || /^\s*#/.test(line)) continue;
      const ind = line.length - line.trimStart().length;
      if (ind < m[2].length) break;
      if (ind === m[2].length) {
        explicit = /^\s*\?(\s|$)/.test(line);
        break;
      }
      // deeper lines: part of the explicit key's content
      explicit = true;
    }
    if (!explicit) return at;
  }
  return undefined;
}

/** The last significant character before offset (skipping blanks and comments). */
function lastSignificant(text: string, off: number): string {
  const before = text
    .slice(0, off)
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, ''))
    .join('\n')
    .trimEnd();
  return before[before.length - 1] ?? '';
}

/** go-yaml's reader refuses characters outside YAML's printable set. */
function checkPrintable(text: string): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) continue;
    if (c === 0x09 || c === 0x0a || c === 0x0d || c === 0x85) continue;
    if ((c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd)) continue;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      // bytes that are not UTF-8 (see engine/bytes.ts): go-yaml's reader stops at them
      throw new YamlError(`error converting YAML to JSON: yaml: ${utf8ReaderError(goBytes(text.slice(i)))}`);
    }
    throw new YamlError('error converting YAML to JSON: yaml: control characters are not allowed', { line: lineAt(text, i) + 1 });
  }
}

/** go-yaml's reader error for the invalid UTF-8 sequence at the start of `b`. */
function utf8ReaderError(b: Uint8Array): string {
  const x = b[0]!;
  const width = (x & 0x80) === 0 ? 1 : (x & 0xe0) === 0xc0 ? 2 : (x & 0xf0) === 0xe0 ? 3 : (x & 0xf8) === 0xf0 ? 4 : 0;
  if (width === 0) return 'invalid leading UTF-8 octet';
  if (width > b.length) return 'incomplete UTF-8 octet sequence';
  let value = width === 1 ? x & 0x7f : width === 2 ? x & 0x1f : width === 3 ? x & 0x0f : x & 0x07;
  for (let k = 1; k < width; k++) {
    if ((b[k]! & 0xc0) !== 0x80) return 'invalid trailing UTF-8 octet';
    value = (value << 6) + (b[k]! & 0x3f);
  }
  if (!(width === 1 || (width === 2 && value >= 0x80) || (width === 3 && value >= 0x800) || (width === 4 && value >= 0x10000))) {
    return 'invalid length of a UTF-8 sequence';
  }
  return 'invalid Unicode character';
}

/** The characters depthPrecheck looks at: brackets and quotes. */
const DEPTH_CHARS = /["'[\]{}]/g;
/** Inside double quotes: an escape pair or the closing quote. */
const DQ_END = /\\[\s\S]|"/g;

function depthPrecheck(text: string, file?: string): number {
  // Refuse absurd flow nesting before handing the text to the parser (which would exhaust memory).
  // (Jumps from bracket to bracket with regular expressions: a loop over every character costs a
  // cold run about 0.1 ms per KB.)
  let depth = 0;
  let max = 0;
  DEPTH_CHARS.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = DEPTH_CHARS.exec(text)) !== null) {
    const i = m.index;
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) {
      depth++;
      if (depth > max) max = depth;
      if (max > MAX_DEPTH) {
        let line = 1;
        for (let j = text.indexOf('\n'); j >= 0 && j < i; j = text.indexOf('\n', j + 1)) line++;
        throw new YamlError(`error converting YAML to JSON: yaml: exceeded max depth of ${MAX_DEPTH}`, { file, line });
      }
    } else if (c === 93 || c === 125) {
      if (depth > 0) depth--;
    } else if (depth > 0) {
      // a quoted string inside a flow collection: skip to its end (or the end of the text)
      let end = -1;
      if (c === 34) {
        DQ_END.lastIndex = i + 1;
        let q: RegExpExecArray | null;
        while ((q = DQ_END.exec(text)) !== null) {
          if (q[0] === '"') {
            end = q.index;
            break;
          }
        }
      } else end = text.indexOf("'", i + 1);
      if (end < 0) break;
      DEPTH_CHARS.lastIndex = end + 1;
    }
  }
  return max;
}

export type YamlPath = readonly (string | number)[];

export interface ParseOpts {
  /** File name for errors. */
  file?: string;
  /**
   * Decoding into a Go struct (e.g. Chart.yaml into chart.Metadata): return true for the paths
   * whose Go field is a string. sigs.k8s.io/yaml then turns a number or bool found there into
   * its text the Go way: ints in decimal, floats with FormatFloat(f, 'g', -1, 32)
   * (`appVersion: 1.10` → "1.1"), bools as true/false.
   */
  stringField?: (path: YamlPath) => boolean;
}

/** sigs.k8s.io/yaml's number/bool → string coercion for string targets. */
function stringifyScalar(v: V2Scalar): string | undefined {
  switch (v.k) {
    case 'int':
      return v.v.toString();
    case 'float':
      return formatFloatG(v.v, 32);
    case 'bool':
      return v.v ? 'true' : 'false';
    default:
      return undefined;
  }
}

function parseDocs(text: string, opts?: ParseOpts): { docs: YDocument.Parsed[]; lc: LineCounter } {
  checkPrintable(text);
  depthPrecheck(text, opts?.file);
  const lc = new (lib().LineCounter)();
  let docs: YDocument.Parsed[];
  try {
    docs = lib().parseAllDocuments(text, {
      version: '1.1',
      schema: 'failsafe',
      merge: false,
      uniqueKeys: false,
      lineCounter: lc,
      prettyErrors: false,
      strict: false,
      stringKeys: false,
    }) as YDocument.Parsed[];
  } catch (e) {
    if (e instanceof RangeError) {
      throw new YamlError('error converting YAML to JSON: yaml: document is nested too deeply', { file: opts?.file, stackExhausted: true });
    }
    throw e;
  }
  if (!Array.isArray(docs)) docs = [docs as unknown as YDocument.Parsed];
  return { docs, lc };
}

/**
 * Whether go-yaml's scanner reads `name` (as the YAML library read it, up to a blank or flow indicator)
 * as a whole anchor/alias name: only [0-9A-Za-z_-] belong to a name, and the character after it must
 * end the token.
 */
function goYamlAnchorName(name: string): boolean {
  const n = /^[0-9A-Za-z_-]*/.exec(name)![0].length;
  if (n === 0) return false;
  return n === name.length || '?:,]}%'.includes(name[n]);
}

/** go-yaml's scanner message for a name goYamlAnchorName rejects: '@' and '`' end the name but start no token. */
function badAnchorMessage(name: string): string {
  const c = name[/^[0-9A-Za-z_-]*/.exec(name)![0].length];
  return name.length > 0 && (c === '@' || c === '`') ? 'found character that cannot start any token' : 'did not find expected alphabetic or numeric character';
}

/**
 * Whether the text may hold an anchor or alias name that go-yaml's scanner rejects although YAML 1.2
 * parsers accept it (`&x.y`, `*semver.Version`): such text must go through parseYaml for go-yaml's error.
 */
const BAD_ANCHOR_AT_NODE =
  /(?:^|\n)[ \t]*(?:-[ \t]+)*(?:[^\n#]*?:[ \t]+)?[&*][0-9A-Za-z_-]*[^\s0-9A-Za-z_\-?:,\]}%]|[[{,][ \t]*[&*][0-9A-Za-z_-]*[^\s0-9A-Za-z_\-?:,\]}%]/;

export function mayHaveBadAnchorName(text: string): boolean {
  // only where a node can start (line start, after '- ' or 'key: ', after a flow indicator), so that
  // shell text such as `a && b` in block scalars keeps the fast paths. Most texts have neither
  // character: no regular expression then (its first run is interpreted, ~1 ms per 10 KB).
  if (text.indexOf('&') < 0 && text.indexOf('*') < 0) return false;
  return BAD_ANCHOR_AT_NODE.test(text);
}

/** go-yaml resolves aliases while parsing: an unknown alias before a syntax error is reported first. */
function unknownAliasBefore(text: string, off: number): string | undefined {
  const anchors = new Set<string>();
  const re = /(^|[\s[{,])([&*])([^\s,[\]{}]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && m.index < off) {
    const at = m.index + m[1].length;
    if (at >= off) break;
    // Skip inside comments and quoted scalars (rough: a '#' or a quote earlier on the line).
    const ls = lineStart(text, at);
    const head = text.slice(ls, at);
    if (/(^|\s)#/.test(head) || (head.split('"').length - 1) % 2 === 1 || (head.split("'").length - 1) % 2 === 1) continue;
    // Only at the start of a node: '*x' or '&x' after other text on the line (`a: b *c`) is part of a plain scalar.
    if (!atNodeStart(head)) continue;
    if (m[2] === '&') anchors.add(m[3]);
    else if (!anchors.has(m[3])) return m[3];
  }
  return undefined;
}

/**
 * Whether a node can start right after `head` (the line's text before an '&'/'*'): at the line's
 * indentation, after a block indicator ('- ', '? ', ': '), after a flow indicator ('[', '{', ',') inside
 * an open flow collection, or after a tag / anchor property.
 */
function atNodeStart(head: string): boolean {
  const h = head.replace(/\s+$/, '');
  if (h === '' || /(^|\s)[-?:]$/.test(h) || /\S:$/.test(h)) return true;
  if (/(^|\s)[!&]\S*$/.test(h)) return atNodeStart(h.replace(/[!&]\S*$/, ''));
  if (/[[{,]$/.test(h)) {
    let depth = 0;
    for (const ch of h) {
      if (ch === '[' || ch === '{') depth++;
      else if ((ch === ']' || ch === '}') && depth > 0) depth--;
    }
    return depth > 0;
  }
  return false;
}

function syntaxError(text: string, doc: YDocument.Parsed, lc: LineCounter, file?: string): YamlError | undefined {
  if (doc.errors.length === 0) return undefined;
  const bare = bareValueIndicator(text);
  if (bare !== undefined && bare < pickError(doc.errors).pos[0]) {
    const alias = unknownAliasBefore(text, bare);
    if (alias !== undefined) return new YamlError(`error converting YAML to JSON: yaml: unknown anchor '${alias}' referenced`, { file });
    const line0 = lineAt(text, bare);
    return new YamlError(`error converting YAML to JSON: yaml: ${parserWhere(line0)}did not find expected key`, { file, line: line0 + 1 });
  }
  if (doc.errors.length === 0) return undefined;
  const err = pickError(doc.errors);
  const alias = unknownAliasBefore(text, err.pos[0]);
  if (alias !== undefined) return new YamlError(`error converting YAML to JSON: yaml: unknown anchor '${alias}' referenced`, { file });
  const pos = err.linePos?.[0] ?? lc.linePos(err.pos[0]);
  const msg = goYamlSyntaxMessage(text, err);
  return new YamlError(`error converting YAML to JSON: yaml: ${msg}`, {
    file,
    line: pos.line,
    col: pos.col,
    stackExhausted: /Maximum call stack/.test(err.message),
  });
}

function decodeDoc(text: string, doc: YDocument.Parsed, lc: LineCounter, file?: string, stringField?: ParseOpts['stringField']): GoValue {
  const se = syntaxError(text, doc, lc, file);
  if (se) throw se;
  const d = new Decoder(file, lc, text);
  try {
    const v2 = d.decode(doc.contents as YNode | null, 0);
    return toJsonDocument(v2, stringField);
  } catch (e) {
    if (e instanceof YamlError) {
      if (!e.message.startsWith('error converting YAML to JSON: ')) e.message = 'error converting YAML to JSON: ' + e.message;
      e.file ??= file;
      throw e;
    }
    if (e instanceof RangeError) {
      throw new YamlError('error converting YAML to JSON: yaml: document is nested too deeply', { file, stackExhausted: true });
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Fast path: js-yaml as the syntax parser, with go-yaml v2 scalar resolution plugged in as the
// only implicit type. Used when the document has no merge keys; anything unusual (errors, custom
// tags, odd keys, deep nesting) falls back to the exact path above, which also words the errors.
// ---------------------------------------------------------------------------------------------

class FastFallback extends Error {}

/** A float64 scalar (keeps go-yaml's float key formatting when used as a map key). */
class FloatV {
  constructor(readonly v: number) {}
  get [Symbol.toStringTag]() {
    return 'FloatV';
  }
  toString(): string {
    return floatKey(this.v);
  }
}
/** An integer beyond 2^53 (exact decimal key text). */
class BigIntV {
  constructor(readonly v: bigint) {}
  get [Symbol.toStringTag]() {
    return 'BigIntV';
  }
  toString(): string {
    return String(this.v);
  }
}
const NULL_KEY = '\u0000rel-null-key\u0000';
class NullV {
  get [Symbol.toStringTag]() {
    return 'NullV';
  }
  toString(): string {
    return NULL_KEY;
  }
}
const NULLV = new NullV();

function v2ToFast(r: V2Scalar): unknown {
  switch (r.k) {
    case 'null':
      return NULLV;
    case 'bool':
      return r.v;
    case 'int':
      return r.v >= -(2n ** 53n) && r.v <= 2n ** 53n ? Number(r.v) : new BigIntV(r.v);
    case 'float':
      return new FloatV(r.v);
    case 'str':
    case 'timestamp':
      return r.v;
  }
}

let fastSchema: JsYaml.Schema | undefined;
function getFastSchema(): JsYaml.Schema {
  if (fastSchema) return fastSchema;
  const jsyaml = jsyamlLib();
  const plain = new jsyaml.Type('tag:rel.dev,2026:plain', {
    kind: 'scalar',
    resolve: () => true,
    construct: (data: string) => v2ToFast(resolvePlain(data)),
  });
  const tagged = (tag: string) =>
    new jsyaml.Type(TAG_PREFIX + tag, {
      kind: 'scalar',
      resolve: () => true,
      construct: (data: string) => {
        try {
          return v2ToFast(resolveTagged(TAG_PREFIX + tag, data ?? '', (m) => {
            throw new FastFallback(m);
          }));
        } catch {
          throw new FastFallback('tag');
        }
      },
    });
  fastSchema = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: [plain], explicit: [tagged('int'), tagged('float'), tagged('bool'), tagged('null')] });
  return fastSchema;
}

/** Converts js-yaml's result to Go values, counting alias expansions like go-yaml's decoder. */
class FastConverter {
  decodeCount = 0;
  aliasCount = 0;
  aliasDepth = 0;
  seen = new Set<object>();
  active = new Set<object>();

  count(): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (this.aliasCount > 100 && this.decodeCount > 1000 && this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)) {
      throw new YamlError('error converting YAML to JSON: yaml: document contains excessive aliasing');
    }
  }

  constructor(
    readonly sf?: ParseOpts['stringField'],
    readonly path: (string | number)[] = [],
  ) {}

  conv(v: unknown, depth: number): GoValue {
    this.count();
    if (this.sf && (typeof v === 'number' || typeof v === 'boolean' || v instanceof FloatV || v instanceof BigIntV) && this.sf(this.path)) {
      if (typeof v === 'boolean') return v ? 'true' : 'false';
      if (typeof v === 'number') return String(v);
      if (v instanceof BigIntV) return String(v.v);
      return formatFloatG(v.v, 32);
    }
    if (v === null || v === undefined || v === NULLV) return null;
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        return v;
    }
    if (v instanceof FloatV) {
      if (!Number.isFinite(v.v)) throw new FastFallback('non-finite');
      return v.v;
    }
    if (v instanceof BigIntV) return Number(v.v);
    if (depth > MAX_DEPTH) throw new FastFallback('depth');
    const obj = v as object;
    if (this.active.has(obj)) throw new FastFallback('recursive alias');
    const alias = this.seen.has(obj);
    if (alias) this.aliasDepth++;
    else this.seen.add(obj);
    this.active.add(obj);
    try {
      if (Array.isArray(obj)) {
        const out: GoValue[] = new Array(obj.length);
        for (let i = 0; i < obj.length; i++) {
          this.path.push(i);
          out[i] = this.conv(obj[i], depth + 1);
          this.path.pop();
        }
        return out;
      }
      if (Object.prototype.toString.call(obj) !== '[object Object]') throw new FastFallback('unexpected value');
      const out = newMap();
      for (const k of Object.keys(obj)) {
        if (k === NULL_KEY || k === '[object Object]') throw new FastFallback('key');
        this.count();
        this.path.push(k);
        out[k] = this.conv((obj as Record<string, unknown>)[k], depth + 1);
        this.path.pop();
      }
      return out;
    } finally {
      this.active.delete(obj);
      if (alias) this.aliasDepth--;
    }
  }
}

/** Returns the decoded first document, or undefined when the exact path must decide. */
function parseFast(text: string, sf?: ParseOpts['stringField']): GoValue | undefined {
  const all = parseFastAll(text, true, sf);
  return all === undefined ? undefined : all.length === 0 ? null : all[0];
}

/** A collection or explicit (`? `) key: the fast path does not take these. */
const COMPLEX_KEY = /[\]}][ \t]*:(?:[ \t\r\n]|$)|(?:^|\n)[ \t-]*\?(?:[ \t\r\n]|$)/;

/** All documents through the fast path (only the first when `firstOnly`), or undefined. */
function parseFastAll(text: string, firstOnly: boolean, sf?: ParseOpts['stringField']): GoValue[] | undefined {
  // Merge keys (go-yaml v2's order-dependent semantics) and collection or explicit keys go the exact way.
  // anchor/alias names go-yaml's scanner rejects (`*semver.Version`): the exact path words the error
  if (mayHaveBadAnchorName(text)) return undefined;
  // (the expression needs a `]`, `}` or `?`: most texts skip it, and its first run is interpreted)
  if (text.includes('<<') || (/[\]}?]/.test(text) && COMPLEX_KEY.test(text))) return undefined;
  let docs: unknown[];
  try {
    docs = jsyamlLib().loadAll(text, undefined, { schema: getFastSchema(), json: true }) as unknown[];
  } catch {
    return undefined;
  }
  try {
    const take = firstOnly ? docs.slice(0, 1) : docs;
    return take.map((d) => new FastConverter(sf).conv(d, 0));
  } catch (e) {
    if (e instanceof YamlError) throw e;
    return undefined;
  }
}

/**
 * go-yaml also breaks lines at NEL, LS and PS (U+0085, U+2028, U+2029), which the parser used here
 * reads as ordinary characters. Where such a break makes the structure invalid for go-yaml (a plain
 * scalar "continued" at column 0, say), fail like go-yaml: the text with those characters as line
 * feeds (go-yaml's line numbers count them too) must parse. Values keep the characters otherwise.
 */
function unicodeBreakCheck(text: string, opts?: ParseOpts): void {
  if (!/[\u0085\u2028\u2029]/.test(text)) return;
  // Only breaks outside quoted scalars matter (inside quotes go-yaml keeps or folds them): a break
  // with a quote character before it on its line is left alone.
  const probe = text.replace(/[\u0085\u2028\u2029]/g, (_m, off: number) => {
    const ls = text.lastIndexOf('\n', off - 1) + 1;
    return /['"]/.test(text.slice(ls, off)) ? _m : '\n';
  });
  if (probe !== text) parseYamlExact(probe, opts);
}

/**
 * sigs.k8s.io/yaml.Unmarshal(text, &interface{}) as Helm uses it: only the first document
 * counts; an empty document gives nil (null).
 */
export function parseYaml(text: string, opts?: ParseOpts): GoValue {
  checkPrintable(text);
  unicodeBreakCheck(text, opts);
  if (depthPrecheck(text, opts?.file) > DEEP_FLOW) {
    const deep = parseWithDeepFlow(text, opts);
    if (deep !== undefined) return deep.value;
  }
  let fast: GoValue | undefined;
  try {
    fast = parseFast(text, opts?.stringField);
  } catch (e) {
    if (e instanceof YamlError) e.file ??= opts?.file;
    throw e;
  }
  if (fast !== undefined) return fast;
  return parseYamlExact(text, opts);
}

/** Go value of a plain scalar inside a deep flow segment (JSON-converted like everything else). */
function deepScalar(plain: string): GoValue {
  return toJsonDocument(resolvePlain(plain));
}
function deepKey(plain: string | null, quoted: string | null): string {
  if (quoted !== null) return quoted;
  const r = resolvePlain(plain ?? '');
  switch (r.k) {
    case 'str':
    case 'timestamp':
      return r.v;
    case 'int':
      return String(r.v);
    case 'float':
      return floatKey(r.v);
    case 'bool':
      return r.v ? 'true' : 'false';
    default:
      throw new DeepFlowUnsupported('null key');
  }
}

/**
 * Documents with flow collections nested deeper than the recursive parsers can take: the deep
 * segments are parsed iteratively and spliced back. Undefined when there is nothing to do.
 */
function parseWithDeepFlow(text: string, opts?: ParseOpts): { value: GoValue } | undefined {
  const segs = findDeepFlow(text);
  if (segs.length === 0) return undefined;
  const tag = `__rel_deep_${Date.now().toString(36)}_`;
  let replaced = '';
  let last = 0;
  const parsed = new Map<string, GoValue>();
  segs.forEach((seg, k) => {
    const ph = `${tag}${k}__`;
    replaced += text.slice(last, seg.start) + ph;
    last = seg.end;
    try {
      parsed.set(ph, parseDeepFlow(text.slice(seg.start, seg.end), deepScalar, deepKey));
    } catch (e) {
      if (e instanceof DeepFlowUnsupported) {
        throw new YamlError('error converting YAML to JSON: yaml: document is nested too deeply', { file: opts?.file, line: lineAt(text, seg.start) + 1 });
      }
      throw e;
    }
  });
  replaced += text.slice(last);
  const shallow = parseYaml(replaced, opts);
  const splice = (v: GoValue): GoValue => {
    if (typeof v === 'string' && parsed.has(v)) return parsed.get(v)!;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = splice(v[i]);
      return v;
    }
    if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
      const m = v as GoMap;
      for (const k of Object.keys(m)) m[k] = splice(m[k]);
    }
    return v;
  };
  return { value: splice(shallow) };
}

/** parseYaml without the js-yaml fast path (exported for tests). */
export function parseYamlExact(text: string, opts?: ParseOpts): GoValue {
  const { docs, lc } = parseDocs(text, opts);
  if (docs.length === 0) return null;
  if (docs[0].errors.length > 0) {
    const cut = indentedRootEnd(text);
    if (cut !== undefined) return parseYamlExact(text.slice(0, cut), opts);
  }
  return decodeDoc(text, docs[0], lc, opts?.file, opts?.stringField);
}

/**
 * go-yaml reads only the first document: when the root collection is indented and a later line
 * is less indented, the first document ends there (the rest would be an invalid second document
 * that go-yaml never looks at). Returns that offset, if any.
 */
function indentedRootEnd(text: string): number | undefined {
  let pos = 0;
  let rootIndent = -1;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(pos, end);
    if (/\S/.test(line) && !/^\s*#/.test(line) && !/^%/.test(line) && !/^---/.test(line)) {
      const ind = line.length - line.trimStart().length;
      if (rootIndent < 0) {
        if (ind === 0 || !/^\s*(?:-(?:\s|$)|[^\s#"'\[{][^#]*?:(?:\s|$))/.test(line)) return undefined;
        rootIndent = ind;
      } else if (ind < rootIndent) {
        return pos;
      }
    }
    if (nl < 0) break;
    pos = nl + 1;
  }
  return undefined;
}

/** Every document of a multi-document stream, each decoded like `parseYaml`. */
export function parseYamlDocuments(text: string, opts?: ParseOpts): GoValue[] {
  checkPrintable(text);
  depthPrecheck(text, opts?.file);
  let fast: GoValue[] | undefined;
  try {
    fast = parseFastAll(text, false, opts?.stringField);
  } catch (e) {
    if (e instanceof YamlError) e.file ??= opts?.file;
    throw e;
  }
  if (fast !== undefined) return fast;
  const { docs, lc } = parseDocs(text, opts);
  return docs.map((d) => decodeDoc(text, d, lc, opts?.file, opts?.stringField));
}

// ---------------------------------------------------------------------------------------------
// Encoding: go-yaml v2 encoder + emitter, fed with the JSON form of the value.
// ---------------------------------------------------------------------------------------------

type ENode =
  | { t: 'scalar'; value: string; style: 'plain' | 'double' | 'literal'; tag?: string }
  | { t: 'seq'; items: ENode[] }
  | { t: 'map'; items: [ENode, ENode][] };

/** go-yaml v2 base60float check (such strings are quoted for YAML 1.1 parsers). */
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
function isBase60Float(s: string): boolean {
  if (s === '') return false;
  const c = s[0];
  if (!(c === '+' || c === '-' || (c >= '0' && c <= '9')) || s.indexOf(':') < 0) return false;
  return BASE60.test(s);
}

/** go-yaml v2 encoder.stringv: the requested style of a string. */
function stringNode(s: string): Extract<ENode, { t: 'scalar' }> {
  const canUsePlain = resolvePlain(s).k === 'str' && !isBase60Float(s);
  let style: 'plain' | 'double' | 'literal';
  if (s.includes('\n')) style = 'literal';
  else if (canUsePlain) style = 'plain';
  else style = 'double';
  return { t: 'scalar', value: s, style };
}

/**
 * go-yaml v3's encoding of a string that is not valid UTF-8: `!!binary` and base64; from 70 characters on,
 * in lines of 70 each ending with a newline.
 */
function binaryNode(s: string): ENode {
  let b64 = Buffer.from(goBytes(s)).toString('base64');
  if (b64.length >= 70) b64 = b64.replace(/.{1,70}/g, '$&\n');
  return { ...stringNode(b64), tag: '!!binary' };
}

/** A JSON number's text as go-yaml v2 reads and re-emits it. */
function numberNode(text: string): ENode {
  const r = resolvePlain(text);
  if (r.k === 'int') return { t: 'scalar', value: String(r.v), style: 'plain' };
  if (r.k === 'float') {
    let s = formatFloatG(r.v, 64);
    if (s === '+Inf') s = '.inf';
    else if (s === '-Inf') s = '-.inf';
    else if (s === 'NaN') s = '.nan';
    return { t: 'scalar', value: s, style: 'plain' };
  }
  return stringNode(text);
}

/** go-yaml v2 sorter.go keyList.Less for string keys. */
export function yamlKeyLess(a: string, b: string, v3 = false): boolean {
  // Quick path for ASCII keys that differ at a letter or end as a prefix (most keys): no
  // arrays of characters, no regular expressions. Anything else goes the general way.
  const n = a.length < b.length ? a.length : b.length;
  let digits = false;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x >= 0x80 || y >= 0x80) return yamlKeyLessRunes(a, b, v3);
    if (x === y) {
      digits = x >= 48 && x <= 57;
      continue;
    }
    const al = (x >= 65 && x <= 90) || (x >= 97 && x <= 122);
    const bl = (y >= 65 && y <= 90) || (y >= 97 && y <= 122);
    if (al && bl) return x < y;
    if (al || bl) return v3 && digits ? al : bl;
    return yamlKeyLessRunes(a, b, v3);
  }
  // one is a prefix of the other (all ASCII so far: one character more is one rune more)
  return a.length < b.length;
}

function yamlKeyLessRunes(a: string, b: string, v3: boolean): boolean {
  const ar = Array.from(a);
  const br = Array.from(b);
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) {
      digits = isDigit(ar[i]);
      continue;
    }
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i].codePointAt(0)! < br[i].codePointAt(0)!;
    // go-yaml v3 fixed the order of a letter after a digit run; v2 did not.
    if (al || bl) return v3 && digits ? al : bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = BigInt.asIntN(64, an * 10n + BigInt(ar[ai].charCodeAt(0) - 48));
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = BigInt.asIntN(64, bn * 10n + BigInt(br[bi].charCodeAt(0) - 48));
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i].codePointAt(0)! < br[i].codePointAt(0)!;
  }
  return ar.length < br.length;
}
const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;
function isLetter(c: string): boolean {
  return LETTER.test(c);
}
function isDigit(c: string): boolean {
  return DIGIT.test(c);
}

/**
 * JSONToYAML re-reads the JSON text with go-yaml: a raw NEL (U+0085) inside a JSON string is a
 * YAML 1.1 line break, so it is folded like a line break in a double-quoted scalar.
 */
function reparseJsonString(s: string): string {
  // Characters that JSON leaves raw but go-yaml's reader refuses make JSONToYAML fail.
  if (/[\u007f-\u0084\u0086-\u009f\ufffe\uffff]/.test(s)) {
    throw new YamlError('yaml: control characters are not allowed'); // sigs.k8s.io/yaml returns go-yaml's error unwrapped
  }
  if (!s.includes('\u0085')) return s;
  return s.replace(/[ \t]*(?:\u0085[ \t]*)+/g, (m) => {
    const breaks = (m.match(/\u0085/g) ?? []).length;
    return breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
  });
}

function jnodeToENode(j: JNode): ENode {
  switch (j.t) {
    case 'null':
      return { t: 'scalar', value: 'null', style: 'plain' };
    case 'bool':
      return { t: 'scalar', value: j.v ? 'true' : 'false', style: 'plain' };
    case 'num':
      return numberNode(j.text);
    case 'str':
      return stringNode(reparseJsonString(j.v));
    case 'arr':
      return { t: 'seq', items: j.items.map(jnodeToENode) };
    case 'obj': {
      // JSON objects may repeat keys only through distinct Go values; the last one wins in go-yaml.
      const m = new Map<string, JNode>();
      for (const [k, v] of j.entries) m.set(k, v);
      const keys = Array.from(m.keys()).sort((x, y) => (x === y ? 0 : yamlKeyLess(x, y) ? -1 : 1));
      return { t: 'map', items: keys.map((k) => [stringNode(reparseJsonString(k)), jnodeToENode(m.get(k)!)] as [ENode, ENode]) };
    }
  }
}

// --- emitter ---------------------------------------------------------------------------------

interface Analysis {
  multiline: boolean;
  flowPlainAllowed: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

function isBreakCp(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
}
function isPrintableCp(c: number): boolean {
  return (
    c === 0x0a ||
    (c >= 0x20 && c <= 0x7e) ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff)
  );
}
function isBlankCp(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09;
}
function isBlankzCp(c: number | undefined): boolean {
  return c === undefined || c === 0 || isBlankCp(c) || isBreakCp(c);
}

const ASCII: string[] = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));
/** Where writePlain may fold or break a plain scalar (a space, or a line break). */
const PLAIN_BREAK_AT = /[ \n\r\u0085\u2028\u2029]/;
/** A line break in the sense of the emitter (isBreakCp). */
const LINE_BREAK_AT = /[\n\r\u0085\u2028\u2029]/;
const SURROGATE_UNIT = /[\uD800-\uDFFF]/;

/** Scalars made of these characters need no analysis: plain style is allowed everywhere. */
const SIMPLE_SCALAR = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;

/** analyzeScalar of a string; most keys and many values take the quick way. */
function analyzeText(s: string, v3: boolean): Analysis {
  if (SIMPLE_SCALAR.test(s)) {
    return { multiline: false, flowPlainAllowed: true, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: true };
  }
  return analyzeScalar(cpsOf(s), v3);
}

function analyzeScalar(cps: number[], v3 = false): Analysis {
  if (cps.length === 0) {
    return { multiline: false, flowPlainAllowed: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  }
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let tabs = false;
  const n = cps.length;
  if (
    n >= 3 &&
    ((cps[0] === 0x2d && cps[1] === 0x2d && cps[2] === 0x2d) || (cps[0] === 0x2e && cps[1] === 0x2e && cps[2] === 0x2e))
  ) {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  for (let i = 0; i < n; i++) {
    const c = cps[i];
    const followedByWhitespace = i + 1 >= n || isBlankCp(cps[i + 1]) || isBreakCp(cps[i + 1]);
    const ch = c < 0x80 ? ASCII[c] : '';
    if (i === 0) {
      switch (ch) {
        case '#':
        case ',':
        case '[':
        case ']':
        case '{':
        case '}':
        case '&':
        case '*':
        case '!':
        case '|':
        case '>':
        case "'":
        case '"':
        case '%':
        case '@':
        case '`':
          flowIndicators = true;
          blockIndicators = true;
          break;
        case '?':
        case ':':
          flowIndicators = true;
          if (followedByWhitespace) blockIndicators = true;
          break;
        case '-':
          if (followedByWhitespace) {
            flowIndicators = true;
            blockIndicators = true;
          }
          break;
      }
    } else {
      switch (ch) {
        case ',':
        case '?':
        case '[':
        case ']':
        case '{':
        case '}':
          flowIndicators = true;
          break;
        case ':':
          flowIndicators = true;
          if (followedByWhitespace) blockIndicators = true;
          break;
        case '#':
          if (precededByWhitespace) {
            flowIndicators = true;
            blockIndicators = true;
          }
          break;
      }
    }
    if (v3 && c === 0x09) tabs = true;
    else if (!isPrintableCp(c)) specialCharacters = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === n - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreakCp(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === n - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankzCp(c);
  }
  const a: Analysis = {
    multiline: lineBreaks,
    flowPlainAllowed: true,
    blockPlainAllowed: true,
    singleQuotedAllowed: true,
    blockAllowed: true,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
  }
  if (trailingSpace) a.blockAllowed = false;
  if (breakSpace) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
    a.blockAllowed = false;
  }
  if (lineBreaks) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
  }
  if (tabs) {
    // go-yaml v3 keeps tabs out of plain and single-quoted scalars but allows them in blocks.
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
  }
  if (flowIndicators) a.flowPlainAllowed = false;
  if (blockIndicators) a.blockPlainAllowed = false;
  return a;
}

const BEST_INDENT = 2;
const BEST_WIDTH = 80;

class Emitter {
  out = '';
  constructor(
    /** go-yaml v3 layout (toYamlPretty): sequences indented under their key, no line folding. */
    readonly v3 = false,
  ) {}
  get bestWidth(): number {
    return this.v3 ? Infinity : BEST_WIDTH;
  }
  column = 0;
  indent = -1;
  indents: number[] = [];
  whitespace = true;
  indention = true;
  openEnded = false;
  flowLevel = 0;
  rootContext = false;
  mappingContext = false;
  simpleKeyContext = false;

  put(s: string): void {
    this.out += s;
    this.column++;
  }
  putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }
  /** Writes one character (code point). */
  write(c: number): void {
    this.out += c < 0x10000 ? String.fromCharCode(c) : String.fromCodePoint(c);
    this.column++;
  }
  writeBreak(c: number): void {
    if (c === 0x0a) this.putBreak();
    else {
      this.out += String.fromCodePoint(c);
      this.column = 0;
    }
  }
  writeIndicator(ind: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.out += ind;
    this.column += ind.length;
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
    this.openEnded = false;
  }
  writeIndent(): void {
    const indent = this.indent < 0 ? 0 : this.indent;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    if (this.column < indent) {
      this.out += ' '.repeat(indent - this.column);
      this.column = indent;
    }
    this.whitespace = true;
    this.indention = true;
  }
  increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }
  popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  emitNode(node: ENode, root: boolean, mapping: boolean, simpleKey: boolean): void {
    this.rootContext = root;
    this.mappingContext = mapping;
    this.simpleKeyContext = simpleKey;
    switch (node.t) {
      case 'scalar':
        this.emitScalar(node, analyzeText(node.value, this.v3));
        return;
      case 'seq':
        if (this.flowLevel > 0 || node.items.length === 0) {
          this.writeIndicator('[', true, true, false);
          this.writeIndicator(']', false, false, false);
          return;
        }
        this.emitBlockSequence(node.items);
        return;
      case 'map':
        if (this.flowLevel > 0 || node.items.length === 0) {
          this.writeIndicator('{', true, true, false);
          this.writeIndicator('}', false, false, false);
          return;
        }
        this.emitBlockMapping(node.items);
        return;
    }
  }

  emitBlockSequence(items: ENode[]): void {
    this.increaseIndent(false, !this.v3 && this.mappingContext && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.emitNode(item, false, false, false);
    }
    this.popIndent();
  }

  emitBlockMapping(items: [ENode, ENode][]): void {
    this.increaseIndent(false, false);
    for (const [k, v] of items) {
      this.writeIndent();
      const ka = k.t === 'scalar' ? analyzeText(k.value, this.v3) : undefined;
      const simple = k.t === 'scalar' && ka !== undefined && !ka.multiline && utf8Length(k.value) <= 128;
      if (simple) {
        this.rootContext = false;
        this.mappingContext = true;
        this.simpleKeyContext = true;
        this.emitScalar(k as Extract<ENode, { t: 'scalar' }>, ka!);
        this.writeIndicator(':', false, false, false);
        this.emitNode(v, false, true, false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.emitNode(k, false, true, false);
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
        this.emitNode(v, false, true, false);
      }
    }
    this.popIndent();
  }

  emitScalar(node: Extract<ENode, { t: 'scalar' }>, a: Analysis): void {
    let style: 'plain' | 'single' | 'double' | 'literal' = node.style;
    if (this.simpleKeyContext && a.multiline) style = 'double';
    if (style === 'plain') {
      if ((this.flowLevel > 0 && !a.flowPlainAllowed) || (this.flowLevel === 0 && !a.blockPlainAllowed)) style = 'single';
      if (node.value.length === 0 && (this.flowLevel > 0 || this.simpleKeyContext)) style = 'single';
    }
    if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
    if (style === 'literal' && (!a.blockAllowed || this.flowLevel > 0 || this.simpleKeyContext)) style = 'double';

    if (node.tag !== undefined) this.writeIndicator(node.tag, true, false, false);
    this.increaseIndent(true, false);
    if (style === 'plain' && !PLAIN_BREAK_AT.test(node.value)) {
      // no space to fold at and no line break: writePlain would copy it character by character
      this.writePlainWhole(node.value);
      this.popIndent();
      return;
    }
    const cps = cpsOf(node.value);
    const allowBreaks = !this.simpleKeyContext;
    if (style === 'plain' && !LINE_BREAK_AT.test(node.value)) {
      // spaces, but no line break, and the scalar ends before the width where writePlain folds
      // at a space (or may not fold): the same output, copied whole
      const start = this.whitespace ? this.column : this.column + 1;
      if (!allowBreaks || start + cps.length <= this.bestWidth) {
        this.writePlainWhole(node.value);
        this.popIndent();
        return;
      }
    }
    switch (style) {
      case 'plain':
        this.writePlain(cps, allowBreaks);
        break;
      case 'single':
        this.writeSingleQuoted(cps, allowBreaks);
        break;
      case 'double':
        this.writeDoubleQuoted(cps, allowBreaks);
        break;
      case 'literal':
        this.writeLiteral(cps);
        break;
    }
    this.popIndent();
  }

  /** writePlain of a scalar without spaces and line breaks. */
  writePlainWhole(s: string): void {
    if (!this.whitespace) this.put(' ');
    this.out += s;
    this.column += SURROGATE_UNIT.test(s) ? cpsOf(s).length : s.length;
    this.whitespace = false;
    this.indention = false;
    if (this.rootContext) this.openEnded = true;
  }

  writePlain(v: number[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i];
      if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > this.bestWidth && v[i + 1] !== 0x20) {
          this.writeIndent();
        } else {
          this.write(c);
        }
        spaces = true;
      } else if (isBreakCp(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.write(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
    if (this.rootContext) this.openEnded = true;
  }

  writeSingleQuoted(v: number[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i];
      if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > this.bestWidth && i > 0 && i < v.length - 1 && v[i + 1] !== 0x20) {
          this.writeIndent();
        } else {
          this.write(c);
        }
        spaces = true;
      } else if (isBreakCp(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === 0x27) this.put("'");
        this.write(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  writeDoubleQuoted(v: number[], allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    let spaces = false;
    // go-yaml v2's is_bom looks at the first bytes of the whole value, not at position i: a value
    // starting with a BOM has every character escaped.
    const bom = v[0] === 0xfeff;
    for (let i = 0; i < v.length; i++) {
      const c = v[i];
      if (bom || !isPrintableCp(c) || isBreakCp(c) || c === 0x22 || c === 0x5c) {
        this.put('\\');
        let esc: string | undefined;
        switch (c) {
          case 0x00:
            esc = '0';
            break;
          case 0x07:
            esc = 'a';
            break;
          case 0x08:
            esc = 'b';
            break;
          case 0x09:
            esc = 't';
            break;
          case 0x0a:
            esc = 'n';
            break;
          case 0x0b:
            esc = 'v';
            break;
          case 0x0c:
            esc = 'f';
            break;
          case 0x0d:
            esc = 'r';
            break;
          case 0x1b:
            esc = 'e';
            break;
          case 0x22:
            esc = '"';
            break;
          case 0x5c:
            esc = '\\';
            break;
          case 0x85:
            esc = 'N';
            break;
          case 0xa0:
            esc = '_';
            break;
          case 0x2028:
            esc = 'L';
            break;
          case 0x2029:
            esc = 'P';
            break;
        }
        if (esc !== undefined) {
          this.put(esc);
        } else {
          const [p, w] = c <= 0xff ? ['x', 2] : c <= 0xffff ? ['u', 4] : ['U', 8];
          this.put(p as string);
          const hex = c.toString(16).toUpperCase().padStart(w as number, '0');
          for (const h of hex) this.put(h);
        }
        spaces = false;
      } else if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > this.bestWidth && i !== 0 && i !== v.length - 1) {
          this.writeIndent();
          if (v[i + 1] === 0x20) this.put('\\');
        } else {
          this.write(c);
        }
        spaces = true;
      } else {
        this.write(c);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  writeLiteral(v: number[]): void {
    this.writeIndicator('|', true, false, false);
    // block scalar hints
    if (v.length > 0 && (v[0] === 0x20 || isBreakCp(v[0]))) {
      this.writeIndicator(String(BEST_INDENT), false, false, false);
    }
    this.openEnded = false;
    let chomp = '';
    if (v.length === 0) chomp = '-';
    else {
      const last = v.length - 1;
      if (!isBreakCp(v[last])) chomp = '-';
      else if (last === 0) {
        chomp = '+';
        this.openEnded = true;
      } else if (isBreakCp(v[last - 1])) {
        chomp = '+';
        this.openEnded = true;
      }
    }
    if (chomp) {
      const oe = this.openEnded;
      this.writeIndicator(chomp, false, false, false);
      this.openEnded = oe;
    }
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (let i = 0; i < v.length; i++) {
      const c = v[i];
      if (isBreakCp(c)) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.write(c);
        this.indention = false;
        breaks = false;
      }
    }
  }

  emitDocument(node: ENode): string {
    this.emitNode(node, true, false, false);
    // document end (implicit)
    // go-yaml v2 (as Helm uses it) ends the document with a line break and never writes "...".
    this.writeIndent();
    return this.out;
  }
}

function cpsOf(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * sigs.k8s.io/yaml.Marshal(v): Go json.Marshal, then go-yaml v2 re-encoding. Returns the
 * YAML text including its final newline (Helm's `toYaml` trims that one newline).
 * Throws YamlError with Go's wording when json.Marshal would fail (e.g. NaN).
 */
export function toYaml(v: GoValue): string {
  let j: JNode;
  try {
    j = jsonNormalize(v);
  } catch (e) {
    if (e instanceof JsonMarshalError) throw new YamlError(`error marshaling into JSON: ${e.message}`);
    if (e instanceof RangeError) throw new YamlError('error marshaling into JSON: value is nested too deeply', { stackExhausted: true });
    throw e;
  }
  try {
    return new Emitter().emitDocument(jnodeToENode(j));
  } catch (e) {
    if (e instanceof RangeError) throw new YamlError('error converting JSON to YAML: value is nested too deeply', { stackExhausted: true });
    throw e;
  }
}

export type { V2Scalar };

/** The go-yaml v3 encoder's view of a Go value (no JSON round trip). */
function goValueToV3Node(v: GoValue, depth: number): ENode {
  if (depth > MAX_DEPTH * 10) throw new YamlError('error marshaling YAML: value is nested too deeply');
  if (v === null || v === undefined) return { t: 'scalar', value: 'null', style: 'plain' };
  switch (typeof v) {
    case 'boolean':
      return { t: 'scalar', value: v ? 'true' : 'false', style: 'plain' };
    case 'bigint':
      return { t: 'scalar', value: v.toString(), style: 'plain' };
    case 'number': {
      let f = formatFloatG(v, 64);
      if (f === '+Inf') f = '.inf';
      else if (f === '-Inf') f = '-.inf';
      else if (f === 'NaN') f = '.nan';
      return { t: 'scalar', value: f, style: 'plain' };
    }
    case 'string':
      return hasRawBytes(v) ? binaryNode(v) : stringNode(v);
  }
  if (v instanceof GoInt) return { t: 'scalar', value: v.value.toString(), style: 'plain' };
  if (v instanceof Uint8Array) return stringNode(Buffer.from(v).toString('base64'));
  if (Array.isArray(v)) return { t: 'seq', items: v.map((x) => goValueToV3Node(x, depth + 1)) };
  let m: GoMap | undefined;
  if (isGoMap(v)) m = v;
  else if (v instanceof GoStruct) {
    const j = (v as GoStruct & { toJSON?: () => GoValue }).toJSON?.();
    if (j !== undefined) return goValueToV3Node(j, depth + 1);
    m = newMap();
    for (const k of Object.keys(v)) if (/^\p{Lu}/u.test(k)) m[k] = (v as unknown as GoMap)[k];
  }
  if (!m) throw new YamlError(`cannot marshal type: ${typeof v}`);
  const keys = Object.keys(m).sort((x, y) => (x === y ? 0 : yamlKeyLess(x, y, true) ? -1 : 1));
  return { t: 'map', items: keys.map((k) => [stringNode(k), goValueToV3Node(m![k], depth + 1)] as [ENode, ENode]) };
}

/**
 * Helm's toYamlPretty: go-yaml v3's Encoder with SetIndent(2) on the Go value itself (no JSON
 * round trip): sequences indented under their key, floats in Go's %g form, no line folding.
 * Includes the final newline (Helm trims it).
 */
export function toYamlPretty(v: GoValue): string {
  try {
    return new Emitter(true).emitDocument(goValueToV3Node(v, 0));
  } catch (e) {
    if (e instanceof RangeError) throw new YamlError('error marshaling YAML: value is nested too deeply', { stackExhausted: true });
    throw e;
  }
}

/** The JSON kind name Go's decoder uses in "cannot unmarshal X into Go value of type ...". */
function jsonKindName(v: GoValue): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof GoInt) return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/**
 * sigs.k8s.io/yaml.Unmarshal into map[string]interface{} (Helm's fromYaml, values files, Chart.yaml):
 * a document that is not a map fails like Helm; an empty document gives an empty map.
 */
export function parseYamlMap(text: string, opts?: ParseOpts & { goType?: string }): GoMap {
  const v = parseYaml(text, opts);
  if (v === null || v === undefined) return newMap();
  if (typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)) return v as GoMap;
  throw new YamlError(
    `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKindName(v)} into Go value of type ${opts?.goType ?? 'map[string]interface {}'}`,
    { file: opts?.file },
  );
}

/** sigs.k8s.io/yaml.Unmarshal into []interface{} (Helm's fromYamlArray); null gives an empty list. */
export function parseYamlArray(text: string, opts?: ParseOpts): GoValue[] {
  const v = parseYaml(text, opts);
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v;
  throw new YamlError(
    `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKindName(v)} into Go value of type []interface {}`,
    { file: opts?.file },
  );
}
