/**
 * Executor for parsed Go templates, following Go's text/template exec.go: the same
 * evaluation order, the same conversions of arguments (validateType/evalArg), the same
 * treatment of nil and invalid values, and the same error messages and error locations.
 */
import { formatTemplateValue, formatValue, quote, sortedKeys } from '../gofmt.js';
import { FuncSpec, GoFunction, GoInt, GoParamType, GoStruct, GoValue, asFuncArg, goTypeName, isGoMap, mapAssignableToIface, mapElemZero, markNamedMap, namedMapMethod, namedMapType, sliceOf, sliceTypeName } from '../types.js';
import {
  ActionNode,
  BranchNode,
  ChainNode,
  CommandNode,
  FieldNode,
  IdentifierNode,
  N,
  Node,
  NumberNode,
  PipeNode,
  TemplateNode,
  Tree,
  VariableNode,
  nodeString,
} from './node.js';
import { BUILTINS, paramTypeName, truth, underlying } from './builtins.js';

export const enum MissingKey {
  Invalid,
  Zero,
  Error,
}

/** Error raised while parsing or executing a template. `message` is exactly Go's error text. */
export class TemplateError extends Error {
  /** Go's error text (same as message). */
  readonly goMessage: string;
  constructor(
    message: string,
    readonly kind: 'parse' | 'exec' | 'limit',
    /** Name of the template being executed (or parsed). */
    readonly templateName: string,
    /** File/template name where the failing node was parsed, with 1-based line and Go's 0-based byte column. */
    readonly location?: { name: string; line: number; col: number },
    /** The Go-formatted node the error happened at (`.Values.a.b`). */
    readonly context?: string,
    /** True for resource-limit errors (recursion, output size) which functions must not wrap. */
    readonly fatal = false,
  ) {
    super(message);
    this.name = 'TemplateError';
    this.goMessage = message;
  }
}

/** What the executor needs from the template set. */
export interface ExecEnv {
  lookupTree(name: string): Tree | null | undefined;
  func(name: string): FuncSpec | undefined;
  missingKey: MissingKey;
  maxOutputBytes: number;
}

const MISSING = Symbol('missing');
type Final = GoValue | typeof MISSING;

const BREAK = { walk: 'break' };
const CONTINUE = { walk: 'continue' };

export const MAX_EXEC_DEPTH = 100000;

const hasOwn = Object.prototype.hasOwnProperty;

function utf8Len(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n++;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}


function canBeNil(t: GoParamType): boolean {
  switch (t) {
    case 'any':
    case 'reflect':
    case '[]any':
    case '[]string':
    case 'map':
    case 'bytes':
      return true;
  }
  return false;
}

/** Go method specs for GoStruct methods: `static goMethods = { Has: { params: ['string'] } }`. */
export type MethodSpecs = Record<string, Omit<FuncSpec, 'fn'>>;

function methodOf(recv: GoStruct, name: string): FuncSpec | undefined {
  const c = name.charCodeAt(0);
  if (!(c >= 65 && c <= 90)) return undefined;
  const fn = (recv as unknown as Record<string, unknown>)[name];
  if (typeof fn !== 'function' || hasOwn.call(recv, name)) return undefined;
  const specs = (recv.constructor as { goMethods?: MethodSpecs }).goMethods;
  const decl = specs?.[name];
  if (decl) return { ...decl, fn: fn as FuncSpec['fn'] };
  const params: GoParamType[] = [];
  for (let i = 0; i < (fn as (...a: unknown[]) => unknown).length; i++) params.push('any');
  return { params, fn: fn as FuncSpec['fn'] };
}

/**
 * A function's result carries its declared Go type where the value model cannot tell it: a fresh
 * array from a `[]string` / `[]int` function is that slice type, a map from a `map[string]string`
 * function is that map type (typeOf, %T, assignability, index of a missing key).
 */
function typedResult(v: GoValue, returns: string | undefined): GoValue {
  if (returns === undefined) return v;
  if (Array.isArray(v)) {
    if (returns.startsWith('[]') && returns !== '[]interface {}' && sliceTypeName(v) === '[]interface {}') sliceOf(returns, v);
  } else if (returns === 'map[string]string' && isGoMap(v) && namedMapType(v) === undefined) {
    markNamedMap(v, 'map[string]string', { elem: '' });
  }
  return v;
}

/** True for V8's stack overflow, including errors raised while something was compiled at the stack limit. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError || (e instanceof Error && e.message.includes('Maximum call stack size exceeded'));
}

function errText(e: unknown): string {
  if (e instanceof TemplateError) return e.goMessage;
  if (e instanceof Error) return e.message;
  return String(e);
}

export class Exec {
  private node: Node | null = null;
  private out = '';
  private vn: string[] = [];
  private vv: GoValue[] = [];
  private vi: boolean[] = [];
  private nv = 0;
  private dotIface = false;
  private lastIface = false;
  private depth = 0;
  private tmplName: string;

  constructor(
    private readonly env: ExecEnv,
    name: string,
  ) {
    this.tmplName = name;
  }

  /** Runs `tree` with `data` as dot and $; returns the output. */
  run(tree: Tree | null | undefined, data: GoValue): string {
    if (data === null) data = undefined; // reflect.ValueOf(nil) is the invalid value
    this.push('$', data, false);
    if (!tree || !tree.root) {
      this.errorf(`${quote(this.tmplName)} is an incomplete or empty template`);
    }
    try {
      this.walk(data, tree.root);
    } catch (e) {
      if (isStackOverflow(e)) {
        throw new TemplateError(
          `template: ${this.tmplName}: template recursion too deep (the call stack was exhausted); a template probably includes itself without end`,
          'limit',
          this.tmplName,
          undefined,
          undefined,
          true,
        );
      }
      throw e;
    }
    return this.out;
  }

  // ------------------------------------------------------------------ errors

  private at(n: Node): void {
    this.node = n;
  }

  errorf(msg: string): never {
    const name = this.tmplName;
    const n = this.node;
    if (n === null) throw new TemplateError(`template: ${name}: ${msg}`, 'exec', name);
    const text = n.tree.text.slice(0, n.pos);
    const nl = text.lastIndexOf('\n');
    const col = nl === -1 ? utf8Len(text) : utf8Len(text.slice(nl + 1));
    let line = 1;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
    const context = nodeString(n);
    const loc = `${n.tree.parseName}:${line}:${col}`;
    throw new TemplateError(
      `template: ${loc}: executing ${quote(name)} at <${context}>: ${msg}`,
      'exec',
      name,
      { name: n.tree.parseName, line, col },
      context,
    );
  }

  // ------------------------------------------------------------------ output

  private write(s: string): void {
    this.out += s;
    if (this.out.length > this.env.maxOutputBytes) {
      throw new TemplateError(
        `template: ${this.tmplName}: output exceeds the limit of ${this.env.maxOutputBytes} bytes`,
        'limit',
        this.tmplName,
        undefined,
        undefined,
        true,
      );
    }
  }

  // ------------------------------------------------------------------ variables

  private push(name: string, v: GoValue, iface: boolean): void {
    const i = this.nv++;
    this.vn[i] = name;
    this.vv[i] = v;
    this.vi[i] = iface;
  }

  private setVar(name: string, v: GoValue): void {
    for (let i = this.nv - 1; i >= 0; i--) {
      if (this.vn[i] === name) {
        this.vv[i] = v;
        this.vi[i] = false;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private setTopVar(n: number, v: GoValue, iface: boolean): void {
    this.vv[this.nv - n] = v;
    this.vi[this.nv - n] = iface;
  }

  private varValue(name: string): GoValue {
    for (let i = this.nv - 1; i >= 0; i--) {
      if (this.vn[i] === name) {
        this.lastIface = this.vi[i]!;
        return this.vv[i];
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // ------------------------------------------------------------------ walk

  private walk(dot: GoValue, node: Node): void {
    this.node = node;
    switch (node.k) {
      case N.Text:
        this.write(node.text);
        return;
      case N.Action: {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case N.List: {
        const nodes = node.nodes;
        for (let i = 0; i < nodes.length; i++) this.walk(dot, nodes[i]!);
        return;
      }
      case N.If:
      case N.With:
        this.walkIfOrWith(node, dot);
        return;
      case N.Range:
        this.walkRange(dot, node);
        return;
      case N.Template:
        this.walkTemplate(dot, node);
        return;
      case N.Break:
        throw BREAK;
      case N.Continue:
        throw CONTINUE;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  private walkIfOrWith(node: BranchNode, dot: GoValue): void {
    const mark = this.nv;
    const val = this.evalPipeline(dot, node.pipe);
    if (truth(val)) {
      if (node.k === N.With) {
        const saved = this.dotIface;
        this.dotIface = false;
        this.walk(val, node.list);
        this.dotIface = saved;
      } else this.walk(dot, node.list);
    } else if (node.elseList !== null) {
      this.walk(dot, node.elseList);
    }
    this.nv = mark;
  }

  private walkRange(dot: GoValue, r: BranchNode): void {
    this.at(r);
    const mark = this.nv;
    const val = underlying(this.evalPipeline(dot, r.pipe));
    const markBody = this.nv;
    const decl = r.pipe.decl;
    const nd = decl.length;
    const savedIface = this.dotIface;
    const list = r.list;
    const one = (index: GoValue, elem: GoValue, iface: boolean): void => {
      if (nd > 0) {
        if (r.pipe.isAssign) {
          if (nd > 1) this.setVar(decl[0]!.ident[0]!, index);
          else this.setVar(decl[0]!.ident[0]!, elem);
        } else this.setTopVar(1, elem, iface);
      }
      if (nd > 1) {
        if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
        else this.setTopVar(2, index, false);
      }
      this.dotIface = iface;
      try {
        this.walk(elem, list);
      } catch (e) {
        if (e !== CONTINUE) throw e;
      }
      this.nv = markBody;
    };
    let ran = false;
    try {
      if (Array.isArray(val)) {
        if (val.length > 0) {
          ran = true;
          for (let i = 0; i < val.length; i++) one(nd > 1 ? new GoInt(BigInt(i)) : undefined, val[i], true);
        }
      } else if (val instanceof Uint8Array) {
        if (val.length > 0) {
          ran = true;
          for (let i = 0; i < val.length; i++) one(nd > 1 ? new GoInt(BigInt(i)) : undefined, new GoInt(BigInt(val[i]!), 'uint8'), false);
        }
      } else if (typeof val === 'bigint') {
        if (nd > 1) this.errorf(`can't use ${val} to iterate over more than one variable`);
        if (val > 0n) {
          ran = true;
          for (let i = 0n; i < val; i++) one(i, i, false);
        }
      } else if (val instanceof GoInt) {
        // the elements have the integer's own type
        if (nd > 1) this.errorf(`can't use ${val.value} to iterate over more than one variable`);
        if (val.value > 0n) {
          ran = true;
          for (let i = 0n; i < val.value; i++) {
            const e = new GoInt(i, val.type);
            one(e, e, false);
          }
        }
      } else if (val === undefined) {
        // an invalid value acts like an empty map
      } else if (isGoMap(val)) {
        const keys = sortedKeys(val);
        if (keys.length > 0) {
          ran = true;
          for (const k of keys) one(k, val[k], true);
        }
      } else {
        this.errorf(`range can't iterate over ${formatValue(val)}`);
      }
    } catch (e) {
      this.dotIface = savedIface;
      if (e !== BREAK) throw e;
      this.nv = mark;
      return;
    }
    this.dotIface = savedIface;
    if (!ran && r.elseList !== null) this.walk(dot, r.elseList);
    this.nv = mark;
  }

  private walkTemplate(dot: GoValue, t: TemplateNode): void {
    this.at(t);
    const tree = this.env.lookupTree(t.name);
    if (tree === undefined) this.errorf(`template ${quote(t.name)} not defined`);
    if (this.depth === MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    dot = this.evalPipeline(dot, t.pipe);
    // new state: no dynamic scoping
    const saved = { vn: this.vn, vv: this.vv, vi: this.vi, nv: this.nv, name: this.tmplName, dotIface: this.dotIface };
    this.vn = ['$'];
    this.vv = [dot];
    this.vi = [false];
    this.nv = 1;
    this.tmplName = t.name;
    this.dotIface = false;
    this.depth++;
    if (tree === null || tree.root === null) this.errorf(`${quote(t.name)} is an incomplete or empty template`);
    try {
      this.walk(dot, tree.root);
    } catch (e) {
      if (!isStackOverflow(e)) throw e;
      // The JavaScript stack ends long before Go's limit of 100000 nested templates; a
      // recursion this deep does not end in practice, so report it the way Go does.
      this.vn = saved.vn;
      this.vv = saved.vv;
      this.vi = saved.vi;
      this.nv = saved.nv;
      this.tmplName = saved.name;
      this.depth--;
      this.node = t;
      this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    }
    this.depth--;
    this.vn = saved.vn;
    this.vv = saved.vv;
    this.vi = saved.vi;
    this.nv = saved.nv;
    this.tmplName = saved.name;
    this.dotIface = saved.dotIface;
  }

  private printValue(n: ActionNode, v: GoValue): void {
    this.at(n);
    switch (typeof v) {
      case 'string':
        this.write(v);
        return;
      case 'undefined':
        this.write('<no value>');
        return;
    }
    if (v instanceof GoFunction) this.errorf(`can't print ${nodeString(n)} of type ${v.goTypeName}`);
    this.write(formatTemplateValue(v));
  }

  // ------------------------------------------------------------------ evaluation

  private evalPipeline(dot: GoValue, pipe: PipeNode | null): GoValue {
    if (pipe === null) return undefined;
    this.node = pipe;
    let value: Final = MISSING;
    const cmds = pipe.cmds;
    for (let i = 0; i < cmds.length; i++) {
      value = this.evalCommand(dot, cmds[i]!, value);
      // A nil interface{} result becomes the invalid value (Go's evalPipeline).
      if (value === null) value = undefined;
    }
    const v = value as GoValue;
    const decl = pipe.decl;
    for (let i = 0; i < decl.length; i++) {
      if (pipe.isAssign) this.setVar(decl[i]!.ident[0]!, v);
      else this.push(decl[i]!.ident[0]!, v, false);
    }
    return v;
  }

  private notAFunction(args: Node[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  private evalCommand(dot: GoValue, cmd: CommandNode, final: Final): GoValue {
    const first = cmd.args[0]!;
    switch (first.k) {
      case N.Field:
        return this.evalFieldNode(dot, first, cmd.args, final);
      case N.Chain:
        return this.evalChainNode(dot, first, cmd.args, final);
      case N.Identifier:
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case N.Pipe:
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case N.Variable:
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.node = first;
    this.notAFunction(cmd.args, final);
    switch (first.k) {
      case N.Bool:
        return first.val;
      case N.Dot:
        return dot;
      case N.Nil:
        this.errorf('nil is not a command');
      // falls through (unreachable)
      case N.Number:
        return this.idealConstant(first);
      case N.String:
        return first.text;
    }
    this.errorf(`can't evaluate command ${quote(nodeString(first))}`);
  }

  private idealConstant(c: NumberNode): GoValue {
    this.node = c;
    const t = c.text;
    if (c.isFloat && !(t.length > 2 && t[0] === '0' && (t[1] === 'x' || t[1] === 'X') && !/[pP]/.test(t)) && t[0] !== "'" && /[.eEpP]/.test(t)) {
      return c.float64;
    }
    if (c.isInt) return (c.goInt ??= new GoInt(c.int64));
    if (c.isUint) this.errorf(`${t} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: GoValue, field: FieldNode, args: Node[] | null, final: Final): GoValue {
    this.node = field;
    return this.evalFieldChain(dot, dot, this.dotIface, field, field.ident, 0, args, final);
  }

  private evalChainNode(dot: GoValue, chain: ChainNode, args: Node[] | null, final: Final): GoValue {
    this.node = chain;
    if (chain.field.length === 0) this.errorf('internal error: no fields in evalChainNode');
    if (chain.node.k === N.Nil) this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, false, chain, chain.field, 0, args, final);
  }

  private evalVariableNode(dot: GoValue, v: VariableNode, args: Node[] | null, final: Final): GoValue {
    this.node = v;
    const value = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      if (args !== null) this.notAFunction(args, final);
      else if (final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(v)}`);
      return value;
    }
    return this.evalFieldChain(dot, value, this.lastIface, v, v.ident, 1, args, final);
  }

  private evalFieldChain(
    dot: GoValue,
    receiver: GoValue,
    iface: boolean,
    node: Node,
    ident: string[],
    start: number,
    args: Node[] | null,
    final: Final,
  ): GoValue {
    const n = ident.length;
    for (let i = start; i < n - 1; i++) {
      receiver = this.evalField(dot, ident[i]!, node, null, MISSING, receiver, iface);
      iface = this.lastIface;
    }
    return this.evalField(dot, ident[n - 1]!, node, args, final, receiver, iface);
  }

  private evalFunction(dot: GoValue, node: IdentifierNode, cmd: Node, args: Node[] | null, final: Final): GoValue {
    this.node = node;
    const name = node.ident;
    const user = this.env.func(name);
    if (user !== undefined) return this.evalCall(dot, user, false, cmd, name, args, final, undefined);
    const b = BUILTINS.get(name);
    if (b === undefined) this.errorf(`${quote(name)} is not a defined function`);
    return this.evalCall(dot, b, true, cmd, name, args, final, undefined);
  }

  private evalField(
    dot: GoValue,
    fieldName: string,
    node: Node,
    args: Node[] | null,
    final: Final,
    receiver: GoValue,
    iface: boolean,
  ): GoValue {
    this.lastIface = false;
    if (receiver === undefined) {
      if (this.env.missingKey === MissingKey.Error) this.errorf(`nil data; no entry for key ${quote(fieldName)}`);
      return undefined;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    if (typeof receiver === 'object') {
      if (isGoMap(receiver)) {
        // a named map type's methods come before its keys (reflect: MethodByName, then MapIndex)
        const nm = namedMapMethod(receiver, fieldName);
        if (nm !== undefined) return this.evalCall(dot, nm, false, node, fieldName, args, final, receiver);
        if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
        this.lastIface = true;
        if (hasOwn.call(receiver, fieldName)) return receiver[fieldName];
        switch (this.env.missingKey) {
          case MissingKey.Invalid:
            return undefined;
          case MissingKey.Zero:
            // the element type's zero value: nil for interface {}, []byte(nil) for engine.files
            return mapElemZero(receiver);
          default:
            this.errorf(`map has no entry for key ${quote(fieldName)}`);
        }
      }
      if (receiver instanceof GoStruct) {
        const m = methodOf(receiver, fieldName);
        if (m !== undefined) return this.evalCall(dot, m, false, node, fieldName, args, final, receiver);
        if (hasOwn.call(receiver, fieldName) && fieldName !== 'goTypeName') {
          const c = fieldName.charCodeAt(0);
          const typ = iface ? 'interface {}' : receiver.goTypeName;
          if (!(c >= 65 && c <= 90)) this.errorf(`${fieldName} is an unexported field of struct type ${typ}`);
          if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
          return (receiver as unknown as Record<string, GoValue>)[fieldName];
        }
        const c0 = fieldName.charCodeAt(0);
        if (c0 >= 65 && c0 <= 90 && fieldName in receiver) {
          // an exported field implemented as an accessor (getter) on the class
          if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
          return (receiver as unknown as Record<string, GoValue>)[fieldName];
        }
        const u = underlying(receiver);
        if (u !== receiver && isGoMap(u)) {
          if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
          if (hasOwn.call(u, fieldName)) return u[fieldName];
          switch (this.env.missingKey) {
            case MissingKey.Invalid:
              return undefined;
            case MissingKey.Zero:
              return mapElemZero(u);
            default:
              this.errorf(`map has no entry for key ${quote(fieldName)}`);
          }
        }
      }
    }
    const typ = iface ? 'interface {}' : goTypeName(receiver);
    this.errorf(`can't evaluate field ${fieldName} in type ${typ}`);
  }

  private evalCall(
    dot: GoValue,
    spec: FuncSpec,
    isBuiltin: boolean,
    node: Node,
    name: string,
    args: Node[] | null,
    final: Final,
    self: unknown,
  ): GoValue {
    const nargs = args === null ? 0 : args.length - 1;
    let numIn = nargs;
    if (final !== MISSING) numIn++;
    const params = spec.params;
    const variadic = spec.variadic;
    let numFixed = nargs;
    if (variadic !== undefined) {
      numFixed = params.length;
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${params.length} got ${nargs}`);
    } else if (numIn !== params.length) {
      this.errorf(`wrong number of args for ${name}: want ${params.length} got ${numIn}`);
    }

    if (isBuiltin && (name === 'and' || name === 'or')) {
      const isOr = name === 'or';
      let v: GoValue = undefined;
      for (let i = 0; i < nargs; i++) {
        v = this.evalArg(dot, 'reflect', args![i + 1]!);
        if (truth(v) === isOr) return v;
      }
      if (final !== MISSING) v = this.validateType(final, 'reflect');
      return v;
    }

    const argv: GoValue[] = new Array(numIn + (isBuiltin && name === 'call' ? 1 : 0));
    let i = 0;
    for (; i < numFixed && i < nargs; i++) argv[i] = this.evalArg(dot, params[i]!, args![i + 1]!);
    if (variadic !== undefined) {
      for (; i < nargs; i++) argv[i] = this.evalArg(dot, variadic, args![i + 1]!);
    }
    if (final !== MISSING) {
      let t: GoParamType;
      if (variadic !== undefined) t = numIn - 1 < numFixed ? params[numIn - 1]! : variadic;
      else t = params[params.length - 1]!;
      argv[i] = this.validateType(final, t);
    }
    if (isBuiltin && name === 'call') {
      // the builtin receives the callee's name first
      const callee = nargs === 0 ? formatValue(final as GoValue) : nodeString(args![1]!);
      argv.unshift(callee);
      argv.length = numIn + 1;
    }
    for (let k = 0; k < argv.length; k++) {
      let a = argv[k];
      // a named map (common.Values) given to a map[string]interface {} parameter: converted, same entries
      const pt = k < numFixed ? params[k] : variadic;
      if (pt === 'map' && isGoMap(a) && namedMapType(a) !== undefined) a = new Proxy(a, {});
      argv[k] = asFuncArg(a);
    }
    let v: GoValue;
    try {
      v = spec.fn.apply(self, argv);
    } catch (e) {
      if (e instanceof TemplateError && e.fatal) throw e;
      if (isStackOverflow(e)) throw e;
      if (e === BREAK || e === CONTINUE) throw e;
      this.node = node;
      this.errorf(`error calling ${name}: ${errText(e)}`);
    }
    return typedResult(v, spec.returns);
  }

  private validateType(value: GoValue, typ: GoParamType | null): GoValue {
    if (value === undefined) {
      if (typ === null) return undefined;
      if (typ === 'reflect') return undefined;
      if (canBeNil(typ)) return null;
      this.errorf(`invalid value; expected ${paramTypeName(typ)}`);
    }
    if (typ === null || typ === 'any' || typ === 'reflect') return value;
    let ok: boolean;
    switch (typ) {
      case 'string':
        ok = typeof value === 'string';
        break;
      case 'int':
        // the function receives the bigint
        if (value instanceof GoInt && value.type === 'int') return value.value;
        ok = false;
        break;
      case 'int64':
        ok = typeof value === 'bigint';
        break;
      case 'float64':
        ok = typeof value === 'number';
        break;
      case 'bool':
        ok = typeof value === 'boolean';
        break;
      case '[]any':
      case '[]string':
        ok = Array.isArray(value) || value === null;
        break;
      case 'map':
        ok = (isGoMap(value) && mapAssignableToIface(value)) || value === null;
        break;
      case 'bytes':
        ok = value instanceof Uint8Array || value === null;
        break;
      default:
        ok = true;
    }
    if (!ok) {
      this.errorf(`wrong type for value; expected ${paramTypeName(typ)}; got ${value === null ? 'interface {}' : goTypeName(value)}`);
    }
    return value;
  }

  private evalArg(dot: GoValue, typ: GoParamType | null, n: Node): GoValue {
    this.node = n;
    switch (n.k) {
      case N.Dot:
        return this.validateType(dot, typ);
      case N.Nil:
        if (typ !== null && canBeNil(typ)) return typ === 'reflect' ? undefined : null;
        this.errorf(`cannot assign nil to ${typ === null ? '<nil>' : paramTypeName(typ)}`);
      // falls through (unreachable)
      case N.Field:
        return this.validateType(this.evalFieldNode(dot, n, null, MISSING), typ);
      case N.Variable:
        return this.validateType(this.evalVariableNode(dot, n, null, MISSING), typ);
      case N.Pipe:
        return this.validateType(this.evalPipeline(dot, n), typ);
      case N.Identifier:
        return this.validateType(this.evalFunction(dot, n, n, null, MISSING), typ);
      case N.Chain:
        return this.validateType(this.evalChainNode(dot, n, null, MISSING), typ);
    }
    switch (typ) {
      case 'bool':
        if (n.k === N.Bool) return n.val;
        this.errorf(`expected bool; found ${nodeString(n)}`);
      // falls through (unreachable)
      case 'float64':
        if (n.k === N.Number && n.isFloat) return n.float64;
        this.errorf(`expected float; found ${nodeString(n)}`);
      // falls through (unreachable)
      case 'int':
      case 'int64':
        if (n.k === N.Number && n.isInt) return n.int64;
        this.errorf(`expected integer; found ${nodeString(n)}`);
      // falls through (unreachable)
      case 'any':
      case 'reflect':
        return this.evalEmptyInterface(dot, n);
      case 'string':
        if (n.k === N.String) return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${typ === null ? '<nil>' : paramTypeName(typ)}`);
  }

  private evalEmptyInterface(dot: GoValue, n: Node): GoValue {
    this.node = n;
    switch (n.k) {
      case N.Bool:
        return n.val;
      case N.Dot:
        return dot;
      case N.Field:
        return this.evalFieldNode(dot, n, null, MISSING);
      case N.Identifier:
        return this.evalFunction(dot, n, n, null, MISSING);
      case N.Number:
        return this.idealConstant(n);
      case N.String:
        return n.text;
      case N.Variable:
        return this.evalVariableNode(dot, n, null, MISSING);
      case N.Pipe:
        return this.evalPipeline(dot, n);
    }
    this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }
}
