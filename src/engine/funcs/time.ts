/**
 * Go's time.Time and time.Duration for templates: Sprig's date functions (date.go),
 * Go layout formatting/parsing ("2006-01-02 15:04:05"), zones via Intl.
 */
import { GoError, GoInt, GoStruct, goInt, goTypeName, type FuncMap, type GoValue } from '../types.js';
import { quoteGo } from './fmt.js';
import { tzifAbbr, tzifZone } from './tzif.js';

// ---- zones -----------------------------------------------------------------

function localZoneName(): string {
  const tz = process.env.TZ;
  if (tz !== undefined) {
    const name = tz.startsWith(':') ? tz.slice(1) : tz;
    if (name === '' || name === 'UTC') return 'UTC';
    if (validZone(name)) return name;
    return 'UTC';
  }
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const zoneOk = new Map<string, boolean>();
function validZone(name: string): boolean {
  let ok = zoneOk.get(name);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
      ok = true;
    } catch {
      ok = false;
    }
    zoneOk.set(name, ok);
  }
  return ok;
}

/** time.LoadLocation: "", "UTC" -> UTC; "Local"; IANA names. Undefined when unknown. */
export function loadLocation(name: string): string | undefined {
  if (name === '' || name === 'UTC') return 'UTC';
  if (name === 'Local') return 'Local';
  if (/^[A-Za-z0-9_+\-/]+$/.test(name) && !name.includes('..') && validZone(name)) return name;
  return undefined;
}

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(zone: string, abbrLocale?: string): Intl.DateTimeFormat {
  const key = zone + '|' + (abbrLocale ?? '');
  let f = fmtCache.get(key);
  if (!f) {
    f = abbrLocale
      ? new Intl.DateTimeFormat(abbrLocale, { timeZone: zone, timeZoneName: 'short' })
      : new Intl.DateTimeFormat('en-US', {
          timeZone: zone,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
          era: 'short',
        });
    fmtCache.set(key, f);
  }
  return f;
}

interface ZoneInfo {
  offset: number; // seconds east of UTC
  abbr: string;
}

function zoneAt(loc: string, unixSec: bigint): ZoneInfo {
  if (loc.startsWith('fixed:')) {
    // 'fixed:<offset seconds>' or 'fixed:<offset seconds>:<zone name>' (Go's FixedZone)
    const [, offStr, name] = /^fixed:(-?\d+)(?::(.*))?$/.exec(loc)!;
    const off = parseInt(offStr, 10);
    const a = Math.abs(off);
    const abbr = name || (off < 0 ? '-' : '+') + String(Math.floor(a / 3600)).padStart(2, '0') + String(Math.floor((a % 3600) / 60)).padStart(2, '0');
    return { offset: off, abbr };
  }
  const zone = loc === 'Local' ? localZoneName() : loc;
  if (zone === 'UTC' || zone === 'Etc/UTC') return { offset: 0, abbr: 'UTC' };
  // Intl works on JS dates (±8.64e15 ms); clamp outside that range.
  let ms = Number(unixSec) * 1000;
  if (ms > 8.64e15) ms = 8.64e15;
  if (ms < -8.64e15) ms = -8.64e15;
  // Go reads zones from the zone files (the local zone from /etc/localtime when TZ is unset).
  const fileZone = loc === 'Local' && process.env.TZ === undefined ? undefined : zone;
  const fromFile = tzifZone(fileZone, Math.floor(ms / 1000));
  if (fromFile) return fromFile;
  const d = new Date(ms);
  const p: Record<string, string> = {};
  for (const part of partsFormatter(zone).formatToParts(d)) p[part.type] = part.value;
  let year = parseInt(p.year, 10);
  if (p.era === 'BC' || p.era === 'B') year = 1 - year;
  const wall = daysFromCivil(year, parseInt(p.month, 10), parseInt(p.day, 10)) * 86400 + parseInt(p.hour, 10) * 3600 + parseInt(p.minute, 10) * 60 + parseInt(p.second, 10);
  const offset = wall - Math.floor(ms / 1000);
  const abbr = tzifAbbr(fileZone, Math.floor(ms / 1000), offset) ?? zoneAbbr(zone, d, offset);
  return { offset, abbr };
}

function zoneAbbr(zone: string, d: Date, offset: number): string {
  for (const locale of ['en-US', 'en-GB', 'en-IN', 'en-AU', 'en-NZ', 'en-ZA', 'en-SG', 'en-IE']) {
    const name = partsFormatter(zone, locale)
      .formatToParts(d)
      .find((x) => x.type === 'timeZoneName')?.value;
    if (name && !/^(GMT|UTC)[+-]/.test(name)) return name === 'UTC' && offset !== 0 ? numericAbbr(offset) : name;
  }
  return numericAbbr(offset);
}

function numericAbbr(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const a = Math.abs(offset);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  return sign + String(h).padStart(2, '0') + (m ? String(m).padStart(2, '0') : '');
}

// ---- calendar (proleptic Gregorian) ------------------------------------------

export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [y + (m <= 2 ? 1 : 0), m, d];
}

const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

// ---- Duration ------------------------------------------------------------------

const NS = { ns: 1n, us: 1000n, ms: 1000000n, s: 1000000000n, m: 60000000000n, h: 3600000000000n };

function fmtFrac(v: bigint, prec: number): [string, bigint] {
  // Go's fmtFrac: trailing zeros dropped, leading '.' only when non-zero
  let out = '';
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print = print || digit !== 0n;
    if (print) out = digit.toString() + out;
    v /= 10n;
  }
  if (print) out = '.' + out;
  return [out, v];
}

/** time.Duration.String(). */
export function durationString(d: bigint): string {
  if (d === 0n) return '0s';
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < NS.s) {
    let prec: number;
    let unit: string;
    if (u < NS.us) {
      return (neg ? '-' : '') + u.toString() + 'ns';
    } else if (u < NS.ms) {
      prec = 3;
      unit = 'µs';
    } else {
      prec = 6;
      unit = 'ms';
    }
    const [frac, rest] = fmtFrac(u, prec);
    out = rest.toString() + frac + unit;
  } else {
    const [frac, rest] = fmtFrac(u, 9);
    u = rest;
    out = (u % 60n).toString() + frac + 's';
    u /= 60n;
    if (u > 0n) {
      out = (u % 60n).toString() + 'm' + out;
      u /= 60n;
      if (u > 0n) out = u.toString() + 'h' + out;
    }
  }
  return (neg ? '-' : '') + out;
}

/** time.ParseDuration. */
export function parseDuration(s: string): bigint {
  const orig = s;
  const bad = () => new GoError(`time: invalid duration ${quoteGo(orig)}`);
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw bad();
  let total = 0n;
  const units: Record<string, bigint> = { ns: NS.ns, us: NS.us, 'µs': NS.us, 'μs': NS.us, ms: NS.ms, s: NS.s, m: NS.m, h: NS.h };
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    if (m[0] === '' || m[0] === '.' || (m[1] === '' && (m[2] ?? '') === '')) throw bad();
    s = s.slice(m[0].length);
    const um = /^[^0-9.]*/.exec(s)![0];
    if (um === '') throw new GoError(`time: missing unit in duration ${quoteGo(orig)}`);
    const unit = units[um];
    if (unit === undefined) throw new GoError(`time: unknown unit ${quoteGo(um)} in duration ${quoteGo(orig)}`);
    s = s.slice(um.length);
    const whole = BigInt(m[1] || '0');
    let v = whole * unit;
    const frac = m[2] ?? '';
    if (frac !== '') {
      // fraction scaled like Go (truncating)
      v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    }
    total += v;
    if (total > 9223372036854775807n) throw bad();
  }
  return neg ? -total : total;
}

// ---- time.Time -------------------------------------------------------------------

const NS_PER_S = 1000000000n;
/** process.hrtime (not performance.now: the first use of `performance` loads perf_hooks, ~1 ms of start-up). */
const processStart = process.hrtime.bigint();

/** Go's time.Time. `loc` is 'UTC', 'Local' or an IANA zone name. */
export class GoTime extends GoStruct {
  readonly goTypeName = 'time.Time';
  static goMethods = {
    Format: { params: ['string'], returns: 'string' },
    Add: { params: ['int64'], returns: 'time.Time' },
    AddDate: { params: ['int', 'int', 'int'], returns: 'time.Time' },
    Sub: { params: ['any'], returns: 'time.Duration' },
    After: { params: ['any'], returns: 'bool' },
    Before: { params: ['any'], returns: 'bool' },
    Equal: { params: ['any'], returns: 'bool' },
  };

  constructor(
    /** Unix seconds. */
    readonly sec: bigint,
    /** Nanoseconds within the second, 0..999999999. */
    readonly nsec: number,
    readonly loc: string = 'Local',
    /** Monotonic clock reading in ns since process start (time.Now only). */
    readonly mono?: bigint,
  ) {
    super();
  }

  static now(): GoTime {
    const ms = Date.now();
    const hr = process.hrtime.bigint() % 1000000n; // sub-millisecond digits
    const mono = process.hrtime.bigint() - processStart;
    return new GoTime(BigInt(Math.floor(ms / 1000)), (ms % 1000) * 1e6 + Number(hr), 'Local', mono);
  }

  static unix(sec: bigint, nsec = 0): GoTime {
    return new GoTime(sec, nsec, 'Local');
  }

  /** The zero time.Time (0001-01-01 00:00:00 UTC). */
  static zero(): GoTime {
    return new GoTime(-62135596800n, 0, 'UTC');
  }

  unixNano(): bigint {
    return this.sec * NS_PER_S + BigInt(this.nsec);
  }

  static fromUnixNano(ns: bigint, loc: string, mono?: bigint): GoTime {
    let sec = ns / NS_PER_S;
    let rem = ns % NS_PER_S;
    if (rem < 0n) {
      rem += NS_PER_S;
      sec -= 1n;
    }
    return new GoTime(sec, Number(rem), loc, mono);
  }

  in(loc: string): GoTime {
    return new GoTime(this.sec, this.nsec, loc);
  }

  /** Wall clock fields in this time's zone. */
  fields() {
    const z = zoneAt(this.loc, this.sec);
    const local = this.sec + BigInt(z.offset);
    let days = local / 86400n;
    let secs = local % 86400n;
    if (secs < 0n) {
      secs += 86400n;
      days -= 1n;
    }
    const [year, month, day] = civilFromDays(Number(days));
    const s = Number(secs);
    const weekday = (((Number(days) + 4) % 7) + 7) % 7;
    const yday = Number(days) - daysFromCivil(year, 1, 1) + 1;
    return { year, month, day, hour: Math.floor(s / 3600), minute: Math.floor((s % 3600) / 60), second: s % 60, weekday, yday, zone: z };
  }

  Format(layout: string): string {
    return formatTime(this, layout);
  }
  String(): string {
    let s = formatTime(this, '2006-01-02 15:04:05.999999999 -0700 MST');
    if (this.mono !== undefined) {
      const m = this.mono;
      const sign = m < 0n ? '-' : '+';
      const a = m < 0n ? -m : m;
      s += ` m=${sign}${a / NS_PER_S}.${(a % NS_PER_S).toString().padStart(9, '0')}`;
    }
    return s;
  }
  MarshalJSON(): string {
    return '"' + formatTime(this, '2006-01-02T15:04:05.999999999Z07:00') + '"';
  }
  Unix(): bigint {
    return this.sec;
  }
  UnixNano(): bigint {
    return this.unixNano();
  }
  UnixMilli(): bigint {
    return this.unixNano() / 1000000n;
  }
  Year(): GoInt {
    return goInt(this.fields().year);
  }
  Month(): GoInt {
    return new GoInt(BigInt(this.fields().month), 'time.Month');
  }
  Day(): GoInt {
    return goInt(this.fields().day);
  }
  Hour(): GoInt {
    return goInt(this.fields().hour);
  }
  Minute(): GoInt {
    return goInt(this.fields().minute);
  }
  Second(): GoInt {
    return goInt(this.fields().second);
  }
  Nanosecond(): GoInt {
    return goInt(this.nsec);
  }
  Weekday(): GoInt {
    return new GoInt(BigInt(this.fields().weekday), 'time.Weekday');
  }
  YearDay(): GoInt {
    return goInt(this.fields().yday);
  }
  IsZero(): boolean {
    return this.sec === -62135596800n && this.nsec === 0;
  }
  UTC(): GoTime {
    return this.in('UTC');
  }
  Local(): GoTime {
    return this.in('Local');
  }
  Add(d: bigint): GoTime {
    return GoTime.fromUnixNano(this.unixNano() + d, this.loc, this.mono === undefined ? undefined : this.mono + d);
  }
  AddDate(y: bigint, m: bigint, d: bigint): GoTime {
    const f = this.fields();
    let month = f.month - 1 + Number(m);
    const year = f.year + Number(y) + Math.floor(month / 12);
    month = ((month % 12) + 12) % 12;
    const days = daysFromCivil(year, month + 1, 1) + f.day - 1 + Number(d);
    const wall = BigInt(days) * 86400n + BigInt(f.hour * 3600 + f.minute * 60 + f.second);
    return dateInLoc(wall, this.nsec, this.loc);
  }
  Sub(u: GoValue): bigint {
    if (!(u instanceof GoTime)) throw new GoError('wrong type for value; expected time.Time');
    return this.unixNano() - u.unixNano();
  }
  After(u: GoValue): boolean {
    return u instanceof GoTime && this.unixNano() > u.unixNano();
  }
  Before(u: GoValue): boolean {
    return u instanceof GoTime && this.unixNano() < u.unixNano();
  }
  Equal(u: GoValue): boolean {
    return u instanceof GoTime && this.unixNano() === u.unixNano();
  }
}

/** A time from wall-clock seconds (as if UTC) in a zone: the zone offset is resolved like Go's Date. */
function dateInLoc(wall: bigint, nsec: number, loc: string): GoTime {
  let unix = wall - BigInt(zoneAt(loc, wall).offset);
  // second pass fixes offsets that change around the instant (DST)
  const off2 = zoneAt(loc, unix).offset;
  unix = wall - BigInt(off2);
  return new GoTime(unix, nsec, loc);
}

// ---- layouts ----------------------------------------------------------------------

type Chunk =
  | { lit: string }
  | { std: string; frac?: number; fracTrim?: boolean; fracSep?: string };

const STD_TOKENS = [
  'January', 'Jan', 'Monday', 'Mon', 'MST',
  '01', '02', '03', '04', '05', '06', '002', '15', '1', '2006', '2', '__2', '_2', '3', '4', '5', 'PM', 'pm',
  '-07:00:00', '-070000', '-07:00', '-0700', '-07', 'Z07:00:00', 'Z070000', 'Z07:00', 'Z0700', 'Z07',
];

/** Split a Go layout into literal text and std chunks (time.nextStdChunk). */
export function layoutChunks(layout: string): Chunk[] {
  const out: Chunk[] = [];
  let lit = '';
  const push = (c: Chunk) => {
    if (lit) out.push({ lit });
    lit = '';
    out.push(c);
  };
  let i = 0;
  while (i < layout.length) {
    const rest = layout.slice(i);
    const c = layout[i];
    let tok: string | undefined;
    switch (c) {
      case 'J':
        tok = rest.startsWith('January') ? 'January' : rest.startsWith('Jan') ? 'Jan' : undefined;
        break;
      case 'M':
        tok = rest.startsWith('Monday') ? 'Monday' : rest.startsWith('Mon') ? 'Mon' : rest.startsWith('MST') ? 'MST' : undefined;
        break;
      case '0':
        if (/^0[1-6]/.test(rest)) tok = rest.slice(0, 2);
        else if (rest.startsWith('002')) tok = '002';
        break;
      case '1':
        tok = rest.startsWith('15') ? '15' : '1';
        break;
      case '2':
        tok = rest.startsWith('2006') ? '2006' : '2';
        break;
      case '_':
        if (rest.startsWith('_2')) {
          if (rest.startsWith('_2006')) {
            // "_" then a year
            lit += '_';
            i++;
            continue;
          }
          tok = '_2';
        } else if (rest.startsWith('__2')) tok = '__2';
        break;
      case '3':
      case '4':
      case '5':
        tok = c;
        break;
      case 'P':
        if (rest.startsWith('PM')) tok = 'PM';
        break;
      case 'p':
        if (rest.startsWith('pm')) tok = 'pm';
        break;
      case '-':
      case 'Z':
        for (const t of STD_TOKENS) {
          if (t[0] === c && rest.startsWith(t)) {
            tok = t;
            break;
          }
        }
        break;
      case '.':
      case ',': {
        const m = /^[.,](0+|9+)/.exec(rest);
        if (m && !/^[0-9]/.test(rest.slice(m[0].length))) {
          push({ std: 'frac', frac: m[1].length, fracTrim: m[1][0] === '9', fracSep: c });
          i += m[0].length;
          continue;
        }
        break;
      }
    }
    if (tok) {
      push({ std: tok });
      i += tok.length;
    } else {
      lit += c;
      i++;
    }
  }
  if (lit) out.push({ lit });
  return out;
}

function pad(n: number, w: number): string {
  const s = String(Math.abs(n)).padStart(w, '0');
  return n < 0 ? '-' + s : s;
}

export function formatTime(t: GoTime, layout: string): string {
  const f = t.fields();
  let out = '';
  for (const c of layoutChunks(layout)) {
    if ('lit' in c) {
      out += c.lit;
      continue;
    }
    const off = f.zone.offset;
    switch (c.std) {
      case 'January':
        out += MONTHS[f.month - 1];
        break;
      case 'Jan':
        out += MONTHS[f.month - 1].slice(0, 3);
        break;
      case 'Monday':
        out += DAYS[f.weekday];
        break;
      case 'Mon':
        out += DAYS[f.weekday].slice(0, 3);
        break;
      case 'MST':
        out += f.zone.abbr;
        break;
      case '01':
        out += pad(f.month, 2);
        break;
      case '1':
        out += f.month;
        break;
      case '02':
        out += pad(f.day, 2);
        break;
      case '2':
        out += f.day;
        break;
      case '_2':
        out += String(f.day).padStart(2, ' ');
        break;
      case '002':
        out += pad(f.yday, 3);
        break;
      case '__2':
        out += String(f.yday).padStart(3, ' ');
        break;
      case '03':
        out += pad(f.hour % 12 === 0 ? 12 : f.hour % 12, 2);
        break;
      case '3':
        out += f.hour % 12 === 0 ? 12 : f.hour % 12;
        break;
      case '15':
        out += pad(f.hour, 2);
        break;
      case '04':
        out += pad(f.minute, 2);
        break;
      case '4':
        out += f.minute;
        break;
      case '05':
        out += pad(f.second, 2);
        break;
      case '5':
        out += f.second;
        break;
      case '2006':
        out += pad(f.year, 4);
        break;
      case '06':
        out += pad(((f.year % 100) + 100) % 100, 2);
        break;
      case 'PM':
        out += f.hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += f.hour >= 12 ? 'pm' : 'am';
        break;
      case 'frac': {
        const digits = String(t.nsec).padStart(9, '0').slice(0, c.frac);
        if (c.fracTrim) {
          const trimmed = digits.replace(/0+$/, '');
          if (trimmed) out += c.fracSep + trimmed;
        } else out += c.fracSep + digits;
        break;
      }
      default: {
        // zone offsets
        if (c.std.startsWith('Z') && off === 0) {
          out += 'Z';
          break;
        }
        const sign = off < 0 ? '-' : '+';
        const a = Math.abs(off);
        const hh = pad(Math.floor(a / 3600), 2);
        const mm = pad(Math.floor((a % 3600) / 60), 2);
        const ss = pad(a % 60, 2);
        const body = c.std.slice(1);
        if (body === '07') out += sign + hh;
        else if (body === '0700') out += sign + hh + mm;
        else if (body === '07:00') out += sign + hh + ':' + mm;
        else if (body === '070000') out += sign + hh + mm + ss;
        else out += sign + hh + ':' + mm + ':' + ss;
      }
    }
  }
  return out;
}

/** time.ParseInLocation (the common layouts' elements). */
export function parseTime(layout: string, value: string, loc: string): GoTime {
  const origValue = value;
  const err = (valueElem: string, layoutElem: string, extra = '') =>
    new GoError(
      extra
        ? `parsing time ${quoteGo(origValue)}${extra}`
        : `parsing time ${quoteGo(origValue)} as ${quoteGo(layout)}: cannot parse ${quoteGo(valueElem)} as ${quoteGo(layoutElem)}`,
    );
  let year = 0; // Go: a layout without a year parses as year 0
  let month = 1;
  let day = 1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let pm: boolean | undefined;
  let zoneOffset: number | undefined;
  let zoneName: string | undefined;
  const chunks = layoutChunks(layout);
  const num = (min: number, max: number): number | undefined => {
    const m = new RegExp(`^[0-9]{${min},${max}}`).exec(value);
    if (!m) return undefined;
    value = value.slice(m[0].length);
    return parseInt(m[0], 10);
  };
  for (let ci = 0; ci < chunks.length; ci++) {
    const c = chunks[ci];
    if ('lit' in c) {
      // spaces in layout and value are matched loosely only for exact text
      if (!value.startsWith(c.lit)) throw err(value, c.lit);
      value = value.slice(c.lit.length);
      continue;
    }
    const hold = value;
    const layoutElem = c.std === 'frac' ? c.fracSep + (c.fracTrim ? '9' : '0').repeat(c.frac!) : c.std;
    const fail = () => err(hold, layoutElem);
    let v: number | undefined;
    switch (c.std) {
      case '2006':
        v = num(4, 4);
        if (v === undefined) throw fail();
        year = v;
        break;
      case '06':
        v = num(2, 2);
        if (v === undefined) throw fail();
        year = v >= 69 ? 1900 + v : 2000 + v;
        break;
      case 'January':
      case 'Jan': {
        const names = c.std === 'Jan' ? MONTHS.map((m) => m.slice(0, 3)) : MONTHS;
        const i = names.findIndex((n) => value.toLowerCase().startsWith(n.toLowerCase()));
        if (i < 0) throw fail();
        month = i + 1;
        value = value.slice(names[i].length);
        break;
      }
      case 'Monday':
      case 'Mon': {
        const names = c.std === 'Mon' ? DAYS.map((m) => m.slice(0, 3)) : DAYS;
        const i = names.findIndex((n) => value.toLowerCase().startsWith(n.toLowerCase()));
        if (i < 0) throw fail();
        value = value.slice(names[i].length);
        break;
      }
      case '01':
      case '1':
        v = c.std === '01' ? num(2, 2) : num(1, 2);
        if (v === undefined) throw fail();
        if (v < 1 || v > 12) throw err('', '', ': month out of range');
        month = v;
        break;
      case '02':
      case '2':
      case '_2':
        if (c.std === '_2' && value.startsWith(' ')) value = value.slice(1);
        v = c.std === '02' ? num(2, 2) : num(1, 2);
        if (v === undefined) throw fail();
        day = v;
        break;
      case '002':
      case '__2':
        if (c.std === '__2') value = value.replace(/^ {1,2}/, '');
        v = c.std === '002' ? num(3, 3) : num(1, 3);
        if (v === undefined) throw fail();
        yday = v;
        break;
      case '15':
        v = num(1, 2);
        if (v === undefined || v > 23) throw v === undefined ? fail() : err('', '', ': hour out of range');
        hour = v;
        break;
      case '03':
      case '3':
        v = c.std === '03' ? num(2, 2) : num(1, 2);
        if (v === undefined || v > 12) throw v === undefined ? fail() : err('', '', ': hour out of range');
        hour = v;
        break;
      case '04':
      case '4':
        v = c.std === '04' ? num(2, 2) : num(1, 2);
        if (v === undefined || v > 59) throw v === undefined ? fail() : err('', '', ': minute out of range');
        min = v;
        break;
      case '05':
      case '5': {
        v = c.std === '05' ? num(2, 2) : num(1, 2);
        if (v === undefined || v > 59) throw v === undefined ? fail() : err('', '', ': second out of range');
        sec = v;
        // a fractional second in the value after seconds is accepted even if the layout has none
        const next = chunks[ci + 1];
        if (!(next && 'std' in next && next.std === 'frac')) {
          const fm = /^[.,]([0-9]+)/.exec(value);
          if (fm && !(next && 'lit' in next && next.lit.startsWith(value[0]))) {
            nsec = Number((fm[1] + '000000000').slice(0, 9));
            value = value.slice(fm[0].length);
          }
        }
        break;
      }
      case 'frac': {
        const fm = c.fracTrim ? /^[.,]([0-9]+)/.exec(value) : new RegExp(`^[.,]([0-9]{${c.frac}})`).exec(value);
        if (!fm) {
          if (c.fracTrim) break;
          throw fail();
        }
        nsec = Number((fm[1] + '000000000').slice(0, 9));
        value = value.slice(fm[0].length);
        break;
      }
      case 'PM':
      case 'pm': {
        const p = value.slice(0, 2).toUpperCase();
        if (p !== 'AM' && p !== 'PM') throw fail();
        pm = p === 'PM';
        value = value.slice(2);
        break;
      }
      case 'MST': {
        const name = parseZoneName(value);
        if (name === undefined) throw fail();
        zoneName = name;
        value = value.slice(name.length);
        break;
      }
      default: {
        // -0700, Z07:00 ...
        if (c.std.startsWith('Z') && value.startsWith('Z')) {
          value = value.slice(1);
          zoneOffset = 0;
          break;
        }
        const body = c.std.slice(1);
        const re =
          body === '07'
            ? /^([+-])(\d\d)/
            : body === '0700'
              ? /^([+-])(\d\d)(\d\d)/
              : body === '07:00'
                ? /^([+-])(\d\d):(\d\d)/
                : body === '070000'
                  ? /^([+-])(\d\d)(\d\d)(\d\d)/
                  : /^([+-])(\d\d):(\d\d):(\d\d)/;
        const m = re.exec(value);
        if (!m) throw fail();
        const o = parseInt(m[2], 10) * 3600 + parseInt(m[3] ?? '0', 10) * 60 + parseInt(m[4] ?? '0', 10);
        zoneOffset = m[1] === '-' ? -o : o;
        value = value.slice(m[0].length);
      }
    }
  }
  if (value !== '') throw err('', '', `: extra text: ${quoteGo(value)}`);
  if (pm !== undefined) {
    if (pm && hour < 12) hour += 12;
    else if (!pm && hour === 12) hour = 0;
  }
  if (yday >= 0) {
    const max = isLeap(year) ? 366 : 365;
    if (yday < 1 || yday > max) throw err('', '', ': day-of-year out of range');
    const [, m, d] = civilFromDays(daysFromCivil(year, 1, 1) + yday - 1);
    month = m;
    day = d;
  }
  const dim = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (day < 1 || day > dim) throw err('', '', ': day out of range');
  const wall = BigInt(daysFromCivil(year, month, day)) * 86400n + BigInt(hour * 3600 + min * 60 + sec);
  if (zoneOffset !== undefined) {
    const t = new GoTime(wall - BigInt(zoneOffset), nsec, zoneOffset === 0 && loc === 'UTC' ? 'UTC' : loc);
    // Go keeps the parsed offset as a fixed zone when it does not match loc
    if (zoneAt(t.loc, t.sec).offset !== zoneOffset) return new GoTime(t.sec, nsec, fixedZone(zoneOffset));
    return t;
  }
  if (zoneName !== undefined) {
    // Go: a name the location uses at that time takes its offset; otherwise a made-up zone
    // with that name and offset 0 (GMT±h: that offset), the clock reading kept as if UTC.
    const z = zoneAt(loc, wall);
    if (z.abbr === zoneName) return new GoTime(wall - BigInt(z.offset), nsec, loc);
    let offset = 0;
    if (zoneName.length > 3 && zoneName.startsWith('GMT')) offset = parseInt(zoneName.slice(3), 10) * 3600;
    return new GoTime(wall, nsec, `fixed:${offset}:${zoneName}`);
  }
  return dateInLoc(wall, nsec, loc);
}

/** time.parseTimeZone: the length of a zone abbreviation at the start of value. */
function parseZoneName(value: string): string | undefined {
  if (value.length < 3) return undefined;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return value.slice(0, 4);
  if (value.startsWith('GMT')) {
    const m = /^GMT([+-]\d{1,2})?/.exec(value)!;
    if (m[1] !== undefined && Math.abs(parseInt(m[1], 10)) > 23) return 'GMT';
    return m[0];
  }
  if (value[0] === '+' || value[0] === '-') {
    const m = /^[+-]\d\d(\d\d)?/.exec(value);
    return m ? m[0] : undefined;
  }
  let n = 0;
  while (n < value.length && n < 6 && value[n] >= 'A' && value[n] <= 'Z') n++;
  switch (n) {
    case 5:
      return value[4] === 'T' ? value.slice(0, 5) : undefined;
    case 4:
      return value[3] === 'T' || value.startsWith('WITA') ? value.slice(0, 4) : undefined;
    case 3:
      return value.slice(0, 3);
    default:
      return undefined;
  }
}

/** A fixed-offset zone (Go's time.FixedZone("", offset)). */
function fixedZone(offset: number): string {
  return 'fixed:' + offset;
}

// ---- Sprig date functions ----------------------------------------------------------------

/** Sprig accepts time.Time, *time.Time and Go ints (seconds since the epoch); anything else means now. */
function asTime(date: GoValue): GoTime {
  if (date instanceof GoTime) return date;
  if (typeof date === 'bigint') return GoTime.unix(date);
  // Sprig's date functions take int64, int and int32 seconds
  if (date instanceof GoInt && (date.type === 'int' || date.type === 'int32')) return GoTime.unix(date.value);
  return GoTime.now();
}

function dateInZone(fmt: string, date: GoValue, zone: string): string {
  const t = asTime(date);
  const loc = loadLocation(zone) ?? 'UTC';
  return formatTime(t.in(loc), fmt);
}

/**
 * Sprig declares these parameters as time.Time; Go's template engine rejects other values before
 * the call. The FuncSpec model has no struct parameter type, so the check happens here with Go's words.
 */
function needTime(v: GoValue, _fn: string): GoTime {
  if (v instanceof GoTime) return v;
  if (v === null || v === undefined) throw new GoError('invalid value; expected time.Time');
  throw new GoError(`wrong type for value; expected time.Time; got ${goTypeName(v)}`);
}

function since(t: GoTime): bigint {
  return GoTime.now().unixNano() - t.unixNano();
}

/** Duration.Round(time.Second). */
function roundSecond(d: bigint): bigint {
  const m = NS.s;
  let r = d % m;
  if (d < 0n) {
    r = -r;
    if (r + r < m) return d + r;
    return d - m + r;
  }
  if (r + r < m) return d - r;
  return d + m - r;
}

function durationRound(v: GoValue): string {
  let d = 0n;
  if (typeof v === 'string') {
    try {
      d = parseDuration(v);
    } catch {
      d = 0n;
    }
  } else if (typeof v === 'bigint') d = v; // an int64 is a time.Duration in nanoseconds
  else if (v instanceof GoTime) d = since(v);
  let u = d < 0n ? -d : d;
  const year = NS.h * 24n * 365n;
  const month = NS.h * 24n * 30n;
  const day = NS.h * 24n;
  if (u > year) return `${u / year}y`;
  if (u > month) return `${u / month}mo`;
  if (u > day) return `${u / day}d`;
  if (u > NS.h) return `${u / NS.h}h`;
  if (u > NS.m) return `${u / NS.m}m`;
  if (u > NS.s) return `${u / NS.s}s`;
  u = 0n;
  return '0s';
}

export function dateFuncs(): FuncMap {
  const dateModify = {
    params: ['string' as const, 'any' as const],
    returns: 'time.Time',
    fn: (fmt: string, date: GoValue) => {
      const t = needTime(date, 'dateModify');
      let d: bigint;
      try {
        d = parseDuration(fmt);
      } catch {
        return t;
      }
      return t.Add(d);
    },
  };
  const mustDateModify = {
    params: ['string' as const, 'any' as const],
    returns: 'time.Time',
    fn: (fmt: string, date: GoValue) => needTime(date, 'mustDateModify').Add(parseDuration(fmt)),
  };
  const dateInZoneSpec = {
    params: ['string' as const, 'any' as const, 'string' as const],
    returns: 'string',
    fn: dateInZone,
  };
  return {
    ago: {
      params: ['any'],
      returns: 'string',
      fn: (date: GoValue) => {
        // Sprig's dateAgo takes int64 and int seconds
        const secs = typeof date === 'bigint' ? date : date instanceof GoInt && date.type === 'int' ? date.value : undefined;
        const t = date instanceof GoTime ? date : secs !== undefined ? GoTime.unix(secs) : GoTime.now();
        return durationString(roundSecond(since(t)));
      },
    },
    date: { params: ['string', 'any'], returns: 'string', fn: (fmt: string, date: GoValue) => dateInZone(fmt, date, 'Local') },
    date_in_zone: dateInZoneSpec,
    dateInZone: dateInZoneSpec,
    date_modify: dateModify,
    dateModify,
    must_date_modify: mustDateModify,
    mustDateModify,
    duration: {
      params: ['any'],
      returns: 'string',
      fn: (sec: GoValue) => {
        // Sprig handles string and int64 only; template ints are Go `int` and give 0s
        let n = 0n;
        if (typeof sec === 'string') {
          n = /^[+-]?[0-9]+$/.test(sec) ? BigInt(sec) : 0n;
          if (n > 9223372036854775807n || n < -9223372036854775808n) n = 0n;
        } else if (typeof sec === 'bigint') n = sec;
        return durationString(BigInt.asIntN(64, n * NS.s));
      },
    },
    durationRound: { params: ['any'], returns: 'string', fn: durationRound },
    htmlDate: { params: ['any'], returns: 'string', fn: (date: GoValue) => dateInZone('2006-01-02', date, 'Local') },
    htmlDateInZone: {
      params: ['any', 'string'],
      returns: 'string',
      fn: (date: GoValue, zone: string) => dateInZone('2006-01-02', date, zone),
    },
    mustToDate: { params: ['string', 'string'], returns: 'time.Time', fn: (fmt: string, s: string) => parseTime(fmt, s, 'Local') },
    now: { params: [], returns: 'time.Time', fn: () => GoTime.now() },
    toDate: {
      params: ['string', 'string'],
      returns: 'time.Time',
      fn: (fmt: string, s: string) => {
        try {
          return parseTime(fmt, s, 'Local');
        } catch {
          return GoTime.zero();
        }
      },
    },
    unixEpoch: { params: ['any'], returns: 'string', fn: (date: GoValue) => needTime(date, 'unixEpoch').sec.toString() },
  };
}
