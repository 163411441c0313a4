/**
 * Helm's render engine (pkg/engine/engine.go) over rel's Go text/template: every template of
 * the chart and its subcharts in one template set named `CHART/templates/file`, each executed
 * with its chart's scoped values; `include`, `tpl`, `required`, `fail`, `lookup` bound to the
 * set; `<no value>` removed; template errors reworded the way helm 4 prints them.
 * Files ending in `.hbs` are rendered with Handlebars instead (see handlebars.ts).
 */
import type { Chart } from '../chart/chart.js';
import { metadataAsMap } from '../chart/metadata.js';
import { valuesTable } from '../chart/coalesce.js';
import { fileText } from '../chart/loader.js';
import { Files } from './files.js';
import { GoError, isGoMap, newMap, type FuncMap, type FuncSpec, type GoMap, type GoValue } from './types.js';
import { Template } from './gotemplate/index.js';
import { allFuncs } from './funcs/index.js';
import { toYaml } from '../encoding/yaml.js';
import { setFilesYamlEncoder } from './files.js';
import { asValues } from './values-type.js';
import { lazyRequire } from './funcs/lazy.js';

const nodeChildProcess = lazyRequire<typeof import('node:child_process')>('node:child_process');

setFilesYamlEncoder(toYaml);

/** The parts of rel's Go text/template (src/engine/gotemplate) the engine uses. */
export interface GoTemplate {
  readonly name: string;
  funcs(fm: FuncMap): GoTemplate;
  option(...opts: string[]): GoTemplate;
  'new'(name: string): GoTemplate;
  parse(text: string): GoTemplate;
  execute(data: GoValue): string;
  executeTemplate(name: string, data: GoValue): string;
  clone(): GoTemplate;
  lookup(name: string): GoTemplate | undefined | null;
}

interface GoTemplateModule {
  newTemplate(name: string): GoTemplate;
}

async function loadTemplateModule(): Promise<GoTemplateModule> {
  return { newTemplate: (name) => new Template(name) as unknown as GoTemplate };
}

let funcsCache: FuncMap | null = null;
async function loadFuncs(): Promise<FuncMap> {
  funcsCache ??= allFuncs();
  return funcsCache;
}

export const RECURSION_MAX = 1000;
const WARN_START = 'HELM_ERR_START';
const WARN_END = 'HELM_ERR_END';
const warnRe = new RegExp(`${WARN_START}([\\s\\S]*)${WARN_END}`);

export class RenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RenderError';
  }
}

interface Renderable {
  tpl: string;
  vals: GoMap;
  basePath: string;
  /** Handlebars template (file name ends in .hbs). */
  hbs: boolean;
}

export interface RenderOptions {
  /** missingkey=error instead of zero (helm --strict, used by lint). */
  strict?: boolean;
  /** Lint mode: `required` and `fail` do not fail. */
  lintMode?: boolean;
  /** `getHostByName` resolves names for real (helm --enable-dns); otherwise it returns "" like helm 4. */
  enableDns?: boolean;
  /** Implementation of `lookup` (default: empty map, as in template mode). */
  lookup?: (apiVersion: string, kind: string, namespace: string, name: string) => GoMap;
}

/** Values passed to the root chart: what ToRenderValues builds (Values, Release, Capabilities, Chart). */
export type RenderValues = GoMap;

function isLibrary(c: Chart): boolean {
  return c.isLibrary();
}

function baseOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function recAllTpls(c: Chart, templates: Map<string, Renderable>, vals: GoMap): GoMap {
  const subCharts = newMap();
  const next = newMap();
  next.Chart = metadataAsMap(c.metadata, c.isRoot());
  next.Files = new Files(c.files);
  next.Release = vals.Release;
  next.Capabilities = vals.Capabilities;
  next.Values = asValues(newMap());
  next.Subcharts = subCharts;
  if (c.isRoot()) {
    next.Values = isGoMap(vals.Values) ? asValues(vals.Values) : vals.Values;
  } else {
    // Table("Values.<name>"): the parent's sub-map seen as a common.Values (same entries)
    const vs = isGoMap(vals) ? valuesTable(vals, `Values.${c.name()}`) : undefined;
    if (vs) next.Values = asValues(new Proxy(vs, {}));
  }
  for (const child of c.dependencies()) subCharts[child.name()] = recAllTpls(child, templates, next);
  const parentId = c.chartFullPath();
  // the templates' dot is a common.Values; the same map under .Subcharts is a map[string]interface {}
  // (a view, returned below). The dot is the map itself: templates read it all the time, and a
  // proxy's every property access is a slow path.
  const dot = asValues(next);
  for (const t of c.templates) {
    if (isLibrary(c) && !baseOf(t.name).startsWith('_')) continue;
    templates.set(`${parentId}/${t.name}`, {
      tpl: fileText(t),
      vals: dot,
      basePath: `${parentId}/templates`,
      hbs: t.name.endsWith('.hbs'),
    });
  }
  return new Proxy(next, {});
}

/** Templates sorted like Helm: deeper paths first, then reverse lexical order. */
export function sortTemplates(names: Iterable<string>): string[] {
  const depth = (s: string) => s.split('/').length - 1;
  return [...names].sort((a, b) => {
    const ca = depth(a);
    const cb = depth(b);
    if (ca !== cb) return cb - ca;
    return a < b ? 1 : a > b ? -1 : 0;
  });
}

// ------------------------------------------------------------------------------------------
// Error rewording (helm 4 reformatExecErrorMsg / cleanupParseError)
// ------------------------------------------------------------------------------------------

interface Traceable {
  location: string;
  message: string;
  executedFunction: string;
}

const execErrFmt = /^template: (.+?): executing (.+?) at (.+?): (.+?)( template:[\s\S]*)?$/s;
const execErrFmtWithoutTemplate = /^template: (.+?): (.*?)( template:[\s\S]*)?$/s;
const execErrNoTemplateAssociated = /^template: no template (.*) associated with template (.*)$/s;

/**
 * The chain Go's errors.Unwrap would walk, rebuilt from the error text: an exec error wraps
 * the error of a failing function call (`error calling NAME: ERR`), and `include` returns the
 * inner template error unchanged; any other error ends the chain.
 */
function unwrapChain(err: unknown): string[] {
  const out: string[] = [];
  let cur: string | null = err instanceof Error ? err.message : String(err);
  let guard = 0;
  while (cur !== null && guard++ < 100000) {
    out.push(cur);
    const m = execErrFmtFull.exec(cur);
    if (!m) break;
    const rest = m[1]!;
    const call = /^error calling ([^:\s]+): ([\s\S]*)$/.exec(rest);
    cur = call ? call[2]! : null;
  }
  return out;
}

const execErrFmtFull = /^template: .+?: executing .+? at <[\s\S]*?>: ([\s\S]*)$/;

function traceableString(t: Traceable): string {
  let s = '';
  if (t.location !== '') s += `${t.location}\n  `;
  if (t.executedFunction !== '') s += `${t.executedFunction}\n    `;
  if (t.message !== '') s += `${t.message}\n`;
  return s;
}

/** helm 4's rewording of a template execution error. */
export function reformatExecError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const tokens = splitN(msg, ': ', 3);
  if (tokens.length !== 3) return msg;
  const parts = warnRe.exec(tokens[2]!);
  if (parts) return `execution error at (${tokens[1]}): ${parts[1]}`;
  const locs: Traceable[] = [];
  for (const cur of unwrapChain(err)) {
    let t: Traceable;
    let m: RegExpExecArray | null;
    if ((m = execErrFmt.exec(cur))) {
      t = { location: m[1]!, message: m[4]!, executedFunction: `executing ${m[2]} at ${m[3]}:` };
    } else if ((m = execErrFmtWithoutTemplate.exec(cur))) {
      t = { location: m[1]!, message: m[2]!, executedFunction: '' };
    } else if (execErrNoTemplateAssociated.test(cur)) {
      t = { location: '', message: cur, executedFunction: '' };
    } else {
      return msg;
    }
    const last = locs[locs.length - 1];
    if (!last || last.location !== t.location || last.message !== t.message || last.executedFunction !== t.executedFunction) locs.push(t);
  }
  return locs.map(traceableString).join('').trim();
}

function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}

/** helm's cleanupParseError. */
export function reformatParseError(filename: string, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const tokens = msg.split(': ');
  if (tokens.length === 1) return `parse error in (${filename}): ${msg}`;
  return `parse error at (${tokens[1]}): ${tokens[tokens.length - 1]}`;
}

// ------------------------------------------------------------------------------------------
// The engine
// ------------------------------------------------------------------------------------------

function goQuote(s: string): string {
  return JSON.stringify(s);
}

export class Engine {
  /** Set when rendering ran out of JavaScript stack (deep `include` recursion); a caller may retry on a bigger stack. */
  stackExhausted = false;

  private constructor(
    private readonly gt: GoTemplateModule,
    private readonly baseFuncs: FuncMap,
    private readonly opts: RenderOptions,
  ) {}

  static async create(opts: RenderOptions = {}): Promise<Engine> {
    const [gt, funcs] = await Promise.all([loadTemplateModule(), loadFuncs()]);
    return new Engine(gt, funcs, opts);
  }

  /** Renders every template of the chart and its subcharts. Keys are template names. */
  async render(chart: Chart, values: RenderValues): Promise<Map<string, string>> {
    const tpls = new Map<string, Renderable>();
    recAllTpls(chart, tpls, values);
    return this.renderWithReferences(tpls, tpls);
  }

  /** Renders one standalone template text (used for --name-template). */
  renderString(name: string, text: string, data: GoValue): string {
    const t = this.gt.newTemplate(name);
    t.option('missingkey=zero');
    t.funcs(this.funcMap(t, new Map()));
    try {
      t.parse(text);
    } catch (e) {
      throw new RenderError(msgOf(e));
    }
    try {
      return t.execute(data).replaceAll('<no value>', '');
    } catch (e) {
      throw new RenderError(msgOf(e));
    }
  }

  private includeFun(t: GoTemplate, includedNames: Map<string, number>): FuncSpec {
    return {
      params: ['string', 'any'],
      returns: 'string',
      fn: (name: string, data: GoValue): string => {
        const v = includedNames.get(name);
        if (v !== undefined) {
          if (v > RECURSION_MAX) {
            throw new GoError(`rendering template has a nested reference name: ${name}: unable to execute template`);
          }
          includedNames.set(name, v + 1);
        } else includedNames.set(name, 1);
        try {
          return t.executeTemplate(name, data);
        } catch (e) {
          // JavaScript's stack ends before helm's limit of ${RECURSION_MAX} nested includes: report
          // the runaway recursion the way helm does, at the include that could not run.
          if (e instanceof RangeError || ((e as { fatal?: boolean }).fatal === true && /recursion too deep/.test(msgOf(e)))) {
            this.stackExhausted = true;
            throw new GoError(`rendering template has a nested reference name: ${name}: unable to execute template`);
          }
          if ((e as { fatal?: boolean }).fatal === true) throw e;
          throw new GoError(msgOf(e));
        } finally {
          includedNames.set(name, (includedNames.get(name) ?? 1) - 1);
        }
      },
    };
  }

  private tplFun(parent: GoTemplate, includedNames: Map<string, number>): FuncSpec {
    return {
      params: ['string', 'any'],
      returns: 'string',
      fn: (tpl: string, vals: GoValue): string => {
        const t = parent.clone();
        t.option(this.opts.strict ? 'missingkey=error' : 'missingkey=zero');
        t.funcs({ include: this.includeFun(t, includedNames), tpl: this.tplFun(t, includedNames) });
        let nt: GoTemplate;
        try {
          nt = t.new(parent.name).parse(tpl);
        } catch (e) {
          throw chained(`cannot parse template ${goQuote(tpl)}: ${msgOf(e)}`, e);
        }
        let out: string;
        try {
          out = nt.execute(vals);
        } catch (e) {
          if (e instanceof RangeError || (e as { fatal?: boolean }).fatal === true) throw e;
          throw chained(`error during tpl function execution for ${goQuote(tpl)}: ${msgOf(e)}`, e);
        }
        return out.replaceAll('<no value>', '');
      },
    };
  }

  private funcMap(t: GoTemplate, includedNames: Map<string, number>): FuncMap {
    const fm: FuncMap = { ...this.baseFuncs };
    const lint = Boolean(this.opts.lintMode);
    fm.include = this.includeFun(t, includedNames);
    fm.tpl = this.tplFun(t, includedNames);
    fm.required = {
      params: ['string', 'any'],
      returns: 'interface {}',
      fn: (warn: string, val: GoValue): GoValue => {
        if (val === null || val === undefined || val === '') {
          if (lint) return '';
          throw new GoError(`${WARN_START}${warn}${WARN_END}`);
        }
        return val;
      },
    };
    fm.fail = {
      params: ['string'],
      returns: 'string',
      fn: (msg: string): string => {
        if (lint) return '';
        throw new GoError(`${WARN_START}${msg}${WARN_END}`);
      },
    };
    if (this.opts.enableDns) {
      fm.getHostByName = {
        params: ['string'],
        returns: 'string',
        fn: (name: string): string => {
          const addrs = lookupHostSync(name);
          // Sprig picks one address at random and has no error path: no address is Go's rand.Intn(0) panic
          if (addrs.length === 0) throw new GoError('invalid argument to Intn');
          return addrs[Math.floor(Math.random() * addrs.length)]!;
        },
      };
    }
    const lookup = this.opts.lookup;
    fm.lookup = {
      params: ['string', 'string', 'string', 'string'],
      returns: 'map[string]interface {}',
      fn: (apiVersion: string, kind: string, namespace: string, name: string): GoValue =>
        lookup ? lookup(apiVersion, kind, namespace, name) : newMap(),
    };
    return fm;
  }

  private renderWithReferences(tpls: Map<string, Renderable>, referenceTpls: Map<string, Renderable>): Map<string, string> {
    const t = this.gt.newTemplate('gotpl');
    t.option(this.opts.strict ? 'missingkey=error' : 'missingkey=zero');
    const includedNames = new Map<string, number>();
    t.funcs(this.funcMap(t, includedNames));
    const keys = sortTemplates(tpls.keys());
    const referenceKeys = sortTemplates(referenceTpls.keys());
    const hbsNames: string[] = [];
    for (const filename of keys) {
      const r = tpls.get(filename)!;
      if (r.hbs) {
        hbsNames.push(filename);
        continue;
      }
      try {
        t.new(filename).parse(r.tpl);
      } catch (e) {
        throw new RenderError(reformatParseError(filename, e));
      }
    }
    for (const filename of referenceKeys) {
      if (tpls.has(filename)) continue;
      const r = referenceTpls.get(filename)!;
      if (r.hbs || t.lookup(filename)) continue;
      try {
        t.new(filename).parse(r.tpl);
      } catch (e) {
        throw new RenderError(reformatParseError(filename, e));
      }
    }
    const rendered = new Map<string, string>();
    for (const filename of keys) {
      if (baseOf(filename).startsWith('_')) continue;
      const r = tpls.get(filename)!;
      const tv = asValues(newMap());
      tv.Name = filename;
      tv.BasePath = r.basePath;
      r.vals.Template = tv;
      let out: string;
      if (r.hbs) {
        out = this.renderHandlebars(filename, r, t);
      } else {
        try {
          out = t.executeTemplate(filename, r.vals);
        } catch (e) {
          if (e instanceof RangeError) {
            this.stackExhausted = true;
            throw new RenderError(`rendering template failed: ${filename}: the templates recurse too deeply`);
          }
          if ((e as { kind?: string }).kind === 'limit') throw new RenderError(msgOf(e));
          throw new RenderError(reformatExecError(e));
        }
      }
      rendered.set(filename, out.replaceAll('<no value>', ''));
    }
    return rendered;
  }

  private hbsModule: typeof import('./handlebars.js') | null = null;
  private hbsLoader: ((m: typeof import('./handlebars.js')) => void) | null = null;

  /** Handlebars rendering: synchronous once the module is loaded (prepared in prepareHandlebars). */
  private renderHandlebars(filename: string, r: Renderable, t: GoTemplate): string {
    if (!this.hbsModule) throw new RenderError(`${filename}: Handlebars support was not loaded`);
    return this.hbsModule.renderHandlebars(filename, r.tpl, r.vals, {
      include: (name: string, data: GoValue) => {
        try {
          return t.executeTemplate(name, data);
        } catch (e) {
          throw new RenderError(reformatExecError(e));
        }
      },
      funcs: this.baseFuncs,
    });
  }

  /** Loads the Handlebars support if the chart has .hbs templates. */
  async prepareFor(chart: Chart): Promise<void> {
    const hasHbs = (c: Chart): boolean => c.templates.some((f) => f.name.endsWith('.hbs')) || c.dependencies().some(hasHbs);
    if (hasHbs(chart) && !this.hbsModule) this.hbsModule = await import('./handlebars.js');
    void this.hbsLoader;
  }
}

function msgOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A GoError with `message`, whose cause is `e` (Go's fmt.Errorf("...: %w", err)). */
function chained(message: string, e: unknown): GoError {
  const g = new GoError(message);
  (g as Error & { cause?: unknown }).cause = e;
  return g;
}


/**
 * Go's net.LookupHost, synchronously (template functions are synchronous): the system resolver in a short-lived
 * child process. Only used with --enable-dns. An unknown name gives no addresses.
 */
function lookupHostSync(name: string): string[] {
  const script =
    "require('node:dns').lookup(process.argv[1], { all: true, verbatim: true }, (e, a) => process.stdout.write(JSON.stringify(e ? [] : a.map((x) => x.address))))";
  const r = nodeChildProcess().spawnSync(process.execPath, ['-e', script, name], { encoding: 'utf8', timeout: 15_000 });
  try {
    const out = JSON.parse(r.stdout || '[]') as string[];
    return [...new Set(out)];
  } catch {
    return [];
  }
}
