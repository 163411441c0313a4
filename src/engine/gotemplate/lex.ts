/**
 * Lexer for Go text/template syntax. It follows the token rules of Go's
 * text/template/parse lexer (delimiters, trim markers `{{- ` / ` -}}`, comments,
 * numbers, strings, raw strings, character constants, keywords, newlines inside
 * actions), so that the parser sees the same token stream and error messages match Go.
 */
import { sprintf } from '../gofmt.js';

export const enum T {
  Error,
  Bool,
  Char,
  CharConstant,
  Comment,
  Complex,
  Assign,
  Declare,
  EOF,
  Field,
  Identifier,
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,
  RightDelim,
  RightParen,
  Space,
  String,
  Text,
  Variable,
  // keywords after this point
  Keyword,
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
}

export interface Item {
  t: T;
  pos: number;
  val: string;
  line: number;
}

const KEYWORDS: Record<string, T> = {
  '.': T.Dot,
  block: T.Block,
  break: T.Break,
  continue: T.Continue,
  define: T.Define,
  else: T.Else,
  end: T.End,
  if: T.If,
  range: T.Range,
  nil: T.Nil,
  template: T.Template,
  with: T.With,
};

/** Go's item.String(), used in parse error messages. */
export function itemString(i: Item): string {
  if (i.t === T.EOF) return 'EOF';
  if (i.t === T.Error) return i.val;
  if (i.t > T.Keyword) return '<' + i.val + '>';
  if ([...i.val].length > 10) return sprintf('%.10q...', i.val);
  return sprintf('%q', i.val);
}

const EOF = -1;

function isSpace(r: number): boolean {
  return r === 32 || r === 9 || r === 13 || r === 10;
}

const LETTER = /^[\p{L}\p{Nd}]$/u;

export function isAlphaNumeric(r: number): boolean {
  if (r < 0) return false;
  if (r < 0x80) {
    return r === 95 || (r >= 48 && r <= 57) || (r >= 65 && r <= 90) || (r >= 97 && r <= 122);
  }
  return LETTER.test(String.fromCodePoint(r));
}

function isPrintASCII(r: number): boolean {
  return r >= 0x20 && r < 0x7f;
}

export interface LexOptions {
  breakOK: boolean;
  continueOK: boolean;
}

/** Go's isAlphaNumeric as a sticky regular expression (letters, digits, `_`). */
const ALNUM_RUN = /[\p{L}\p{Nd}_]*/uy;

/** The end of the run of alphanumeric characters (letters, digits, `_`) starting at `p`. */
function scanAlphaNumeric(input: string, p: number): number {
  ALNUM_RUN.lastIndex = p;
  ALNUM_RUN.test(input);
  return ALNUM_RUN.lastIndex;
}

/**
 * Tokenizes the whole input (stopping at the first error item).
 *
 * One loop over the input with the states of Go's lexer (lexText, lexLeftDelim, lexComment,
 * lexInsideAction, lexSpace, lexRightDelim, …) written out in place: the first render of a
 * short `rel template` run executes this as unoptimized bytecode, where a function call per
 * character (Go's next/peek/backup) costs more than the scanning itself.
 */
export function lex(input: string, leftDelim: string, rightDelim: string, opts: LexOptions): Item[] {
  const items: Item[] = [];
  const n = input.length;
  const ldLen = leftDelim.length;
  const rdLen = rightDelim.length;
  const rd0 = rightDelim.codePointAt(0);
  let pos = 0;
  let start = 0;
  let parenDepth = 0;
  // line tracking: 1 + number of newlines before a position
  let linePos = 0;
  let lineNo = 1;
  let nextNl = input.indexOf('\n');
  const lineAt = (p: number): number => {
    if (p < linePos) {
      linePos = 0;
      lineNo = 1;
      nextNl = input.indexOf('\n');
    }
    while (nextNl >= 0 && nextNl < p) {
      lineNo++;
      nextNl = input.indexOf('\n', nextNl + 1);
    }
    linePos = p;
    return lineNo;
  };
  /** Emits input[start:pos] as a `t` item. */
  const emit = (t: T): void => {
    items.push({ t, pos: start, val: input.slice(start, pos), line: lineAt(start) });
    start = pos;
  };
  const errorf = (msg: string): Item[] => {
    items.push({ t: T.Error, pos: start, val: msg, line: lineAt(start) });
    return items;
  };
  const codePoint = (p: number): number => (p >= n ? EOF : input.codePointAt(p)!);
  /** Go's atTerminator with the lexer at `p`: may an identifier end here? */
  const atTerminator = (p: number): boolean => {
    const r = codePoint(p);
    switch (r) {
      case 32:
      case 9:
      case 13:
      case 10:
      case EOF:
      case 46: // .
      case 44: // ,
      case 124: // |
      case 58: // :
      case 41: // )
      case 40: // (
        return true;
    }
    return r === rd0;
  };
  const badChar = (r: number): string => sprintf('bad character %#U', BigInt(r >= 0xd800 && r <= 0xdfff ? 0xfffd : r));
  const leftTrimEnd = (p: number): number => {
    while (p < n && isSpace(input.charCodeAt(p))) p++;
    return p;
  };

  // Numbers (less common than the rest): Go's scanNumber with its next/backup/accept helpers.
  let width = 0;
  const next = (): number => {
    if (pos >= n) {
      width = 0;
      return EOF;
    }
    const r = input.codePointAt(pos)!;
    width = r > 0xffff ? 2 : 1;
    pos += width;
    return r;
  };
  const backup = (): void => {
    pos -= width;
  };
  const peek = (): number => {
    const r = next();
    backup();
    return r;
  };
  const accept = (valid: string): boolean => {
    const r = next();
    if (r >= 0 && valid.includes(String.fromCodePoint(r))) return true;
    backup();
    return false;
  };
  const acceptRun = (valid: string): void => {
    for (;;) {
      const r = next();
      if (r < 0 || !valid.includes(String.fromCodePoint(r))) break;
    }
    backup();
  };
  const scanNumber = (): boolean => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 10 + 1 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 16 + 6 + 1 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(peek())) {
      next();
      return false;
    }
    return true;
  };
  /** lexNumber with the number starting at pos; false after an error item. */
  const lexNumber = (): boolean => {
    if (!scanNumber()) {
      errorf(sprintf('bad number syntax: %q', input.slice(start, pos)));
      return false;
    }
    const sign = peek();
    if (sign === 43 || sign === 45) {
      if (!scanNumber() || input[pos - 1] !== 'i') {
        errorf(sprintf('bad number syntax: %q', input.slice(start, pos)));
        return false;
      }
      emit(T.Complex);
    } else emit(T.Number);
    return true;
  };

  for (;;) {
    // lexText: up to the next left delimiter
    const x = input.indexOf(leftDelim, pos);
    if (x < 0) {
      pos = n;
      if (pos > start) emit(T.Text);
      emit(T.EOF);
      return items;
    }
    if (x > pos) {
      // text before a trim-marked delimiter ("{{- ") loses its trailing spaces
      let end = x;
      const c = x + ldLen;
      if (input.charCodeAt(c) === 45 && isSpace(input.charCodeAt(c + 1))) {
        while (end > start && isSpace(input.charCodeAt(end - 1))) end--;
      }
      if (end > start) {
        pos = end;
        emit(T.Text);
      }
      start = pos = x;
    }

    // lexLeftDelim
    pos += ldLen;
    const afterMarker = input.charCodeAt(pos) === 45 && isSpace(input.charCodeAt(pos + 1)) ? 2 : 0;
    if (input.startsWith('/*', pos + afterMarker)) {
      // lexComment
      pos += afterMarker;
      start = pos;
      const y = input.indexOf('*/', pos + 2);
      if (y < 0) return errorf('unclosed comment');
      pos = y + 2;
      let d = 0;
      if (input.startsWith(rightDelim, pos)) d = 1;
      else if (isSpace(input.charCodeAt(pos)) && input.charCodeAt(pos + 1) === 45 && input.startsWith(rightDelim, pos + 2)) d = 2;
      if (d === 0) return errorf('comment ends before closing delimiter');
      if (d === 2) pos += 2;
      pos += rdLen;
      if (d === 2) pos = leftTrimEnd(pos);
      start = pos;
      continue;
    }
    emit(T.LeftDelim);
    pos += afterMarker;
    start = pos;
    parenDepth = 0;

    // lexInsideAction, until the right delimiter
    for (;;) {
      // (start === pos here)
      let d = 0;
      if (input.startsWith(rightDelim, pos)) d = 1;
      else if (isSpace(input.charCodeAt(pos)) && input.charCodeAt(pos + 1) === 45 && input.startsWith(rightDelim, pos + 2)) d = 2;
      if (d !== 0 && parenDepth !== 0) return errorf('unclosed left paren');
      let spaceBeforeTrim = false;
      if (d === 0) {
        if (pos >= n) return errorf('unclosed action');
        const r = input.charCodeAt(pos);
        if (isSpace(r)) {
          // lexSpace
          const first = pos;
          do pos++;
          while (pos < n && isSpace(input.charCodeAt(pos)));
          // a trim-marked closing delimiter has a minus after a space
          if (input.charCodeAt(pos) === 45 && input.startsWith(rightDelim, pos + 1)) {
            pos--; // before the space
            if (pos === first) spaceBeforeTrim = true; // on the delimiter: lexRightDelim
          }
          if (!spaceBeforeTrim) {
            emit(T.Space);
            continue;
          }
        } else {
          switch (r) {
            case 61: // =
              pos++;
              emit(T.Assign);
              continue;
            case 58: // :
              pos++;
              if (pos >= n || input.charCodeAt(pos) !== 61) return errorf('expected :=');
              pos++;
              emit(T.Declare);
              continue;
            case 124: // |
              pos++;
              emit(T.Pipe);
              continue;
            case 34: // "
            case 39: {
              // lexQuote, lexChar
              let p = pos + 1;
              for (;;) {
                const c = p < n ? input.charCodeAt(p) : EOF;
                if (c === 92) {
                  const e = p + 1 < n ? input.charCodeAt(p + 1) : EOF;
                  if (e !== EOF && e !== 10) {
                    p += 2;
                    continue;
                  }
                  return errorf(r === 34 ? 'unterminated quoted string' : 'unterminated character constant');
                }
                if (c === EOF || c === 10) return errorf(r === 34 ? 'unterminated quoted string' : 'unterminated character constant');
                p++;
                if (c === r) break;
              }
              pos = p;
              emit(r === 34 ? T.String : T.CharConstant);
              continue;
            }
            case 96: {
              // lexRawQuote
              const e = input.indexOf('`', pos + 1);
              if (e < 0) return errorf('unterminated raw quoted string');
              pos = e + 1;
              emit(T.RawString);
              continue;
            }
            case 36: // $
            case 46: {
              // .
              if (r === 46 && (pos + 1 >= n || (input.charCodeAt(pos + 1) >= 48 && input.charCodeAt(pos + 1) <= 57))) {
                if (!lexNumber()) return items;
                continue;
              }
              // lexVariable, lexField (lexFieldOrVariable)
              pos++;
              if (atTerminator(pos)) {
                emit(r === 36 ? T.Variable : T.Dot);
                continue;
              }
              pos = scanAlphaNumeric(input, pos);
              if (!atTerminator(pos)) return errorf(badChar(codePoint(pos)));
              emit(r === 36 ? T.Variable : T.Field);
              continue;
            }
            case 40: // (
              pos++;
              emit(T.LeftParen);
              parenDepth++;
              continue;
            case 41: // )
              pos++;
              parenDepth--;
              if (parenDepth < 0) return errorf('unexpected right paren');
              emit(T.RightParen);
              continue;
          }
          if (r === 43 || r === 45 || (r >= 48 && r <= 57)) {
            if (!lexNumber()) return items;
            continue;
          }
          const cp = input.codePointAt(pos)!;
          if (isAlphaNumeric(cp)) {
            // lexIdentifier
            pos = scanAlphaNumeric(input, pos);
            if (!atTerminator(pos)) return errorf(badChar(codePoint(pos)));
            const word = input.slice(start, pos);
            const kw = Object.hasOwn(KEYWORDS, word) ? KEYWORDS[word]! : undefined;
            if (kw !== undefined && kw > T.Keyword) {
              if ((kw === T.Break && !opts.breakOK) || (kw === T.Continue && !opts.continueOK)) emit(T.Identifier);
              else emit(kw);
            } else if (word === 'true' || word === 'false') emit(T.Bool);
            else emit(T.Identifier);
            continue;
          }
          if (cp <= 0x7f && isPrintASCII(cp)) {
            pos++;
            emit(T.Char);
            continue;
          }
          pos += cp > 0xffff ? 2 : 1;
          return errorf(sprintf('unrecognized character in action: %#U', BigInt(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp)));
        }
      }
      // lexRightDelim (d === 2 or a single space before " -}}": a trim marker)
      const trimSpace = spaceBeforeTrim ? !input.startsWith(rightDelim, pos) : d === 2;
      if (trimSpace) {
        pos += 2;
        start = pos;
      }
      pos += rdLen;
      emit(T.RightDelim);
      if (trimSpace) {
        pos = leftTrimEnd(pos);
        start = pos;
      }
      break;
    }
  }
}
