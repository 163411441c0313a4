/**
 * Go strings are byte strings and may hold bytes that are not valid UTF-8; JavaScript strings are UTF-16.
 * rel keeps such bytes the way Python's "surrogateescape" does: a byte 0x80–0xFF that is not part of a
 * valid UTF-8 sequence is the lone low surrogate U+DC80–U+DCFF inside the JS string. Valid text is the
 * same in both worlds; every byte-level operation (len, index, slice, substr, b64enc, hashes, %x, %q ...)
 * goes through `goBytes`/`goString`, and the output writer turns the escapes back into raw bytes.
 */

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Any surrogate code unit (a quick pre-check: most strings have none). */
const SURROGATE = /[\uD800-\uDFFF]/;
/** A surrogate that is not half of a valid pair. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True if `s` holds a byte that is not valid UTF-8 (or any other lone surrogate). */
export function hasRawBytes(s: string): boolean {
  return SURROGATE.test(s) && LONE_SURROGATE.test(s);
}

/** True for the code unit that stands for the invalid byte `c - 0xDC00`. */
export function isByteEscape(c: number): boolean {
  return c >= 0xdc80 && c <= 0xdcff;
}

/** The bytes of a Go string. A lone surrogate that is no byte escape (not made by rel) becomes U+FFFD. */
export function goBytes(s: string): Uint8Array {
  if (!hasRawBytes(s)) return encoder.encode(s);
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      const cp = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00);
      i++;
      out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    } else if (isByteEscape(c)) out.push(c - 0xdc00);
    else if (c >= 0xd800 && c <= 0xdfff) out.push(0xef, 0xbf, 0xbd);
    else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}

/** Go's len(s): the number of bytes. */
export function goByteLen(s: string): number {
  if (!hasRawBytes(s)) return Buffer.byteLength(s, 'utf8');
  return goBytes(s).length;
}

/** Width of the valid UTF-8 sequence at b[i] by Go's rules (utf8.DecodeRune), or 0 if it is invalid. */
function seqLen(b: Uint8Array, i: number): number {
  const x = b[i]!;
  if (x < 0x80) return 1;
  const n = b.length;
  const cont = (j: number, lo = 0x80, hi = 0xbf) => j < n && b[j]! >= lo && b[j]! <= hi;
  if (x >= 0xc2 && x <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (x >= 0xe0 && x <= 0xef) {
    const lo = x === 0xe0 ? 0xa0 : 0x80;
    const hi = x === 0xed ? 0x9f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (x >= 0xf0 && x <= 0xf4) {
    const lo = x === 0xf0 ? 0x90 : 0x80;
    const hi = x === 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

/** The Go string of some bytes: valid UTF-8 as text, every other byte as its escape. */
export function goString(b: Uint8Array): string {
  try {
    return fatalDecoder.decode(b);
  } catch {
    // not valid UTF-8: decode sequence by sequence
  }
  let out = '';
  let start = 0; // start of the current valid run
  let i = 0;
  while (i < b.length) {
    const w = seqLen(b, i);
    if (w > 0) {
      i += w;
      continue;
    }
    if (start < i) out += fatalDecoder.decode(b.subarray(start, i));
    out += String.fromCharCode(0xdc00 + b[i]!);
    i++;
    start = i;
  }
  if (start < b.length) out += fatalDecoder.decode(b.subarray(start));
  return out;
}

/** The string with every byte escape (and any other lone surrogate) replaced by U+FFFD, as Go's json.Marshal does. */
export function toValidUtf8(s: string): string {
  if (!hasRawBytes(s)) return s;
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Text for a byte-oriented writer (stdout, files): raw bytes where the string holds escapes. */
export function outputBytes(s: string): string | Uint8Array {
  return hasRawBytes(s) ? goBytes(s) : s;
}
