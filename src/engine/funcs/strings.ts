/** Sprig string functions (strings.go, goutils, xstrings) and encodings. */
import { nodeCrypto } from './lazy.js';
import { GoError, markNamedMap, newMap, type FuncMap, type FuncSpec, type GoValue } from '../types.js';
import { formatV, quoteGo } from './fmt.js';
import { sliceElems, strval } from './convert.js';
import { goByteLen, goBytes, goString, toValidUtf8 } from '../bytes.js';

// ---- helpers ---------------------------------------------------------------

/** Go's unicode.IsSpace. */
export function isGoSpace(cp: number): boolean {
  switch (cp) {
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x20:
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
  }
  return cp >= 0x2000 && cp <= 0x200a;
}

const isUpper = (ch: string) => /\p{Lu}/u.test(ch);
const isLower = (ch: string) => /\p{Ll}/u.test(ch);
const isTitleCase = (ch: string) => /\p{Lt}/u.test(ch);
const isLetter = (ch: string) => /\p{L}/u.test(ch);
const isDigitCh = (ch: string) => /\p{Nd}/u.test(ch);
const isNumberCh = (ch: string) => /\p{N}/u.test(ch);
const isPunct = (ch: string) => /\p{P}/u.test(ch);

/** unicode.ToUpper / ToLower: simple (one rune to one rune) case mapping. */
export function runeUpper(ch: string): string {
  const u = ch.toUpperCase();
  return [...u].length === 1 ? u : ch;
}
export function runeLower(ch: string): string {
  if (ch === '\u0130') return 'i'; // Go's simple mapping of İ
  const u = ch.toLowerCase();
  return [...u].length === 1 ? u : ch;
}
function runeTitle(ch: string): string {
  // unicode.ToTitle: equals upper for nearly all runes except digraphs.
  const map: Record<string, string> = { Ǆ: 'ǅ', ǅ: 'ǅ', ǆ: 'ǅ', Ǉ: 'ǈ', ǈ: 'ǈ', ǉ: 'ǈ', Ǌ: 'ǋ', ǋ: 'ǋ', ǌ: 'ǋ', Ǳ: 'ǲ', ǲ: 'ǲ', ǳ: 'ǲ' };
  return map[ch] ?? runeUpper(ch);
}

export const goUpper = (s: string) => Array.from(s, runeUpper).join('');
export const goLower = (s: string) => Array.from(s, runeLower).join('');

/** strings.TrimSpace. */
export function trimSpace(s: string): string {
  const cps = Array.from(s);
  let a = 0;
  let b = cps.length;
  while (a < b && isGoSpace(cps[a].codePointAt(0)!)) a++;
  while (b > a && isGoSpace(cps[b - 1].codePointAt(0)!)) b--;
  return cps.slice(a, b).join('');
}

/** strings.Trim(s, cutset) with a rune cutset. */
function trimCutset(s: string, cutset: string, left: boolean, right: boolean): string {
  if (s === '' || cutset === '') return s;
  const set = new Set(Array.from(cutset));
  const cps = Array.from(s);
  let a = 0;
  let b = cps.length;
  if (left) while (a < b && set.has(cps[a])) a++;
  if (right) while (b > a && set.has(cps[b - 1])) b--;
  return cps.slice(a, b).join('');
}

/** Strings as Go sees them (bytes): a "binary" string with one char per UTF-8 byte. */
/** Only ASCII characters: bytes and characters are the same (most names and labels). */
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const toBin = (s: string) => {
  if (ASCII_ONLY.test(s)) return s;
  const b = goBytes(s);
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
};
const fromBin = (s: string) => (ASCII_ONLY.test(s) ? s : goString(Buffer.from(s, 'latin1')));
/** For functions that go through runes in Go (strings.Map, []rune): bytes that are not UTF-8 become U+FFFD. */
const runes = (f: (s: string) => string) => (s: string) => f(toValidUtf8(s));

function sliceBounds(lo: number, hi: number, len: number): GoError | undefined {
  if (hi > len) return new GoError(`runtime error: slice bounds out of range [:${hi}] with length ${len}`);
  if (hi < 0) return new GoError(`runtime error: slice bounds out of range [:${hi}]`);
  if (lo > hi) return new GoError(`runtime error: slice bounds out of range [${lo}:${hi}]`);
  if (lo < 0) return new GoError(`runtime error: slice bounds out of range [${lo}:]`);
  return undefined;
}

/** strings.Title (deprecated in Go but what Sprig uses). */
export function title(s: string): string {
  const isSep = (ch: string): boolean => {
    const cp = ch.codePointAt(0)!;
    if (cp <= 0x7f) {
      if (/[0-9a-zA-Z_]/.test(ch)) return false;
      return true;
    }
    if (isLetter(ch) || isDigitCh(ch)) return false;
    return isGoSpace(cp);
  };
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSep(prev) ? runeTitle(ch) : ch;
    prev = ch;
  }
  return out;
}

function untitle(s: string): string {
  let next = true;
  let out = '';
  for (const ch of s) {
    if (isGoSpace(ch.codePointAt(0)!)) {
      next = true;
      out += ch;
    } else if (next) {
      out += runeLower(ch);
      next = false;
    } else out += ch;
  }
  return out;
}

function initials(s: string): string {
  const b = toBin(s);
  let gap = true;
  let out = '';
  for (const ch of b) {
    if (isGoSpace(ch.charCodeAt(0))) gap = true;
    else if (gap) {
      out += ch; // rune(byte): a Latin-1 rune
      gap = false;
    }
  }
  return out;
}

function swapcase(s: string): string {
  return Array.from(s, (ch) => (isUpper(ch) || isTitleCase(ch) ? runeLower(ch) : isLower(ch) ? runeUpper(ch) : ch)).join('');
}

/** goutils.DeleteWhiteSpace works on bytes, writing each kept byte as the rune of that value (Latin-1). */
function nospace(s: string): string {
  const bytes = goBytes(s);
  if (!bytes.some(isGoSpace)) return s; // nothing deleted: the string itself
  let out = '';
  for (const b of bytes) if (!isGoSpace(b)) out += String.fromCharCode(b);
  return out;
}

function abbreviateFull(str: string, offset: number, maxWidth: number): string {
  // goutils.AbbreviateFull on bytes; errors are swallowed by Sprig (empty result).
  if (str === '') return '';
  if (maxWidth < 4) return '';
  if (str.length <= maxWidth) return str;
  if (offset > str.length) offset = str.length;
  if (str.length - offset < maxWidth - 3) offset = str.length - (maxWidth - 3);
  const marker = '...';
  if (offset <= 4) return str.slice(0, maxWidth - 3) + marker;
  if (maxWidth < 7) return '';
  if (offset + maxWidth - 3 < str.length) return marker + abbreviateFull(str.slice(offset), 0, maxWidth - 3);
  return marker + str.slice(str.length - (maxWidth - 3));
}

function abbrev(width: bigint, s: string): string {
  const w = Number(width);
  if (w < 4) return s;
  return fromBin(abbreviateFull(toBin(s), 0, w));
}

function abbrevboth(left: bigint, right: bigint, s: string): string {
  const l = Number(left);
  const r = Number(right);
  if (r < 4 || (l > 0 && r < 7)) return s;
  return fromBin(abbreviateFull(toBin(s), l, r));
}

function wrapCustom(str: string, wrapLength: number, newLine: string, wrapLong: boolean): string {
  if (str === '') return '';
  if (newLine === '') newLine = '\n';
  if (wrapLength < 1) wrapLength = 1;
  const s = toBin(str);
  const nl = toBin(newLine);
  const len = s.length;
  let offset = 0;
  let out = '';
  while (len - offset > wrapLength) {
    if (s[offset] === ' ') {
      offset++;
      continue;
    }
    const end = wrapLength + offset + 1;
    let spaceAt = s.slice(offset, end).lastIndexOf(' ') + offset;
    if (spaceAt >= offset) {
      out += s.slice(offset, spaceAt) + nl;
      offset = spaceAt + 1;
    } else if (wrapLong) {
      out += s.slice(offset, wrapLength + offset) + nl;
      offset += wrapLength;
    } else {
      const e = wrapLength + offset;
      const idx = s.slice(e).indexOf(' ');
      if (idx === -1) {
        out += s.slice(offset);
        offset = len;
      } else {
        spaceAt = idx + wrapLength + offset;
        out += s.slice(offset, spaceAt) + nl;
        offset = spaceAt + 1;
      }
    }
  }
  out += s.slice(offset);
  return fromBin(out);
}

// ---- xstrings case conversion ------------------------------------------------

const isConnector = (ch: string) => ch === '-' || ch === '_' || isGoSpace(ch.codePointAt(0)!);

export function camelcase(str: string): string {
  if (str === '') return '';
  const runes = Array.from(str);
  let i = 0;
  let out = '';
  let r0 = '';
  let orig0 = '';
  for (; i < runes.length; ) {
    r0 = runes[i++];
    orig0 = r0;
    if (!isConnector(r0)) {
      r0 = runeUpper(r0);
      break;
    }
    out += r0;
  }
  // a string of connectors only: xstrings writes the last one again
  if (i >= runes.length) return out + r0;
  while (i < runes.length) {
    const r1 = r0;
    const orig1 = orig0;
    r0 = runes[i++];
    orig0 = r0;
    if (isConnector(r0) && isConnector(r1)) {
      out += r1;
      continue;
    }
    if (isConnector(r1)) r0 = runeUpper(r0);
    else {
      if (isUpper(orig1)) r0 = runeLower(r0);
      out += r1;
    }
  }
  return out + r0;
}

type WordType = 'invalid' | 'punct' | 'alphabet' | 'upper' | 'number' | 'connector';

function nextWord(r: string[], start: number): [WordType, number] {
  // returns the type and the end index of the word starting at `start`
  let i = start;
  const c = r[i++];
  if (isConnector(c)) {
    while (i < r.length && isConnector(r[i])) i++;
    return ['connector', i];
  }
  if (isPunct(c)) {
    while (i < r.length && isPunct(r[i])) i++;
    return ['punct', i];
  }
  if (isUpper(c)) {
    if (i >= r.length) return ['upper', i];
    const n = r[i];
    if (isUpper(n)) {
      i++;
      while (i < r.length && isUpper(r[i])) i++;
      // "HTTPStatus" splits into "HTTP" and "Status"
      if (i < r.length && isLetter(r[i])) i--;
      return ['upper', i];
    }
    if (isLetter(n)) {
      i++;
      while (i < r.length && isLetter(r[i]) && !isUpper(r[i])) i++;
    }
    return ['upper', i];
  }
  if (isLetter(c)) {
    while (i < r.length && isLetter(r[i]) && !isUpper(r[i])) i++;
    return ['alphabet', i];
  }
  if (isNumberCh(c)) {
    while (i < r.length && isNumberCh(r[i])) i++;
    return ['number', i];
  }
  while (i < r.length && !(isConnector(r[i]) || isLetter(r[i]) || isNumberCh(r[i]) || isPunct(r[i]))) i++;
  return ['invalid', i];
}

function caseToLower(str: string, connector: string): string {
  if (str === '') return '';
  const r = Array.from(str);
  let out = '';
  const emit = (wt: WordType, a: number, b: number) => {
    const w = r.slice(a, b);
    if (wt !== 'upper' && wt !== 'connector') {
      out += w.join('');
      return;
    }
    for (const ch of w) out += isConnector(ch) ? connector : isUpper(ch) ? runeLower(ch) : ch;
  };
  let pos = 0;
  let [wt, end] = nextWord(r, pos);
  let wStart = pos;
  pos = end;
  const cur = (): WordType => wt;
  const next = (): void => {
    wStart = pos;
    if (pos >= r.length) {
      wt = 'invalid';
      end = pos;
      return;
    }
    [wt, end] = nextWord(r, pos);
    pos = end;
  };
  while (pos < r.length) {
    if (wt !== 'connector') emit(wt, wStart, end);
    const prev = wt;
    const lastStart = wStart;
    const lastEnd = end;
    next();
    switch (prev) {
      case 'number':
        while (wt === 'alphabet' || wt === 'number') {
          emit(wt, wStart, end);
          if (pos >= r.length) {
            wt = 'invalid';
            wStart = end = pos;
            break;
          }
          next();
        }
        if (wt !== 'invalid' && wt !== 'punct' && wt !== 'connector') out += connector;
        break;
      case 'connector':
        emit(prev, lastStart, lastEnd);
        break;
      case 'punct':
        break;
      default: {
        if (wt !== 'number') {
          if (wt !== 'connector' && wt !== 'punct') out += connector;
          break;
        }
        if (pos >= r.length) break;
        const numStart = wStart;
        const numEnd = end;
        next();
        if (cur() !== 'alphabet') {
          emit('number', numStart, numEnd);
          if (cur() !== 'connector' && cur() !== 'punct') out += connector;
          break;
        }
        out += connector;
        emit('number', numStart, numEnd);
        while (cur() === 'alphabet' || cur() === 'number') {
          emit(wt, wStart, end);
          if (pos >= r.length) {
            wt = 'invalid';
            wStart = end = pos;
            break;
          }
          next();
        }
        if (cur() !== 'invalid' && cur() !== 'connector' && cur() !== 'punct') out += connector;
      }
    }
  }
  emit(wt, wStart, end);
  return out;
}

export const snakecase = (s: string) => caseToLower(s, '_');
export const kebabcase = (s: string) => caseToLower(s, '-');

// ---- random strings (goutils CryptoRandom*) --------------------------------

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

export function randomFrom(alphabet: string, count: number): string {
  if (count <= 0) return '';
  let out = '';
  for (let i = 0; i < count; i++) out += alphabet[nodeCrypto().randomInt(alphabet.length)];
  return out;
}

let ASCII_PRINTABLE = '';
for (let c = 32; c <= 126; c++) ASCII_PRINTABLE += String.fromCharCode(c);

function shuffle(s: string): string {
  const r = Array.from(s);
  for (let i = r.length - 1; i > 0; i--) {
    const j = nodeCrypto().randomInt(i + 1);
    [r[i], r[j]] = [r[j], r[i]];
  }
  return r.join('');
}

// ---- base64 / base32 (Go's StdEncoding, strict about padding) ---------------

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base64Decode(src: string): Buffer | { err: string } {
  const s = toBin(src);
  const out: number[] = [];
  let si = 0;
  const corrupt = (n: number) => ({ err: `illegal base64 data at input byte ${n}` });
  for (;;) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let j = 0;
    let done = false;
    for (; j < 4; j++) {
      if (si === s.length) {
        if (j === 0) return Buffer.from(out);
        return corrupt(si - j);
      }
      const ch = s[si++];
      const v = B64.indexOf(ch);
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (ch === '\n' || ch === '\r') {
        j--;
        continue;
      }
      if (ch !== '=') return corrupt(si - 1);
      if (j === 0 || j === 1) return corrupt(si - 1);
      if (j === 2) {
        while (si < s.length && (s[si] === '\n' || s[si] === '\r')) si++;
        if (si === s.length) return corrupt(s.length);
        if (s[si] !== '=') return corrupt(si - 1);
        si++;
      }
      while (si < s.length && (s[si] === '\n' || s[si] === '\r')) si++;
      if (si < s.length) return corrupt(si);
      dlen = j;
      done = true;
      break;
    }
    const val = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3];
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    if (dlen === 4) out.push(...bytes);
    else if (dlen === 3) out.push(bytes[0], bytes[1]);
    else if (dlen === 2) out.push(bytes[0]);
    if (done) return Buffer.from(out);
  }
}

export function base32Encode(b: Buffer): string {
  let out = '';
  for (let i = 0; i < b.length; i += 5) {
    const chunk = b.subarray(i, i + 5);
    let bits = 0n;
    for (let k = 0; k < 5; k++) bits = (bits << 8n) | BigInt(chunk[k] ?? 0);
    const nchars = Math.ceil((chunk.length * 8) / 5);
    for (let k = 0; k < 8; k++) {
      out += k < nchars ? B32[Number((bits >> BigInt(35 - 5 * k)) & 31n)] : '=';
    }
  }
  return out;
}

export function base32Decode(input: string): Buffer | { err: string } {
  const src = toBin(input).replace(/[\r\n]/g, '');
  const olen = src.length;
  const corrupt = (n: number) => ({ err: `illegal base32 data at input byte ${n}` });
  const out: number[] = [];
  let rest = src;
  for (;;) {
    if (rest.length === 0) return Buffer.from(out);
    const dbuf = new Array<number>(8).fill(0);
    let dlen = 8;
    let end = false;
    for (let j = 0; j < 8; ) {
      if (rest.length === 0) return corrupt(olen - rest.length - j);
      const ch = rest[0];
      rest = rest.slice(1);
      if (ch === '=' && j >= 2 && rest.length < 8) {
        if (rest.length + j < 8 - 1) return corrupt(olen);
        for (let k = 0; k < 8 - 1 - j; k++) {
          if (rest.length > k && rest[k] !== '=') return corrupt(olen - rest.length + k - 1);
        }
        dlen = j;
        end = true;
        if (dlen === 1 || dlen === 3 || dlen === 6) return corrupt(olen - rest.length - 1);
        break;
      }
      const v = B32.indexOf(ch);
      if (v < 0) return corrupt(olen - rest.length - 1);
      dbuf[j++] = v;
    }
    let bits = 0n;
    for (let k = 0; k < 8; k++) bits = (bits << 5n) | BigInt(dbuf[k]);
    const bytes: number[] = [];
    for (let k = 0; k < 5; k++) bytes.push(Number((bits >> BigInt(32 - 8 * k)) & 0xffn));
    const nbytes = { 8: 5, 7: 4, 5: 3, 4: 2, 2: 1 }[dlen] ?? 0;
    out.push(...bytes.slice(0, nbytes));
    if (end) {
      return Buffer.from(out);
    }
  }
}

// ---- list-of-strings helpers -----------------------------------------------

/** Sprig's strslice. */
export function strslice(v: GoValue): string[] {
  const elems = sliceElems(v);
  if (elems) return elems.filter((x) => x !== null && x !== undefined).map(strval);
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

/** strings.Split / SplitN (n < 0: all). */
export function goSplit(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const runes = Array.from(s);
    if (n < 0 || n >= runes.length) return runes;
    return [...runes.slice(0, n - 1), runes.slice(n - 1).join('')];
  }
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function splitMap(parts: string[]) {
  const m = newMap();
  parts.forEach((p, i) => (m['_' + i] = p));
  return markNamedMap(m, 'map[string]string', { elem: '' });
}

export function compareBytes(a: string, b: string): number {
  return Buffer.compare(goBytes(a), goBytes(b));
}

/** strings.Replace(s, old, new, -1). */
function replaceAll(s: string, old: string, nw: string): string {
  if (old === '') {
    const runes = Array.from(s);
    return nw + runes.map((r) => r + nw).join('');
  }
  return s.split(old).join(nw);
}

/** Limit on strings produced by repeat, so `repeat 1000000000` fails fast instead of exhausting memory. */
export const MAX_STRING_BYTES = 128 * 1024 * 1024;

function repeat(count: bigint, str: string): string {
  if (count < 0n) throw new GoError('strings: negative Repeat count');
  const total = BigInt(goByteLen(str)) * count;
  if (total > BigInt(MAX_STRING_BYTES))
    throw new GoError(`strings: Repeat output length ${total} exceeds rel's limit of ${MAX_STRING_BYTES} bytes`);
  return str.repeat(Number(count));
}

// ---- the function map ---------------------------------------------------------

const TO_STRING: FuncSpec = { params: ['any'], returns: 'string', fn: (v: GoValue) => strval(v) };

export function stringFuncs(): FuncMap {
  const s1 = (f: (s: string) => string): FuncSpec => ({ params: ['string'], returns: 'string', fn: f });
  return {
    abbrev: { params: ['int', 'string'], returns: 'string', fn: abbrev },
    abbrevboth: { params: ['int', 'int', 'string'], returns: 'string', fn: abbrevboth },
    trunc: {
      params: ['int', 'string'],
      returns: 'string',
      fn: (c: bigint, s: string) => {
        const b = toBin(s);
        const n = Number(c);
        if (n < 0 && b.length + n > 0) return fromBin(b.slice(b.length + n));
        if (n >= 0 && b.length > n) return fromBin(b.slice(0, n));
        return s;
      },
    },
    trim: s1(trimSpace),
    upper: s1(runes(goUpper)),
    lower: s1(runes(goLower)),
    title: s1(runes(title)),
    untitle: s1(runes(untitle)),
    substr: {
      params: ['int', 'int', 'string'],
      returns: 'string',
      fn: (start: bigint, end: bigint, s: string) => {
        const b = toBin(s);
        const st = Number(start);
        const en = Number(end);
        let lo: number;
        let hi: number;
        if (st < 0) {
          lo = 0;
          hi = en;
        } else if (en < 0 || en > b.length) {
          lo = st;
          hi = b.length;
        } else {
          lo = st;
          hi = en;
        }
        const err = sliceBounds(lo, hi, b.length);
        if (err) throw err;
        return fromBin(b.slice(lo, hi));
      },
    },
    repeat: { params: ['int', 'string'], returns: 'string', fn: repeat },
    trimall: { params: ['string', 'string'], returns: 'string', fn: (a: string, b: string) => trimCutset(b, a, true, true) },
    trimAll: { params: ['string', 'string'], returns: 'string', fn: (a: string, b: string) => trimCutset(b, a, true, true) },
    trimSuffix: {
      params: ['string', 'string'],
      returns: 'string',
      fn: (a: string, b: string) => (a !== '' && b.endsWith(a) ? b.slice(0, b.length - a.length) : b),
    },
    trimPrefix: {
      params: ['string', 'string'],
      returns: 'string',
      fn: (a: string, b: string) => (a !== '' && b.startsWith(a) ? b.slice(a.length) : b),
    },
    nospace: s1(nospace),
    initials: s1(initials),
    randAlphaNum: { params: ['int'], returns: 'string', fn: (n: bigint) => randomFrom(LETTERS + DIGITS, Number(n)) },
    randAlpha: { params: ['int'], returns: 'string', fn: (n: bigint) => randomFrom(LETTERS, Number(n)) },
    randAscii: { params: ['int'], returns: 'string', fn: (n: bigint) => randomFrom(ASCII_PRINTABLE, Number(n)) },
    randNumeric: { params: ['int'], returns: 'string', fn: (n: bigint) => randomFrom(DIGITS, Number(n)) },
    swapcase: s1(runes(swapcase)),
    shuffle: s1(runes(shuffle)),
    snakecase: s1(snakecase),
    camelcase: s1(runes(camelcase)),
    kebabcase: s1(kebabcase),
    wrap: { params: ['int', 'string'], returns: 'string', fn: (l: bigint, s: string) => wrapCustom(s, Number(l), '', false) },
    wrapWith: {
      params: ['int', 'string', 'string'],
      returns: 'string',
      fn: (l: bigint, sep: string, s: string) => wrapCustom(s, Number(l), sep, true),
    },
    contains: { params: ['string', 'string'], returns: 'bool', fn: (sub: string, s: string) => s.includes(sub) },
    hasPrefix: { params: ['string', 'string'], returns: 'bool', fn: (sub: string, s: string) => s.startsWith(sub) },
    hasSuffix: { params: ['string', 'string'], returns: 'bool', fn: (sub: string, s: string) => s.endsWith(sub) },
    quote: {
      params: [],
      variadic: 'any',
      returns: 'string',
      fn: (...xs: GoValue[]) =>
        xs
          .filter((x) => x !== null && x !== undefined)
          .map((x) => quoteGo(strval(x)))
          .join(' '),
    },
    squote: {
      params: [],
      variadic: 'any',
      returns: 'string',
      fn: (...xs: GoValue[]) =>
        xs
          .filter((x) => x !== null && x !== undefined)
          .map((x) => "'" + formatV(x) + "'")
          .join(' '),
    },
    cat: {
      params: [],
      variadic: 'any',
      returns: 'string',
      fn: (...xs: GoValue[]) =>
        xs
          .filter((x) => x !== null && x !== undefined)
          .map((x) => formatV(x))
          .join(' '),
    },
    indent: {
      params: ['int', 'string'],
      returns: 'string',
      fn: (n: bigint, v: string) => {
        const pad = ' '.repeat(Math.max(0, Number(n)));
        return pad + v.replaceAll('\n', '\n' + pad);
      },
    },
    nindent: {
      params: ['int', 'string'],
      returns: 'string',
      fn: (n: bigint, v: string) => {
        const pad = ' '.repeat(Math.max(0, Number(n)));
        return '\n' + pad + v.replaceAll('\n', '\n' + pad);
      },
    },
    replace: { params: ['string', 'string', 'string'], returns: 'string', fn: (o: string, n: string, s: string) => replaceAll(s, o, n) },
    plural: { params: ['string', 'string', 'int'], returns: 'string', fn: (one: string, many: string, c: bigint) => (c === 1n ? one : many) },
    toString: TO_STRING,
    split: { params: ['string', 'string'], returns: 'map[string]string', fn: (sep: string, s: string) => splitMap(goSplit(s, sep)) },
    splitList: { params: ['string', 'string'], returns: '[]string', fn: (sep: string, s: string) => goSplit(s, sep) },
    splitn: {
      params: ['string', 'int', 'string'],
      returns: 'map[string]string',
      fn: (sep: string, n: bigint, s: string) => splitMap(goSplit(s, sep, Number(n))),
    },
    toStrings: { params: ['any'], returns: '[]string', fn: (v: GoValue) => strslice(v) },
    join: { params: ['string', 'any'], returns: 'string', fn: (sep: string, v: GoValue) => strslice(v).join(sep) },
    sortAlpha: {
      params: ['any'],
      returns: '[]string',
      fn: (v: GoValue) => {
        if (sliceElems(v)) return strslice(v).sort(compareBytes);
        return [strval(v)];
      },
    },
    b64enc: s1((v) => Buffer.from(goBytes(v)).toString('base64')),
    b64dec: s1((v) => {
      const r = base64Decode(v);
      return Buffer.isBuffer(r) ? goString(r) : r.err;
    }),
    b32enc: s1((v) => base32Encode(Buffer.from(goBytes(v)))),
    b32dec: s1((v) => {
      const r = base32Decode(v);
      return Buffer.isBuffer(r) ? goString(r) : r.err;
    }),
  };
}
