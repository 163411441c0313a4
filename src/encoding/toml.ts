/**
 * TOML encoding as Helm's `toToml` does it: github.com/BurntSushi/toml v1.6's Encoder with
 * its defaults (two-space indentation of sub-tables, direct keys before tables, keys sorted,
 * nil map values skipped). Helm returns the encoder's error text as the function's result;
 * here errors are thrown as TomlError so the caller can decide.
 */
import { GoFunction, GoInt, GoStruct, isGoMap, isNilMap, type GoMap, type GoValue } from '../engine/types.js';
import { formatFloatG } from './gofloat.js';
import { compareGoStrings } from './json.js';

export class TomlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TomlError';
  }
}

type TType = 'table' | 'arrayTable' | 'other' | null;

function structFields(v: GoStruct): GoMap {
  const s = v as GoStruct & { toJSON?: () => GoValue };
  if (typeof s.toJSON === 'function') {
    const j = s.toJSON();
    if (isGoMap(j)) return j;
  }
  const out: GoMap = Object.create(null);
  for (const k of Object.keys(v)) if (/^\p{Lu}/u.test(k)) out[k] = (v as unknown as GoMap)[k];
  return out;
}

function asTable(v: GoValue): GoMap | undefined {
  if (isGoMap(v)) return v;
  if (v instanceof GoStruct) return structFields(v);
  return undefined;
}

function tomlType(v: GoValue): TType {
  if (v === null || v === undefined) return null;
  if (asTable(v)) return 'table';
  if (Array.isArray(v)) return isTableArray(v) ? 'arrayTable' : 'other';
  return 'other';
}

function isTableArray(arr: GoValue[]): boolean {
  if (arr.length === 0) return false;
  let ret = true;
  for (const e of arr) {
    const t = tomlType(e);
    if (t === null) throw new TomlError('toml: cannot encode array with nil element');
    if (ret && t !== 'table') ret = false;
  }
  return ret;
}

const BARE = /^[A-Za-z0-9_-]+$/;

function quoteString(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\r':
        out += '\\r';
        continue;
    }
    if (c < 0x20 || c === 0x7f) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return '"' + out + '"';
}

function maybeQuoted(k: string): string {
  return BARE.test(k) ? k : quoteString(k);
}

function floatText(f: number): string {
  if (Number.isNaN(f)) return 'nan';
  if (f === Infinity) return 'inf';
  if (f === -Infinity) return '-inf';
  const s = formatFloatG(f, 64);
  return /[.eE]/.test(s) || /n/.test(s) ? s : s + '.0';
}

class TomlEncoder {
  out = '';
  hasWritten = false;
  constructor(readonly indent = '  ') {}

  wf(s: string): void {
    this.out += s;
    if (s.length > 0) this.hasWritten = true;
  }
  newline(): void {
    if (this.hasWritten) this.wf('\n');
  }
  indentStr(key: string[]): string {
    return this.indent.repeat(Math.max(0, key.length - 1));
  }
  keyString(key: string[]): string {
    return key.map(maybeQuoted).join('.');
  }

  encode(key: string[], v: GoValue): void {
    const t = tomlType(v);
    if (t === 'table') {
      this.eTable(key, asTable(v)!);
      return;
    }
    if (t === 'arrayTable') {
      this.eArrayOfTables(key, v as GoValue[]);
      return;
    }
    this.writeKeyValue(key, v, false);
  }

  eTable(key: string[], m: GoMap): void {
    if (key.length === 1) this.newline();
    if (key.length > 0) {
      this.wf(`${this.indentStr(key)}[${this.keyString(key)}]`);
      this.newline();
    }
    this.eMap(key, m, false);
  }

  eArrayOfTables(key: string[], arr: GoValue[]): void {
    for (const e of arr) {
      const tbl = asTable(e);
      if (!tbl) continue;
      this.newline();
      this.wf(`${this.indentStr(key)}[[${this.keyString(key)}]]`);
      this.newline();
      this.eMap(key, tbl, false);
    }
  }

  eMap(key: string[], m: GoMap, inline: boolean): void {
    const direct: string[] = [];
    const sub: string[] = [];
    for (const k of Object.keys(m)) {
      const t = tomlType(m[k]);
      if (t === 'table' || t === 'arrayTable') sub.push(k);
      else direct.push(k);
    }
    const writeKeys = (keys: string[], trailC: boolean) => {
      keys.sort(compareGoStrings);
      keys.forEach((k, i) => {
        const val = m[k];
        if (val === null || val === undefined || isNilMap(val)) return; // BurntSushi skips nil values, nil maps included
        if (inline) {
          this.writeKeyValue([k], val, true);
          if (trailC || i !== keys.length - 1) this.wf(', ');
        } else {
          this.encode([...key, k], val);
        }
      });
    };
    if (inline) this.wf('{');
    writeKeys(direct, sub.length > 0);
    writeKeys(sub, false);
    if (inline) this.wf('}');
  }

  writeKeyValue(key: string[], v: GoValue, inline: boolean): void {
    // An inline table key is written relative to its table.
    if (!inline) this.wf(`${this.indentStr(key)}${maybeQuoted(key[key.length - 1])} = `);
    else this.wf(`${maybeQuoted(key[key.length - 1])} = `);
    this.eElement(v);
    if (!inline) this.newline();
  }

  eElement(v: GoValue): void {
    if (v === null || v === undefined) throw new TomlError('toml: cannot encode a nil value');
    switch (typeof v) {
      case 'string':
        this.wf(quoteString(v));
        return;
      case 'boolean':
        this.wf(v ? 'true' : 'false');
        return;
      case 'number':
        this.wf(floatText(v));
        return;
      case 'bigint':
        this.wf(v.toString());
        return;
    }
    if (v instanceof GoInt) {
      this.wf(v.value.toString());
      return;
    }
    if (v instanceof Uint8Array) {
      // []byte is an array of integers for the encoder.
      this.eArray(Array.from(v, (b) => BigInt(b)));
      return;
    }
    if (Array.isArray(v)) {
      this.eArray(v);
      return;
    }
    const tbl = asTable(v);
    if (tbl) {
      this.eMap([], tbl, true);
      return;
    }
    if (v instanceof GoFunction) throw new TomlError(`toml: cannot encode a value of type ${v.goTypeName}`);
    throw new TomlError('toml: unsupported value');
  }

  eArray(arr: GoValue[]): void {
    // Validates nil elements like BurntSushi's tomlArrayType.
    for (const e of arr) if (e === null || e === undefined) throw new TomlError('toml: cannot encode array with nil element');
    this.wf('[');
    arr.forEach((e, i) => {
      this.eElement(e);
      if (i !== arr.length - 1) this.wf(', ');
    });
    this.wf(']');
  }
}

/** BurntSushi/toml Encoder.Encode(v) output. Throws TomlError with the encoder's message. */
export function toToml(v: GoValue): string {
  const enc = new TomlEncoder();
  const tbl = asTable(v);
  if (tbl) {
    enc.eTable([], tbl);
  } else {
    if (Array.isArray(v) && isTableArray(v)) throw new TomlError('toml: top-level values must be Go maps or structs');
    enc.eElement(v);
  }
  return enc.out;
}
