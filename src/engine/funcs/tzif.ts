/**
 * Zone abbreviations the way Go's time package finds them: from the system's TZif files
 * (/usr/share/zoneinfo/..., /etc/localtime for the local zone), which is what helm itself reads.
 * Intl only knows abbreviations that CLDR lists for a locale ("GMT+9" for Asia/Tokyo where Go says
 * "JST"), so time.ts asks here first and falls back to Intl when no file is found.
 */
import { readFileSync } from 'node:fs';

interface ZoneType {
  offset: number; // seconds east of UTC
  isDst: boolean;
  abbr: string;
}

interface TzData {
  types: ZoneType[];
  times: number[]; // transition instants (unix seconds), ascending
  idx: number[]; // zone type of each transition
  std?: { abbr: string; offset: number }; // from the footer TZ string, for instants after the last transition
  dst?: { abbr: string; offset: number };
}

// Go's platformZoneSources (zoneinfo_unix.go), in order.
const SOURCES = ['/usr/share/zoneinfo/', '/usr/share/lib/zoneinfo/', '/usr/lib/locale/TZ/', '/etc/zoneinfo/'];

const cache = new Map<string, TzData | null>();

/** The parsed zone file for an IANA name, or for the local zone (`path` given); null when none. */
function load(key: string, paths: string[]): TzData | null {
  let d = cache.get(key);
  if (d !== undefined) return d;
  d = null;
  for (const p of paths) {
    try {
      d = parseTzif(readFileSync(p));
      if (d) break;
    } catch {
      // not there or unreadable: next source
    }
  }
  cache.set(key, d);
  return d;
}

export function parseTzif(buf: Buffer): TzData | null {
  if (buf.length < 44 || buf.toString('latin1', 0, 4) !== 'TZif') return null;
  const version = buf[4];
  const counts = (at: number) => [0, 1, 2, 3, 4, 5].map((i) => buf.readUInt32BE(at + 20 + i * 4));
  let [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(0);
  let p = 44;
  let wide = false;
  if (version >= 0x32) {
    // skip the 32-bit block, use the 64-bit one
    p += timecnt * 4 + timecnt + typecnt * 6 + charcnt + leap * 8 + isstd + isut;
    if (buf.length < p + 44 || buf.toString('latin1', p, p + 4) !== 'TZif') return null;
    [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(p);
    p += 44;
    wide = true;
  }
  const times: number[] = [];
  for (let i = 0; i < timecnt; i++) {
    times.push(wide ? Number(buf.readBigInt64BE(p)) : buf.readInt32BE(p));
    p += wide ? 8 : 4;
  }
  const idx: number[] = [];
  for (let i = 0; i < timecnt; i++) idx.push(buf[p++]);
  const raw: { offset: number; isDst: boolean; ai: number }[] = [];
  for (let i = 0; i < typecnt; i++) {
    raw.push({ offset: buf.readInt32BE(p), isDst: buf[p + 4] !== 0, ai: buf[p + 5] });
    p += 6;
  }
  const chars = buf.toString('latin1', p, p + charcnt);
  p += charcnt + leap * (wide ? 12 : 8) + isstd + isut;
  const types = raw.map((t) => {
    const end = chars.indexOf('\0', t.ai);
    return { offset: t.offset, isDst: t.isDst, abbr: chars.slice(t.ai, end < 0 ? undefined : end) };
  });
  if (types.length === 0) return null;
  const data: TzData = { types, times, idx };
  if (wide && buf[p] === 0x0a) {
    const end = buf.indexOf(0x0a, p + 1);
    if (end > p) Object.assign(data, parseTzString(buf.toString('latin1', p + 1, end)));
  }
  return data;
}

/** The names and offsets of a POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3" or "<+09>-9". */
function parseTzString(s: string): Pick<TzData, 'std' | 'dst'> {
  let i = 0;
  const name = (): string | undefined => {
    if (s[i] === '<') {
      const end = s.indexOf('>', i);
      if (end < 0) return undefined;
      const n = s.slice(i + 1, end);
      i = end + 1;
      return n;
    }
    const m = /^[A-Za-z]{3,}/.exec(s.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };
  const offset = (): number | undefined => {
    const m = /^([+-]?)(\d{1,3})(?::(\d{1,2}))?(?::(\d{1,2}))?/.exec(s.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    const secs = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
    return m[1] === '-' ? secs : -secs; // POSIX offsets count west of UTC
  };
  const stdName = name();
  const stdOff = stdName === undefined ? undefined : offset();
  if (stdName === undefined || stdOff === undefined) return {};
  const out: Pick<TzData, 'std' | 'dst'> = { std: { abbr: stdName, offset: stdOff } };
  if (i < s.length && s[i] !== ',') {
    const dstName = name();
    if (dstName !== undefined) {
      const o = i < s.length && s[i] !== ',' ? offset() : undefined;
      out.dst = { abbr: dstName, offset: o ?? stdOff + 3600 };
    }
  }
  return out;
}

/** Go's lookupFirstZone: the zone in effect before the first transition. */
function firstZone(d: TzData): ZoneType {
  if (!d.idx.includes(0)) return d.types[0];
  if (d.idx.length > 0 && d.types[d.idx[0]].isDst) {
    for (let zi = d.idx[0] - 1; zi >= 0; zi--) if (!d.types[zi].isDst) return d.types[zi];
  }
  return d.types.find((t) => !t.isDst) ?? d.types[0];
}

/**
 * The zone in effect at unix second `sec` from the zone file, when the file's transition table
 * covers that instant (before its last transition); undefined otherwise (no file, or a later
 * instant that the file's footer rule governs: the caller computes the offset and asks tzifAbbr).
 */
export function tzifZone(zone: string | undefined, sec: number): { offset: number; abbr: string } | undefined {
  const d = zone === undefined ? load('\0local', ['/etc/localtime']) : load(zone, SOURCES.map((s) => s + zone));
  if (!d) return undefined;
  if (d.times.length === 0) return d.std ? undefined : d.types[0];
  if (sec < d.times[0]) return firstZone(d);
  if (sec >= d.times[d.times.length - 1] && d.std) return undefined;
  return d.types[d.idx[lastAtOrBefore(d.times, sec)]];
}

function lastAtOrBefore(times: number[], sec: number): number {
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid] <= sec) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Go's abbreviation for `zone` at unix second `sec`, given the UTC offset already computed for
 * that instant; undefined when no zone file is found or the file disagrees with that offset.
 * `zone` is an IANA name, or undefined for the local zone from /etc/localtime.
 */
export function tzifAbbr(zone: string | undefined, sec: number, offset: number): string | undefined {
  const d = zone === undefined ? load('\0local', ['/etc/localtime']) : load(zone, SOURCES.map((s) => s + zone));
  if (!d) return undefined;
  let z: { abbr: string; offset: number } | undefined;
  if (d.times.length === 0 || sec < d.times[0]) z = d.times.length === 0 && d.std ? pick(d, offset) : firstZone(d);
  else if (sec >= d.times[d.times.length - 1] && d.std) z = pick(d, offset);
  else z = d.types[d.idx[lastAtOrBefore(d.times, sec)]];
  return z && z.offset === offset ? z.abbr : undefined;
}

function pick(d: TzData, offset: number): { abbr: string; offset: number } | undefined {
  if (d.dst && d.dst.offset === offset && d.std!.offset !== offset) return d.dst;
  return d.std;
}
