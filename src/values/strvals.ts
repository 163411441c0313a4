/**
 * Helm's --set family parsers (helm pkg/strvals), with the same grammar, type inference,
 * limits and error texts:
 *
 *   --set          a.b[0].c=x,list={a,b},esc=x\,y     ints → int64 (bigint), true/false → bool, null → nil
 *   --set-string   same grammar, every value a string
 *   --set-json     a={"json":1},b=[1,2]  or a whole JSON object
 *   --set-literal  a.b=everything after the first '=' verbatim
 *   --set-file     a=path  (the value is the file's content)
 *
 * The functions mutate and return `into`. Errors are thrown as StrvalsError with Helm's message
 * *without* the "failed parsing --set data: " prefix; `helmMessage` holds the full text Helm prints.
 */
import { isGoMap, newMap, type GoMap, type GoValue } from '../engine/types.js';
import { decodeJsonPrefix, JsonSyntaxError, unmarshalJson } from '../encoding/json.js';

/** Helm's strvals.MaxIndex. */
export const MAX_INDEX = 65536;
/** Helm's strvals.MaxNestedNameLevel. */
export const MAX_NESTED_NAME_LEVEL = 30;

export class StrvalsError extends Error {
  /** The complete message as helm prints it after "Error: ". */
  helmMessage: string;
  constructor(message: string, flag?: string, helmMessage?: string) {
    super(message);
    this.name = 'StrvalsError';
    this.helmMessage = helmMessage ?? (flag ? `failed parsing ${flag} data: ${message}` : message);
  }
}

/** io.EOF, used internally as in Go. */
const EOF = Symbol('EOF');
/** strvals.ErrNotList */
const NOT_LIST = Symbol('not a list');

class ParseFailure extends Error {}

function fail(msg: string): never {
  throw new ParseFailure(msg);
}

/** Go's strconv.Quote for the ASCII/printable cases strvals messages need. */
function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

function goQuoteRune(ch: string): string {
  if (ch === "'") return "'\\''";
  if (ch === '\\') return "'\\\\'";
  const q = goQuote(ch);
  return "'" + q.slice(1, -1).replace(/\\"/g, '"') + "'";
}

/** Go's type name of a value as a panic message shows it (interface conversion). */
function goDynType(v: GoValue): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'bigint') return 'int64';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof Uint8Array) return '[]uint8';
  if (isGoMap(v)) return 'map[string]interface {}';
  return 'interface {}';
}

function asList(v: GoValue): GoValue[] {
  if (Array.isArray(v)) return v;
  throw new ParseFailure(`unable to parse key: interface conversion: interface {} is ${goDynType(v)}, not []interface {}`);
}
function asMap(v: GoValue): GoMap {
  if (isGoMap(v)) return v;
  throw new ParseFailure(`unable to parse key: interface conversion: interface {} is ${goDynType(v)}, not map[string]interface {}`);
}

/** Go's strconv.Atoi error texts. */
function atoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) fail(`strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`);
  const v = BigInt(s);
  if (v > 2n ** 63n - 1n || v < -(2n ** 63n)) fail(`strconv.Atoi: parsing ${goQuote(s)}: value out of range`);
  return Number(v);
}

type Reader = (runes: string) => GoValue;

/** strvals typedVal. */
function typedVal(val: string, st: boolean): GoValue {
  if (st) return val;
  const lower = val.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (val === '0') return 0n;
  if (val.length !== 0 && val[0] !== '0' && /^[+-]?[0-9]+$/.test(val)) {
    const v = BigInt(val);
    if (v <= 2n ** 63n - 1n && v >= -(2n ** 63n)) return v;
  }
  return val;
}

/** A rune scanner over the expression (bytes.Buffer ReadRune/UnreadRune). */
class Scanner {
  pos = 0;
  last = -1;
  constructor(readonly s: string) {}
  read(): string | typeof EOF {
    if (this.pos >= this.s.length) {
      this.last = -1;
      return EOF;
    }
    const cp = this.s.codePointAt(this.pos)!;
    const ch = String.fromCodePoint(cp);
    this.last = this.pos;
    this.pos += ch.length;
    return ch;
  }
  unread(): void {
    if (this.last >= 0) this.pos = this.last;
    this.last = -1;
  }
  rest(): string {
    return this.s.slice(this.pos);
  }
}

interface Until {
  v: string;
  runes: string[];
  last: string | typeof EOF;
  eof: boolean;
}

function runesUntil(sc: Scanner, stop: string, escapes: boolean): Until {
  const runes: string[] = [];
  for (;;) {
    const r = sc.read();
    if (r === EOF) return { v: runes.join(''), runes, last: EOF, eof: true };
    if (stop.includes(r)) return { v: runes.join(''), runes, last: r, eof: false };
    if (escapes && r === '\\') {
      const next = sc.read();
      if (next === EOF) return { v: runes.join(''), runes, last: EOF, eof: true };
      runes.push(next);
      continue;
    }
    runes.push(r);
  }
}

function set(data: GoMap, key: string, val: GoValue): void {
  if (key.length === 0) return;
  data[key] = val;
}

function setIndex(list: GoValue[], index: number, val: GoValue): GoValue[] {
  if (index < 0) fail(`negative ${index} index not allowed`);
  if (index > MAX_INDEX) fail(`index of ${index} is greater than maximum supported index of ${MAX_INDEX}`);
  while (list.length <= index) list.push(null);
  list[index] = val;
  return list;
}

type Mode = 'typed' | 'string' | 'json' | 'file' | 'literal';

class Parser {
  sc: Scanner;
  constructor(
    text: string,
    readonly data: GoMap,
    readonly mode: Mode,
    readonly reader: Reader,
  ) {
    this.sc = new Scanner(text);
  }

  get escapes(): boolean {
    return this.mode !== 'literal';
  }

  parse(): void {
    for (;;) {
      const r = this.key(this.data, 0);
      if (r === EOF) return;
    }
  }

  /** Returns EOF when the input ended cleanly; throws ParseFailure on errors. */
  key(data: GoMap, nestedNameLevel: number): typeof EOF | void {
    const stop = this.mode === 'literal' ? '=[.' : '=[,.';
    const u = runesUntil(this.sc, stop, this.escapes);
    const k = u.v;
    if (u.eof) {
      if (k.length === 0) return EOF;
      fail(`key ${goQuote(k)} has no value`);
    }
    switch (u.last) {
      case '[': {
        const i = this.keyIndex();
        let list: GoValue[] = [];
        if (Object.prototype.hasOwnProperty.call(data, k)) list = asList(data[k]);
        const r = this.listItem(list, i, nestedNameLevel);
        set(data, k, r.list);
        return r.eof ? EOF : undefined;
      }
      case '=':
        return this.assign(data, k);
      case ',':
        set(data, k, '');
        fail(`key ${goQuote(k)} has no value (cannot end with ,)`);
      // falls through (unreachable)
      case '.': {
        nestedNameLevel++;
        if (nestedNameLevel > MAX_NESTED_NAME_LEVEL) {
          fail(`value name nested level is greater than maximum supported nested level of ${MAX_NESTED_NAME_LEVEL}`);
        }
        let inner: GoMap = newMap();
        if (Object.prototype.hasOwnProperty.call(data, k)) inner = asMap(data[k]);
        let e: typeof EOF | void;
        try {
          e = this.key(inner, nestedNameLevel);
        } catch (err) {
          if (Object.keys(inner).length !== 0) set(data, k, inner);
          throw err;
        }
        if (e === undefined && Object.keys(inner).length === 0) fail(`key map ${goQuote(k)} has no value`);
        if (Object.keys(inner).length !== 0) set(data, k, inner);
        return e;
      }
    }
  }

  /** The `key=` case of key(). */
  assign(data: GoMap, k: string): typeof EOF | void {
    if (this.mode === 'literal') {
      set(data, k, this.sc.rest());
      this.sc.pos = this.sc.s.length;
      return undefined;
    }
    if (this.mode === 'json') {
      if (this.emptyVal()) {
        set(data, k, null);
        return undefined;
      }
      set(data, k, this.jsonValue());
      this.emptyVal();
      return undefined;
    }
    const vl = this.valList();
    if (vl === EOF) {
      set(data, k, '');
      return EOF;
    }
    if (vl !== NOT_LIST) {
      set(data, k, vl);
      return undefined;
    }
    const rs = this.val();
    set(data, k, this.reader(rs));
    return undefined;
  }

  jsonValue(): GoValue {
    const rest = this.sc.rest();
    const { value, end } = decodeJsonPrefix(rest);
    this.sc.pos += end;
    return value;
  }

  keyIndex(): number {
    const u = runesUntil(this.sc, ']', this.escapes);
    if (u.eof) fail('error parsing index: EOF');
    try {
      return atoi(u.v);
    } catch (e) {
      if (e instanceof ParseFailure) fail(`error parsing index: ${e.message}`);
      throw e;
    }
  }

  listItem(list: GoValue[], i: number, nestedNameLevel: number): { list: GoValue[]; eof: boolean } {
    if (i < 0) fail(`negative ${i} index not allowed`);
    const u = runesUntil(this.sc, '[.=', this.escapes);
    if (u.runes.length > 0) fail(`unexpected data at end of array index: [${u.runes.map(goQuoteRune).join(' ')}]`);
    if (u.eof) return { list, eof: true };
    switch (u.last) {
      case '=': {
        if (this.mode === 'literal') {
          const v = this.sc.rest();
          this.sc.pos = this.sc.s.length;
          return { list: setIndex(list, i, v), eof: false };
        }
        if (this.mode === 'json') {
          if (this.emptyVal()) return { list: setIndex(list, i, null), eof: false };
          const l2 = setIndex(list, i, this.jsonValue());
          this.emptyVal();
          return { list: l2, eof: false };
        }
        const vl = this.valList();
        if (vl === EOF) return { list: setIndex(list, i, ''), eof: false };
        if (vl !== NOT_LIST) return { list: setIndex(list, i, vl), eof: false };
        const rs = this.val();
        return { list: setIndex(list, i, this.reader(rs)), eof: false };
      }
      case '[': {
        const nextI = this.keyIndex();
        let crt: GoValue[] = [];
        if (list.length > i && list[i] !== null && list[i] !== undefined) crt = asList(list[i]);
        const r = this.listItem(crt, nextI, nestedNameLevel);
        return { list: setIndex(list, i, r.list), eof: false };
      }
      case '.': {
        let inner: GoMap = newMap();
        if (list.length > i) {
          const cur = list[i];
          if (isGoMap(cur)) inner = cur;
          else list[i] = inner;
        }
        const e = this.key(inner, nestedNameLevel);
        if (e === EOF) return { list, eof: true };
        return { list: setIndex(list, i, inner), eof: false };
      }
      default:
        fail(`parse error: unexpected token ${String(u.last)}`);
    }
  }

  /** Skips blanks and one comma; true when the value is empty. */
  emptyVal(): boolean {
    for (;;) {
      const r = this.sc.read();
      if (r === EOF) return true;
      if (r === ',') return true;
      if (!/^\s$/u.test(r)) {
        this.sc.unread();
        return false;
      }
    }
  }

  val(): string {
    return runesUntil(this.sc, ',', true).v;
  }

  valList(): GoValue[] | typeof EOF | typeof NOT_LIST {
    const r = this.sc.read();
    if (r === EOF) return EOF;
    if (r !== '{') {
      this.sc.unread();
      return NOT_LIST;
    }
    const list: GoValue[] = [];
    for (;;) {
      const u = runesUntil(this.sc, ',}', true);
      if (u.eof) fail("list must terminate with '}'");
      if (u.last === '}') {
        const n = this.sc.read();
        if (n !== EOF && n !== ',') this.sc.unread();
        list.push(this.reader(u.v));
        return list;
      }
      list.push(this.reader(u.v));
    }
  }
}

function run(text: string, into: GoMap, mode: Mode, reader: Reader, flag: string): GoMap {
  try {
    new Parser(text, into, mode, reader).parse();
  } catch (e) {
    if (e instanceof ParseFailure) throw new StrvalsError(e.message, flag);
    if (e instanceof StrvalsError) throw e;
    if (e instanceof RangeError) throw new StrvalsError('value is nested too deeply', flag);
    throw e;
  }
  return into;
}

/** `--set`: strvals.ParseInto. */
export function parseSet(expr: string, into: GoMap = newMap()): GoMap {
  return run(expr, into, 'typed', (rs) => typedVal(rs, false), '--set');
}

/** `--set-string`: strvals.ParseIntoString. */
export function parseSetString(expr: string, into: GoMap = newMap()): GoMap {
  return run(expr, into, 'string', (rs) => typedVal(rs, true), '--set-string');
}

/** `--set-literal`: strvals.ParseLiteralInto. */
export function parseSetLiteral(expr: string, into: GoMap = newMap()): GoMap {
  return run(expr, into, 'literal', (rs) => rs, '--set-literal');
}

/**
 * `--set-json` as helm's MergeValues applies it: a whole JSON object is merged into `into`
 * (returning the merged map); otherwise key=json pairs are parsed with strvals.ParseJSON.
 */
export function parseSetJSON(expr: string, into: GoMap = newMap()): GoMap {
  const trimmed = expr.trim();
  if (trimmed.length > 0 && trimmed[0] === '{') {
    let obj: GoValue;
    try {
      obj = unmarshalJson(trimmed);
    } catch {
      throw new StrvalsError(`JSON: ${expr}`, undefined, `failed parsing --set-json data JSON: ${expr}`);
    }
    if (!isGoMap(obj)) throw new StrvalsError(`JSON: ${expr}`, undefined, `failed parsing --set-json data JSON: ${expr}`);
    const merged = mergeMaps(into, obj);
    // Keep `into` up to date for callers that ignore the return value.
    for (const k of Object.keys(into)) delete into[k];
    Object.assign(into, merged);
    return into;
  }
  try {
    new Parser(expr, into, 'json', () => null).parse();
  } catch (e) {
    if (e instanceof ParseFailure || e instanceof SyntaxError || e instanceof JsonSyntaxError) {
      throw new StrvalsError(expr, undefined, `failed parsing --set-json data ${expr}`);
    }
    throw e;
  }
  return into;
}

/** Converts a Node.js file error to Go's os error text (`open PATH: no such file or directory`). */
export function goFileError(path: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException)?.code;
  const reason: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    ENOTDIR: 'not a directory',
    ELOOP: 'too many levels of symbolic links',
  };
  if (code && reason[code]) return new Error(`${code === 'EISDIR' ? 'read' : 'open'} ${path}: ${reason[code]}`);
  return e instanceof Error ? e : new Error(String(e));
}

/**
 * `--set-file`: strvals.ParseIntoFile; each value is a path whose content becomes the string value.
 * `readFile` may be synchronous or return a Promise (then the result is a Promise too).
 */
export function parseSetFile(
  expr: string,
  into: GoMap,
  readFile: (path: string) => string | Uint8Array | Promise<string | Uint8Array>,
): GoMap | Promise<GoMap> {
  const toStr = (b: string | Uint8Array) => (typeof b === 'string' ? b : Buffer.from(b).toString('utf8'));
  const pending = new Map<string, Promise<string | Uint8Array>>();
  const firstTry = (path: string): GoValue => {
    let r: string | Uint8Array | Promise<string | Uint8Array>;
    try {
      r = readFile(path);
    } catch (e) {
      throw new ParseFailure(goFileError(path, e).message);
    }
    if (r instanceof Promise) {
      r.catch(() => undefined); // awaited below
      pending.set(path, r);
      throw new NeedAsync();
    }
    return toStr(r);
  };
  try {
    return run(expr, into, 'file', firstTry, '--set-file');
  } catch (e) {
    if (!(e instanceof NeedAsync)) throw e;
  }
  // Asynchronous reader: collect the paths on a scratch copy, read them, then parse for real.
  const paths: string[] = [];
  run(expr, structuredCloneMap(into), 'file', (p) => (paths.push(p), ''), '--set-file');
  return (async () => {
    const results = new Map<string, { ok: true; v: string } | { ok: false; err: string }>();
    for (const p of paths) {
      if (results.has(p)) continue;
      try {
        const pr = pending.get(p) ?? Promise.resolve(readFile(p));
        results.set(p, { ok: true, v: toStr(await pr) });
      } catch (e) {
        results.set(p, { ok: false, err: goFileError(p, e).message });
      }
    }
    return run(
      expr,
      into,
      'file',
      (p) => {
        const r = results.get(p);
        if (!r) throw new ParseFailure(`internal: ${p} was not read`);
        if (!r.ok) throw new ParseFailure(r.err);
        return r.v;
      },
      '--set-file',
    );
  })();
}

class NeedAsync extends Error {}

function structuredCloneMap(m: GoMap): GoMap {
  const out = newMap();
  for (const k of Object.keys(m)) {
    const v = m[k];
    out[k] = isGoMap(v) ? structuredCloneMap(v) : Array.isArray(v) ? cloneList(v) : v;
  }
  return out;
}
function cloneList(l: GoValue[]): GoValue[] {
  return l.map((v) => (isGoMap(v) ? structuredCloneMap(v) : Array.isArray(v) ? cloneList(v) : v));
}

/**
 * Helm's MergeMaps (pkg/chart/loader and pkg/cli/values): maps merge recursively, any other
 * value (lists included) from `b` replaces the one in `a`. Neither input is modified.
 */
export function mergeMaps(a: GoMap, b: GoMap): GoMap {
  const out = newMap();
  for (const k of Object.keys(a)) out[k] = a[k];
  for (const k of Object.keys(b)) {
    const v = b[k];
    if (isGoMap(v) && Object.prototype.hasOwnProperty.call(out, k) && isGoMap(out[k])) {
      out[k] = mergeMaps(out[k] as GoMap, v);
      continue;
    }
    out[k] = v;
  }
  return out;
}
