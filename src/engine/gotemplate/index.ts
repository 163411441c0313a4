/**
 * Go's text/template in TypeScript: a set of associated templates sharing definitions,
 * functions and options, with Go's parse and execution semantics and error messages.
 *
 *   const root = new Template('gotpl').funcs(fm).option('missingkey=zero').setOptions({ maxOutputBytes: 50e6 });
 *   root.new('chart/templates/a.yaml').parse(textA);   // TemplateError on a syntax error
 *   const out = root.executeTemplate('chart/templates/a.yaml', data);
 *
 * Values follow the Go value model of ../types.ts. Functions are FuncSpecs; their arguments
 * are checked and converted like Go's reflect-based calls (literal 3 is an int, 3.0 a float64).
 * GoStruct values expose exported fields (own properties or getters) and exported methods;
 * declare method parameter types with `static goMethods: MethodSpecs` (default: `any` for each
 * declared parameter). A GoStruct standing for a named slice/map type implements
 * `goUnderlying()` (see GoNamedType) so that range/len/index/field access see the slice/map.
 */
import { FuncMap, FuncSpec, GoValue } from '../types.js';
import { quote } from '../gofmt.js';
import { BUILTINS } from './builtins.js';
import { Exec, ExecEnv, MissingKey, TemplateError } from './exec.js';
import { isEmptyTree, Tree } from './node.js';
import { ParseError, parse } from './parse.js';

export { TemplateError, MissingKey };
export type { MethodSpecs } from './exec.js';
export { truth as isTrue, underlying } from './builtins.js';
export type { GoNamedType } from './builtins.js';
export { isStackOverflow } from './exec.js';

/** A function name Go accepts (goodName); the ASCII form first (one cheap test per name and render). */
const ASCII_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IDENT = /^[\p{L}_][\p{L}\p{Nd}_]*$/u;

class Common implements ExecEnv {
  tmpl = new Map<string, Template>();
  funcMap = new Map<string, FuncSpec>();
  missingKey = MissingKey.Invalid;
  maxOutputBytes = Infinity;

  lookupTree(name: string): Tree | null | undefined {
    const t = this.tmpl.get(name);
    if (t === undefined) return undefined;
    return t.tree;
  }

  func(name: string): FuncSpec | undefined {
    return this.funcMap.get(name);
  }
}

/**
 * Parse trees by template name and text (and delimiters, and whether break/continue are
 * keywords), for texts parsed again: `tpl` on the same string in a loop, and every render of a
 * long-lived process (the render server). Trees are not changed after parsing, so sets may share
 * them. A hit is used only when the functions the text names still exist (else the text is
 * parsed again, which reports the missing one). Bounded by the total length of the texts (the
 * oldest entries go first).
 */
class ParseCache {
  private entries = new Map<string, { trees: Map<string, Tree>; funcs: string[] }>();
  private size = 0;
  constructor(private readonly maxChars: number) {}

  get(key: string, hasFunction: (n: string) => boolean): Map<string, Tree> | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    for (const f of e.funcs) if (!hasFunction(f)) return undefined;
    return e.trees;
  }

  set(key: string, trees: Map<string, Tree>, funcs: Set<string>): void {
    if (key.length > this.maxChars / 4) return;
    if (this.entries.has(key)) this.size -= key.length;
    this.entries.set(key, { trees, funcs: [...funcs] });
    this.size += key.length;
    for (const [k] of this.entries) {
      if (this.size <= this.maxChars) break;
      this.entries.delete(k);
      this.size -= k.length;
    }
  }
}

// Trees take about 25 bytes per character of text: at most ~55 MB, while the templates of 21 real
// charts (argo-cd, grafana, traefik, ...) are 0.2 M characters together.
const parsedTrees = new ParseCache(2 * 1024 * 1024);

export interface TemplateOptions {
  /** Fail when the output of one execution grows past this many characters (UTF-16 code units). */
  maxOutputBytes?: number;
}

export class Template {
  /** @internal */ common: Common;
  /** @internal */ tree: Tree | null = null;
  private leftDelim = '';
  private rightDelim = '';

  constructor(
    readonly name: string,
    common?: Common,
  ) {
    this.common = common ?? new Common();
  }

  /** Adds functions to the set (like Go's Funcs). Functions must exist before parse. */
  funcs(map: FuncMap): this {
    const fm = this.common.funcMap;
    for (const k in map) {
      if (!Object.hasOwn(map, k)) continue;
      if (!ASCII_IDENT.test(k) && !IDENT.test(k)) throw new Error(`function name ${quote(k)} is not a valid identifier`);
      fm.set(k, map[k]!);
    }
    return this;
  }

  /** Go's Option: 'missingkey=default' | 'missingkey=invalid' | 'missingkey=zero' | 'missingkey=error'. */
  option(...opts: string[]): this {
    for (const opt of opts) {
      const eq = opt.indexOf('=');
      if (eq < 0 || opt.slice(0, eq) !== 'missingkey') throw new Error('unrecognized option: ' + opt);
      switch (opt.slice(eq + 1)) {
        case 'default':
        case 'invalid':
          this.common.missingKey = MissingKey.Invalid;
          break;
        case 'zero':
          this.common.missingKey = MissingKey.Zero;
          break;
        case 'error':
          this.common.missingKey = MissingKey.Error;
          break;
        default:
          throw new Error('unrecognized option: ' + opt);
      }
    }
    return this;
  }

  /** Limits (and other execution options) shared by the whole set. */
  setOptions(opts: TemplateOptions): this {
    if (opts.maxOutputBytes !== undefined) this.common.maxOutputBytes = opts.maxOutputBytes;
    return this;
  }

  delims(left: string, right: string): this {
    this.leftDelim = left;
    this.rightDelim = right;
    return this;
  }

  /** A new template associated with this one (shares definitions, functions and options). */
  new(name: string): Template {
    const nt = new Template(name, this.common);
    nt.leftDelim = this.leftDelim;
    nt.rightDelim = this.rightDelim;
    return nt;
  }

  /** Parses text as the body of this template; `{{define}}`s are added to the set. Throws TemplateError. */
  parse(text: string): this {
    const common = this.common;
    const hasFunction = (n: string): boolean => common.funcMap.has(n) || BUILTINS.has(n);
    const breakOK = !common.funcMap.has('break');
    const continueOK = !common.funcMap.has('continue');
    const key = `${this.leftDelim}\u0000${this.rightDelim}\u0000${breakOK ? 1 : 0}${continueOK ? 1 : 0}\u0000${this.name}\u0000${text}`;
    let trees = parsedTrees.get(key, hasFunction);
    try {
      if (trees === undefined) {
        const used = new Set<string>();
        trees = parse(this.name, text, {
          leftDelim: this.leftDelim,
          rightDelim: this.rightDelim,
          hasFunction: (n) => {
            used.add(n);
            return hasFunction(n);
          },
          hasFunctionUser: (n) => common.funcMap.has(n),
        });
        parsedTrees.set(key, trees, used);
      }
    } catch (e) {
      if (e instanceof ParseError) {
        throw new TemplateError(e.message, 'parse', this.name, { name: e.templateName, line: e.line, col: 0 });
      }
      throw e;
    }
    for (const [name, tree] of trees) this.addParseTree(name, tree);
    return this;
  }

  private addParseTree(name: string, tree: Tree): void {
    const nt = name === this.name ? this : this.new(name);
    if (this.associate(nt, tree) || nt.tree === null) nt.tree = tree;
  }

  private associate(nt: Template, tree: Tree): boolean {
    const old = this.common.tmpl.get(nt.name);
    if (old !== undefined && isEmptyTree(tree.root) && old.tree !== null) return false;
    this.common.tmpl.set(nt.name, nt);
    return true;
  }

  lookup(name: string): Template | undefined {
    return this.common.tmpl.get(name);
  }

  templates(): Template[] {
    return [...this.common.tmpl.values()];
  }

  /** "; defined templates are: "a", "b"" (sorted), or "" when there are none. */
  definedTemplates(): string {
    const names = [...this.common.tmpl.values()].filter((t) => t.tree !== null && t.tree.root !== null).map((t) => t.name);
    if (names.length === 0) return '';
    names.sort();
    return '; defined templates are: ' + names.map((n) => quote(n)).join(', ');
  }

  /** A copy of the whole set; parsing into the copy does not affect this set. */
  clone(): Template {
    const c = new Common();
    c.funcMap = new Map(this.common.funcMap);
    c.missingKey = this.common.missingKey;
    c.maxOutputBytes = this.common.maxOutputBytes;
    let self: Template | undefined;
    for (const [k, t] of this.common.tmpl) {
      const nt = new Template(t.name, c);
      nt.tree = t.tree;
      nt.leftDelim = t.leftDelim;
      nt.rightDelim = t.rightDelim;
      c.tmpl.set(k, nt);
      if (t === this) self = nt;
    }
    if (self === undefined) {
      self = new Template(this.name, c);
      self.tree = this.tree;
      self.leftDelim = this.leftDelim;
      self.rightDelim = this.rightDelim;
    }
    return self;
  }

  /** Executes this template with `data` as dot; returns the output. Throws TemplateError. */
  execute(data: GoValue): string {
    return new Exec(this.common, this.name).run(this.tree, data);
  }

  /** Executes the associated template `name`. */
  executeTemplate(name: string, data: GoValue): string {
    const t = this.lookup(name);
    if (t === undefined) {
      throw new TemplateError(`template: no template ${quote(name)} associated with template ${quote(this.name)}`, 'exec', this.name);
    }
    return t.execute(data);
  }
}
