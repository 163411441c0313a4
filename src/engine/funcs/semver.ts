/** Masterminds/semver v3 (what Sprig's semver and semverCompare use): loose versions and its constraint rules. */
import { GoError, GoInt, GoStruct, goInt, type FuncMap, type GoValue } from '../types.js';

const VERSION_RE =
  /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;

export class SemverVersion extends GoStruct {
  readonly goTypeName = '*semver.Version';
  static goMethods = {
    Compare: { params: ['any' as const], returns: 'int' },
    LessThan: { params: ['any' as const], returns: 'bool' },
    GreaterThan: { params: ['any' as const], returns: 'bool' },
    Equal: { params: ['any' as const], returns: 'bool' },
  };
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: string,
    readonly metadata: string,
    readonly original: string,
  ) {
    super();
  }
  Major(): GoInt {
    return new GoInt(this.major, 'uint64');
  }
  Minor(): GoInt {
    return new GoInt(this.minor, 'uint64');
  }
  Patch(): GoInt {
    return new GoInt(this.patch, 'uint64');
  }
  Prerelease(): string {
    return this.pre;
  }
  Metadata(): string {
    return this.metadata;
  }
  Original(): string {
    return this.original;
  }
  String(): string {
    let s = `${this.major}.${this.minor}.${this.patch}`;
    if (this.pre) s += '-' + this.pre;
    if (this.metadata) s += '+' + this.metadata;
    return s;
  }
  /** semver.Version implements json.Marshaler: a JSON string of String(). */
  MarshalJSON(): string {
    return JSON.stringify(this.String());
  }
  Compare(o: GoValue): GoInt {
    return goInt(compareVersions(this, asVersion(o)));
  }
  LessThan(o: GoValue): boolean {
    return compareVersions(this, asVersion(o)) < 0;
  }
  GreaterThan(o: GoValue): boolean {
    return compareVersions(this, asVersion(o)) > 0;
  }
  Equal(o: GoValue): boolean {
    return compareVersions(this, asVersion(o)) === 0;
  }
}

function asVersion(o: GoValue): SemverVersion {
  if (o instanceof SemverVersion) return o;
  throw new GoError('wrong type for value; expected *semver.Version');
}

const U64_MAX = (1n << 64n) - 1n;

/** semver.NewVersion (loose). */
export function parseVersion(v: string): SemverVersion {
  const m = VERSION_RE.exec(v);
  if (!m) throw new GoError('invalid semantic version');
  const num = (s: string | undefined) => {
    const n = BigInt(s ? s.replace(/^\./, '') : '0');
    if (n > U64_MAX) throw new GoError('invalid semantic version');
    return n;
  };
  const pre = m[5] ?? '';
  if (pre) {
    for (const p of pre.split('.')) {
      if (/^[0-9]+$/.test(p) && p.length > 1 && p[0] === '0') throw new GoError('version segment starts with 0');
    }
  }
  return new SemverVersion(num(m[1]), num(m[2]), num(m[3]), pre, m[8] ?? '', v);
}

function comparePrePart(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return b !== '' ? -1 : 1;
  if (b === '') return a !== '' ? 1 : -1;
  const an = /^[0-9]+$/.test(a);
  const bn = /^[0-9]+$/.test(b);
  if (an && bn) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x === y ? 0 : x > y ? 1 : -1;
  }
  if (an) return -1;
  if (bn) return 1;
  return a > b ? 1 : -1;
}

function comparePrerelease(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const ap = a.split('.');
  const bp = b.split('.');
  const n = Math.max(ap.length, bp.length);
  for (let i = 0; i < n; i++) {
    const c = comparePrePart(ap[i] ?? '', bp[i] ?? '');
    if (c !== 0) return c;
  }
  return 0;
}

export function compareVersions(a: SemverVersion, b: SemverVersion): number {
  for (const k of ['major', 'minor', 'patch'] as const) {
    if (a[k] !== b[k]) return a[k] > b[k] ? 1 : -1;
  }
  return comparePrerelease(a.pre, b.pre);
}

// ---- constraints -------------------------------------------------------------

const CV = 'v?([0-9|xX*]+)(\\.[0-9|xX*]+)?(\\.[0-9|xX*]+)?(-([0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*))?(\\+([0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*))?';
const CV_NOGROUP = CV.replace(/\((?!\?)/g, '(?:');
const OPS = '=||!=|>|<|>=|=>|<=|=<|~|~>|\\^';
const CONSTRAINT_RE = new RegExp(`^\\s*(${OPS})\\s*(${CV})\\s*$`);
const FIND_RE = new RegExp(`(?:${OPS})\\s*(?:${CV_NOGROUP})`, 'g');
const VALID_RE = new RegExp(`^(\\s*(?:${OPS})\\s*(?:${CV_NOGROUP})\\s*)((?:\\s+|,\\s*)(?:${OPS})\\s*(?:${CV_NOGROUP})\\s*)*$`);
const RANGE_RE = new RegExp(`\\s*(${CV_NOGROUP})\\s+-\\s+(${CV_NOGROUP})\\s*`, 'g');

interface Constraint {
  op: string;
  con: SemverVersion;
  dirty: boolean;
  minorDirty: boolean;
  patchDirty: boolean;
}

const isX = (s: string) => s === 'x' || s === 'X' || s === '*';

function parseConstraint(c: string): Constraint {
  const m = CONSTRAINT_RE.exec(c);
  if (!m) throw new GoError(`improper constraint: ${c}`);
  const major = m[3];
  const minor = (m[4] ?? '').replace(/^\./, '');
  const patch = (m[5] ?? '').replace(/^\./, '');
  const rest = (m[6] ?? '') + (m[9] ?? '');
  let ver = m[2];
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  if (isX(major) || major === '') {
    ver = `0.0.0${rest}`;
    dirty = true;
  } else if (isX(minor) || minor === '') {
    minorDirty = true;
    dirty = true;
    ver = `${major}.0.0${rest}`;
  } else if (isX(patch) || patch === '') {
    dirty = true;
    patchDirty = true;
    ver = `${major}.${minor}.0${rest}`;
  }
  let con: SemverVersion;
  try {
    con = parseVersion(ver);
  } catch {
    throw new GoError(`improper constraint: ${c}`);
  }
  return { op: m[1], con, dirty, minorDirty, patchDirty };
}

/** semver.NewConstraint: OR groups of AND-ed constraints. */
export function parseConstraints(c: string): Constraint[][] {
  const rewritten = c.replace(RANGE_RE, (_all, a: string, b: string) => ` >= ${a}, <= ${b} `);
  return rewritten.split('||').map((group) => {
    if (!VALID_RE.test(group)) throw new GoError(`improper constraint: ${group}`);
    const found = group.match(FIND_RE) ?? [group];
    return found.map(parseConstraint);
  });
}

function tilde(v: SemverVersion, c: Constraint): boolean {
  if (compareVersions(v, c.con) < 0) return false;
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== c.con.major) return false;
  if (v.minor !== c.con.minor && !c.minorDirty) return false;
  return true;
}

function check(v: SemverVersion, c: Constraint): boolean {
  // a prerelease version only satisfies constraints that mention a prerelease
  if (v.pre !== '' && c.con.pre === '') return false;
  const cmp = compareVersions(v, c.con);
  switch (c.op) {
    case '':
    case '=':
      return c.dirty ? tilde(v, c) : cmp === 0;
    case '!=':
      if (c.dirty) {
        if (c.con.major !== v.major) return true;
        if (c.con.minor !== v.minor && !c.minorDirty) return true;
        if (c.minorDirty) return false;
        if (c.con.patch !== v.patch && !c.patchDirty) return true;
        if (c.patchDirty) {
          if (v.pre !== '' || c.con.pre !== '') return comparePrerelease(v.pre, c.con.pre) !== 0;
          return false;
        }
      }
      return cmp !== 0;
    case '>':
      if (!c.dirty) return cmp > 0;
      if (v.major > c.con.major) return true;
      if (v.major < c.con.major) return false;
      if (c.minorDirty) return false;
      if (c.patchDirty) return v.minor > c.con.minor;
      return cmp > 0;
    case '<':
      return cmp < 0;
    case '>=':
    case '=>':
      return cmp >= 0;
    case '<=':
    case '=<':
      if (!c.dirty) return cmp <= 0;
      if (v.major > c.con.major) return false;
      if (v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty) return false;
      return true;
    case '~':
    case '~>':
      return tilde(v, c);
    case '^':
      if (cmp < 0) return false;
      if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
      if (c.con.minor > 0n || c.patchDirty) return v.major === 0n && v.minor === c.con.minor;
      return v.major === 0n && v.minor === 0n && v.patch === c.con.patch;
  }
  return false;
}

export function semverCompare(constraint: string, version: string): boolean {
  const groups = parseConstraints(constraint);
  const v = parseVersion(version);
  return groups.some((g) => g.every((c) => check(v, c)));
}

export function semverFuncs(): FuncMap {
  return {
    semver: { params: ['string'], returns: '*semver.Version', fn: (v: string) => parseVersion(v) },
    semverCompare: { params: ['string', 'string'], returns: 'bool', fn: semverCompare },
  };
}
