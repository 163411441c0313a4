/**
 * Minimal Go fmt helpers the function library needs (%v and %q of Go values).
 * The template engine's full printf lives in ../gofmt.ts; these helpers follow
 * the same rules for the verbs Sprig uses internally (fmt.Sprint/Sprintf("%v"/"%q")).
 */
import { GoFunction, GoStruct, isGoMap, type GoValue } from '../types.js';

/** strconv.FormatFloat(f, 'g', -1, 64), which is what %v prints for a float64. */
export function formatFloatV(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const exp = f.toExponential(); // shortest digits that round-trip
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exp)!;
  const sign = m[1];
  const digits = m[2] + (m[3] ?? '');
  const e = parseInt(m[4], 10);
  // Go: %e when exp < -4 || exp >= eprec, and eprec is 6 for the shortest representation.
  if (e < -4 || e >= 6) return sign + expForm(digits, e);
  return sign + fixedForm(digits, e);
}

function expForm(digits: string, e: number): string {
  const mant = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
  const es = Math.abs(e) < 10 ? '0' + Math.abs(e) : String(Math.abs(e));
  return mant + 'e' + (e < 0 ? '-' : '+') + es;
}

function fixedForm(digits: string, e: number): string {
  if (e < 0) return '0.' + '0'.repeat(-e - 1) + digits;
  if (digits.length <= e + 1) return digits + '0'.repeat(e + 1 - digits.length);
  return digits.slice(0, e + 1) + '.' + digits.slice(e + 1);
}

function hasMethod(v: GoStruct, name: string): boolean {
  return typeof (v as unknown as Record<string, unknown>)[name] === 'function';
}

/** fmt.Sprint(v) / %v for one Go value. */
export function formatV(v: GoValue, top = true): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return formatFloatV(v);
    case 'bigint':
      return v.toString();
  }
  if (v instanceof Uint8Array) return '[' + Array.from(v).join(' ') + ']';
  if (Array.isArray(v)) return '[' + v.map((x) => formatV(x, false)).join(' ') + ']';
  if (v instanceof GoStruct) {
    if (hasMethod(v, 'Error')) return String((v as unknown as { Error(): unknown }).Error());
    if (hasMethod(v, 'String')) return String((v as unknown as { String(): unknown }).String());
    const fields = Object.keys(v)
      .filter((k) => k !== 'goTypeName' && /^[A-Z]/.test(k))
      .map((k) => formatV((v as unknown as Record<string, GoValue>)[k], false));
    return (v.goTypeName.startsWith('*') ? '&' : '') + '{' + fields.join(' ') + '}';
  }
  if (v instanceof GoFunction) return '0x0';
  if (isGoMap(v)) {
    const keys = Object.keys(v).sort();
    return 'map[' + keys.map((k) => k + ':' + formatV(v[k], false)).join(' ') + ']';
  }
  void top;
  return String(v);
}

/** fmt.Sprint(a...) : spaces only between operands when neither is a string. */
export function sprint(args: GoValue[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    const isStr = typeof args[i] === 'string';
    if (i > 0 && !isStr && typeof args[i - 1] !== 'string') out += ' ';
    out += formatV(args[i]);
  }
  return out;
}

function isPrintable(cp: number): boolean {
  if (cp === 0x20) return true;
  if (cp < 0x20 || cp === 0x7f) return false;
  const ch = String.fromCodePoint(cp);
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch);
}

/** strconv.Quote (what %q prints for a string). */
export function quoteGo(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += '\uFFFD';
      continue;
    }
    if (isPrintable(cp)) out += ch;
    else if (cp < 0x80) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}
