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
/** A one-line plain scalar of any type, in block context. */
const PLAIN_ANY = /^(?:[A-Za-z0-9_./$=+~^()<;]|[-?:][^\s])[\x20-\x7e]*$/;
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

class Reader {
  /** Start and end offsets of the meaningful lines (not blank, not comments) and their indents. */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly indents: number[] = [];
  private i = 0;
  /** Set while the current line continues after a `- ` (compact nesting): its column and offset. */
  private virtualIndent = -1;
  private virtualStart = -1;

  constructor(private readonly text: string) {
    let pos = 0;
    const n = text.length;
    while (pos <= n) {
      let end = text.indexOf('\n', pos);
      if (end === -1) end = n;
      let s = pos;
      while (s < end && text.charCodeAt(s) === 32) s++;
      let e = end;
      while (e > s && text.charCodeAt(e - 1) === 32) e--;
      if (e > s && text.charCodeAt(s) !== 35 /* # */) {
        this.starts.push(s);
        this.ends.push(e);
        this.indents.push(s - pos);
      }
      pos = end + 1;
    }
  }

  done(): boolean {
    return this.i >= this.starts.length;
  }
  indent(): number {
    return this.virtualIndent >= 0 ? this.virtualIndent : this.indents[this.i]!;
  }
  private start(): number {
    return this.virtualStart >= 0 ? this.virtualStart : this.starts[this.i]!;
  }
  content(): string {
    return this.text.slice(this.start(), this.ends[this.i]);
  }
  private advance(): void {
    this.i++;
    this.virtualIndent = -1;
    this.virtualStart = -1;
  }
  isSeqLine(c: string): boolean {
    return c.charCodeAt(0) === 45 /* - */ && (c.length === 1 || c.charCodeAt(1) === 32);
  }

  /** The block node that starts on the current line, at indent `n`. */
  private block(n: number, want: Want): GoValue {
    if (this.isSeqLine(this.content())) {
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
    const seen = want === undefined ? undefined : new Set<string>();
    const head = want === undefined ? null : newMap();
    while (!this.done() && this.indent() === n) {
      const c = this.content();
      if (this.isSeqLine(c)) break;
      const m = KEY_LINE.exec(c);
      if (!m) throw OUT;
      const key = m[1]!;
      if (key.length >= MAX_KEY || SPECIAL_WORD.test(key)) throw OUT;
      let field: Want;
      if (seen !== undefined) {
        if (seen.has(key)) throw OUT; // duplicate keys in a head map: the full parser decides
        seen.add(key);
        field = fieldOf(want, key);
      }
      const raw = m[2];
      this.advance();
      let value: GoValue;
      if (raw === undefined || raw === '') {
        // A nested block (more indented, or a sequence at the same indent), else null.
        if (!this.done() && (this.indent() > n || (this.indent() === n && this.isSeqLine(this.content())))) {
          value = this.block(this.indent(), field);
        } else value = null;
      } else {
        value = this.scalar(raw, field, n);
        if (!this.done() && this.indent() > n) throw OUT; // a multi-line scalar, or an error
      }
      if (head !== null && field !== undefined) head[key] = value;
    }
    return head;
  }

  /** A block sequence whose dashes sit at indent `n` (nothing of it is part of a head). */
  seq(n: number): void {
    while (!this.done() && this.indent() === n) {
      const c = this.content();
      if (!this.isSeqLine(c)) break;
      let k = 1;
      while (k < c.length && c.charCodeAt(k) === 32) k++;
      if (k === c.length) {
        // `-` alone: the item is the following more-indented block, else null.
        this.advance();
        if (!this.done() && this.indent() > n) this.block(this.indent(), undefined);
        continue;
      }
      const rest = c.slice(k);
      if (this.isSeqLine(rest) || KEY_LINE.test(rest)) {
        // Compact nested sequence or mapping: continue on this line at the item's column.
        const start = this.start() + k;
        this.virtualIndent = n + k;
        this.virtualStart = start;
        this.block(n + k, undefined);
        continue;
      }
      this.advance();
      this.scalar(rest, undefined, n);
      if (!this.done() && this.indent() > n) throw OUT;
    }
  }

  /**
   * The content of a block scalar whose header ended the previous line, inside a node at indent
   * `n`: the following lines more indented than `n`. Declines when the lines between are not
   * plainly its content (a less-indented comment, leading blank lines deeper than the content).
   */
  private skipBlockScalar(n: number): void {
    const text = this.text;
    const from = text.indexOf('\n', this.starts[this.i - 1]!) + 1;
    while (!this.done() && this.indents[this.i]! > n) this.advance();
    if (from === 0) return; // the header ends the document
    const to = this.done() ? text.length : this.starts[this.i]! - this.indents[this.i]!;
    let contentIndent = -1;
    let leadingBlank = -1;
    let pos = from;
    while (pos < to) {
      let end = text.indexOf('\n', pos);
      if (end === -1 || end > to) end = to;
      let s = pos;
      while (s < end && text.charCodeAt(s) === 32) s++;
      const indent = s - pos;
      if (s === end) {
        if (contentIndent < 0) leadingBlank = Math.max(leadingBlank, indent);
      } else {
        if (contentIndent < 0) contentIndent = indent;
        if (indent <= n || indent < contentIndent) throw OUT;
      }
      pos = end + 1;
    }
    // Blank lines first (deeper than the content, or with no content at all): the full parser judges.
    if (leadingBlank >= 0 && (contentIndent < 0 || leadingBlank > contentIndent)) throw OUT;
  }

  /** A one-line scalar value (or `[]` / `{}`, or a block scalar header) at indent `n`; its value when a head field wants it. */
  scalar(raw: string, want: Want, n: number): GoValue {
    if (raw === '[]') {
      if (want !== undefined) throw OUT;
      return null;
    }
    if (raw === '{}') {
      if (want === 'metadata' || want === 'annotations') return newMap();
      if (want !== undefined) throw OUT;
      return null;
    }
    const q = raw.charCodeAt(0);
    if (q === 39 /* ' */) {
      if (!SINGLE_QUOTED.test(raw)) throw OUT;
      if (want !== undefined && want !== 'string') throw OUT;
      return raw.slice(1, -1).replaceAll("''", "'");
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
    if (!PLAIN_ANY.test(raw) || raw.includes(': ') || raw.includes(' #') || raw.endsWith(':')) throw OUT;
    if (want === undefined) return null;
    if (want !== 'string') throw OUT;
    if (PLAIN_STRING.test(raw) ? SPECIAL_WORD.test(raw) : !DIGIT_STRING.test(raw)) throw OUT;
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
    if (r.indent() !== 0 || r.isSeqLine(r.content())) return undefined;
    const head = r.map(0, 'top');
    if (!r.done()) return undefined; // lines the subset does not explain
    return head;
  } catch (e) {
    if (e === OUT) return undefined;
    throw e;
  }
}
