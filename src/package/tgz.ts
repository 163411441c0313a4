/**
 * Deterministic .tgz writing for chart packages: tar entries in the given order with fixed
 * mode 0644, owner 0/0, empty user/group names and a fixed mtime; gzip with Helm's header
 * (FEXTRA with Helm's marker bytes, FCOMMENT "Helm", MTIME 0, OS unknown) so that the same
 * input always gives the same bytes.
 */
import { gzipSync } from 'node:zlib';
import { Header, Pax } from 'tar';

export interface TarFile {
  /** Path inside the archive, forward slashes. */
  name: string;
  data: Uint8Array;
}

/** Helm writes these bytes into the gzip FEXTRA field (pkg/chart/v2/util/save.go). */
const HELM_GZIP_EXTRA = Buffer.from('+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=', 'latin1');
const HELM_GZIP_COMMENT = Buffer.from('Helm\0', 'latin1');

/** The mtime written into every entry: $SOURCE_DATE_EPOCH when set, else the Unix epoch. */
export function packageMtime(env: NodeJS.ProcessEnv = process.env): Date {
  const s = env.SOURCE_DATE_EPOCH;
  if (s !== undefined && /^\d+$/.test(s)) return new Date(Number(s) * 1000);
  return new Date(0);
}

function block(n: number): number {
  return Math.ceil(n / 512) * 512;
}

/** A ustar stream (PAX headers for long names) of the files, in order. */
export function tarBytes(files: TarFile[], mtime: Date = packageMtime()): Buffer {
  const parts: Buffer[] = [];
  for (const f of files) {
    const fields = {
      path: f.name,
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: f.data.length,
      mtime,
      type: 'File' as const,
      uname: '',
      gname: '',
    };
    const h = new Header(fields);
    const hb = Buffer.alloc(512);
    h.encode(hb, 0);
    if (h.needPax) {
      const pax = new Pax({ ...fields, atime: undefined, ctime: undefined }, false);
      parts.push(pax.encode());
      // the ustar header after a PAX record keeps a truncated name; re-encode it
      const hb2 = Buffer.alloc(512);
      new Header({ ...fields, path: f.name.slice(-99) }).encode(hb2, 0);
      parts.push(hb2);
    } else {
      parts.push(hb);
    }
    const body = Buffer.alloc(block(f.data.length));
    Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength).copy(body);
    parts.push(body);
  }
  parts.push(Buffer.alloc(1024)); // two zero blocks end the archive
  return Buffer.concat(parts);
}

/** Gzip with a fixed header like Helm's: FLG=FEXTRA|FCOMMENT, MTIME=0, XFL=0, OS=255. */
export function helmGzip(data: Uint8Array): Buffer {
  const z = gzipSync(data, { level: 9 });
  // gzipSync writes a plain 10-byte header (no optional fields); keep its deflate body and trailer
  const body = z.subarray(10);
  const head = Buffer.from([0x1f, 0x8b, 0x08, 0x14, 0, 0, 0, 0, 0x00, 0xff]);
  const xlen = Buffer.alloc(2);
  xlen.writeUInt16LE(HELM_GZIP_EXTRA.length, 0);
  return Buffer.concat([head, xlen, HELM_GZIP_EXTRA, HELM_GZIP_COMMENT, body]);
}

/** tar + gzip of the files. */
export function writeTgz(files: TarFile[], mtime?: Date): Buffer {
  return helmGzip(tarBytes(files, mtime));
}
