/**
 * Parser for Go text/template: builds the node tree from the token stream with the
 * grammar and error messages of Go's text/template/parse.
 */
import { sprintf } from '../gofmt.js';
import { goString, toValidUtf8 } from '../bytes.js';
import { Item, T, itemString, lex } from './lex.js';
import {
  ActionNode,
  BranchNode,
  ChainNode,
  CommandNode,
  ListNode,
  N,
  Node,
  NumberNode,
  PipeNode,
  SimpleNode,
  TemplateNode,
  Tree,
  VariableNode,
  isEmptyTree,
  nodeString,
} from './node.js';

/** A parse error; message is the exact Go text. */
export class ParseError extends Error {
  constructor(
    message: string,
    readonly templateName: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'ParseError';
  }
}

const utf8Encoder = new TextEncoder();

class SyntaxErr extends Error {}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * strconv.UnquoteChar: decodes the first character or escape of s (a JS string).
 * Returns [value, isByte, rest] where isByte means value is a raw byte (\x, octal).
 */
function unquoteChar(s: string, quote: number): [number, boolean, string] {
  const c = s.codePointAt(0)!;
  if (c === quote && (quote === 39 || quote === 34)) throw new SyntaxErr();
  if (c !== 92) {
    // a raw byte that is not UTF-8 (engine/bytes.ts) decodes to U+FFFD, as in Go's strconv.Unquote
    return [c >= 0xd800 && c <= 0xdfff ? 0xfffd : c, false, s.slice(c > 0xffff ? 2 : 1)];
  }
  if (s.length <= 1) throw new SyntaxErr();
  const e = s.charCodeAt(1);
  let rest = s.slice(2);
  switch (e) {
    case 97:
      return [7, false, rest];
    case 98:
      return [8, false, rest];
    case 102:
      return [12, false, rest];
    case 110:
      return [10, false, rest];
    case 114:
      return [13, false, rest];
    case 116:
      return [9, false, rest];
    case 118:
      return [11, false, rest];
    case 120: // x
    case 117: // u
    case 85: {
      // U
      const n = e === 120 ? 2 : e === 117 ? 4 : 8;
      if (rest.length < n) throw new SyntaxErr();
      let v = 0;
      for (let j = 0; j < n; j++) {
        const x = hexVal(rest.charCodeAt(j));
        if (x < 0) throw new SyntaxErr();
        v = v * 16 + x;
      }
      rest = rest.slice(n);
      if (e === 120) return [v, true, rest];
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new SyntaxErr();
      return [v, false, rest];
    }
    case 48:
    case 49:
    case 50:
    case 51:
    case 52:
    case 53:
    case 54:
    case 55: {
      let v = e - 48;
      if (rest.length < 2) throw new SyntaxErr();
      for (let j = 0; j < 2; j++) {
        const x = rest.charCodeAt(j) - 48;
        if (x < 0 || x > 7) throw new SyntaxErr();
        v = v * 8 + x;
      }
      rest = rest.slice(2);
      if (v > 255) throw new SyntaxErr();
      return [v, true, rest];
    }
    case 92:
      return [92, false, rest];
    case 39:
    case 34:
      if (e !== quote) throw new SyntaxErr();
      return [e, false, rest];
  }
  throw new SyntaxErr();
}

/** strconv.Unquote for "..." and `...` literals. Throws SyntaxErr. */
export function unquote(s: string): string {
  const n = s.length;
  if (n < 2) throw new SyntaxErr();
  const q = s.charCodeAt(0);
  if (q !== s.charCodeAt(n - 1)) throw new SyntaxErr();
  let body = s.slice(1, n - 1);
  if (q === 96) {
    if (body.includes('`')) throw new SyntaxErr();
    if (body.includes('\r')) body = body.replace(/\r/g, '');
    return body;
  }
  if (q !== 34 && q !== 39) throw new SyntaxErr();
  if (body.includes('\n')) throw new SyntaxErr();
  if (!body.includes('\\') && !body.includes(String.fromCharCode(q))) {
    // (raw bytes that are not UTF-8 become U+FFFD, as Go's Unquote decodes runes)
    if (q === 34) return toValidUtf8(body);
  }
  const bytes: number[] = [];
  let hasRawBytes = false;
  let out = '';
  while (body.length > 0) {
    const [v, isByte, rest] = unquoteChar(body, q);
    body = rest;
    if (isByte) {
      hasRawBytes = true;
      bytes.push(v);
    } else if (hasRawBytes) {
      for (const b of utf8Encoder.encode(String.fromCodePoint(v))) bytes.push(b);
    } else {
      out += String.fromCodePoint(v);
    }
    if (q === 39 && body.length > 0) throw new SyntaxErr();
  }
  if (hasRawBytes) return out + goString(new Uint8Array(bytes));
  return out;
}

/** Go's strconv.ParseInt(text, 0, 64) / ParseUint; returns undefined on syntax error. */
function parseGoInt(text: string, allowSign: boolean): bigint | undefined {
  let s = text;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    if (!allowSign) return undefined;
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s.length === 0) return undefined;
  let base = 10;
  if (s[0] === '0' && s.length > 1) {
    const c = s[1]!.toLowerCase();
    if (c === 'x') {
      base = 16;
      s = s.slice(2);
    } else if (c === 'o') {
      base = 8;
      s = s.slice(2);
    } else if (c === 'b') {
      base = 2;
      s = s.slice(2);
    } else {
      base = 8;
      s = s.slice(1);
    }
  }
  // underscores may separate digits (and follow a base prefix)
  if (s.includes('_')) {
    const full = text.replace(/^[+-]/, '');
    if (!/^(0[xXoObB]_?)?[0-9a-fA-F]+(_[0-9a-fA-F]+)*$/.test(full)) return undefined;
    s = s.replace(/_/g, '');
  }
  if (s.length === 0) return undefined;
  const digits = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!digits.test(s)) return undefined;
  const pfx = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  let v = BigInt(pfx + s);
  if (neg) v = -v;
  return v;
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;

function parseGoFloat(text: string): number | undefined {
  let s = text.replace(/_/g, '');
  if (/^[+-]?0[xX]/.test(s)) {
    // hex float: 0x1.8p3
    const m = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/.exec(s);
    if (!m || (m[2] === '' && (m[3] ?? '') === '') || m[4] === undefined) return undefined;
    const mant = parseInt((m[2] || '0') + (m[3] ?? ''), 16);
    const v = mant * Math.pow(2, Number(m[4]) - 4 * (m[3] ?? '').length);
    if (!Number.isFinite(v)) return undefined;
    return m[1] === '-' ? -v : v;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    if (/^[+-]?(inf|infinity|nan)$/i.test(s)) s = s.toLowerCase().startsWith('-') ? '-Infinity' : s.toLowerCase().includes('nan') ? 'NaN' : 'Infinity';
    else return undefined;
    return Number(s);
  }
  // strconv.ParseFloat reports ErrRange for a finite literal beyond float64 (1e400): not a float then
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

/** Go's parse.newNumber. */
function newNumber(tree: Tree, pos: number, text: string, typ: T): NumberNode {
  const n: NumberNode = {
    k: N.Number,
    pos,
    tree,
    text,
    isInt: false,
    isUint: false,
    isFloat: false,
    isComplex: false,
    int64: 0n,
    uint64: 0n,
    float64: 0,
  };
  if (typ === T.CharConstant) {
    let r: number;
    let tail: string;
    try {
      const res = unquoteChar(text.slice(1), 39);
      r = res[0];
      tail = res[2];
    } catch {
      throw new Error('invalid syntax');
    }
    if (tail !== "'") throw new Error('malformed character constant: ' + text);
    n.int64 = BigInt(r);
    n.isInt = true;
    n.uint64 = BigInt(r);
    n.isUint = true;
    n.float64 = r;
    n.isFloat = true;
    return n;
  }
  if (typ === T.Complex || text.endsWith('i')) {
    throw new Error(sprintf('complex numbers are not supported: %q', text));
  }
  const u = parseGoInt(text, false);
  if (u !== undefined && u <= UINT64_MAX) {
    n.isUint = true;
    n.uint64 = u;
  }
  const i = parseGoInt(text, true);
  if (i !== undefined && i >= INT64_MIN && i <= INT64_MAX) {
    n.isInt = true;
    n.int64 = i;
    if (i === 0n) {
      n.isUint = true;
      n.uint64 = 0n;
    }
  }
  if (n.isInt) {
    n.isFloat = true;
    n.float64 = Number(n.int64);
  } else if (n.isUint) {
    n.isFloat = true;
    n.float64 = Number(n.uint64);
  } else {
    const f = parseGoFloat(text);
    if (f !== undefined) {
      if (!/[.eEpP]/.test(text)) throw new Error(sprintf('integer overflow: %q', text));
      n.isFloat = true;
      n.float64 = f;
      if (Number.isFinite(f) && Number.isInteger(f)) {
        const bi = BigInt(f);
        if (bi >= INT64_MIN && bi <= INT64_MAX) {
          n.isInt = true;
          n.int64 = bi;
        }
        if (bi >= 0n && bi <= UINT64_MAX) {
          n.isUint = true;
          n.uint64 = bi;
        }
      }
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) throw new Error(sprintf('illegal number syntax: %q', text));
  return n;
}

export interface ParseContext {
  /** Returns true when a function of that name exists (user funcs or builtins). */
  hasFunction(name: string): boolean;
  /** Returns true when a user-supplied function of that name exists (turns off the break/continue keywords). */
  hasFunctionUser?(name: string): boolean;
  leftDelim: string;
  rightDelim: string;
}

/** Parses `text` as template `name`; returns the set of trees (the top-level one included). */
export function parse(name: string, text: string, ctx: ParseContext): Map<string, Tree> {
  const items = lex(text, ctx.leftDelim || '{{', ctx.rightDelim || '}}', {
    breakOK: !ctx.hasFunctionUser?.('break'),
    continueOK: !ctx.hasFunctionUser?.('continue'),
  });
  const treeSet = new Map<string, Tree>();
  const p = new Parser(items, ctx, treeSet, text, name);
  const top: Tree = { name, parseName: name, root: null, text };
  p.parseTop(top);
  return treeSet;
}

class Parser {
  // token lookahead, shared by all trees parsed from one text (like Go's shared lexer)
  private idx = 0;
  private token: Item[] = [];
  private peekCount = 0;
  // per-tree state
  private tree!: Tree;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private actionLine = 0;

  constructor(
    private readonly items: Item[],
    private readonly ctx: ParseContext,
    private readonly treeSet: Map<string, Tree>,
    private readonly text: string,
    private readonly parseName: string,
  ) {
    this.token = [items[0]!, items[0]!, items[0]!];
  }

  // ---- token stream

  private nextItem(): Item {
    const it = this.items[this.idx];
    if (it === undefined) return this.items[this.items.length - 1]!;
    this.idx++;
    return it;
  }

  private next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.nextItem();
    return this.token[this.peekCount]!;
  }

  private backup(): void {
    this.peekCount++;
  }

  private backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }

  private peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1]!;
    this.peekCount = 1;
    this.token[0] = this.nextItem();
    return this.token[0];
  }

  private nextNonSpace(): Item {
    let token: Item;
    for (;;) {
      token = this.next();
      if (token.t !== T.Space) break;
    }
    return token;
  }

  private peekNonSpace(): Item {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  // ---- errors

  private errorf(msg: string): never {
    const line = this.token[0]!.line;
    throw new ParseError(sprintf('template: %s:%d: ', this.parseName, BigInt(line)) + msg, this.parseName, line);
  }

  private expect(expected: T, context: string): Item {
    const token = this.nextNonSpace();
    if (token.t !== expected) this.unexpected(token, context);
    return token;
  }

  private expectOneOf(e1: T, e2: T, context: string): Item {
    const token = this.nextNonSpace();
    if (token.t !== e1 && token.t !== e2) this.unexpected(token, context);
    return token;
  }

  private unexpected(token: Item, context: string): never {
    if (token.t === T.Error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = sprintf(' in action started at %s:%d', this.parseName, BigInt(this.actionLine));
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(itemString(token) + extra);
    }
    this.errorf(sprintf('unexpected %s in %s', itemString(token), context));
  }

  // ---- trees

  private startTree(t: Tree): void {
    this.tree = t;
    this.vars = ['$'];
  }

  private add(t: Tree): void {
    const existing = this.treeSet.get(t.name);
    if (existing === undefined || isEmptyTree(existing.root)) {
      this.treeSet.set(t.name, t);
      return;
    }
    if (!isEmptyTree(t.root)) this.errorf(sprintf('multiple definition of template %q', t.name));
  }

  parseTop(top: Tree): void {
    this.startTree(top);
    top.root = this.newList(this.peek().pos);
    while (this.peek().t !== T.EOF) {
      if (this.peek().t === T.LeftDelim) {
        const delim = this.next();
        if (this.nextNonSpace().t === T.Define) {
          const newT: Tree = { name: 'definition', parseName: this.parseName, root: null, text: this.text };
          const saved = { tree: this.tree, vars: this.vars, rangeDepth: this.rangeDepth };
          this.startTree(newT);
          this.rangeDepth = 0;
          this.parseDefinition(newT);
          this.tree = saved.tree;
          this.vars = saved.vars;
          this.rangeDepth = saved.rangeDepth;
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.k === N.End || n.k === N.Else) this.errorf(sprintf('unexpected %s', nodeString(n)));
      else top.root.nodes.push(n);
    }
    this.add(top);
  }

  private parseDefinition(t: Tree): void {
    const context = 'define clause';
    const name = this.expectOneOf(T.String, T.RawString, context);
    try {
      t.name = unquote(name.val);
    } catch {
      this.errorf('invalid syntax');
    }
    this.expect(T.RightDelim, context);
    const [list, end] = this.itemList();
    t.root = list;
    if (end.k !== N.End) this.errorf(sprintf('unexpected %s in %s', nodeString(end), context));
    this.add(t);
  }

  private itemList(): [ListNode, Node] {
    const list = this.newList(this.peekNonSpace().pos);
    while (this.peekNonSpace().t !== T.EOF) {
      const n = this.textOrAction();
      if (n.k === N.End || n.k === N.Else) return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.t) {
      case T.Text:
        return { k: N.Text, pos: token.pos, tree: this.tree, text: token.val };
      case T.LeftDelim: {
        const saved = this.actionLine;
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          void saved;
          this.actionLine = 0;
        }
      }
      default:
        this.unexpected(token, 'input');
    }
  }

  private action(): Node {
    const token = this.nextNonSpace();
    switch (token.t) {
      case T.Block:
        return this.blockControl();
      case T.Break:
        return this.breakControl(token.pos, token.line);
      case T.Continue:
        return this.continueControl(token.pos, token.line);
      case T.Else:
        return this.elseControl();
      case T.End:
        return this.endControl();
      case T.If:
        return this.ifControl();
      case T.Range:
        return this.rangeControl();
      case T.Template:
        return this.templateControl();
      case T.With:
        return this.withControl();
    }
    this.backup();
    const tok = this.peek();
    const pipe = this.pipeline('command', T.RightDelim);
    const a: ActionNode = { k: N.Action, pos: tok.pos, tree: this.tree, line: tok.line, pipe };
    return a;
  }

  private breakControl(pos: number, line: number): Node {
    const token = this.nextNonSpace();
    if (token.t !== T.RightDelim) this.unexpected(token, '{{break}}');
    if (this.rangeDepth === 0) this.errorf('{{break}} outside {{range}}');
    const n: SimpleNode = { k: N.Break, pos, line, tree: this.tree };
    return n;
  }

  private continueControl(pos: number, line: number): Node {
    const token = this.nextNonSpace();
    if (token.t !== T.RightDelim) this.unexpected(token, '{{continue}}');
    if (this.rangeDepth === 0) this.errorf('{{continue}} outside {{range}}');
    const n: SimpleNode = { k: N.Continue, pos, line, tree: this.tree };
    return n;
  }

  private pipeline(context: string, end: T): PipeNode {
    const token = this.peekNonSpace();
    const pipe: PipeNode = { k: N.Pipe, pos: token.pos, line: token.line, tree: this.tree, isAssign: false, decl: [], cmds: [] };
    // declarations or assignments?
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.t === T.Variable) {
        this.next();
        const tokenAfterVariable = this.peek();
        const next = this.peekNonSpace();
        if (next.t === T.Assign || next.t === T.Declare) {
          pipe.isAssign = next.t === T.Assign;
          this.nextNonSpace();
          pipe.decl.push(this.newVariable(v.pos, v.val));
          this.vars.push(v.val);
        } else if (next.t === T.Char && next.val === ',') {
          this.nextNonSpace();
          pipe.decl.push(this.newVariable(v.pos, v.val));
          this.vars.push(v.val);
          if (context === 'range' && pipe.decl.length < 2) {
            const pk = this.peekNonSpace().t;
            if (pk === T.Variable || pk === T.RightDelim || pk === T.RightParen) continue decls;
            this.errorf('range can only initialize variables');
          }
          this.errorf(sprintf('too many declarations in %s', context));
        } else if (tokenAfterVariable.t === T.Space) {
          this.backup3(v, tokenAfterVariable);
        } else {
          this.backup2(v);
        }
      }
      break;
    }
    for (;;) {
      const token = this.nextNonSpace();
      switch (token.t) {
        case end:
          this.checkPipeline(pipe, context);
          return pipe;
        case T.Bool:
        case T.CharConstant:
        case T.Complex:
        case T.Dot:
        case T.Field:
        case T.Identifier:
        case T.Number:
        case T.Nil:
        case T.RawString:
        case T.String:
        case T.Variable:
        case T.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(sprintf('missing value for %s', context));
    for (let i = 1; i < pipe.cmds.length; i++) {
      const k = pipe.cmds[i]!.args[0]!.k;
      if (k === N.Bool || k === N.Dot || k === N.Nil || k === N.Number || k === N.String) {
        this.errorf(sprintf('non executable command in pipeline stage %d', BigInt(i + 1)));
      }
    }
  }

  private parseControl(context: string): [number, number, PipeNode, ListNode, ListNode | null] {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(context, T.RightDelim);
      if (context === 'range') this.rangeDepth++;
      let [list, next] = this.itemList();
      if (context === 'range') this.rangeDepth--;
      let elseList: ListNode | null = null;
      if (next.k === N.Else) {
        if (context === 'if' && this.peek().t === T.If) {
          this.next();
          elseList = this.newList(next.pos);
          elseList.nodes.push(this.ifControl());
        } else if (context === 'with' && this.peek().t === T.With) {
          this.next();
          elseList = this.newList(next.pos);
          elseList.nodes.push(this.withControl());
        } else {
          [elseList, next] = this.itemList();
          if (next.k !== N.End) this.errorf(sprintf('expected end; found %s', nodeString(next)));
        }
      }
      void list;
      return [pipe.pos, pipe.line, pipe, list, elseList];
    } finally {
      this.vars.length = mark;
    }
  }

  private branch(k: N.If | N.Range | N.With, context: string): BranchNode {
    const [pos, line, pipe, list, elseList] = this.parseControl(context);
    return { k, pos, line, pipe, list, elseList, tree: this.tree };
  }

  private ifControl(): Node {
    return this.branch(N.If, 'if');
  }

  private rangeControl(): Node {
    return this.branch(N.Range, 'range');
  }

  private withControl(): Node {
    return this.branch(N.With, 'with');
  }

  private endControl(): Node {
    const tok = this.expect(T.RightDelim, 'end');
    const n: SimpleNode = { k: N.End, pos: tok.pos, line: tok.line, tree: this.tree };
    return n;
  }

  private elseControl(): Node {
    const peek = this.peekNonSpace();
    if (peek.t === T.If || peek.t === T.With) {
      const n: SimpleNode = { k: N.Else, pos: peek.pos, line: peek.line, tree: this.tree };
      return n;
    }
    const token = this.expect(T.RightDelim, 'else');
    const n: SimpleNode = { k: N.Else, pos: token.pos, line: token.line, tree: this.tree };
    return n;
  }

  private blockControl(): Node {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, T.RightDelim);
    const block: Tree = { name, parseName: this.parseName, root: null, text: this.text };
    const saved = { tree: this.tree, vars: this.vars, rangeDepth: this.rangeDepth };
    this.startTree(block);
    this.rangeDepth = 0;
    const [list, end] = this.itemList();
    block.root = list;
    if (end.k !== N.End) this.errorf(sprintf('unexpected %s in %s', nodeString(end), context));
    this.add(block);
    this.tree = saved.tree;
    this.vars = saved.vars;
    this.rangeDepth = saved.rangeDepth;
    const n: TemplateNode = { k: N.Template, pos: token.pos, line: token.line, name, pipe, tree: this.tree };
    return n;
  }

  private templateControl(): Node {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().t !== T.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, T.RightDelim);
    }
    const n: TemplateNode = { k: N.Template, pos: token.pos, line: token.line, name, pipe, tree: this.tree };
    return n;
  }

  private parseTemplateName(token: Item, context: string): string {
    if (token.t === T.String || token.t === T.RawString) {
      try {
        return unquote(token.val);
      } catch {
        this.errorf('invalid syntax');
      }
    }
    this.unexpected(token, context);
  }

  private command(): CommandNode {
    const cmd: CommandNode = { k: N.Command, pos: this.peekNonSpace().pos, args: [], tree: this.tree };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== null) cmd.args.push(operand);
      const token = this.next();
      if (token.t === T.Space) continue;
      if (token.t === T.RightDelim || token.t === T.RightParen) this.backup();
      else if (token.t !== T.Pipe) this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): Node | null {
    let node = this.term();
    if (node === null) return null;
    if (this.peek().t === T.Field) {
      const chain: ChainNode = { k: N.Chain, pos: this.peek().pos, node, field: [], tree: this.tree };
      while (this.peek().t === T.Field) {
        const f = this.next().val;
        // chain.Add: strip the leading '.'
        chain.field.push(f.slice(1));
      }
      switch (node.k) {
        case N.Field:
          node = { k: N.Field, pos: chain.pos, tree: this.tree, ident: [...node.ident, ...chain.field] };
          break;
        case N.Variable:
          node = this.newVariable(chain.pos, nodeString(chain));
          break;
        case N.Bool:
        case N.String:
        case N.Number:
        case N.Nil:
        case N.Dot:
          this.errorf(sprintf('unexpected . after term %q', nodeString(node)));
          break;
        default:
          node = chain;
      }
    }
    return node;
  }

  private term(): Node | null {
    const token = this.nextNonSpace();
    switch (token.t) {
      case T.Identifier:
        if (!this.ctx.hasFunction(token.val)) this.errorf(sprintf('function %q not defined', token.val));
        return { k: N.Identifier, pos: token.pos, tree: this.tree, ident: token.val };
      case T.Dot:
        return { k: N.Dot, pos: token.pos, tree: this.tree };
      case T.Nil:
        return { k: N.Nil, pos: token.pos, tree: this.tree };
      case T.Variable:
        return this.useVar(token.pos, token.val);
      case T.Field:
        return { k: N.Field, pos: token.pos, tree: this.tree, ident: token.val.slice(1).split('.') };
      case T.Bool:
        return { k: N.Bool, pos: token.pos, tree: this.tree, val: token.val === 'true' };
      case T.CharConstant:
      case T.Complex:
      case T.Number:
        try {
          return newNumber(this.tree, token.pos, token.val, token.t);
        } catch (e) {
          this.errorf((e as Error).message);
        }
        break;
      case T.LeftParen:
        return this.pipeline('parenthesized pipeline', T.RightParen);
      case T.String:
      case T.RawString: {
        let s = '';
        try {
          s = unquote(token.val);
        } catch {
          this.errorf('invalid syntax');
        }
        return { k: N.String, pos: token.pos, tree: this.tree, quoted: token.val, text: s };
      }
    }
    this.backup();
    return null;
  }

  private newVariable(pos: number, name: string): VariableNode {
    return { k: N.Variable, pos, tree: this.tree, ident: name.split('.') };
  }

  private useVar(pos: number, name: string): Node {
    const v = this.newVariable(pos, name);
    for (const varName of this.vars) if (varName === v.ident[0]) return v;
    this.errorf(sprintf('undefined variable %q', v.ident[0]));
  }

  private newList(pos: number): ListNode {
    return { k: N.List, pos, nodes: [], tree: this.tree };
  }
}
