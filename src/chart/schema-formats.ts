/**
 * The "format" checks of the JSON Schema validator Helm 4 uses (santhosh-tekuri/jsonschema v6), which
 * asserts formats for drafts 4, 6 and 7 only. Each check returns undefined when the value is valid
 * (or not a string), else the reason the validator prints after `'<value>' is not valid <format>: `.
 * Written from the validator's documented behaviour (RFC 3339, RFC 6901, RFC 4122, hostname rules);
 * formats not listed here fall back to ajv-formats with a generic reason.
 */
import { isIPv6 } from 'node:net';
import { quote as goQuote, quoteRune } from '../engine/gofmt.js';

type Check = (s: string) => string | undefined;

const quoteChar = (ch: string) => quoteRune(ch.codePointAt(0)!);

function ipv4(s: string): string | undefined {
  const groups = s.split('.');
  if (groups.length !== 4) return 'expected four decimals';
  for (const g of groups) {
    if (g.length > 1 && g[0] === '0') return 'leading zeros';
    // strconv.Atoi: optional sign, decimal digits
    if (!/^[+-]?\d+$/.test(g)) return `strconv.Atoi: parsing ${goQuote(g)}: invalid syntax`;
    const n = Number(g);
    if (n < 0 || n > 255) return 'decimal must be between 0 and 255';
  }
  return undefined;
}

function ipv6(s: string): string | undefined {
  if (!s.includes(':')) return 'missing colon';
  const zone = s.indexOf('%');
  if (!isIPv6(zone >= 0 ? s.slice(0, zone) : s)) return `ParseAddr(${goQuote(s)}): unable to parse IP`;
  if (zone >= 0) return 'zone id is not a part of ipv6 address';
  return undefined;
}

function hostname(s: string): string | undefined {
  s = s.endsWith('.') ? s.slice(0, -1) : s;
  if (Buffer.byteLength(s) > 253) return 'more than 253 characters long';
  for (const label of s.split('.')) {
    const n = Buffer.byteLength(label);
    if (n < 1 || n > 63) return 'label must be 1 to 63 characters long';
    if (label.startsWith('-')) return 'label starts with hyphen';
    if (label.endsWith('-')) return 'label ends with hyphen';
    for (const ch of label) if (!/[A-Za-z0-9-]/.test(ch)) return `invalid character ${quoteChar(ch)}`;
  }
  return undefined;
}

function email(s: string): string | undefined {
  if (Buffer.byteLength(s) > 254) return 'more than 255 characters long';
  const at = s.lastIndexOf('@');
  if (at < 0) return 'missing @';
  const local = s.slice(0, at);
  let domain = s.slice(at + 1);
  if (Buffer.byteLength(local) > 64) return 'local part more than 64 characters long';
  if (local.length > 1 && local.startsWith('"') && local.endsWith('"')) {
    const inner = local.slice(1, -1);
    if (inner.includes('\\') || inner.includes('"')) return 'backslash and quote are not allowed within quoted local part';
  } else {
    if (local.startsWith('.')) return 'starts with dot';
    if (local.endsWith('.')) return 'ends with dot';
    if (local.includes('..')) return 'consecutive dots';
    for (const ch of local) if (!/[A-Za-z0-9]/.test(ch) && !".!#$%&'*+-/=?^_`{|}~".includes(ch)) return `invalid character ${quoteChar(ch)}`;
  }
  if (domain.startsWith('[') && domain.endsWith(']')) {
    domain = domain.slice(1, -1);
    if (domain.startsWith('IPv6:')) {
      const e = ipv6(domain.slice(5));
      return e === undefined ? undefined : `invalid ipv6 address: ${e}`;
    }
    const e = ipv4(domain);
    return e === undefined ? undefined : `invalid ipv4 address: ${e}`;
  }
  const e = hostname(domain);
  return e === undefined ? undefined : `invalid domain: ${e}`;
}

function uuid(s: string): string | undefined {
  const want = [8, 4, 4, 4, 12];
  const groups = s.split('-');
  if (groups.length !== want.length) return `must have ${want.length} elements`;
  for (let i = 0; i < groups.length; i++) {
    if (Buffer.byteLength(groups[i]!) !== want[i]) return `element ${i + 1} must be ${want[i]} characters long`;
    for (const ch of groups[i]!) if (!/[0-9a-fA-F]/.test(ch)) return `non-hex character ${quoteChar(ch)}`;
  }
  return undefined;
}

function duration(s: string): string | undefined {
  if (!s.startsWith('P')) return 'must start with P';
  s = s.slice(1);
  if (s === '') return 'nothing after P';
  if (s.endsWith('W')) {
    const w = s.slice(0, -1);
    if (w === '') return 'no number in week';
    return /^\d+$/.test(w) ? undefined : 'invalid week';
  }
  const allUnits = ['YMD', 'HMS'];
  const parts = s.split('T');
  for (let i = 0; i < parts.length; i++) {
    let part = parts[i]!;
    if (i !== 0 && part === '') return 'no time elements';
    if (i >= allUnits.length) return 'more than one T';
    let units = allUnits[i]!;
    while (part !== '') {
      const digits = /^\d*/.exec(part)![0].length;
      if (digits === 0) return 'missing number';
      part = part.slice(digits);
      if (part === '') return 'missing unit';
      const unit = part[0]!;
      const j = units.indexOf(unit);
      if (j < 0) return allUnits[i]!.includes(unit) ? `unit ${quoteChar(unit)} out of order` : `invalid unit ${quoteChar(unit)}`;
      units = units.slice(j + 1);
      part = part.slice(1);
    }
  }
  return undefined;
}

function jsonPointer(s: string): string | undefined {
  if (s === '') return undefined;
  if (!s.startsWith('/')) return 'not starting with /';
  for (const tok of s.split('/').slice(1)) {
    let escape = false;
    for (const ch of tok) {
      if (escape) {
        escape = false;
        if (ch !== '0' && ch !== '1') return '~ must be followed by 0 or 1';
        continue;
      }
      if (ch === '~') escape = true;
    }
    if (escape) return '~ must be followed by 0 or 1';
  }
  return undefined;
}

function relativeJsonPointer(s: string): string | undefined {
  const digits = /^\d*/.exec(s)![0].length;
  if (digits === 0) return 'must start with non-negative integer';
  if (digits > 1 && s.startsWith('0')) return 'starts with zero';
  const rest = s.slice(digits);
  return rest === '#' ? undefined : jsonPointer(rest);
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** time.Parse("2006-01-02", s) and its error texts (year: 4 chars, month and day: 2 digits, then range checks). */
function date(s: string): string | undefined {
  const q = goQuote(s);
  const cannot = (value: string, elem: string) => `parsing time ${q} as "2006-01-02": cannot parse ${goQuote(value)} as ${goQuote(elem)}`;
  let v = s;
  if (v.length < 4 || !/^\d/.test(v) || !/^[+-]?\d+$/.test(v.slice(0, 4))) return cannot(v, '2006');
  const y = Number(v.slice(0, 4));
  v = v.slice(4);
  const num = (elem: string): number | string => {
    if (!/^\d\d/.test(v)) return cannot(v, elem);
    const n = Number(v.slice(0, 2));
    v = v.slice(2);
    return n;
  };
  if (!v.startsWith('-')) return cannot(v, '-');
  v = v.slice(1);
  const mo = num('01');
  if (typeof mo === 'string') return mo;
  if (mo < 1 || mo > 12) return `parsing time ${q}: month out of range`;
  if (!v.startsWith('-')) return cannot(v, '-');
  v = v.slice(1);
  const d = num('02');
  if (typeof d === 'string') return d;
  if (d < 1 || d > 31) return `parsing time ${q}: day out of range`;
  if (v !== '') return `parsing time ${q}: extra text: ${goQuote(v)}`;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const max = mo === 2 && !leap ? 28 : DAYS[mo - 1]!;
  if (d > max) return `parsing time ${q}: day out of range`;
  return undefined;
}

function time(str: string): string | undefined {
  if (Buffer.byteLength(str) < 9) return 'less than 9 characters long';
  if (str[2] !== ':' || str[5] !== ':') return 'missing colon in correct place';
  const hms: number[] = [];
  for (const tok of str.slice(0, 8).split(':')) {
    if (!/^[+-]?\d+$/.test(tok)) return 'invalid hour/min/sec';
    const i = Number(tok);
    if (i < 0) return 'non-positive hour/min/sec';
    hms.push(i);
  }
  let [h, m] = hms as [number, number, number];
  const sec = hms[2]!;
  if (h > 23 || m > 59 || sec > 60) return 'hour/min/sec out of range';
  let rest = str.slice(8);
  if (rest.startsWith('.')) {
    const digits = /^\d*/.exec(rest.slice(1))![0].length;
    if (digits === 0) return 'no digits in second fraction';
    rest = rest.slice(1 + digits);
  }
  if (rest !== 'z' && rest !== 'Z') {
    if (rest.length !== 6) return 'offset must be 6 characters long';
    let sign: number;
    if (rest[0] === '+') sign = -1;
    else if (rest[0] === '-') sign = 1;
    else return 'offset must begin with plus/minus';
    rest = rest.slice(1);
    if (rest[2] !== ':') return 'missing colon in offset in correct place';
    const zhm: number[] = [];
    for (const tok of rest.split(':')) {
      if (!/^[+-]?\d+$/.test(tok)) return 'invalid hour/min in offset';
      const i = Number(tok);
      if (i < 0) return 'non-positive hour/min in offset';
      zhm.push(i);
    }
    const [zh, zm] = zhm as [number, number];
    if (zh > 23 || zm > 59) return 'hour/min in offset out of range';
    let hm = h * 60 + m + sign * (zh * 60 + zm);
    if (hm < 0) hm += 24 * 60;
    h = Math.floor(hm / 60);
    m = hm % 60;
  }
  if (sec >= 60 && (h !== 23 || m !== 59)) return 'invalid leap second';
  return undefined;
}

function dateTime(s: string): string | undefined {
  if (Buffer.byteLength(s) < 20) return 'less than 20 characters long';
  if (s[10] !== 't' && s[10] !== 'T') return '11th character must be t or T';
  const d = date(s.slice(0, 10));
  if (d !== undefined) return `invalid date element: ${d}`;
  const t = time(s.slice(11));
  if (t !== undefined) return `invalid time element: ${t}`;
  return undefined;
}

/** Bytes net/url rejects in a host (shouldEscape for hosts, ASCII only). */
const HOST_OK = /^[A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"%]$/;

/** The error of Go's url.Parse for the common malformed cases (undefined when it parses). */
function goURLParse(s: string): string | undefined {
  const err = (m: string) => `parse ${goQuote(s)}: ${m}`;
  if (/[\x00-\x1f\x7f]/.test(s)) return err('net/url: invalid control character in URL');
  let rest = s;
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  // getScheme
  let scheme = '';
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ':') {
      if (i === 0) return err('missing protocol scheme');
      scheme = rest.slice(0, i);
      rest = rest.slice(i + 1);
    }
    break;
  }
  const q = rest.indexOf('?');
  if (q >= 0) rest = rest.slice(0, q);
  if (!rest.startsWith('/') && scheme !== '') return undefined; // opaque (mailto:x)
  if (!rest.startsWith('/')) {
    const colon = rest.indexOf(':');
    const slash = rest.indexOf('/');
    if (colon >= 0 && (slash < 0 || colon < slash)) return err('first path segment in URL cannot contain colon');
  }
  let path = rest;
  if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    const end = authority.indexOf('/');
    path = end >= 0 ? authority.slice(end) : '';
    authority = end >= 0 ? authority.slice(0, end) : authority;
    const at = authority.lastIndexOf('@');
    const host = at >= 0 ? authority.slice(at + 1) : authority;
    if (host.startsWith('[') && !host.includes(']')) return err("missing ']' in host");
    for (let i = 0; i < host.length; i++) {
      const c = host[i]!;
      if (c === '%') {
        if (!/^[0-9A-Fa-f]{2}$/.test(host.slice(i + 1, i + 3))) return err(`invalid URL escape ${goQuote(host.slice(i, i + 3))}`);
        continue;
      }
      if (c.charCodeAt(0) < 0x80 && !HOST_OK.test(c)) return err(`invalid character ${goQuote(c)} in host name`);
    }
  }
  const bad = /%(?![0-9A-Fa-f]{2})/.exec(path);
  if (bad) return err(`invalid URL escape ${goQuote(path.slice(bad.index, bad.index + 3))}`);
  return undefined;
}

function ri(reference: boolean): Check {
  return (s) => {
    const e = goURLParse(s);
    if (e !== undefined) return e;
    if (!reference && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(s)) return 'relative url';
    return undefined;
  };
}

function period(s: string): string | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return 'missing slash';
  const start = s.slice(0, slash);
  const end = s.slice(slash + 1);
  if (start.startsWith('P')) {
    let e = duration(start);
    if (e !== undefined) return `invalid start duration: ${e}`;
    e = dateTime(end);
    if (e !== undefined) return `invalid end date-time: ${e}`;
    return undefined;
  }
  let e = dateTime(start);
  if (e !== undefined) return `invalid start date-time: ${e}`;
  if (end.startsWith('P')) {
    e = duration(end);
    if (e !== undefined) return `invalid end duration: ${e}`;
  } else {
    e = dateTime(end);
    if (e !== undefined) return `invalid end date-time: ${e}`;
  }
  return undefined;
}

/** Semantic Versioning 2.0.0 (build, then pre-release, then the three numbers). */
function semver(s: string): string | undefined {
  const plus = s.indexOf('+');
  if (plus >= 0) {
    const build = s.slice(plus + 1);
    if (build === '') return 'build is empty';
    for (const id of build.split('.')) {
      if (id === '') return 'build identifier is empty';
      for (const ch of id) if (!/[0-9A-Za-z-]/.test(ch)) return `invalid character ${quoteChar(ch)} in build identifier`;
    }
    s = s.slice(0, plus);
  }
  const dash = s.indexOf('-');
  if (dash >= 0) {
    for (const id of s.slice(dash + 1).split('.')) {
      if (id === '') return 'pre-release identifier is empty';
      for (const ch of id) if (!/[0-9A-Za-z-]/.test(ch)) return `invalid character ${quoteChar(ch)} in pre-release identifier`;
      if (/^\d+$/.test(id) && id.length > 1 && id[0] === '0') return 'pre-release numeric identifier starts with zero';
    }
    s = s.slice(0, dash);
  }
  const parts = s.split('.');
  if (parts.length !== 3) return 'versionCore must have 3 numbers separated by dot';
  const names = ['major', 'minor', 'patch'];
  for (let i = 0; i < 3; i++) {
    const v = parts[i]!;
    if (v === '') return `${names[i]} is empty`;
    if (v.length > 1 && v[0] === '0') return `${names[i]} starts with zero`;
    if (!/^\d+$/.test(v)) return `${names[i]} contains non-digit`;
  }
  return undefined;
}

/** The format checks by name (the validator ignores formats it does not know). */
export const GO_FORMATS: Record<string, Check> = {
  ipv4,
  ipv6,
  hostname,
  email,
  uuid,
  duration,
  period,
  semver,
  'json-pointer': jsonPointer,
  'relative-json-pointer': relativeJsonPointer,
  date,
  time,
  'date-time': dateTime,
  uri: ri(false),
  'uri-reference': ri(true),
  iri: ri(false),
  'iri-reference': ri(true),
};

/** Registers the checks on an ajv instance (replacing ajv-formats' versions of the same names). */
export function addGoFormats(ajv: { addFormat: (name: string, f: { type: 'string'; validate: (s: string) => boolean }) => unknown }): void {
  for (const [name, check] of Object.entries(GO_FORMATS)) ajv.addFormat(name, { type: 'string', validate: (s: string) => check(s) === undefined });
}
