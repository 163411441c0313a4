/**
 * Go's fmt formatting (Sprintf, Sprint, Sprintln) and strconv helpers (FormatFloat, Quote)
 * over the Go value model of ./types.ts. Written from the documented behaviour of Go's
 * fmt and strconv packages (and checked against the real helm binary), so that template
 * output such as `printf "%05.2f"` or the `%v` printing of floats, maps and slices is
 * byte-for-byte what a Go program prints.
 */
import { GoFunction, GoInt, GoStruct, GoValue, goIntString, goTypeName, isGoMap, isUnaddressable } from './types.js';
import { goBytes, goString, hasRawBytes, isByteEscape } from './bytes.js';

// ---------------------------------------------------------------------------
// strconv: decimal digits of a float64

/** Decimal digits of |x|: value = 0.d × 10^dp (d has no leading zeros; empty for 0). */
interface Digits {
  d: string;
  dp: number;
}

/** Shortest digits that round-trip to x (x finite, >= 0). */
function shortestDigits(x: number, bitSize: 32 | 64 = 64): Digits {
  if (x === 0) return { d: '', dp: 0 };
  if (bitSize === 32) {
    const f = Math.fround(x);
    for (let p = 0; p < 17; p++) {
      const s = f.toExponential(p);
      if (Math.fround(Number(s)) === f) return parseExp(s);
    }
    return parseExp(f.toExponential());
  }
  return parseExp(x.toExponential());
}

function parseExp(s: string): Digits {
  const e = s.indexOf('e');
  let mant = s.slice(0, e);
  const exp = Number(s.slice(e + 1));
  mant = mant.replace('.', '');
  // strip trailing zeros
  let end = mant.length;
  while (end > 1 && mant.charCodeAt(end - 1) === 48) end--;
  mant = mant.slice(0, end);
  if (mant === '0') return { d: '', dp: 0 };
  return { d: mant, dp: exp + 1 };
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Mantissa (53-bit integer, with implicit bit) and binary exponent: x = mant × 2^exp. */
function frexpBits(x: number): { mant: bigint; exp: number } {
  F64[0] = x;
  const hi = U32[LITTLE ? 1 : 0]!;
  const lo = U32[LITTLE ? 0 : 1]!;
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (bexp === 0) {
    exp = -1074;
  } else {
    mant |= 1n << 52n;
    exp = bexp - 1075;
  }
  return { mant, exp };
}

/** Exact decimal expansion of |x| (x finite). */
function exactDigits(x: number): Digits {
  x = Math.abs(x);
  if (x === 0) return { d: '', dp: 0 };
  // Integers below 2^53 are exact in their JS decimal form.
  if (Number.isInteger(x) && x < 9007199254740992) {
    const s = String(x);
    let end = s.length;
    while (end > 1 && s.charCodeAt(end - 1) === 48) end--;
    return { d: s.slice(0, end), dp: s.length };
  }
  const { mant, exp } = frexpBits(x);
  let s: string;
  let dp: number;
  if (exp >= 0) {
    s = (mant << BigInt(exp)).toString();
    dp = s.length;
  } else {
    // mant / 2^-exp = mant × 5^-exp / 10^-exp
    s = (mant * 5n ** BigInt(-exp)).toString();
    dp = s.length - -exp;
  }
  let start = 0;
  while (start < s.length - 1 && s.charCodeAt(start) === 48) {
    start++;
    dp--;
  }
  let end = s.length;
  while (end > start + 1 && s.charCodeAt(end - 1) === 48) end--;
  return { d: s.slice(start, end), dp };
}

/** Round exact digits to nd digits, half to even on exact ties (like strconv's decimal.Round). */
function roundDigits(dg: Digits, nd: number): Digits {
  const { d } = dg;
  if (nd < 0 || nd >= d.length) return dg;
  const c = d.charCodeAt(nd);
  let up: boolean;
  if (c === 53 /* 5 */ && nd + 1 === d.length) {
    up = nd > 0 && (d.charCodeAt(nd - 1) - 48) % 2 === 1;
  } else {
    up = c >= 53;
  }
  if (!up) {
    let end = nd;
    while (end > 0 && d.charCodeAt(end - 1) === 48) end--;
    return { d: d.slice(0, end), dp: end === 0 ? 0 : dg.dp };
  }
  // round up
  let i = nd - 1;
  while (i >= 0 && d.charCodeAt(i) === 57) i--;
  if (i < 0) return { d: '1', dp: dg.dp + 1 };
  return { d: d.slice(0, i) + String.fromCharCode(d.charCodeAt(i) + 1), dp: dg.dp };
}

function digitAt(dg: Digits, i: number): string {
  return i >= 0 && i < dg.d.length ? dg.d[i]! : '0';
}

function fmtE(neg: boolean, dg: Digits, prec: number, fmtc: string): string {
  let out = neg ? '-' : '';
  out += dg.d.length === 0 ? '0' : dg.d[0];
  if (prec > 0) {
    out += '.';
    let frac = dg.d.slice(1, 1 + prec);
    if (frac.length < prec) frac += '0'.repeat(prec - frac.length);
    out += frac;
  }
  out += fmtc;
  let exp = dg.dp - 1;
  if (dg.d.length === 0) exp = 0;
  if (exp < 0) {
    out += '-';
    exp = -exp;
  } else out += '+';
  out += exp < 10 ? '0' + exp : String(exp);
  return out;
}

function fmtF(neg: boolean, dg: Digits, prec: number): string {
  let out = neg ? '-' : '';
  if (dg.dp > 0) {
    const n = Math.min(dg.dp, dg.d.length);
    out += dg.d.slice(0, n);
    if (dg.dp > n) out += '0'.repeat(dg.dp - n);
  } else out += '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(dg, dg.dp + i - 1);
  }
  return out;
}

/** Hexadecimal float formatting (%x / %X and strconv 'x'). */
function fmtX(x: number, prec: number, upper: boolean): string {
  const neg = x < 0 || Object.is(x, -0);
  x = Math.abs(x);
  let mant = 0n;
  let exp = 0;
  if (x !== 0) {
    const fb = frexpBits(x);
    mant = fb.mant;
    exp = fb.exp;
    // normalize so that the leading bit is bit 52
    while (mant < 1n << 52n) {
      mant <<= 1n;
      exp--;
    }
    exp += 52;
  }
  // mant is 1.xxxx (52 fraction bits) → shift left so fraction is 13 hex digits (52 bits)
  let frac = mant & ((1n << 52n) - 1n);
  let lead = mant >> 52n;
  if (prec >= 0 && prec < 13) {
    const shift = BigInt(52 - prec * 4);
    const full = (lead << 52n) | frac;
    let q = full >> shift;
    const rem = full & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    lead = q >> BigInt(prec * 4);
    frac = q & ((1n << BigInt(prec * 4)) - 1n);
    if (lead >= 2n) {
      // renormalize
      frac = (frac | ((lead & 1n) << BigInt(prec * 4))) >> 1n;
      lead = 1n;
      exp++;
    }
    frac <<= BigInt(52 - prec * 4);
  }
  let hex = frac.toString(16).padStart(13, '0');
  if (prec < 0) hex = hex.replace(/0+$/, '');
  else if (prec > 13) hex = hex + '0'.repeat(prec - 13);
  else hex = hex.slice(0, prec);
  let out = (neg ? '-' : '') + '0x' + lead.toString();
  if (hex.length > 0) out += '.' + hex;
  out += 'p' + (exp < 0 ? '-' : '+');
  const ae = Math.abs(exp);
  out += ae < 10 ? '0' + ae : String(ae);
  return upper ? out.toUpperCase() : out;
}

/**
 * strconv.FormatFloat(f, fmt, prec, bitSize). prec -1 means the shortest representation
 * that round-trips. Supports 'e', 'E', 'f', 'g', 'G', 'x', 'X', 'b'.
 */
export function formatFloat(f: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G' | 'x' | 'X' | 'b', prec: number, bitSize: 32 | 64 = 64): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (bitSize === 32) f = Math.fround(f);
  if (prec < 0 && (fmt === 'g' || fmt === 'G') && bitSize === 64) {
    // Fast path: shortest %g of a number in [1e-4, 1e6) is JS's own shortest decimal form.
    const a = f < 0 ? -f : f;
    if (a >= 1e-4 && a < 1e6) return String(f);
    if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  }
  if (fmt === 'x' || fmt === 'X') return fmtX(f, prec, fmt === 'X');
  const neg = f < 0 || Object.is(f, -0);
  if (fmt === 'b') {
    if (f === 0) return (neg ? '-' : '') + '0p-1074';
    const { mant, exp } = frexpBits(Math.abs(f));
    return (neg ? '-' : '') + mant.toString() + 'p' + (exp >= 0 ? '+' : '-') + Math.abs(exp);
  }
  const a = Math.abs(f);
  let dg: Digits;
  const shortest = prec < 0;
  if (shortest) {
    dg = shortestDigits(a, bitSize);
    switch (fmt) {
      case 'e':
      case 'E':
        prec = Math.max(dg.d.length - 1, 0);
        break;
      case 'f':
        prec = Math.max(dg.d.length - dg.dp, 0);
        break;
      default:
        prec = dg.d.length;
    }
  } else {
    dg = exactDigits(a);
    switch (fmt) {
      case 'e':
      case 'E':
        dg = roundDigits(dg, prec + 1);
        break;
      case 'f':
        dg = roundDigits(dg, dg.dp + prec);
        break;
      default:
        if (prec === 0) prec = 1;
        dg = roundDigits(dg, prec);
    }
  }
  switch (fmt) {
    case 'e':
    case 'E':
      return fmtE(neg, dg, prec, fmt);
    case 'f':
      return fmtF(neg, dg, prec);
    default: {
      let eprec = prec;
      if (eprec > dg.d.length && dg.d.length >= dg.dp) eprec = dg.d.length;
      if (shortest) eprec = 6;
      const exp = dg.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > dg.d.length) prec = dg.d.length;
        return fmtE(neg, dg, prec - 1, fmt === 'g' ? 'e' : 'E');
      }
      if (prec > dg.dp) prec = dg.d.length;
      return fmtF(neg, dg, Math.max(prec - dg.dp, 0));
    }
  }
}

// ---------------------------------------------------------------------------
// strconv: quoting

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return false;
  return PRINTABLE.test(String.fromCodePoint(r));
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function escapeRune(r: number, quote: number, asciiOnly: boolean): string {
  if (r === quote || r === 92 /* \ */) return '\\' + String.fromCharCode(r);
  if (asciiOnly) {
    if (r < 0x80 && isPrint(r)) return String.fromCharCode(r);
  } else if (isPrint(r)) {
    return String.fromCodePoint(r);
  }
  switch (r) {
    case 7:
      return '\\a';
    case 8:
      return '\\b';
    case 12:
      return '\\f';
    case 10:
      return '\\n';
    case 13:
      return '\\r';
    case 9:
      return '\\t';
    case 11:
      return '\\v';
  }
  if (r < 0x20 || r === 0x7f) return '\\x' + hex(r, 2);
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) r = 0xfffd;
  if (r < 0x10000) return '\\u' + hex(r, 4);
  return '\\U' + hex(r, 8);
}

function quoteWith(s: string, quote: number, asciiOnly: boolean): string {
  let out = String.fromCharCode(quote);
  let start = 0;
  for (let i = 0; i < s.length; ) {
    const r = s.codePointAt(i)!;
    const w = r > 0xffff ? 2 : 1;
    // fast path: plain printable ASCII other than quote and backslash
    if (r >= 0x20 && r < 0x7f && r !== quote && r !== 92) {
      i += w;
      continue;
    }
    // a byte that is not UTF-8 (see bytes.ts) is quoted as \xNN
    out += s.slice(start, i) + (isByteEscape(r) ? '\\x' + hex(r - 0xdc00, 2) : escapeRune(r, quote, asciiOnly));
    i += w;
    start = i;
  }
  return out + s.slice(start) + String.fromCharCode(quote);
}

/** strconv.Quote. */
export function quote(s: string): string {
  return quoteWith(s, 34, false);
}

/** strconv.QuoteToASCII. */
export function quoteToASCII(s: string): string {
  return quoteWith(s, 34, true);
}

/** strconv.QuoteRune (invalid runes become U+FFFD). */
export function quoteRune(r: number, asciiOnly = false): string {
  if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) r = 0xfffd;
  return "'" + escapeRune(r, 39, asciiOnly) + "'";
}

/** strconv.CanBackquote. */
export function canBackquote(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 96 || c === 0xfeff) return false;
    if (c < 0x20 && c !== 9) return false;
    if (c === 0x7f) return false;
    if (c >= 0xd800 && c <= 0xdfff) {
      // a lone surrogate stands for invalid UTF-8
      const n = s.charCodeAt(i + 1);
      if (c <= 0xdbff && n >= 0xdc00 && n <= 0xdfff) {
        i++;
        continue;
      }
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// fmt

/** Number of Unicode code points (Go's utf8.RuneCountInString for valid strings). */
function runeCount(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

function isStringer(v: GoStruct): ((this: unknown) => unknown) | undefined {
  const m = (v as unknown as Record<string, unknown>).String;
  return typeof m === 'function' ? (m as (this: unknown) => unknown) : undefined;
}

/** Whether a GoStruct's class declares the method with a pointer receiver (static goPointerMethods). */
function hasPointerReceiver(v: GoStruct, method: string): boolean {
  const set = (v.constructor as { goPointerMethods?: ReadonlySet<string> }).goPointerMethods;
  return set !== undefined && set.has(method);
}

function isErrorer(v: GoStruct): ((this: unknown) => unknown) | undefined {
  const m = (v as unknown as Record<string, unknown>).Error;
  return typeof m === 'function' ? (m as (this: unknown) => unknown) : undefined;
}

/** Own data fields of a GoStruct in declaration order (the type-name property excluded). */
export function structFields(v: GoStruct): [string, GoValue][] {
  const out: [string, GoValue][] = [];
  for (const k of Object.keys(v)) {
    if (k === 'goTypeName') continue;
    out.push([k, (v as unknown as Record<string, GoValue>)[k]]);
  }
  return out;
}

/** Go's fmtsort order for map[string]… keys: byte-wise comparison of the UTF-8 encoding. */
export function sortedKeys(m: object): string[] {
  const keys = Object.keys(m);
  if (keys.length > 1) keys.sort(compareGoStrings);
  return keys;
}

export function compareGoStrings(a: string, b: string): number {
  // UTF-16 order equals UTF-8 byte order except for surrogates vs U+E000..U+FFFF;
  // fall back to code point comparison only when needed.
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (((x >= 0xd800 && x <= 0xdfff) || (y >= 0xd800 && y <= 0xdfff)) && (hasRawBytes(a) || hasRawBytes(b))) {
        return Buffer.compare(goBytes(a), goBytes(b)); // bytes that are not UTF-8
      }
      if (x >= 0xd800 && y >= 0xd800) {
        const cx = a.codePointAt(i)!;
        const cy = b.codePointAt(i)!;
        return cx < cy ? -1 : 1;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

class Printer {
  buf = '';
  // flags
  widPresent = false;
  precPresent = false;
  minus = false;
  plus = false;
  sharp = false;
  space = false;
  zero = false;
  plusV = false;
  sharpV = false;
  wid = 0;
  prec = 0;
  erroring = false;
  /** Print a top-level pointer-to-struct as the struct itself (text/template's printableValue). */
  derefTop = false;
  arg: GoValue | undefined = undefined;
  argIsInvalid = false;

  clearflags(): void {
    this.widPresent = this.precPresent = this.minus = this.plus = this.sharp = this.space = this.zero = false;
    this.plusV = this.sharpV = false;
    this.wid = this.prec = 0;
  }

  writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.zero && !this.minus ? '0' : ' ').repeat(n);
  }

  padString(s: string): void {
    if (!this.widPresent || this.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.wid - runeCount(s);
    if (!this.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  truncate(s: string): string {
    if (this.precPresent) {
      let n = this.prec;
      for (let i = 0; i < s.length; ) {
        n--;
        if (n < 0) return s.slice(0, i);
        const c = s.charCodeAt(i);
        i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
      }
    }
    return s;
  }

  fmtBool(v: boolean, verb: string): void {
    if (verb === 't' || verb === 'v') this.padString(v ? 'true' : 'false');
    else this.badVerb(verb);
  }

  // --- integers

  fmtIntegerBase(v: bigint, base: number, verb: string, upper: boolean): void {
    // precision of 0 and value of 0 means "print nothing" (but padding still applies)
    if (this.precPresent && this.prec === 0 && v === 0n) {
      const oldZero = this.zero;
      this.zero = false;
      this.writePadding(this.wid);
      this.zero = oldZero;
      return;
    }
    const negative = v < 0n;
    let digits = (negative ? -v : v).toString(base);
    if (upper) digits = digits.toUpperCase();
    let prec = 0;
    if (this.precPresent) {
      prec = this.prec;
      this.zero = false;
    } else if (this.zero && !this.minus && this.widPresent) {
      prec = this.wid;
      if (negative || this.plus || this.space) prec--;
    }
    if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
    if (this.sharp) {
      switch (base) {
        case 2:
          digits = '0b' + digits;
          break;
        case 8:
          if (digits[0] !== '0') digits = '0' + digits;
          break;
        case 16:
          digits = (upper ? '0X' : '0x') + digits;
          break;
      }
    }
    if (verb === 'O') digits = '0o' + digits;
    if (negative) digits = '-' + digits;
    else if (this.plus) digits = '+' + digits;
    else if (this.space) digits = ' ' + digits;
    // zero padding already applied through prec; pad with spaces otherwise
    this.padString(digits);
  }

  fmtUnicode(v: bigint): void {
    let prec = 4;
    if (this.precPresent && this.prec > 4) prec = this.prec;
    let s = (v < 0n ? -v : v).toString(16).toUpperCase();
    if (s.length < prec) s = '0'.repeat(prec - s.length) + s;
    s = (v < 0n ? '-' : '') + 'U+' + s;
    if (this.sharp && v >= 0n && v <= 0x10ffffn && isPrint(Number(v))) {
      s += " '" + String.fromCodePoint(Number(v)) + "'";
    }
    const oldZero = this.zero;
    this.zero = false;
    this.padString(s);
    this.zero = oldZero;
  }

  fmtInteger(v: bigint, verb: string): void {
    switch (verb) {
      case 'v':
      case 'd':
        this.fmtIntegerBase(v, 10, verb, false);
        return;
      case 'b':
        this.fmtIntegerBase(v, 2, verb, false);
        return;
      case 'o':
      case 'O':
        this.fmtIntegerBase(v, 8, verb, false);
        return;
      case 'x':
        this.fmtIntegerBase(v, 16, verb, false);
        return;
      case 'X':
        this.fmtIntegerBase(v, 16, verb, true);
        return;
      case 'c': {
        let r = v < 0n || v > 0x10ffffn ? 0xfffd : Number(v);
        if (r >= 0xd800 && r <= 0xdfff) r = 0xfffd;
        this.padString(String.fromCodePoint(r));
        return;
      }
      case 'q': {
        const r = v < 0n || v > 0x10ffffn ? 0xfffd : Number(v);
        this.padString(quoteRune(r, this.plus));
        return;
      }
      case 'U':
        this.fmtUnicode(v);
        return;
      default:
        this.badVerb(verb);
    }
  }

  // --- floats

  fmtFloatVerb(v: number, verb: string): void {
    switch (verb) {
      case 'v':
        this.formatFloat(v, 'g', -1);
        return;
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        this.formatFloat(v, verb, -1);
        return;
      case 'f':
      case 'e':
      case 'E':
        this.formatFloat(v, verb, 6);
        return;
      case 'F':
        this.formatFloat(v, 'f', 6);
        return;
      default:
        this.badVerb(verb);
    }
  }

  formatFloat(v: number, verb: 'e' | 'E' | 'f' | 'g' | 'G' | 'x' | 'X' | 'b', prec: number): void {
    if (this.precPresent) prec = this.prec;
    let num = formatFloat(v, verb, verb === 'b' ? -1 : prec);
    if (num[0] === '-' || num[0] === '+') {
      // keep
    } else num = '+' + num;
    if (this.space && num[0] === '+' && !this.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = this.zero;
      this.zero = false;
      if (num[1] === 'N' && !this.space && !this.plus) num = num.slice(1);
      this.padString(num);
      this.zero = oldZero;
      return;
    }
    if (this.sharp && verb !== 'b') {
      let digits = 0;
      if (verb === 'g' || verb === 'G' || verb === 'x') {
        digits = prec;
        if (digits === -1) digits = 6;
      }
      let tail = '';
      let body = num;
      let hasDecimalPoint = false;
      let sawNonzeroDigit = false;
      for (let i = 1; i < body.length; i++) {
        const c = body[i]!;
        if (c === '.') {
          hasDecimalPoint = true;
        } else if (c === 'p' || c === 'P') {
          tail = body.slice(i);
          body = body.slice(0, i);
          break;
        } else if ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X') {
          tail = body.slice(i);
          body = body.slice(0, i);
          break;
        } else {
          if (c !== '0') sawNonzeroDigit = true;
          if (sawNonzeroDigit) digits--;
        }
      }
      if (!hasDecimalPoint) {
        if (body.length === 2 && body[1] === '0') digits--;
        body += '.';
      }
      if (digits > 0) body += '0'.repeat(digits);
      num = body + tail;
    }
    if (this.plus || num[0] !== '+') {
      if (this.zero && !this.minus && this.widPresent && this.wid > num.length) {
        this.buf += num[0];
        this.writePadding(this.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.padString(num);
      return;
    }
    this.padString(num.slice(1));
  }

  // --- strings and bytes

  fmtSbx(bytes: Uint8Array, upper: boolean): void {
    let length = bytes.length;
    if (this.precPresent && this.prec < length) length = this.prec;
    let width = 2 * length;
    if (width > 0) {
      if (this.space) {
        if (this.sharp) width *= 2;
        width += length - 1;
      } else if (this.sharp) width += 2;
    } else {
      if (this.widPresent) this.writePadding(this.wid);
      return;
    }
    if (this.widPresent && this.wid > width && !this.minus) this.writePadding(this.wid - width);
    const pfx = upper ? '0X' : '0x';
    let out = this.sharp ? pfx : '';
    for (let i = 0; i < length; i++) {
      if (this.space && i > 0) {
        out += ' ';
        if (this.sharp) out += pfx;
      }
      const h = bytes[i]!.toString(16).padStart(2, '0');
      out += upper ? h.toUpperCase() : h;
    }
    this.buf += out;
    if (this.widPresent && this.wid > width && this.minus) this.writePadding(this.wid - width);
  }

  fmtQ(s: string): void {
    s = this.truncate(s);
    if (this.sharp && canBackquote(s)) this.padString('`' + s + '`');
    else this.padString(this.plus ? quoteToASCII(s) : quote(s));
  }

  fmtString(v: string, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.sharpV) this.fmtQ(v);
        else this.padString(this.truncate(v));
        return;
      case 's':
        this.padString(this.truncate(v));
        return;
      case 'x':
        this.fmtSbx(goBytes(v), false);
        return;
      case 'X':
        this.fmtSbx(goBytes(v), true);
        return;
      case 'q':
        this.fmtQ(v);
        return;
      default:
        this.badVerb(verb);
    }
  }

  fmtBytes(v: Uint8Array, verb: string, depth: number): void {
    switch (verb) {
      case 'v':
      case 'd':
        if (this.sharpV) {
          this.buf += '[]byte{';
          for (let i = 0; i < v.length; i++) {
            if (i > 0) this.buf += ', ';
            this.buf += '0x' + v[i]!.toString(16);
          }
          this.buf += '}';
        } else {
          this.buf += '[';
          for (let i = 0; i < v.length; i++) {
            if (i > 0) this.buf += ' ';
            this.fmtIntegerBase(BigInt(v[i]!), 10, verb, false);
          }
          this.buf += ']';
        }
        return;
      case 's':
        this.padString(this.truncate(goString(v)));
        return;
      case 'x':
        this.fmtSbx(v, false);
        return;
      case 'X':
        this.fmtSbx(v, true);
        return;
      case 'q':
        this.fmtQ(goString(v));
        return;
      default:
        this.buf += '[';
        for (let i = 0; i < v.length; i++) {
          if (i > 0) this.buf += ' ';
          this.arg = BigInt(v[i]!);
          this.fmtInteger(BigInt(v[i]!), verb);
        }
        this.buf += ']';
        void depth;
    }
  }

  badVerb(verb: string): void {
    this.erroring = true;
    this.buf += '%!' + verb + '(';
    const arg = this.arg;
    if (arg === null || (arg === undefined && !this.argIsInvalid)) {
      this.buf += '<nil>';
    } else if (arg === undefined) {
      this.buf += '<invalid reflect.Value>';
    } else {
      this.buf += goTypeName(arg) + '=';
      this.printArg(arg, 'v');
    }
    this.buf += ')';
    this.erroring = false;
  }

  /** Stringer / error support. Returns true when handled. */
  handleMethods(v: GoStruct, verb: string, depth = 0): boolean {
    if (this.erroring) return false;
    if (this.sharpV) return false; // GoStringer not modelled
    if (verb !== 'v' && verb !== 's' && verb !== 'x' && verb !== 'X' && verb !== 'q') return false;
    const m = isErrorer(v) ?? isStringer(v);
    if (!m) return false;
    // A method with a pointer receiver on a struct value: only text/template's own printing of an
    // addressable value (a field reached through a pointer, printed by {{ }}) takes the address;
    // fmt (printf, print, toString, quote, nested values) sees a copy without that method.
    if (hasPointerReceiver(v, m === isErrorer(v) ? 'Error' : 'String') && !v.goTypeName.startsWith('*') && !(this.derefTop && depth === 0 && !isUnaddressable(v))) {
      return false;
    }
    let s: unknown;
    try {
      s = m.call(v);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.buf += '%!' + verb + '(PANIC=' + (isErrorer(v) ? 'Error' : 'String') + ' method: ' + msg + ')';
      return true;
    }
    this.fmtString(String(s), verb);
    return true;
  }

  printArg(arg: GoValue, verb: string): void {
    this.arg = arg;
    this.argIsInvalid = arg === undefined;
    if (arg === null) {
      if (verb === 'T' || verb === 'v') this.padString('<nil>');
      else this.badVerb(verb);
      return;
    }
    if (verb === 'T') {
      this.padString(this.truncate(goTypeName(arg)));
      return;
    }
    if (verb === 'p') {
      this.fmtPointer(arg, verb);
      return;
    }
    this.printValue(arg, verb, 0);
  }

  fmtPointer(arg: GoValue, verb: string): void {
    if (
      Array.isArray(arg) ||
      arg instanceof Uint8Array ||
      isGoMap(arg) ||
      arg instanceof GoFunction ||
      (arg instanceof GoStruct && arg.goTypeName.startsWith('*'))
    ) {
      if (verb === 'v' || verb === 'p') {
        // Go prints the machine address here; there is no stable equivalent.
        this.padString('0xc000010000');
        return;
      }
    }
    this.badVerb(verb);
  }

  printValue(v: GoValue, verb: string, depth: number): void {
    if (depth > 0) {
      this.arg = v;
      this.argIsInvalid = false;
    }
    switch (typeof v) {
      case 'string':
        this.fmtString(v, verb);
        return;
      case 'number':
        this.fmtFloatVerb(v, verb);
        return;
      case 'bigint':
        this.fmtInteger(v, verb);
        return;
      case 'boolean':
        this.fmtBool(v, verb);
        return;
      case 'undefined':
        if (depth === 0) this.buf += '<invalid reflect.Value>';
        else if (verb === 'v') this.buf += '<nil>';
        else this.badVerb(verb);
        return;
    }
    if (v === null) {
      // a nil interface inside a container
      this.buf += this.sharpV ? 'interface {}(nil)' : '<nil>';
      return;
    }
    if (v instanceof GoInt) {
      const name = goIntString(v); // a Stringer (time.Month)
      if (name !== undefined && !this.sharpV && (verb === 'v' || verb === 's' || verb === 'q' || verb === 'x' || verb === 'X')) {
        this.fmtString(name, verb);
        return;
      }
      if (this.sharpV && v.type.charCodeAt(0) === 117 /* 'u': %#v prints unsigned in hex */) {
        this.buf += '0x' + v.value.toString(16);
        return;
      }
      this.fmtInteger(v.value, verb);
      return;
    }
    if (v instanceof Uint8Array) {
      this.fmtBytes(v, verb, depth);
      return;
    }
    if (Array.isArray(v)) {
      if (this.sharpV) {
        this.buf += '[]interface {}{';
        for (let i = 0; i < v.length; i++) {
          if (i > 0) this.buf += ', ';
          this.printValue(v[i], verb, depth + 1);
        }
        this.buf += '}';
        return;
      }
      this.buf += '[';
      for (let i = 0; i < v.length; i++) {
        if (i > 0) this.buf += ' ';
        this.printValue(v[i], verb, depth + 1);
      }
      this.buf += ']';
      return;
    }
    if (v instanceof GoStruct) {
      if (this.handleMethods(v, verb, depth)) return;
      const under = (v as unknown as { goUnderlying?: () => GoValue }).goUnderlying;
      if (typeof under === 'function') {
        // a named slice or map type: printed as its underlying value
        this.printValue(under.call(v), verb, depth);
        return;
      }
      const ptr = v.goTypeName.startsWith('*');
      if (ptr && depth > 0) {
        this.fmtPointer(v, verb);
        return;
      }
      const amp = ptr && !(depth === 0 && this.derefTop);
      if (this.sharpV) {
        this.buf += (amp ? '&' + v.goTypeName.slice(1) : ptr ? v.goTypeName.slice(1) : v.goTypeName) + '{';
      } else {
        this.buf += amp ? '&{' : '{';
      }
      const fields = structFields(v);
      for (let i = 0; i < fields.length; i++) {
        if (i > 0) this.buf += this.sharpV ? ', ' : ' ';
        if (this.plusV || this.sharpV) this.buf += fields[i]![0] + ':';
        this.printValue(fields[i]![1], verb, depth + 1);
      }
      this.buf += '}';
      return;
    }
    if (v instanceof GoFunction) {
      this.fmtPointer(v, verb);
      return;
    }
    // map[string]interface{}
    const m = v as Record<string, GoValue>;
    const keys = sortedKeys(m);
    this.buf += this.sharpV ? 'map[string]interface {}{' : 'map[';
    for (let i = 0; i < keys.length; i++) {
      if (i > 0) this.buf += this.sharpV ? ', ' : ' ';
      this.printValue(keys[i]!, verb, depth + 1);
      this.buf += ':';
      this.printValue(m[keys[i]!], verb, depth + 1);
    }
    this.buf += this.sharpV ? '}' : ']';
  }

  /** Parses a decimal number at format[i:]; returns [num, isnum, newi]. */
  static parsenum(s: string, start: number, end: number): [number, boolean, number] {
    if (start >= end) return [0, false, end];
    let num = 0;
    let isnum = false;
    let i = start;
    for (; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      if (num > 1e6) return [0, false, end]; // tooLarge
      num = num * 10 + (c - 48);
      isnum = true;
    }
    return [num, isnum, i];
  }

  reordered = false;
  goodArgNum = true;

  argNumber(argNum: number, format: string, i: number, numArgs: number): [number, number, boolean] {
    if (format.length <= i || format[i] !== '[') return [argNum, i, false];
    this.reordered = true;
    // parseArgNumber
    let index = 0;
    let wid = 0;
    let ok = false;
    if (format.length - i < 3) {
      wid = 1;
      ok = false;
    } else {
      let found = false;
      for (let j = i + 1; j < format.length; j++) {
        if (format[j] === ']') {
          const [width, okn, newi] = Printer.parsenum(format, i + 1, j);
          if (!okn || newi !== j) {
            index = 0;
            wid = j - i + 1;
            ok = false;
          } else {
            index = width - 1;
            wid = j - i + 1;
            ok = true;
          }
          found = true;
          break;
        }
      }
      if (!found) {
        wid = 1;
        ok = false;
      }
    }
    if (ok && 0 <= index && index < numArgs) return [index, i + wid, true];
    this.goodArgNum = false;
    return [argNum, i + wid, ok];
  }

  static intFromArg(a: GoValue[], argNum: number): [number, boolean, number] {
    let num = 0;
    let isInt = false;
    let newArgNum = argNum;
    if (argNum < a.length) {
      const a0 = a[argNum];
      const v = a0 instanceof GoInt ? a0.value : a0;
      if (typeof v === 'bigint') {
        if (v > 1000000n || v < -1000000n) {
          num = 0;
          isInt = false;
        } else {
          num = Number(v);
          isInt = true;
        }
      }
      newArgNum = argNum + 1;
    }
    return [num, isInt, newArgNum];
  }

  doPrintf(format: string, a: GoValue[]): void {
    const end = format.length;
    let argNum = 0;
    let afterIndex = false;
    this.reordered = false;
    let i = 0;
    formatLoop: while (i < end) {
      this.goodArgNum = true;
      const lasti = i;
      const pct = format.indexOf('%', i);
      i = pct < 0 ? end : pct;
      if (i > lasti) this.buf += format.slice(lasti, i);
      if (i >= end) break;
      i++;
      this.clearflags();
      simple: for (; i < end; i++) {
        const c = format[i]!;
        switch (c) {
          case '#':
            this.sharp = true;
            break;
          case '0':
            this.zero = true;
            break;
          case '+':
            this.plus = true;
            break;
          case '-':
            this.minus = true;
            break;
          case ' ':
            this.space = true;
            break;
          default:
            if (c >= 'a' && c <= 'z' && argNum < a.length) {
              if (c === 'v') {
                this.sharpV = this.sharp;
                this.sharp = false;
                this.plusV = this.plus;
                this.plus = false;
              }
              this.printArg(a[argNum], c);
              argNum++;
              i++;
              continue formatLoop;
            }
            break simple;
        }
      }

      [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);

      if (i < end && format[i] === '*') {
        i++;
        [this.wid, this.widPresent, argNum] = Printer.intFromArg(a, argNum);
        if (!this.widPresent) this.buf += '%!(BADWIDTH)';
        if (this.wid < 0) {
          this.wid = -this.wid;
          this.minus = true;
          this.zero = false;
        }
        afterIndex = false;
      } else {
        [this.wid, this.widPresent, i] = Printer.parsenum(format, i, end);
        if (afterIndex && this.widPresent) this.goodArgNum = false;
      }

      if (i + 1 < end && format[i] === '.') {
        i++;
        if (afterIndex) this.goodArgNum = false;
        [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
        if (i < end && format[i] === '*') {
          i++;
          [this.prec, this.precPresent, argNum] = Printer.intFromArg(a, argNum);
          if (this.prec < 0) {
            this.prec = 0;
            this.precPresent = false;
          }
          if (!this.precPresent) this.buf += '%!(BADPREC)';
          afterIndex = false;
        } else {
          [this.prec, this.precPresent, i] = Printer.parsenum(format, i, end);
          if (!this.precPresent) {
            this.prec = 0;
            this.precPresent = true;
          }
        }
      }

      if (!afterIndex) [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);

      if (i >= end) {
        this.buf += '%!(NOVERB)';
        break;
      }
      const cp = format.codePointAt(i)!;
      const verb = String.fromCodePoint(cp);
      i += verb.length;

      if (verb === '%') {
        this.buf += '%';
      } else if (!this.goodArgNum) {
        this.buf += '%!' + verb + '(BADINDEX)';
      } else if (argNum >= a.length) {
        this.buf += '%!' + verb + '(MISSING)';
      } else {
        if (verb === 'v') {
          this.sharpV = this.sharp;
          this.sharp = false;
          this.plusV = this.plus;
          this.plus = false;
        }
        this.printArg(a[argNum], verb);
        argNum++;
      }
    }
    if (!this.reordered && argNum < a.length) {
      this.clearflags();
      this.buf += '%!(EXTRA ';
      for (let k = argNum; k < a.length; k++) {
        if (k > argNum) this.buf += ', ';
        const arg = a[k];
        if (arg === null) this.buf += '<nil>';
        else {
          this.buf += goTypeName(arg) + '=';
          this.printArg(arg, 'v');
        }
      }
      this.buf += ')';
    }
  }
}

/** Go's fmt.Sprintf. */
export function sprintf(format: string, ...args: GoValue[]): string {
  const p = new Printer();
  p.doPrintf(format, args);
  return p.buf;
}

function isStringArg(v: GoValue): boolean {
  return typeof v === 'string';
}

/** Go's fmt.Sprint: a space between operands when neither is a string. */
export function sprint(...args: GoValue[]): string {
  if (args.length === 1) return formatValue(args[0]);
  let out = '';
  let prevString = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const isString = isStringArg(a);
    if (i > 0 && !isString && !prevString) out += ' ';
    out += formatValue(a);
    prevString = isString;
  }
  return out;
}

/** Go's fmt.Sprintln: spaces between all operands and a trailing newline. */
export function sprintln(...args: GoValue[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    if (i > 0) out += ' ';
    out += formatValue(args[i]);
  }
  return out + '\n';
}

/**
 * How text/template prints a value: like %v, except that a pointer to a struct is
 * printed as the struct (`{...}` rather than `&{...}`), as Go's printableValue indirects it.
 */
export function formatTemplateValue(v: GoValue): string {
  if (v instanceof GoStruct) {
    const p = new Printer();
    p.derefTop = true;
    p.printArg(v, 'v');
    return p.buf;
  }
  return formatValue(v);
}

/** The %v formatting of one value (what fmt.Sprint prints). */
export function formatValue(v: GoValue): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return formatFloat(v, 'g', -1);
  }
  if (v === null) return '<nil>';
  if (v instanceof GoInt) return goIntString(v) ?? v.value.toString();
  const p = new Printer();
  p.printArg(v, 'v');
  return p.buf;
}
