/**
 * Parse tree of a Go text/template. Node shapes and their String() forms follow
 * Go's text/template/parse so that error contexts (`at <...>`) print identically.
 */
import { sprintf } from '../gofmt.js';
import type { GoInt } from '../types.js';

export const enum N {
  Text,
  Action,
  Bool,
  Chain,
  Command,
  Dot,
  Else,
  End,
  Field,
  Identifier,
  If,
  List,
  Nil,
  Number,
  Pipe,
  Range,
  String,
  Template,
  Variable,
  With,
  Break,
  Continue,
  Comment,
}

/** One parsed template (Go's parse.Tree). */
export interface Tree {
  name: string;
  parseName: string;
  root: ListNode | null;
  text: string;
}

interface Base {
  pos: number;
  tree: Tree;
}

export interface TextNode extends Base {
  k: N.Text;
  text: string;
}
export interface ActionNode extends Base {
  k: N.Action;
  line: number;
  pipe: PipeNode;
}
export interface BoolNode extends Base {
  k: N.Bool;
  val: boolean;
}
export interface ChainNode extends Base {
  k: N.Chain;
  node: Node;
  field: string[];
}
export interface CommandNode extends Base {
  k: N.Command;
  args: Node[];
}
export interface DotNode extends Base {
  k: N.Dot;
}
export interface NilNode extends Base {
  k: N.Nil;
}
export interface FieldNode extends Base {
  k: N.Field;
  ident: string[];
}
export interface IdentifierNode extends Base {
  k: N.Identifier;
  ident: string;
}
export interface VariableNode extends Base {
  k: N.Variable;
  ident: string[];
}
export interface NumberNode extends Base {
  k: N.Number;
  text: string;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
  /** The Go `int` an integer literal stands for as an interface{} value (made on first use). */
  goInt?: GoInt;
}
export interface StringNode extends Base {
  k: N.String;
  quoted: string;
  text: string;
}
export interface PipeNode extends Base {
  k: N.Pipe;
  line: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface ListNode extends Base {
  k: N.List;
  nodes: Node[];
}
export interface BranchNode extends Base {
  k: N.If | N.Range | N.With;
  line: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}
export interface TemplateNode extends Base {
  k: N.Template;
  line: number;
  name: string;
  pipe: PipeNode | null;
}
export interface SimpleNode extends Base {
  k: N.Break | N.Continue | N.Else | N.End;
  line: number;
}

export type Node =
  | TextNode
  | ActionNode
  | BoolNode
  | ChainNode
  | CommandNode
  | DotNode
  | NilNode
  | FieldNode
  | IdentifierNode
  | VariableNode
  | NumberNode
  | StringNode
  | PipeNode
  | ListNode
  | BranchNode
  | TemplateNode
  | SimpleNode;

/** Go's Node.String(). */
export function nodeString(n: Node): string {
  switch (n.k) {
    case N.Text:
      return n.text;
    case N.Action:
      return '{{' + nodeString(n.pipe) + '}}';
    case N.Bool:
      return n.val ? 'true' : 'false';
    case N.Chain: {
      let s = n.node.k === N.Pipe ? '(' + nodeString(n.node) + ')' : nodeString(n.node);
      for (const f of n.field) s += '.' + f;
      return s;
    }
    case N.Command: {
      let s = '';
      for (let i = 0; i < n.args.length; i++) {
        if (i > 0) s += ' ';
        const a = n.args[i]!;
        s += a.k === N.Pipe ? '(' + nodeString(a) + ')' : nodeString(a);
      }
      return s;
    }
    case N.Dot:
      return '.';
    case N.Nil:
      return 'nil';
    case N.Field: {
      let s = '';
      for (const f of n.ident) s += '.' + f;
      return s;
    }
    case N.Identifier:
      return n.ident;
    case N.Variable:
      return n.ident.join('.');
    case N.Number:
      return n.text;
    case N.String:
      return n.quoted;
    case N.Pipe: {
      let s = '';
      if (n.decl.length > 0) {
        s = n.decl.map((d) => nodeString(d)).join(', ');
        s += n.isAssign ? ' = ' : ' := ';
      }
      for (let i = 0; i < n.cmds.length; i++) {
        if (i > 0) s += ' | ';
        s += nodeString(n.cmds[i]!);
      }
      return s;
    }
    case N.List:
      return n.nodes.map((x) => nodeString(x)).join('');
    case N.If:
    case N.Range:
    case N.With: {
      const name = n.k === N.If ? 'if' : n.k === N.Range ? 'range' : 'with';
      let s = '{{' + name + ' ' + nodeString(n.pipe) + '}}' + nodeString(n.list);
      if (n.elseList) s += '{{else}}' + nodeString(n.elseList);
      return s + '{{end}}';
    }
    case N.Template:
      return n.pipe ? sprintf('{{template %q %s}}', n.name, nodeString(n.pipe)) : sprintf('{{template %q}}', n.name);
    case N.Break:
      return '{{break}}';
    case N.Continue:
      return '{{continue}}';
    case N.Else:
      return '{{else}}';
    case N.End:
      return '{{end}}';
  }
  return '';
}

/** Text made only of Go's unicode.IsSpace characters (bytes.TrimSpace gives ""). */
const GO_SPACE_ONLY = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/** Go's parse.IsEmptyTree. */
export function isEmptyTree(n: Node | null): boolean {
  if (n === null) return true;
  switch (n.k) {
    case N.List:
      for (const c of n.nodes) if (!isEmptyTree(c)) return false;
      return true;
    case N.Text:
      return GO_SPACE_ONLY.test(n.text);
    default:
      return false;
  }
}
