/**
 * A quick reader for the heads of rendered manifests (apiVersion, kind, metadata.name,
 * metadata.annotations): what `rel template` needs to sort and split hooks, without parsing the
 * whole document with a general YAML parser (on a chart of several hundred resources that parse
 * was the largest single cost of a cold `rel template`).
 *
 * It accepts only a plain subset of block YAML, and checks the whole document against it:
 * ASCII text, space indentation, block mappings with simple keys (`name:`), block sequences
 * (`- …`, compact `- key: v`, indentless under a key), one-line plain scalars, one-line quoted
 * scalars without escapes, `[]`, `{}`, and full-line comments. Every such document is valid YAML
 * with one reading. Anything else (flow collections, anchors, tags, block or multi-line scalars,
 * escapes, trailing comments, odd keys, duplicate head keys, head values that YAML could read as
 * something other than a string) makes it return undefined, and the caller uses the full parser,
 * so errors and unusual documents keep their exact handling.
 *
 * The result holds only the head fields, as the full parser would give them (strings, or null
 * for an empty value), ready for release/sort.ts decodeHead.
 */
import { newMap, type GoMap, type GoValue } from '../engine/types.js';

/** Thrown inside the reader when the document leaves the subset. */
const OUT = new Error('outside the quick subset');

/** Printable ASCII and newlines only. */
const NOT_SIMPLE_TEXT = /[^\n\x20-\x7e]/;
/** `key:` or `key: value` (value still untrimmed on the right). */
const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_./-]*):(?: +(.*))?$/;
/** Keys and plain scalars YAML 1.1 (go-yaml) or 1.2 (js-yaml) would read as a bool or null. */
const SPECIAL_WORD = /^(?:y|n|yes|no|on|off|true|false|null)$/i;
/** A one-line plain scalar that is surely a string in YAML 1.1 and 1.2 (starts with a letter, no comment, no `: `). */
const PLAIN_STRING = /^[A-Za-z][\x20-\x7e]*$/;
/**
 * A one-line plain scalar of any type, in block context: it starts with a safe character (or
 * with `-`, `?`, `:` and a non-space), holds no `: ` and no ` #`, and does not end with `:`.
 */
const PLAIN_ANY = /^(?:[A-Za-z0-9_./$=+~^()<;]|[-?:](?=[^ ]))(?:[^:#]|:(?=[^ ])|(?<! )#)*$/;
/**
 * A one-line plain scalar starting with a digit that is surely a string: it holds a character no
 * YAML number, timestamp or base-60 value can hold (`8m`, `3-tier`).
 */
const DIGIT_STRING = /^[0-9][\x20-\x7e]*[^0-9a-fA-FxXoObB._:+\- eEtTzZ]/;
const SINGLE_QUOTED = /^'(?:[^']|'')*'$/;
/** Double-quoted on one line; escapes limited to those go-yaml and js-yaml read alike. */
const DOUBLE_QUOTED = /^"(?:[^"\\]|\\[0abtnvfre "\\N_LP])*"$/;
/** Block scalar header without an indentation indicator or comment: `|`, `>-`, … */
const BLOCK_HEADER = /^[|>][-+]?$/;

/**
 * What the caller needs from a node: the top-level map (apiVersion, kind, metadata), the
 * metadata map (name, annotations), the annotations map, a string value, or nothing (undefined).
 */
type Want = 'top' | 'metadata' | 'annotations' | 'string' | undefined;

/** The head field a key of a `want` map is, if any. */
function fieldOf(want: Want, key: string): Want {
  if (want === 'top') return key === 'metadata' ? 'metadata' : key === 'apiVersion' || key === 'kind' ? 'string' : undefined;
  if (want === 'metadata') return key === 'annotations' ? 'annotations' : key === 'name' ? 'string' : undefined;
  if (want === 'annotations') return 'string';
  return undefined;
}

/** YAML's limit on the length of an implicit key. */
const MAX_KEY = 1024;

/** `- ` or `-` alone: a block sequence entry. */
function isSeqEntry(c: string): boolean {
  return c.charCodeAt(0) === 45 /* - */ && (c.length === 1 || c.charCodeAt(1) === 32);
}

/**
 * The document as meaningful lines (not blank, not comments): content without indentation or
 * trailing spaces, indent, and line number. Compact nesting (`- key: v`, `- - x`) is unfolded
 * into `-` and the rest at its column (`-` then `key: v` two columns deeper), which YAML reads
 * the same. Native string operations rather than loops over characters: this runs before the
 * JIT has warmed up.
 */
class Reader {
  private readonly raw: string[];
  private readonly contents: string[] = [];
  private readonly indents: number[] = [];
  private readonly rows: number[] = [];
  private readonly count: number;
  /** The current line. */
  i = 0;

  constructor(text: string) {
    this.raw = text.split('\n');
    for (let r = 0; r < this.raw.length; r++) {
      const line = this.raw[r]!;
      const t = line.trimStart();
      if (t === '' || t.charCodeAt(0) === 35 /* # */) continue;
      let indent = line.length - t.length;
      let c = t.trimEnd();
      while (c.length > 2 && c.charCodeAt(0) === 45 && c.charCodeAt(1) === 32) {
        const rest = c.slice(2).trimStart();
        if (!isSeqEntry(rest) && !KEY_LINE.test(rest)) break;
        this.contents.push('-');
        this.indents.push(indent);
        this.rows.push(r);
        indent += c.length - rest.length;
        c = rest;
      }
      this.contents.push(c);
      this.indents.push(indent);
      this.rows.push(r);
    }
    this.count = this.contents.length;
  }

  done(): boolean {
    return this.i >= this.count;
  }
  /** The first line starts a block mapping at indent 0. */
  startsWithMap(): boolean {
    return this.indents[0] === 0 && !isSeqEntry(this.contents[0]!);
  }

  /** The block node that starts on the current line, at indent `n`. */
  private block(n: number, want: Want): GoValue {
    if (isSeqEntry(this.contents[this.i]!)) {
      if (want !== undefined) throw OUT; // a head field holding a sequence: let the full parser judge
      this.seq(n);
      return null;
    }
    return this.map(n, want);
  }

  /**
   * A block mapping whose keys sit at indent `n`. For a head map (`want` set) it returns the
   * head fields found; other maps are only checked (null).
   */
  map(n: number, want: Want): GoValue {
    if (want === 'string') throw OUT;
    const { contents, indents, count } = this;
    const seen = want === undefined ? undefined : new Set<string>();
    const head = want === undefined ? null : newMap();
    while (this.i < count && indents[this.i] === n) {
      const c = contents[this.i]!;
      if (isSeqEntry(c)) break;
      const m = KEY_LINE.exec(c);
      if (!m) throw OUT;
      const key = m[1]!;
      if (key.length >= MAX_KEY || (key.length <= 5 && SPECIAL_WORD.test(key))) throw OUT;
      let field: Want;
      if (seen !== undefined) {
        if (seen.has(key)) throw OUT; // duplicate keys in a head map: the full parser decides
        seen.add(key);
        field = fieldOf(want, key);
      }
      const raw = m[2];
      this.i++;
      let value: GoValue = null;
      if (raw === undefined || raw === '') {
        // A nested block (more indented, or a sequence at the same indent), else null.
        if (this.i < count) {
          const next = indents[this.i]!;
          if (next > n || (next === n && isSeqEntry(contents[this.i]!))) value = this.block(next, field);
        }
      } else {
        value = this.scalar(raw, field, n);
        if (this.i < count && indents[this.i]! > n) throw OUT; // a multi-line scalar, or an error
      }
      if (head !== null && field !== undefined) head[key] = value;
    }
    return head;
  }

  /** A block sequence whose dashes sit at indent `n` (nothing of it is part of a head). */
  seq(n: number): void {
    const { contents, indents, count } = this;
    while (this.i < count && indents[this.i] === n) {
      const c = contents[this.i]!;
      if (!isSeqEntry(c)) break;
      this.i++;
      if (c.length === 1) {
        // `-` alone: the item is the following more-indented block (or an unfolded compact one), else null.
        if (this.i < count && indents[this.i]! > n) this.block(indents[this.i]!, undefined);
        continue;
      }
      this.scalar(c.slice(2).trimStart(), undefined, n);
      if (this.i < count && indents[this.i]! > n) throw OUT;
    }
  }

  /**
   * The content of a block scalar whose header ended the previous line, inside a node at indent
   * `n`: the following lines more indented than `n`. Declines when the lines between are not
   * plainly its content (a less-indented comment, leading blank lines deeper than the content).
   */
  private skipBlockScalar(n: number): void {
    const header = this.rows[this.i - 1]!;
    while (this.i < this.count && this.indents[this.i]! > n) this.i++;
    const to = this.i < this.count ? this.rows[this.i]! : this.raw.length;
    let contentIndent = -1;
    let leadingBlank = -1;
    for (let r = header + 1; r < to; r++) {
      const line = this.raw[r]!;
      const t = line.trimStart();
      const indent = line.length - t.length;
      if (t === '') {
        if (contentIndent < 0) leadingBlank = Math.max(leadingBlank, indent);
      } else {
        if (contentIndent < 0) contentIndent = indent;
        if (indent <= n || indent < contentIndent) throw OUT;
      }
    }
    // Blank lines first (deeper than the content, or with no content at all): the full parser judges.
    if (leadingBlank >= 0 && (contentIndent < 0 || leadingBlank > contentIndent)) throw OUT;
  }

  /**
   * A one-line scalar value (or `[]` / `{}`, or a block scalar header) in a node at indent `n`;
   * its value when a head field wants it.
   */
  private scalar(raw: string, want: Want, n: number): GoValue {
    const q = raw.charCodeAt(0);
    if (q === 39 /* ' */) {
      if (!SINGLE_QUOTED.test(raw) || (want !== undefined && want !== 'string')) throw OUT;
      return want === undefined ? null : raw.slice(1, -1).replaceAll("''", "'");
    }
    if (q === 34 /* " */) {
      if (!DOUBLE_QUOTED.test(raw)) throw OUT;
      if (want === undefined) return null;
      if (want !== 'string' || raw.includes('\\')) throw OUT;
      return raw.slice(1, -1);
    }
    if (q === 124 /* | */ || q === 62 /* > */) {
      if (!BLOCK_HEADER.test(raw) || want !== undefined) throw OUT;
      this.skipBlockScalar(n);
      return null;
    }
    if (raw === '{}') {
      if (want === 'metadata' || want === 'annotations') return newMap();
      if (want !== undefined) throw OUT;
      return null;
    }
    if (raw === '[]') {
      if (want !== undefined) throw OUT;
      return null;
    }
    if (!PLAIN_ANY.test(raw)) throw OUT;
    if (want === undefined) return null;
    if (want !== 'string') throw OUT;
    if (PLAIN_STRING.test(raw) ? raw.length <= 5 && SPECIAL_WORD.test(raw) : !DIGIT_STRING.test(raw)) throw OUT;
    return raw;
  }
}

/**
 * The head of one rendered manifest (the text between `---` separators, trimmed), or undefined
 * when the document is outside the quick subset (use the full YAML parser then).
 */
export function quickManifestHead(doc: string): GoValue | undefined {
  if (NOT_SIMPLE_TEXT.test(doc)) return undefined;
  try {
    const r = new Reader(doc);
    if (r.done()) return undefined; // empty or comments only: the full parser says what that is
    if (!r.startsWithMap()) return undefined;
    const head = r.map(0, 'top');
    if (!r.done()) return undefined; // lines the subset does not explain
    return head;
  } catch (e) {
    if (e === OUT) return undefined;
    throw e;
  }
}
