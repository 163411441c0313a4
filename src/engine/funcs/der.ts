/** A small ASN.1 DER encoder/decoder for the certificate and key functions. */

export type Der = Buffer;

function lenBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Buffer): Der {
  return Buffer.concat([Buffer.from([tag]), lenBytes(content.length), content]);
}

export const seq = (...items: Der[]) => tlv(0x30, Buffer.concat(items));
export const set = (...items: Der[]) => tlv(0x31, Buffer.concat(items));
export const ctx = (n: number, content: Der, constructed = true) => tlv((constructed ? 0xa0 : 0x80) | n, content);
export const octets = (b: Buffer) => tlv(0x04, b);
export const bitString = (b: Buffer, unused = 0) => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));
export const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0x00]));
export const nullDer = () => Buffer.from([0x05, 0x00]);

export function integer(v: bigint): Der {
  if (v === 0n) return tlv(0x02, Buffer.from([0]));
  let hex = (v < 0n ? -v : v).toString(16);
  if (hex.length % 2) hex = '0' + hex;
  let b = Buffer.from(hex, 'hex');
  if (v > 0n && b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  if (v < 0n) throw new Error('negative integers are not needed here');
  return tlv(0x02, b);
}

export function integerBytes(b: Buffer): Der {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0 && !(b[i + 1] & 0x80)) i++;
  let body = b.subarray(i);
  if (body[0] & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return tlv(0x02, body);
}

export function oid(s: string): Der {
  const parts = s.split('.').map(Number);
  const out = [parts[0] * 40 + parts[1]];
  for (const p of parts.slice(2)) {
    const stack = [p & 0x7f];
    let n = Math.floor(p / 128);
    while (n > 0) {
      stack.unshift((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

/** Go's asn1 picks PrintableString when possible, else UTF8String. */
export function dirString(s: string): Der {
  const printable = /^[A-Za-z0-9 '()+,\-./:=?*&]*$/.test(s);
  return tlv(printable ? 0x13 : 0x0c, Buffer.from(s, 'utf8'));
}

export const ia5 = (s: string) => tlv(0x16, Buffer.from(s, 'latin1'));

/** UTCTime before 2050, GeneralizedTime after, in UTC, seconds precision. */
export function time(d: Date): Der {
  const y = d.getUTCFullYear();
  const p = (n: number) => String(n).padStart(2, '0');
  const rest = p(d.getUTCMonth() + 1) + p(d.getUTCDate()) + p(d.getUTCHours()) + p(d.getUTCMinutes()) + p(d.getUTCSeconds()) + 'Z';
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(p(y % 100) + rest, 'latin1'));
  return tlv(0x18, Buffer.from(String(y).padStart(4, '0') + rest, 'latin1'));
}

export interface Node {
  tag: number;
  content: Buffer;
  /** The whole encoding (tag + length + content). */
  raw: Buffer;
}

/** Parse one DER element at `off`. */
export function parse(buf: Buffer, off = 0): Node & { end: number } {
  const tag = buf[off];
  let len = buf[off + 1];
  let hdr = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[off + 2 + i];
    hdr += n;
  }
  const start = off + hdr;
  const end = start + len;
  if (end > buf.length || tag === undefined) throw new Error('truncated DER');
  return { tag, content: buf.subarray(start, end), raw: buf.subarray(off, end), end };
}

/** Children of a constructed element. */
export function children(n: Node): Node[] {
  const out: Node[] = [];
  let off = 0;
  while (off < n.content.length) {
    const c = parse(n.content, off);
    out.push(c);
    off = c.end;
  }
  return out;
}

export function pem(type: string, der: Buffer): string {
  const b64 = der.toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}

/** encoding/pem.Decode of the first block: its type and bytes. */
export function pemDecode(text: string): { type: string; bytes: Buffer } | undefined {
  const m = /-----BEGIN ([^-\n]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) return undefined;
  // headers (Proc-Type etc.) are skipped
  const body = m[2].replace(/^[A-Za-z-]+:.*\r?\n/gm, '').replace(/\s+/g, '');
  return { type: m[1], bytes: Buffer.from(body, 'base64') };
}
