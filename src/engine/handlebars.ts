/**
 * Handlebars as a second template language: a chart file ending in `.hbs` is rendered with
 * the handlebars package, with the same built-in objects as Go templates (`{{Values.x}}`,
 * `{{Release.Name}}`, `{{Chart.Name}}`, `{{Capabilities.KubeVersion.Version}}`, `{{Template.Name}}`)
 * and helpers: toYaml, indent, nindent, quote, default, include, required, b64enc, eq, json.
 * Output is not HTML-escaped. `include` calls a Go-template `define` of the same chart set.
 */
import Handlebars from 'handlebars';
import { toYaml } from '../encoding/yaml.js';
import { marshalJson } from '../encoding/json.js';
import { formatValue } from './gofmt.js';
import type { FuncMap, GoValue } from './types.js';

export interface HbsContext {
  include: (name: string, data: GoValue) => string;
  funcs: FuncMap;
}

export class HandlebarsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HandlebarsError';
  }
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();

function str(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  return formatValue(v as GoValue);
}

function isOptions(v: unknown): v is Handlebars.HelperOptions {
  return typeof v === 'object' && v !== null && 'hash' in v && 'data' in v;
}

function indentText(n: number, s: string): string {
  const pad = ' '.repeat(Math.max(0, n));
  return pad + s.replaceAll('\n', '\n' + pad);
}

function makeEnv(filename: string, ctx: HbsContext): typeof Handlebars {
  const hb = Handlebars.create();
  const fail = (msg: string): never => {
    throw new HandlebarsError(`${filename}: ${msg}`);
  };
  hb.registerHelper('toYaml', (v: unknown) => {
    if (isOptions(v)) return '';
    try {
      return toYaml(v as GoValue).replace(/\n$/, '');
    } catch {
      return '';
    }
  });
  hb.registerHelper('json', (v: unknown) => (isOptions(v) ? '' : marshalJson(v as GoValue)));
  hb.registerHelper('indent', (n: unknown, s: unknown) => indentText(Number(n), str(s)));
  hb.registerHelper('nindent', (n: unknown, s: unknown) => '\n' + indentText(Number(n), str(s)));
  hb.registerHelper('quote', (...args: unknown[]) => {
    const vals = args.slice(0, -1);
    return vals.map((v) => (v === undefined || v === null ? '""' : JSON.stringify(str(v)))).join(' ');
  });
  hb.registerHelper('default', (def: unknown, v: unknown) => {
    if (isOptions(v)) return def;
    const empty =
      v === undefined || v === null || v === '' || v === false || v === 0 ||
      (Array.isArray(v) && v.length === 0) ||
      (typeof v === 'object' && !(v instanceof Uint8Array) && Object.keys(v as object).length === 0);
    return empty ? def : v;
  });
  hb.registerHelper('required', (msg: unknown, v: unknown) => {
    if (isOptions(v) || v === undefined || v === null || v === '') fail(str(msg));
    return v;
  });
  hb.registerHelper('b64enc', (v: unknown) => Buffer.from(str(v), 'utf8').toString('base64'));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('include', (name: unknown, data: unknown) => ctx.include(str(name), isOptions(data) ? null : (data as GoValue)));
  return hb;
}

/** Renders one .hbs template with the chart's built-in objects. */
export function renderHandlebars(filename: string, text: string, vals: GoValue, ctx: HbsContext): string {
  const hb = makeEnv(filename, ctx);
  let tpl = compiled.get(text);
  try {
    if (!tpl) {
      tpl = hb.compile(text, { noEscape: true, strict: false, knownHelpersOnly: false });
      compiled.set(text, tpl);
    }
    return tpl(vals, { helpers: hb.helpers, allowProtoPropertiesByDefault: false });
  } catch (e) {
    if (e instanceof HandlebarsError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new HandlebarsError(`${filename}: ${msg.replace(/\n+/g, ' ')}`);
  }
}
