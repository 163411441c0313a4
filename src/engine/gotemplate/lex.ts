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

const SPACE_CHARS = ' \t\r\n';

function rightTrimLength(s: string): number {
  let i = s.length;
  while (i > 0 && SPACE_CHARS.includes(s[i - 1]!)) i--;
  return s.length - i;
}

function leftTrimLength(s: string, from: number): number {
  let i = from;
  while (i < s.length && SPACE_CHARS.includes(s[i]!)) i++;
  return i - from;
}

export interface LexOptions {
  breakOK: boolean;
  continueOK: boolean;
}

/** Tokenizes the whole input (stopping at the first error item). */
export function lex(input: string, leftDelim: string, rightDelim: string, opts: LexOptions): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let width = 0;
  let parenDepth = 0;
  // line tracking: 1 + number of newlines before a position
  let linePos = 0;
  let lineNo = 1;
  const lineAt = (p: number): number => {
    if (p < linePos) {
      linePos = 0;
      lineNo = 1;
    }
    for (let i = linePos; i < p; i++) if (input.charCodeAt(i) === 10) lineNo++;
    linePos = p;
    return lineNo;
  };
  const emit = (t: T): void => {
    items.push({ t, pos: start, val: input.slice(start, pos), line: lineAt(start) });
    start = pos;
  };
  const errorf = (msg: string): null => {
    items.push({ t: T.Error, pos: start, val: msg, line: lineAt(start) });
    return null;
  };
  const next = (): number => {
    if (pos >= input.length) {
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
  const hasLeftTrimMarker = (p: number): boolean => input.charCodeAt(p) === 45 && isSpace(input.charCodeAt(p + 1));
  const hasRightTrimMarker = (p: number): boolean => isSpace(input.charCodeAt(p)) && input.charCodeAt(p + 1) === 45;
  /** 0: not at the right delimiter; 1: at it; 2: at it with a trim marker (" -}}"). */
  const atRightDelim = (): number => {
    if (input.startsWith(rightDelim, pos)) return 1;
    if (hasRightTrimMarker(pos) && input.startsWith(rightDelim, pos + 2)) return 2;
    return 0;
  };
  const rd0 = rightDelim.codePointAt(0);
  const atTerminator = (): boolean => {
    const r = peek();
    if (isSpace(r)) return true;
    switch (r) {
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

  type State = (() => State) | null;

  const lexText = (): State => {
    width = 0;
    const x = input.indexOf(leftDelim, pos);
    if (x >= 0) {
      if (x > pos) {
        pos = x;
        let trimLength = 0;
        const delimEnd = pos + leftDelim.length;
        if (hasLeftTrimMarker(delimEnd)) trimLength = rightTrimLength(input.slice(start, pos));
        pos -= trimLength;
        if (pos > start) emit(T.Text);
        pos += trimLength;
        start = pos;
      }
      return lexLeftDelim;
    }
    pos = input.length;
    if (pos > start) emit(T.Text);
    emit(T.EOF);
    return null;
  };

  const lexLeftDelim = (): State => {
    pos += leftDelim.length;
    const trimSpace = hasLeftTrimMarker(pos);
    const afterMarker = trimSpace ? 2 : 0;
    if (input.startsWith('/*', pos + afterMarker)) {
      pos += afterMarker;
      start = pos;
      return lexComment;
    }
    emit(T.LeftDelim);
    pos += afterMarker;
    start = pos;
    parenDepth = 0;
    return lexInsideAction;
  };

  const lexComment = (): State => {
    pos += 2;
    const x = input.indexOf('*/', pos);
    if (x < 0) return errorf('unclosed comment');
    pos = x + 2;
    const d = atRightDelim();
    if (d === 0) return errorf('comment ends before closing delimiter');
    const trimSpace = d === 2;
    if (trimSpace) pos += 2;
    pos += rightDelim.length;
    if (trimSpace) pos += leftTrimLength(input, pos);
    start = pos;
    return lexText;
  };

  const lexRightDelim = (): State => {
    const trimSpace = atRightDelim() === 2;
    if (trimSpace) {
      pos += 2;
      start = pos;
    }
    pos += rightDelim.length;
    emit(T.RightDelim);
    if (trimSpace) {
      pos += leftTrimLength(input, pos);
      start = pos;
    }
    return lexText;
  };

  const lexInsideAction = (): State => {
    if (atRightDelim() !== 0) {
      if (parenDepth === 0) return lexRightDelim;
      return errorf('unclosed left paren');
    }
    const r = next();
    if (r === EOF) return errorf('unclosed action');
    if (isSpace(r)) {
      backup();
      return lexSpace;
    }
    switch (r) {
      case 61: // =
        emit(T.Assign);
        return lexInsideAction;
      case 58: // :
        if (next() !== 61) return errorf('expected :=');
        emit(T.Declare);
        return lexInsideAction;
      case 124:
        emit(T.Pipe);
        return lexInsideAction;
      case 34:
        return lexQuote;
      case 96:
        return lexRawQuote;
      case 36:
        return lexVariable;
      case 39:
        return lexChar;
      case 46: // .
        if (pos < input.length) {
          const c = input.charCodeAt(pos);
          if (c < 48 || c > 57) return lexField;
        }
        backup();
        return lexNumber;
      case 40:
        emit(T.LeftParen);
        parenDepth++;
        return lexInsideAction;
      case 41:
        parenDepth--;
        if (parenDepth < 0) return errorf('unexpected right paren');
        emit(T.RightParen);
        return lexInsideAction;
    }
    if (r === 43 || r === 45 || (r >= 48 && r <= 57)) {
      backup();
      return lexNumber;
    }
    if (isAlphaNumeric(r)) {
      backup();
      return lexIdentifier;
    }
    if (r <= 0x7f && isPrintASCII(r)) {
      emit(T.Char);
      return lexInsideAction;
    }
    return errorf(sprintf('unrecognized character in action: %#U', BigInt(r >= 0xd800 && r <= 0xdfff ? 0xfffd : r)));
  };

  const lexSpace = (): State => {
    let numSpaces = 0;
    for (;;) {
      const r = peek();
      if (!isSpace(r)) break;
      next();
      numSpaces++;
    }
    // A trim-marked closing delimiter has a minus after a space.
    if (hasRightTrimMarker(pos - 1) && input.startsWith(rightDelim, pos - 1 + 2)) {
      backup();
      if (numSpaces === 1) return lexRightDelim;
    }
    emit(T.Space);
    return lexInsideAction;
  };

  const lexIdentifier = (): State => {
    for (;;) {
      const r = next();
      if (isAlphaNumeric(r)) continue;
      backup();
      const word = input.slice(start, pos);
      if (!atTerminator()) return errorf(badChar(r));
      const kw = KEYWORDS[word];
      if (kw !== undefined && kw > T.Keyword) {
        if ((kw === T.Break && !opts.breakOK) || (kw === T.Continue && !opts.continueOK)) emit(T.Identifier);
        else emit(kw);
      } else if (word[0] === '.') emit(T.Field);
      else if (word === 'true' || word === 'false') emit(T.Bool);
      else emit(T.Identifier);
      return lexInsideAction;
    }
  };

  const lexField = (): State => lexFieldOrVariable(T.Field);

  const lexVariable = (): State => {
    if (atTerminator()) {
      emit(T.Variable);
      return lexInsideAction;
    }
    return lexFieldOrVariable(T.Variable);
  };

  const lexFieldOrVariable = (typ: T): State => {
    if (atTerminator()) {
      emit(typ === T.Variable ? T.Variable : T.Dot);
      return lexInsideAction;
    }
    let r: number;
    for (;;) {
      r = next();
      if (!isAlphaNumeric(r)) {
        backup();
        break;
      }
    }
    if (!atTerminator()) return errorf(badChar(r));
    emit(typ);
    return lexInsideAction;
  };

  const lexChar = (): State => {
    for (;;) {
      const c = next();
      if (c === 92) {
        const r = next();
        if (r !== EOF && r !== 10) continue;
        return errorf('unterminated character constant');
      }
      if (c === EOF || c === 10) return errorf('unterminated character constant');
      if (c === 39) break;
    }
    emit(T.CharConstant);
    return lexInsideAction;
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

  const lexNumber = (): State => {
    if (!scanNumber()) return errorf(sprintf('bad number syntax: %q', input.slice(start, pos)));
    const sign = peek();
    if (sign === 43 || sign === 45) {
      if (!scanNumber() || input[pos - 1] !== 'i') return errorf(sprintf('bad number syntax: %q', input.slice(start, pos)));
      emit(T.Complex);
    } else emit(T.Number);
    return lexInsideAction;
  };

  const lexQuote = (): State => {
    for (;;) {
      const c = next();
      if (c === 92) {
        const r = next();
        if (r !== EOF && r !== 10) continue;
        return errorf('unterminated quoted string');
      }
      if (c === EOF || c === 10) return errorf('unterminated quoted string');
      if (c === 34) break;
    }
    emit(T.String);
    return lexInsideAction;
  };

  const lexRawQuote = (): State => {
    for (;;) {
      const c = next();
      if (c === EOF) return errorf('unterminated raw quoted string');
      if (c === 96) break;
    }
    emit(T.RawString);
    return lexInsideAction;
  };

  let state: State = lexText;
  while (state) state = state();
  return items;
}
