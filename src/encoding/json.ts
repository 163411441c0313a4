/**
 * Go encoding/json for the Go value model: json.Marshal / MarshalIndent and json.Unmarshal
 * into interface{} (numbers become float64), with Go's output format and error wording.
 */
import { toValidUtf8 } from '../engine/bytes.js';
import { GoFunction, GoInt, GoStruct, isGoMap, isNilBytes, isNilMap, isNilSlice, isStructJson, newMap, type GoMap, type GoValue } from '../engine/types.js';
import { formatJsonFloat, formatFloatG } from './gofloat.js';

/** A json.Marshal error (Go's *json.UnsupportedValueError / UnsupportedTypeError wording). */
export class JsonMarshalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonMarshalError';
  }
}

/** A json.Unmarshal error (Go's *json.SyntaxError wording), with the byte offset. */
export class JsonSyntaxError extends Error {
  offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'JsonSyntaxError';
    this.offset = offset;
  }
}

/**
 * json.Unmarshal's UnmarshalTypeError for a number beyond float64 inside otherwise valid JSON: Go keeps
 * decoding (the number becomes nil) and returns the first such error with the decoded value.
 */
export class JsonPartialError extends JsonSyntaxError {
  constructor(
    message: string,
    offset: number,
    readonly partial: GoValue,
  ) {
    super(message, offset);
    this.name = 'JsonPartialError';
  }
}

/** The JSON form of a Go value, as json.Marshal sees it (object keys already sorted). */
export type JNode =
  | { t: 'null' }
  | { t: 'bool'; v: boolean }
  | { t: 'num'; text: string }
  | { t: 'str'; v: string }
  | { t: 'arr'; items: JNode[] }
  | { t: 'obj'; entries: [string, JNode][] };

/** Compares two strings by their UTF-8 bytes (= Unicode code points), as Go sorts map keys. */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after all BMP code points in UTF-8 order.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

const MAX_MARSHAL_DEPTH = 10000;

/** Converts a Go value to its JSON form; throws JsonMarshalError like json.Marshal. */
export function jsonNormalize(v: GoValue, depth = 0): JNode {
  if (depth > MAX_MARSHAL_DEPTH) {
    throw new JsonMarshalError('json: unsupported value: encountered a cycle or a value nested too deeply');
  }
  if (v === null || v === undefined) return { t: 'null' };
  switch (typeof v) {
    case 'boolean':
      return { t: 'bool', v };
    case 'string':
      return { t: 'str', v: toValidUtf8(v) }; // json.Marshal writes bytes that are not UTF-8 as U+FFFD
    case 'number':
      if (!Number.isFinite(v)) throw new JsonMarshalError(`json: unsupported value: ${formatFloatG(v)}`);
      return { t: 'num', text: formatJsonFloat(v) };
    case 'bigint':
      return { t: 'num', text: v.toString() };
  }
  if (v instanceof GoInt) return { t: 'num', text: v.value.toString() };
  if (v instanceof Uint8Array) return isNilBytes(v) ? { t: 'null' } : { t: 'str', v: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (Array.isArray(v)) return isNilSlice(v) ? { t: 'null' } : { t: 'arr', items: v.map((x) => jsonNormalize(x, depth + 1)) };
  if (v instanceof GoFunction) throw new JsonMarshalError(`json: unsupported type: ${v.goTypeName}`);
  if (v instanceof GoStruct) {
    const s = v as GoStruct & { toJSON?: () => GoValue; MarshalJSON?: () => string };
    if (typeof s.MarshalJSON === 'function') return jsonNormalize(unmarshalJson(s.MarshalJSON()), depth + 1);
    if (typeof s.toJSON === 'function') return jsonNormalize(s.toJSON(), depth + 1);
    // Exported fields (upper-case own properties) in declaration order.
    const entries: [string, JNode][] = [];
    for (const k of Object.keys(s)) {
      if (!/^\p{Lu}/u.test(k)) continue;
      entries.push([k, jsonNormalize((s as unknown as Record<string, GoValue>)[k], depth + 1)]);
    }
    return { t: 'obj', entries };
  }
  if (isGoMap(v)) {
    if (isNilMap(v)) return { t: 'null' };
    const keys = isStructJson(v) ? Object.keys(v) : Object.keys(v).sort(compareGoStrings);
    return { t: 'obj', entries: keys.map((k) => [toValidUtf8(k), jsonNormalize(v[k], depth + 1)] as [string, JNode]) };
  }
  throw new JsonMarshalError(`json: unsupported type: ${typeof v}`);
}

const HEX = '0123456789abcdef';

/** Go's JSON string encoding (encodeState.string). */
export function quoteJsonString(s: string, escapeHTML = true): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x80) {
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c && !(escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26))) continue;
      switch (c) {
        case 0x22:
          rep = '\\"';
          break;
        case 0x5c:
          rep = '\\\\';
          break;
        case 0x08:
          rep = '\\b';
          break;
        case 0x0c:
          rep = '\\f';
          break;
        case 0x0a:
          rep = '\\n';
          break;
        case 0x0d:
          rep = '\\r';
          break;
        case 0x09:
          rep = '\\t';
          break;
        default:
          rep = '\\u00' + HEX[c >> 4] + HEX[c & 0xf];
      }
    } else if (c === 0x2028 || c === 0x2029) {
      rep = c === 0x2028 ? '\\u2028' : '\\u2029';
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
      rep = '\\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      rep = '\\ufffd';
    } else {
      continue;
    }
    out += s.slice(start, i) + rep;
    start = i + 1;
  }
  return out + s.slice(start) + '"';
}

function writeCompact(n: JNode, escapeHTML: boolean, parts: string[]): void {
  switch (n.t) {
    case 'null':
      parts.push('null');
      return;
    case 'bool':
      parts.push(n.v ? 'true' : 'false');
      return;
    case 'num':
      parts.push(n.text);
      return;
    case 'str':
      parts.push(quoteJsonString(n.v, escapeHTML));
      return;
    case 'arr':
      parts.push('[');
      n.items.forEach((it, i) => {
        if (i > 0) parts.push(',');
        writeCompact(it, escapeHTML, parts);
      });
      parts.push(']');
      return;
    case 'obj':
      parts.push('{');
      n.entries.forEach(([k, v], i) => {
        if (i > 0) parts.push(',');
        parts.push(quoteJsonString(k, escapeHTML), ':');
        writeCompact(v, escapeHTML, parts);
      });
      parts.push('}');
      return;
  }
}

function writeIndented(n: JNode, escapeHTML: boolean, prefix: string, indent: string, level: number, parts: string[]): void {
  const nl = (l: number) => '\n' + prefix + indent.repeat(l);
  switch (n.t) {
    case 'arr':
      if (n.items.length === 0) {
        parts.push('[]');
        return;
      }
      parts.push('[');
      n.items.forEach((it, i) => {
        if (i > 0) parts.push(',');
        parts.push(nl(level + 1));
        writeIndented(it, escapeHTML, prefix, indent, level + 1, parts);
      });
      parts.push(nl(level), ']');
      return;
    case 'obj':
      if (n.entries.length === 0) {
        parts.push('{}');
        return;
      }
      parts.push('{');
      n.entries.forEach(([k, v], i) => {
        if (i > 0) parts.push(',');
        parts.push(nl(level + 1), quoteJsonString(k, escapeHTML), ': ');
        writeIndented(v, escapeHTML, prefix, indent, level + 1, parts);
      });
      parts.push(nl(level), '}');
      return;
    default:
      writeCompact(n, escapeHTML, parts);
  }
}

/** A Go value as json.Marshal sees it at one level: struct methods applied, scalars as JSON text. */
type Shallow = { t: 'text'; s: string } | { t: 'arr'; items: GoValue[] } | { t: 'obj'; keys: string[]; get: (k: string) => GoValue };

function shallow(v: GoValue, escapeHTML: boolean): Shallow {
  for (;;) {
    if (v === null || v === undefined) return { t: 'text', s: 'null' };
    switch (typeof v) {
      case 'boolean':
        return { t: 'text', s: v ? 'true' : 'false' };
      case 'string':
        return { t: 'text', s: quoteJsonString(v, escapeHTML) };
      case 'number':
        if (!Number.isFinite(v)) throw new JsonMarshalError(`json: unsupported value: ${formatFloatG(v)}`);
        return { t: 'text', s: formatJsonFloat(v) };
      case 'bigint':
        return { t: 'text', s: v.toString() };
    }
    if (v instanceof GoInt) return { t: 'text', s: v.value.toString() };
    if (v instanceof Uint8Array) return isNilBytes(v) ? { t: 'text', s: 'null' } : { t: 'text', s: quoteJsonString(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'), escapeHTML) };
    if (Array.isArray(v)) return isNilSlice(v) ? { t: 'text', s: 'null' } : { t: 'arr', items: v };
    if (v instanceof GoFunction) throw new JsonMarshalError(`json: unsupported type: ${v.goTypeName}`);
    if (v instanceof GoStruct) {
      const st = v as GoStruct & { toJSON?: () => GoValue; MarshalJSON?: () => string };
      if (typeof st.MarshalJSON === 'function') {
        v = unmarshalJson(st.MarshalJSON());
        continue;
      }
      if (typeof st.toJSON === 'function') {
        v = st.toJSON();
        continue;
      }
      const fields = Object.keys(st).filter((k) => /^\p{Lu}/u.test(k));
      return { t: 'obj', keys: fields, get: (k) => (st as unknown as Record<string, GoValue>)[k] };
    }
    if (isGoMap(v)) {
      const m = v;
      if (isNilMap(m)) return { t: 'text', s: 'null' };
      return { t: 'obj', keys: isStructJson(m) ? Object.keys(m) : Object.keys(m).sort(compareGoStrings), get: (k) => m[k] };
    }
    throw new JsonMarshalError(`json: unsupported type: ${typeof v}`);
  }
}

/** Iterative json.Marshal / MarshalIndent (no recursion: any nesting depth). */
function marshalIterative(v: GoValue, escapeHTML: boolean, prefix: string | undefined, indent: string | undefined): string {
  const pretty = prefix !== undefined || indent !== undefined;
  const nl = (level: number) => '\n' + (prefix ?? '') + (indent ?? '').repeat(level);
  let out = '';
  type F = { s: Shallow; i: number; ref: object | null };
  const stack: F[] = [];
  const active = new Set<object>();
  const open = (val: GoValue): void => {
    const sh = shallow(val, escapeHTML);
    const ref = sh.t !== 'text' && val !== null && typeof val === 'object' ? (val as object) : null;
    if (ref && active.has(ref)) {
      throw new JsonMarshalError(`json: unsupported value: encountered a cycle via ${Array.isArray(val) ? '[]interface {}' : 'map[string]interface {}'}`);
    }
    if (sh.t === 'text') {
      out += sh.s;
      return;
    }
    const len = sh.t === 'arr' ? sh.items.length : sh.keys.length;
    if (len === 0) {
      out += sh.t === 'arr' ? '[]' : '{}';
      return;
    }
    out += sh.t === 'arr' ? '[' : '{';
    if (ref) active.add(ref);
    stack.push({ s: sh, i: 0, ref });
  };
  open(v);
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    const sh = f.s as Exclude<Shallow, { t: 'text' }>;
    const len = sh.t === 'arr' ? sh.items.length : sh.keys.length;
    if (f.i >= len) {
      stack.pop();
      if (f.ref) active.delete(f.ref);
      if (pretty) out += nl(stack.length);
      out += sh.t === 'arr' ? ']' : '}';
      continue;
    }
    if (f.i > 0) out += ',';
    if (pretty) out += nl(stack.length);
    const idx = f.i++;
    if (sh.t === 'arr') {
      open(sh.items[idx]);
    } else {
      const k = sh.keys[idx];
      out += quoteJsonString(k, escapeHTML) + (pretty ? ': ' : ':');
      open(sh.get(k));
    }
  }
  return out;
}

/**
 * json.Marshal (or json.MarshalIndent when `indent`/`prefix` is given). HTML characters are
 * escaped unless `escapeHTML: false` (json.Encoder.SetEscapeHTML(false)). Throws JsonMarshalError.
 */
export function marshalJson(v: GoValue, opts?: { indent?: string; prefix?: string; escapeHTML?: boolean }): string {
  return marshalIterative(v, opts?.escapeHTML ?? true, opts?.prefix, opts?.indent);
}

// ---------------------------------------------------------------------------------------------
// Unmarshal
// ---------------------------------------------------------------------------------------------

const MAX_NESTING = 10000;

function describeChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  const cp = c.codePointAt(0)!;
  if (cp < 0x20 || cp === 0x7f) {
    return `'${JSON.stringify(c).slice(1, -1).replace(/\\u00([0-9a-f]{2})/, '\\x$1')}'`;
  }
  return `'${c}'`;
}

class JsonParser {
  i = 0;
  depth = 0;
  /** The first number out of float64 range ([message, offset]); decoding goes on with nil. */
  typeErr: [string, number] | undefined;
  constructor(readonly s: string) {}

  err(msg: string): never {
    throw new JsonSyntaxError(msg, this.i);
  }
  eof(): never {
    throw new JsonSyntaxError('unexpected end of JSON input', this.s.length);
  }
  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else break;
    }
  }
  charAt(): string {
    return String.fromCodePoint(this.s.codePointAt(this.i)!);
  }
  value(ctx: string): GoValue {
    this.ws();
    if (this.i >= this.s.length) this.eof();
    const c = this.s[this.i];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return this.number();
        this.err(`invalid character ${describeChar(this.charAt())} ${ctx}`);
    }
  }
  literal(word: string, v: GoValue): GoValue {
    for (let k = 0; k < word.length; k++) {
      if (this.i >= this.s.length) this.eof();
      if (this.s[this.i] !== word[k]) this.err(`invalid character ${describeChar(this.charAt())} in literal ${word} (expecting '${word[k]}')`);
      this.i++;
    }
    return v;
  }
  number(): number | null {
    const s = this.s;
    const start = this.i;
    if (s[this.i] === '-') {
      this.i++;
      if (this.i >= s.length) this.eof();
      if (!(s[this.i] >= '0' && s[this.i] <= '9')) this.err(`invalid character ${describeChar(this.charAt())} in numeric literal`);
    }
    if (s[this.i] === '0') this.i++;
    else while (this.i < s.length && s[this.i] >= '0' && s[this.i] <= '9') this.i++;
    if (s[this.i] === '.') {
      this.i++;
      if (this.i >= s.length) this.eof();
      if (!(s[this.i] >= '0' && s[this.i] <= '9')) this.err(`invalid character ${describeChar(this.charAt())} after decimal point in numeric literal`);
      while (this.i < s.length && s[this.i] >= '0' && s[this.i] <= '9') this.i++;
    }
    if (s[this.i] === 'e' || s[this.i] === 'E') {
      this.i++;
      if (s[this.i] === '+' || s[this.i] === '-') this.i++;
      if (this.i >= s.length) this.eof();
      if (!(s[this.i] >= '0' && s[this.i] <= '9')) this.err(`invalid character ${describeChar(this.charAt())} in exponent of numeric literal`);
      while (this.i < s.length && s[this.i] >= '0' && s[this.i] <= '9') this.i++;
    }
    const text = s.slice(start, this.i);
    const v = Number(text);
    if (!Number.isFinite(v)) {
      this.typeErr ??= [`json: cannot unmarshal number ${text} into Go value of type float64`, start];
      return null;
    }
    return v;
  }
  string(): string {
    const s = this.s;
    this.i++; // opening quote
    let out = '';
    let start = this.i;
    for (;;) {
      if (this.i >= s.length) this.eof();
      const c = s.charCodeAt(this.i);
      if (c === 0x22) {
        out += s.slice(start, this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) this.err(`invalid character ${describeChar(s[this.i])} in string literal`);
      if (c === 0x5c) {
        out += s.slice(start, this.i);
        this.i++;
        if (this.i >= s.length) this.eof();
        const e = s[this.i];
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            this.i++;
            break;
          case 'b':
            out += '\b';
            this.i++;
            break;
          case 'f':
            out += '\f';
            this.i++;
            break;
          case 'n':
            out += '\n';
            this.i++;
            break;
          case 'r':
            out += '\r';
            this.i++;
            break;
          case 't':
            out += '\t';
            this.i++;
            break;
          case 'u': {
            this.i++;
            const readHex = (): number => {
              let v = 0;
              for (let k = 0; k < 4; k++) {
                if (this.i >= s.length) this.eof();
                const h = s[this.i];
                if (!/[0-9a-fA-F]/.test(h)) this.err(`invalid character ${describeChar(h)} in \\u hexadecimal character escape`);
                v = v * 16 + parseInt(h, 16);
                this.i++;
              }
              return v;
            };
            const u = readHex();
            if (u >= 0xd800 && u <= 0xdbff) {
              if (s[this.i] === '\\' && s[this.i + 1] === 'u') {
                const save = this.i;
                this.i += 2;
                const lo = readHex();
                if (lo >= 0xdc00 && lo <= 0xdfff) {
                  out += String.fromCharCode(u, lo);
                  break;
                }
                this.i = save;
              }
              out += '\ufffd';
            } else if (u >= 0xdc00 && u <= 0xdfff) {
              out += '\ufffd';
            } else {
              out += String.fromCharCode(u);
            }
            break;
          }
          default:
            this.err(`invalid character ${describeChar(this.charAt())} in string escape code`);
        }
        start = this.i;
        continue;
      }
      this.i++;
    }
  }
  enter(): void {
    if (++this.depth > MAX_NESTING) this.err('exceeded max depth');
  }
  object(): GoValue {
    this.enter();
    this.i++;
    const out = newMap();
    this.ws();
    if (this.i >= this.s.length) this.eof();
    if (this.s[this.i] === '}') {
      this.i++;
      this.depth--;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.i >= this.s.length) this.eof();
      if (this.s[this.i] !== '"') this.err(`invalid character ${describeChar(this.charAt())} looking for beginning of object key string`);
      const k = this.string();
      this.ws();
      if (this.i >= this.s.length) this.eof();
      if (this.s[this.i] !== ':') this.err(`invalid character ${describeChar(this.charAt())} after object key`);
      this.i++;
      out[k] = this.value('looking for beginning of value');
      this.ws();
      if (this.i >= this.s.length) this.eof();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        this.depth--;
        return out;
      }
      this.err(`invalid character ${describeChar(this.charAt())} after object key:value pair`);
    }
  }
  array(): GoValue {
    this.enter();
    this.i++;
    const out: GoValue[] = [];
    this.ws();
    if (this.i >= this.s.length) this.eof();
    if (this.s[this.i] === ']') {
      this.i++;
      this.depth--;
      return out;
    }
    for (;;) {
      out.push(this.value('looking for beginning of value'));
      this.ws();
      if (this.i >= this.s.length) this.eof();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        this.depth--;
        return out;
      }
      this.err(`invalid character ${describeChar(this.charAt())} after array element`);
    }
  }
}

/**
 * JSON.parse's result as Go values (null-prototype maps), without recursion. Undefined when
 * nesting exceeds Go's limit (the exact parser then reports it).
 */
function fromNative(root: unknown): GoValue | undefined {
  const convert = (v: unknown): GoValue => (v !== null && typeof v === 'object' ? (Array.isArray(v) ? new Array(v.length) : newMap()) : (v as GoValue));
  const out = convert(root);
  const stack: [unknown, GoValue, number][] = [[root, out, 1]];
  while (stack.length > 0) {
    const [src, dst, depth] = stack.pop()!;
    if (src === null || typeof src !== 'object') continue;
    if (depth > MAX_NESTING) return undefined;
    if (Array.isArray(src)) {
      const d = dst as GoValue[];
      for (let i = 0; i < src.length; i++) {
        d[i] = convert(src[i]);
        if (src[i] !== null && typeof src[i] === 'object') stack.push([src[i], d[i], depth + 1]);
      }
    } else {
      const d = dst as GoMap;
      for (const k of Object.keys(src)) {
        const v = (src as Record<string, unknown>)[k];
        d[k] = convert(v);
        if (v !== null && typeof v === 'object') stack.push([v, d[k], depth + 1]);
      }
    }
  }
  return out;
}

function hasInfinity(v: GoValue): boolean {
  const stack: GoValue[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (typeof x === 'number') {
      if (!Number.isFinite(x)) return true;
    } else if (Array.isArray(x)) for (const e of x) stack.push(e);
    else if (x !== null && typeof x === 'object') for (const k of Object.keys(x)) stack.push((x as GoMap)[k]);
  }
  return false;
}

/** json.Unmarshal(text, &interface{}): numbers become float64 (JS numbers), errors in Go's words. */
export function unmarshalJson(text: string): GoValue {
  text = toValidUtf8(text); // Go's decoder reads bytes that are not UTF-8 as U+FFFD
  // Fast path: the built-in parser agrees with Go on valid JSON, except for lone surrogate
  // escapes (Go substitutes U+FFFD) and numbers out of float64 range (Go fails).
  if (!/\\u[dD][89a-fA-F]/.test(text)) {
    let native: unknown;
    let ok = true;
    try {
      native = JSON.parse(text);
    } catch {
      ok = false;
    }
    if (ok && !(typeof native === 'number' && !Number.isFinite(native))) {
      const v = fromNative(native);
      if (v !== undefined && !(/[eE][+-]?\d{3}|\d{309}/.test(text) && hasInfinity(v))) return v;
    }
  }
  const p = new JsonParser(text);
  let v: GoValue;
  try {
    v = p.value('looking for beginning of value');
  } catch (e) {
    if (e instanceof RangeError) throw new JsonSyntaxError('exceeded max depth', p.i);
    throw e;
  }
  p.ws();
  if (p.i < text.length) p.err(`invalid character ${describeChar(p.charAt())} after top-level value`);
  if (p.typeErr) throw new JsonPartialError(p.typeErr[0], p.typeErr[1], v);
  return v;
}

/**
 * json.Decoder.Decode of the first JSON value in `text` (leading whitespace allowed, anything
 * may follow the value): returns the value and the offset just after it (Decoder.InputOffset).
 */
export function decodeJsonPrefix(text: string): { value: GoValue; end: number } {
  const p = new JsonParser(text);
  try {
    const value = p.value('looking for beginning of value');
    if (p.typeErr) throw new JsonPartialError(p.typeErr[0], p.typeErr[1], value);
    return { value, end: p.i };
  } catch (e) {
    if (e instanceof RangeError) throw new JsonSyntaxError('exceeded max depth', p.i);
    throw e;
  }
}

function jsonKind(v: GoValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/**
 * json.Unmarshal into map[string]interface{} ('map') or []interface{} ('array'), e.g. Helm's
 * fromJson / fromJsonArray. A JSON null gives nil (null).
 */
export function unmarshalJsonAs(text: string, target: 'map'): GoMap | null;
export function unmarshalJsonAs(text: string, target: 'array'): GoValue[] | null;
export function unmarshalJsonAs(text: string, target: 'map' | 'array'): GoMap | GoValue[] | null {
  const goType = target === 'map' ? 'map[string]interface {}' : '[]interface {}';
  let v: GoValue;
  try {
    v = unmarshalJson(text);
  } catch (e) {
    if (!(e instanceof JsonPartialError)) throw e;
    // a top-level number (even out of range) cannot go into a map or slice
    if (e.partial === null) throw new JsonSyntaxError(`json: cannot unmarshal number into Go value of type ${goType}`, 0);
    if (target === 'array' ? Array.isArray(e.partial) : isGoMap(e.partial)) throw e;
    throw new JsonSyntaxError(`json: cannot unmarshal ${jsonKind(e.partial)} into Go value of type ${goType}`, 0);
  }
  // A JSON null sets the Go map/slice to nil.
  if (v === null) return null;
  if (target === 'array' ? Array.isArray(v) : isGoMap(v)) return v as GoMap | GoValue[];
  throw new JsonSyntaxError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type ${goType}`, 0);
}
