/**
 * Go's `path.Match` / `filepath.Match` (on Unix): shell patterns where `*` and `?` never
 * match `/`, `[...]` classes with ranges and `^` negation, and `\` escapes.
 * Used by .helmignore, `.Files.Glob` and `--show-only`.
 */

export class BadPatternError extends Error {
  constructor() {
    super('syntax error in pattern');
    this.name = 'BadPatternError';
  }
}

/** Returns whether `name` matches `pattern`; throws BadPatternError for malformed patterns (like Go's ErrBadPattern). */
export function goMatch(pattern: string, name: string): boolean {
  const re = compile(pattern);
  return re.test(name);
}

const cache = new Map<string, RegExp>();

function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? '\\' + c : c;
}

/** Escapes one character for use inside a RegExp character class (unicode mode). */
function escapeClass(c: string): string {
  return /[\\\]^[-]/.test(c) ? '\\' + c : c;
}

function compile(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let out = '^';
  const p = [...pattern];
  let i = 0;
  while (i < p.length) {
    const c = p[i]!;
    if (c === '*') {
      out += '[^/]*';
      i++;
    } else if (c === '?') {
      out += '[^/]';
      i++;
    } else if (c === '\\') {
      if (i + 1 >= p.length) throw new BadPatternError();
      out += escapeRe(p[i + 1]!);
      i += 2;
    } else if (c === '[') {
      i++;
      let negate = false;
      if (p[i] === '^') {
        negate = true;
        i++;
      }
      const ranges: string[] = [];
      let first = true;
      for (;;) {
        if (i >= p.length) throw new BadPatternError();
        if (p[i] === ']' && !first) {
          i++;
          break;
        }
        first = false;
        let lo = p[i]!;
        if (lo === '\\') {
          i++;
          if (i >= p.length) throw new BadPatternError();
          lo = p[i]!;
        } else if (lo === '-' || lo === ']') {
          // Go rejects an unescaped '-' or ']' as a range item.
          throw new BadPatternError();
        }
        i++;
        let hi = lo;
        if (p[i] === '-') {
          i++;
          if (i >= p.length) throw new BadPatternError();
          hi = p[i]!;
          if (hi === '\\') {
            i++;
            if (i >= p.length) throw new BadPatternError();
            hi = p[i]!;
          } else if (hi === ']') throw new BadPatternError();
          i++;
          if (hi < lo) throw new BadPatternError();
        }
        ranges.push(lo === hi ? escapeClass(lo) : `${escapeClass(lo)}-${escapeClass(hi)}`);
      }
      out += negate ? `(?:(?!/)[^${ranges.join('')}])` : `[${ranges.join('')}]`;
    } else {
      out += escapeRe(c);
      i++;
    }
  }
  out += '$';
  const re = new RegExp(out, 'su');
  cache.set(pattern, re);
  return re;
}

/** Go's path.Clean. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!rooted) parts.push('..');
      continue;
    }
    parts.push(seg);
  }
  const joined = parts.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** Go's path.Join. */
export function joinPath(...elems: string[]): string {
  const nonEmpty = elems.filter((e) => e !== '');
  if (nonEmpty.length === 0) return '';
  return cleanPath(nonEmpty.join('/'));
}

/** Go's path.Base. */
export function basePath(p: string): string {
  if (p === '') return '.';
  while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  const i = p.lastIndexOf('/');
  const b = i >= 0 ? p.slice(i + 1) : p;
  return b === '' ? '/' : b;
}

/** Go's path.Ext. */
export function extPath(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) {
    if (p[i] === '.') return p.slice(i);
  }
  return '';
}
