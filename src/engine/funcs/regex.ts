/**
 * Go regexp (RE2 syntax) for Sprig's regex functions: a translator from Go syntax to an
 * equivalent JavaScript RegExp (flags emulated per group, Go's error messages), plus
 * Go's FindAll/ReplaceAll/Split iteration rules and $name expansion.
 */
import { GoError, nilSlice, type FuncMap } from '../types.js';
import { canBackquote, quote } from '../gofmt.js';

class ReSyntaxError extends Error {
  constructor(
    readonly code: string,
    readonly expr: string,
  ) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
  }
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const PERL_CLASS: Record<string, string> = {
  d: '0-9',
  s: '\\t\\n\\f\\r ',
  w: '0-9A-Za-z_',
};

/** Escape one code point for use inside a JS class or pattern (u mode). */
function esc(cp: number, inClass = true): string {
  const ch = String.fromCodePoint(cp);
  if (/[\\^$.*+?()[\]{}|/]/.test(ch) || (inClass && ch === '-')) return '\\' + ch;
  if (cp < 0x20 || cp === 0x7f) return '\\x' + cp.toString(16).padStart(2, '0');
  return ch;
}

function caseVariants(cp: number): number[] {
  const ch = String.fromCodePoint(cp);
  const set = new Set<number>([cp]);
  for (const v of [ch.toLowerCase(), ch.toUpperCase()]) {
    if ([...v].length === 1) set.add(v.codePointAt(0)!);
  }
  // Go folds k/K with KELVIN SIGN and s/S with LONG S as well
  if (cp === 0x6b || cp === 0x4b) set.add(0x212a);
  if (cp === 0x73 || cp === 0x53) set.add(0x17f);
  return [...set];
}

function unicodeClassName(name: string): string | undefined {
  if (name === 'Any') return '\\s\\S';
  if (/^[A-Z][a-z]?$/.test(name)) {
    try {
      new RegExp(`\\p{${name}}`, 'u');
      return `\\p{${name}}`;
    } catch {
      return undefined;
    }
  }
  try {
    new RegExp(`\\p{Script=${name}}`, 'u');
    return `\\p{Script=${name}}`;
  } catch {
    return undefined;
  }
}

class Translator {
  private pos = 0;
  private cps: number[];
  private groupNames: string[] = [];
  ngroups = 0;

  constructor(private readonly src: string) {
    this.cps = Array.from(src, (c) => c.codePointAt(0)!);
  }

  private peek(o = 0): number | undefined {
    return this.cps[this.pos + o];
  }
  private rest(from: number): string {
    return String.fromCodePoint(...this.cps.slice(from));
  }
  private text(a: number, b: number): string {
    return String.fromCodePoint(...this.cps.slice(a, b));
  }

  translate(): string {
    const flags: Flags = { i: false, m: false, s: false, U: false };
    const out = this.alternation(flags, 0);
    if (this.pos < this.cps.length) throw new ReSyntaxError('unexpected )', this.src);
    return out;
  }

  get names(): string[] {
    return this.groupNames;
  }

  private alternation(flags: Flags, depth: number): string {
    const branches: string[] = [this.sequence(flags, depth)];
    while (this.peek() === 0x7c /* | */) {
      this.pos++;
      branches.push(this.sequence(flags, depth));
    }
    return branches.join('|');
  }

  private sequence(flags: Flags, depth: number): string {
    let out = '';
    let lastAtomStart = -1; // position in `out` of the last repeatable atom
    let lastWasRepeat = false;
    let lastRepeatText = '';
    while (this.pos < this.cps.length) {
      const c = this.peek()!;
      if (c === 0x7c) break;
      if (c === 0x29 /* ) */) {
        if (depth === 0) throw new ReSyntaxError('unexpected )', this.src);
        break;
      }
      // repetition operators
      if (c === 0x2a || c === 0x2b || c === 0x3f || (c === 0x7b && this.repeatAhead())) {
        const start = this.pos;
        let op: string;
        if (c === 0x7b) {
          const m = /^\{(\d+)(,(\d*))?\}/.exec(this.rest(this.pos))!;
          op = m[0];
          this.pos += op.length;
          const min = parseInt(m[1], 10);
          const max = m[2] ? (m[3] === '' ? -1 : parseInt(m[3], 10)) : min;
          if (min > 1000 || max > 1000 || (max >= 0 && min > max)) throw new ReSyntaxError('invalid repeat count', op);
        } else {
          op = String.fromCodePoint(c);
          this.pos++;
        }
        let lazy = false;
        if (this.peek() === 0x3f) {
          lazy = true;
          this.pos++;
        }
        const opText = this.text(start, this.pos);
        if (lastWasRepeat) throw new ReSyntaxError('invalid nested repetition operator', lastRepeatText + opText);
        if (lastAtomStart < 0) throw new ReSyntaxError('missing argument to repetition operator', opText);
        if (flags.U) lazy = !lazy;
        out += op + (lazy ? '?' : '');
        lastWasRepeat = true;
        lastRepeatText = opText;
        continue;
      }
      lastWasRepeat = false;
      const atomStart = out.length;
      const atom = this.atom(flags, depth);
      if (atom === null) {
        // a flag group like (?i): changes flags for the rest of this group
        lastAtomStart = -1;
        continue;
      }
      out += atom.text;
      lastAtomStart = atom.repeatable ? atomStart : -1;
    }
    return out;
  }

  private repeatAhead(): boolean {
    return /^\{\d+(,\d*)?\}/.test(this.rest(this.pos));
  }

  private atom(flags: Flags, depth: number): { text: string; repeatable: boolean } | null {
    const c = this.peek()!;
    switch (c) {
      case 0x28 /* ( */:
        return this.group(flags, depth);
      case 0x5b /* [ */:
        return { text: this.charClass(flags), repeatable: true };
      case 0x2e /* . */:
        this.pos++;
        return { text: flags.s ? '[\\s\\S]' : '[^\\n]', repeatable: true };
      case 0x5e /* ^ */:
        this.pos++;
        return { text: flags.m ? '(?:(?<![\\s\\S])|(?<=\\n))' : '(?<![\\s\\S])', repeatable: true };
      case 0x24 /* $ */:
        this.pos++;
        return { text: flags.m ? '(?:(?![\\s\\S])|(?=\\n))' : '(?![\\s\\S])', repeatable: true };
      case 0x5c /* \ */:
        return this.escape(flags);
      default:
        this.pos++;
        return { text: this.literal(c, flags), repeatable: true };
    }
  }

  private literal(cp: number, flags: Flags): string {
    if (flags.i) {
      const v = caseVariants(cp);
      if (v.length > 1) return '[' + v.map((x) => esc(x)).join('') + ']';
    }
    return esc(cp, false);
  }

  private group(flags: Flags, depth: number): { text: string; repeatable: boolean } | null {
    const start = this.pos;
    this.pos++; // (
    let prefix = '(';
    let inner = flags;
    if (this.peek() === 0x3f /* ? */) {
      const rest = this.rest(this.pos);
      const named = /^\?P?<([^>]*)>/.exec(rest);
      if (named) {
        const name = named[1];
        if (!/^[A-Za-z0-9_]+$/.test(name)) throw new ReSyntaxError('invalid named capture', this.text(start, this.pos + named[0].length));
        if (this.groupNames.includes(name)) throw new ReSyntaxError('duplicate capture group name', this.text(start, this.pos + named[0].length));
        this.pos += named[0].length;
        this.ngroups++;
        this.groupNames[this.ngroups] = name;
        prefix = `(?<${name}>`;
      } else {
        const fm = /^\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
        if (!fm || (fm[2] !== undefined && fm[2] === '' ) || (fm[1] === '' && fm[2] === undefined && fm[3] === ')')) {
          const bad = /^\?.?/.exec(rest)![0];
          throw new ReSyntaxError('invalid or unsupported Perl syntax', '(' + bad);
        }
        this.pos += fm[0].length;
        const nf: Flags = { ...flags };
        for (const f of fm[1]) nf[f as keyof Flags] = true;
        for (const f of fm[2] ?? '') nf[f as keyof Flags] = false;
        if (fm[3] === ')') {
          Object.assign(flags, nf); // applies to the rest of the current group
          return null;
        }
        inner = nf;
        prefix = '(?:';
      }
    } else {
      this.ngroups++;
    }
    const body = this.alternation({ ...inner }, depth + 1);
    if (this.peek() !== 0x29) throw new ReSyntaxError('missing closing )', this.src);
    this.pos++;
    return { text: prefix + body + ')', repeatable: true };
  }

  private escape(flags: Flags): { text: string; repeatable: boolean } {
    const start = this.pos;
    this.pos++;
    const c = this.peek();
    if (c === undefined) throw new ReSyntaxError('trailing backslash at end of expression', '');
    const ch = String.fromCodePoint(c);
    this.pos++;
    switch (ch) {
      case 'A':
        return { text: '(?<![\\s\\S])', repeatable: true };
      case 'z':
        return { text: '(?![\\s\\S])', repeatable: true };
      case 'b':
        return { text: '\\b', repeatable: true };
      case 'B':
        return { text: '\\B', repeatable: true };
      case 'Q': {
        const endIdx = this.rest(this.pos).indexOf('\\E');
        const lit = endIdx < 0 ? this.rest(this.pos) : this.rest(this.pos).slice(0, endIdx);
        this.pos += [...lit].length + (endIdx < 0 ? 0 : 2);
        return { text: '(?:' + Array.from(lit, (x) => this.literal(x.codePointAt(0)!, flags)).join('') + ')', repeatable: true };
      }
      case 'd':
      case 's':
      case 'w':
        return { text: '[' + PERL_CLASS[ch] + ']', repeatable: true };
      case 'D':
      case 'S':
      case 'W':
        return { text: '[^' + PERL_CLASS[ch.toLowerCase()] + ']', repeatable: true };
      case 'p':
      case 'P': {
        const cls = this.unicodeClass(start, ch === 'P');
        return { text: '[' + cls + ']', repeatable: true };
      }
    }
    this.pos = start;
    const cp = this.escapedChar();
    return { text: this.literal(cp, flags), repeatable: true };
  }

  /** \p{Name} / \pL at this.pos (after the p): returns class body text. */
  private unicodeClass(start: number, negated: boolean): string {
    let name: string;
    if (this.peek() === 0x7b) {
      const m = /^\{(\^?)([A-Za-z_]+)\}/.exec(this.rest(this.pos));
      if (!m) throw new ReSyntaxError('invalid character class range', this.text(start, this.pos + 1));
      this.pos += m[0].length;
      if (m[1]) negated = !negated;
      name = m[2];
    } else {
      const c = this.peek();
      if (c === undefined) throw new ReSyntaxError('invalid character class range', this.text(start, this.pos));
      name = String.fromCodePoint(c);
      this.pos++;
    }
    const cls = unicodeClassName(name);
    if (!cls) throw new ReSyntaxError('invalid character class range', this.text(start, this.pos));
    if (!negated) return cls;
    return cls.replace(/\\p\{/g, '\\P{').replace('\\s\\S', '');
  }

  /** An escape that denotes a single character; this.pos at the backslash. */
  private escapedChar(): number {
    const start = this.pos;
    this.pos++;
    const c = this.peek()!;
    const ch = String.fromCodePoint(c);
    this.pos++;
    const bad = () => new ReSyntaxError('invalid escape sequence', this.text(start, this.pos));
    if (c < 0x80 && !/[0-9A-Za-z]/.test(ch)) return c; // escaped punctuation
    switch (ch) {
      case 'a':
        return 7;
      case 'f':
        return 12;
      case 't':
        return 9;
      case 'n':
        return 10;
      case 'r':
        return 13;
      case 'v':
        return 11;
      case 'x': {
        if (this.peek() === 0x7b) {
          const m = /^\{([0-9A-Fa-f]+)\}/.exec(this.rest(this.pos));
          if (!m) {
            this.pos = Math.min(this.cps.length, this.pos + 1);
            throw bad();
          }
          this.pos += m[0].length;
          const v = parseInt(m[1], 16);
          if (v > 0x10ffff) throw bad();
          return v;
        }
        const m = /^[0-9A-Fa-f]{2}/.exec(this.rest(this.pos));
        if (!m) throw bad();
        this.pos += 2;
        return parseInt(m[0], 16);
      }
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7': {
        if (ch !== '0' && !/^[0-7]/.test(this.rest(this.pos))) throw bad();
        const m = /^[0-7]{0,2}/.exec(this.rest(this.pos))!;
        this.pos += m[0].length;
        return parseInt(ch + m[0], 8);
      }
    }
    throw bad();
  }

  private charClass(flags: Flags): string {
    const start = this.pos;
    this.pos++; // [
    let negated = false;
    if (this.peek() === 0x5e) {
      negated = true;
      this.pos++;
    }
    const items: string[] = [];
    let first = true;
    const missing = () => new ReSyntaxError('missing closing ]', this.text(start, this.cps.length));
    while (true) {
      const c = this.peek();
      if (c === undefined) throw missing();
      if (c === 0x5d && !first) {
        this.pos++;
        break;
      }
      first = false;
      // [:alpha:]
      if (c === 0x5b && this.peek(1) === 0x3a) {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(this.rest(this.pos));
        if (m) {
          const body = POSIX[m[2]];
          if (!body) throw new ReSyntaxError('invalid character class range', m[0]);
          this.pos += m[0].length;
          items.push(m[1] ? this.negateAscii(body) : body);
          continue;
        }
      }
      if (c === 0x5c) {
        const n = this.peek(1);
        const nch = n === undefined ? '' : String.fromCodePoint(n);
        if ('dswDSW'.includes(nch) && nch !== '') {
          this.pos += 2;
          const body = PERL_CLASS[nch.toLowerCase()];
          items.push(nch === nch.toLowerCase() ? body : this.negateAscii(body));
          continue;
        }
        if (nch === 'p' || nch === 'P') {
          const s = this.pos;
          this.pos += 2;
          items.push(this.unicodeClass(s, nch === 'P'));
          continue;
        }
      }
      const lo = this.classChar(missing);
      if (this.peek() === 0x2d && this.peek(1) !== 0x5d && this.peek(1) !== undefined) {
        const save = this.pos;
        this.pos++;
        const hi = this.classChar(missing);
        if (hi < lo) throw new ReSyntaxError('invalid character class range', this.text(save - 1 - (lo > 0xffff ? 0 : 0), this.pos).replace(/^/, ''));
        items.push(this.rangeText(lo, hi, flags));
        continue;
      }
      items.push(this.rangeText(lo, lo, flags));
    }
    if (items.length === 0) return negated ? '[\\s\\S]' : '[]';
    return '[' + (negated ? '^' : '') + items.join('') + ']';
  }

  private negateAscii(body: string): string {
    // complement of an ASCII set, as a class body
    const set = new RegExp('[' + body + ']');
    let out = '';
    let runStart = -1;
    for (let cp = 0; cp <= 0x80; cp++) {
      const inSet = cp < 0x80 && set.test(String.fromCharCode(cp));
      if (!inSet && cp < 0x80) {
        if (runStart < 0) runStart = cp;
      } else if (runStart >= 0) {
        out += esc(runStart) + (cp - 1 > runStart ? '-' + esc(cp - 1) : '');
        runStart = -1;
      }
    }
    return out + '\\u{80}-\\u{10FFFF}';
  }

  private rangeText(lo: number, hi: number, flags: Flags): string {
    let out = lo === hi ? esc(lo) : esc(lo) + '-' + esc(hi);
    if (flags.i && hi - lo < 500) {
      const extra = new Set<number>();
      for (let cp = lo; cp <= hi; cp++) for (const v of caseVariants(cp)) if (v < lo || v > hi) extra.add(v);
      for (const v of extra) out += esc(v);
    }
    return out;
  }

  private classChar(missing: () => ReSyntaxError): number {
    const c = this.peek();
    if (c === undefined) throw missing();
    if (c === 0x5c) return this.escapedChar();
    this.pos++;
    return c;
  }
}

interface Compiled {
  re: RegExp;
  names: string[];
  ngroups: number;
}

const cache = new Map<string, Compiled>();

/** regexp.Compile: a JS RegExp with the same matches, or a Go syntax error. */
export function compileGo(expr: string): Compiled {
  let c = cache.get(expr);
  if (c) return c;
  const t = new Translator(expr);
  const src = t.translate();
  let re: RegExp;
  try {
    re = new RegExp(src, 'gu');
  } catch (e) {
    throw new ReSyntaxError('invalid or unsupported Perl syntax', expr);
  }
  c = { re, names: t.names, ngroups: t.ngroups };
  if (cache.size > 500) cache.clear();
  cache.set(expr, c);
  return c;
}

function goQuoteExpr(s: string): string {
  return canBackquote(s) ? '`' + s + '`' : quote(s);
}

/** regexp.MustCompile's panic text. */
function mustCompile(expr: string): Compiled {
  try {
    return compileGo(expr);
  } catch (e) {
    if (e instanceof ReSyntaxError) throw new GoError(`regexp: Compile(${goQuoteExpr(expr)}): ${e.message}`);
    throw e;
  }
}

function compileOrError(expr: string): Compiled {
  try {
    return compileGo(expr);
  } catch (e) {
    if (e instanceof ReSyntaxError) throw new GoError(e.message);
    throw e;
  }
}

/** Go's allMatches: successive non-overlapping matches; an empty match right after a match is skipped. */
function allMatches(c: Compiled, s: string, n: number): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  if (n === 0) return out;
  const re = c.re;
  let pos = 0;
  let prevEnd = -1;
  while (pos <= s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    let accept = true;
    if (end === start) {
      if (start === prevEnd) accept = false;
      // advance one code point
      const cp = s.codePointAt(start);
      pos = start + (cp !== undefined && cp > 0xffff ? 2 : 1);
    } else {
      pos = end;
    }
    if (accept) {
      out.push(m);
      prevEnd = end;
      if (n > 0 && out.length >= n) break;
    }
    if (start >= s.length) break;
  }
  return out;
}

/** Go's Regexp.Expand template ($1, ${1}, $name, ${name}, $$). */
function expand(template: string, m: RegExpExecArray, c: Compiled): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    if (template[i] === '{') {
      const e = /^\{([A-Za-z0-9_]+)\}/.exec(template.slice(i));
      if (e) {
        name = e[1];
        i += e[0].length;
      }
    } else {
      const e = /^[A-Za-z0-9_]+/.exec(template.slice(i));
      if (e) {
        name = e[0];
        i += e[0].length;
      }
    }
    if (name === undefined) {
      out += '$';
      continue;
    }
    if (/^[0-9]+$/.test(name)) {
      const num = parseInt(name, 10);
      if (num <= c.ngroups) out += m[num] ?? '';
    } else {
      const idx = c.names.indexOf(name);
      if (idx > 0) out += m[idx] ?? '';
    }
  }
  return out;
}

function replaceAll(c: Compiled, s: string, repl: (m: RegExpExecArray) => string): string {
  let out = '';
  let last = 0;
  for (const m of allMatches(c, s, -1)) {
    out += s.slice(last, m.index) + repl(m);
    last = m.index + m[0].length;
  }
  return out + s.slice(last);
}

function split(c: Compiled, expr: string, s: string, n: number): string[] {
  if (n === 0) return [];
  if (expr.length > 0 && s.length === 0) return [''];
  const matches = allMatches(c, s, n);
  const strings: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of matches) {
    if (n > 0 && strings.length === n - 1) break;
    end = m.index;
    if (m.index + m[0].length !== 0) strings.push(s.slice(beg, end));
    beg = m.index + m[0].length;
  }
  if (end !== s.length) strings.push(s.slice(beg));
  return strings;
}

/** regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

export function regexFuncs(): FuncMap {
  // Go's FindAllString returns a nil []string when nothing matches (JSON null, printed as []).
  const findAll = (c: Compiled, s: string, n: bigint) => {
    const found = allMatches(c, s, Number(n)).map((m) => m[0]);
    return found.length === 0 ? nilSlice() : found;
  };
  const find = (c: Compiled, s: string) => allMatches(c, s, 1)[0]?.[0] ?? '';
  return {
    regexMatch: {
      params: ['string', 'string'],
      returns: 'bool',
      fn: (re: string, s: string) => {
        try {
          return allMatches(compileGo(re), s, 1).length > 0;
        } catch {
          return false;
        }
      },
    },
    mustRegexMatch: {
      params: ['string', 'string'],
      returns: 'bool',
      fn: (re: string, s: string) => allMatches(compileOrError(re), s, 1).length > 0,
    },
    regexFindAll: { params: ['string', 'string', 'int'], returns: '[]string', fn: (re: string, s: string, n: bigint) => findAll(mustCompile(re), s, n) },
    mustRegexFindAll: {
      params: ['string', 'string', 'int'],
      returns: '[]string',
      fn: (re: string, s: string, n: bigint) => findAll(compileOrError(re), s, n),
    },
    regexFind: { params: ['string', 'string'], returns: 'string', fn: (re: string, s: string) => find(mustCompile(re), s) },
    mustRegexFind: { params: ['string', 'string'], returns: 'string', fn: (re: string, s: string) => find(compileOrError(re), s) },
    regexReplaceAll: {
      params: ['string', 'string', 'string'],
      returns: 'string',
      fn: (re: string, s: string, repl: string) => {
        const c = mustCompile(re);
        return replaceAll(c, s, (m) => expand(repl, m, c));
      },
    },
    mustRegexReplaceAll: {
      params: ['string', 'string', 'string'],
      returns: 'string',
      fn: (re: string, s: string, repl: string) => {
        const c = compileOrError(re);
        return replaceAll(c, s, (m) => expand(repl, m, c));
      },
    },
    regexReplaceAllLiteral: {
      params: ['string', 'string', 'string'],
      returns: 'string',
      fn: (re: string, s: string, repl: string) => replaceAll(mustCompile(re), s, () => repl),
    },
    mustRegexReplaceAllLiteral: {
      params: ['string', 'string', 'string'],
      returns: 'string',
      fn: (re: string, s: string, repl: string) => replaceAll(compileOrError(re), s, () => repl),
    },
    regexSplit: {
      params: ['string', 'string', 'int'],
      returns: '[]string',
      fn: (re: string, s: string, n: bigint) => split(mustCompile(re), re, s, Number(n)),
    },
    mustRegexSplit: {
      params: ['string', 'string', 'int'],
      returns: '[]string',
      fn: (re: string, s: string, n: bigint) => split(compileOrError(re), re, s, Number(n)),
    },
    regexQuoteMeta: { params: ['string'], returns: 'string', fn: quoteMeta },
  };
}
