/**
 * values.schema.json validation like Helm 4 (JSON Schema via ajv), with error text shaped like
 * Helm's (santhosh-tekuri/jsonschema): `- at '/path': message`, nested failures grouped under
 * `validation failed`. Ajv is loaded only when a chart has a schema.
 */
import type { GoMap, GoValue } from '../engine/types.js';
import { isGoMap } from '../engine/types.js';
import type { Chart } from './chart.js';
import { formatFloat, quote as goQuote } from '../engine/gofmt.js';
import { decodeJsonPrefix } from '../encoding/json.js';
import { addGoFormats, GO_FORMATS } from './schema-formats.js';

interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  propertyName?: string;
}

type Validator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

const cache = new Map<string, Validator>();

function toJsonData(v: GoValue): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toJsonData);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (isGoMap(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = toJsonData(v[k]);
    return out;
  }
  return v;
}

/**
 * Draft 4's `id` and boolean exclusiveMinimum/exclusiveMaximum (modifiers of minimum/maximum) in
 * the form of later drafts, which the validator understands; everything else is kept.
 */
function draft4to6(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(draft4to6);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k === 'id' && typeof x === 'string' ? '$id' : k] = draft4to6(x);
  for (const [ex, lim] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[ex] !== 'boolean') continue;
    if (out[ex] === true && typeof out[lim] === 'number') {
      out[ex] = out[lim];
      delete out[lim];
    } else delete out[ex];
  }
  return out;
}

/** Go's regexp.Compile error for a pattern JavaScript accepts but RE2 does not (lookarounds, backreferences). */
function re2Error(pattern: string): string | undefined {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const n = pattern[i + 1] ?? '';
      if (/[1-9]/.test(n) || n === 'k') return `invalid escape sequence: \`\\${n}\``;
      i++;
      continue;
    }
    if (c === '[') {
      // skip a character class (lookaround syntax inside it is literal)
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      i = j;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      // Go reads `(?<` as a named group: `(?<=` / `(?<!` are invalid names there
      const rest = pattern.slice(i);
      if (/^\(\?<[=!]/.test(rest)) {
        // the text up to the '>' that would end the name, else all that is left
        const gt = rest.indexOf('>');
        return `invalid named capture: \`${gt < 0 ? rest : rest.slice(0, gt + 1)}\``;
      }
      const m = /^\(\?[=!]/.exec(pattern.slice(i));
      if (m) return `invalid or unsupported Perl syntax: \`${m[0]}\``;
    }
  }
  return undefined;
}

const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
const SCHEMA_ONE = new Set(['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems', 'additionalItems']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items']);

/** The first pattern RE2 rejects, with the schema locations (root first) above it. */
function findRe2Error(schema: unknown, at: string, locs: string[] = ['']): { at: string; pattern: string; msg: string; locs: string[] } | undefined {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return undefined;
  const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');
  for (const [k, x] of Object.entries(schema as Record<string, unknown>)) {
    const here = `${at}/${esc(k)}`;
    if (k === 'pattern' && typeof x === 'string') {
      const msg = re2Error(x);
      if (msg) return { at: here, pattern: x, msg, locs };
    }
    let found: ReturnType<typeof findRe2Error>;
    if (SCHEMA_MAPS.has(k) && x !== null && typeof x === 'object' && !Array.isArray(x)) {
      for (const [name, sub] of Object.entries(x as Record<string, unknown>)) {
        const loc = `${here}/${esc(name)}`;
        found ??= findRe2Error(sub, loc, [...locs, loc]);
      }
    } else if (SCHEMA_LISTS.has(k) && Array.isArray(x)) {
      x.forEach((sub, i) => {
        const loc = `${here}/${i}`;
        found ??= findRe2Error(sub, loc, [...locs, loc]);
      });
    } else if (SCHEMA_ONE.has(k)) {
      found = findRe2Error(x, here, [...locs, here]);
    }
    if (found) return found;
  }
  return undefined;
}

/** The meta-schema URL the validator names in its report for a draft. */
function metaURL(old: boolean, draft: string): string {
  if (old) return `http://json-schema.org/draft-0${/draft-0?([467])/.exec(draft)![1]}/schema#`;
  return draft.includes('2019-09') ? 'https://json-schema.org/draft/2019-09/schema#' : 'https://json-schema.org/draft/2020-12/schema#';
}

/** The schema locations (root first) above a keyword location in a schema document. */
function schemaLevels(pointer: string): string[] {
  const segs = pointer.split('/').slice(1);
  const levels = [''];
  let cur = '';
  for (let i = 0; i < segs.length - 1; i++) {
    const seg = segs[i]!;
    cur += '/' + seg;
    if (SCHEMA_MAPS.has(seg) || (SCHEMA_LISTS.has(seg) && /^\d+$/.test(segs[i + 1] ?? ''))) {
      cur += '/' + segs[i + 1];
      i++;
      levels.push(cur);
    } else if (SCHEMA_ONE.has(seg)) levels.push(cur);
  }
  return levels;
}

/**
 * A schema the meta-schema rejects with one plain failure (`"required": true`, a number where a list
 * belongs...): the validator's report, 2019-09/2020-12 failures nested under one 'allOf' per schema
 * level. Undefined when the schema is valid or the failure is not that simple (ajv then words it).
 */
function metaSchemaReport(ajv: { validateSchema: (s: object) => boolean; errors?: AjvError[] | null }, local: object, original: object, old: boolean, draft: string): string | undefined {
  let ok: boolean;
  try {
    ok = ajv.validateSchema(local);
  } catch {
    return undefined;
  }
  if (ok) return undefined;
  const errs = ajv.errors ?? [];
  const distinct = new Map<string, AjvError>();
  for (const e of errs) distinct.set(`${e.instancePath}\0${e.keyword}`, e);
  if (distinct.size !== 1) return undefined;
  const e = [...distinct.values()][0]!;
  if (!['type', 'minimum', 'minItems', 'required', 'uniqueItems'].includes(e.keyword)) return undefined;
  const levels = old ? [] : schemaLevels(e.instancePath);
  const lines = levels.map((loc, i) => `${'  '.repeat(i)}- at '${loc}': 'allOf' failed`);
  lines.push(`${'  '.repeat(levels.length)}- at '${e.instancePath}': ${describe(e, original)}`);
  return `"file:///values.schema.json#" is not valid against metaschema: jsonschema validation failed with '${metaURL(old, draft)}'\n` + lines.join('\n');
}

const GO_UNIQUE = 'x-rel-unique-items';
/** A root `false` schema: fails everything as the validator's "false schema". */
const FALSE_SCHEMA = 'x-rel-false-schema';

function renameUnique(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(renameUnique);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k === 'uniqueItems' && typeof x === 'boolean') out[GO_UNIQUE] = x;
    else out[k] = DATA_KEYWORDS.has(k) ? x : renameUnique(x);
  }
  return out;
}

const KNOWN_META = /^https?:\/\/json-schema\.org\/(?:draft-0?[467]\/schema|draft\/2019-09\/schema|draft\/2020-12\/schema|schema)#?$/;

/** Keywords kept beside a $ref in drafts 4-7 (the rest is ignored there; definitions stay reachable). */
const REF_KEEP = new Set(['$ref', 'definitions', '$defs', '$id', 'id', '$schema', '$comment', 'title', 'description']);
/** Keywords whose values are data, not schemas. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples']);

function stripRefSiblings(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripRefSiblings);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const hasRef = typeof o.$ref === 'string';
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) {
    if (hasRef && !REF_KEEP.has(k)) continue;
    out[k] = DATA_KEYWORDS.has(k) ? x : stripRefSiblings(x);
  }
  return out;
}

async function compile(schemaText: string): Promise<Validator> {
  const hit = cache.get(schemaText);
  if (hit) return hit;
  let schema: Record<string, unknown>;
  try {
    schema = JSON.parse(schemaText) as Record<string, unknown>;
  } catch (e) {
    throw new SchemaReportError(goDecoderError(schemaText) ?? `invalid JSON in values.schema.json: ${(e as Error).message}`);
  }
  // a schema is an object or a boolean (the meta-schema's first check)
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    if (typeof schema === 'boolean') schema = schema ? {} : { [FALSE_SCHEMA]: true };
    else {
      throw new SchemaReportError(
        `"file:///values.schema.json#" is not valid against metaschema: jsonschema validation failed with 'https://json-schema.org/draft/2020-12/schema#'\n- at '': got ${jsonType(schema)}, want boolean or object`,
      );
    }
  }
  const draft = typeof schema.$schema === 'string' ? schema.$schema : '';
  let AjvClass: new (opts: object) => { compile: (s: object) => Validator; addFormat?: unknown };
  // santhosh-tekuri/jsonschema (Helm 4) knows drafts 4, 6 and 7 by their meta-schema URLs; anything
  // else ($schema absent, "http://json-schema.org/schema#", 2019-09, 2020-12) is validated as a
  // 2019-09/2020-12 schema, where "format" is an annotation only: only drafts 4 to 7 assert formats.
  // meta-schemas the validator has built in; any other $schema is fetched by helm (and fails offline)
  if (draft !== '' && !KNOWN_META.test(draft)) {
    throw new SchemaReportError(`failing loading "${draft.replace(/#$/, '')}": rel does not fetch remote meta-schemas; use a JSON Schema draft 4, 6, 7, 2019-09 or 2020-12 $schema`);
  }
  const old = /json-schema\.org\/draft-0?[467]\/schema/.test(draft);
  // the meta-schema asserts `format: regex` on patterns: Go's regexp (RE2) rejects what JavaScript accepts
  const badPattern = findRe2Error(schema, '');
  if (badPattern) {
    const meta = metaURL(old, draft);
    // 2019-09 and 2020-12 meta-schemas are allOf vocabularies: each schema level above the pattern fails as 'allOf'
    const levels = old ? [] : badPattern.locs;
    const lines = levels.map((loc, i) => `${'  '.repeat(i)}- at '${loc}': 'allOf' failed`);
    lines.push(`${'  '.repeat(levels.length)}- at '${badPattern.at}': ${squote(badPattern.pattern)} is not valid regex: error parsing regexp: ${badPattern.msg}`);
    throw new SchemaReportError(`"file:///values.schema.json#" is not valid against metaschema: jsonschema validation failed with '${meta}'\n` + lines.join('\n'));
  }
  if (old) AjvClass = (await import('ajv')).default as never;
  else if (draft.includes('2019-09')) AjvClass = (await import('ajv/dist/2019.js')).default as never;
  else AjvClass = (await import('ajv/dist/2020.js')).default as never;
  const ajv = new AjvClass({ allErrors: true, strict: false, validateFormats: old, allowUnionTypes: true, logger: false });
  const addFormats = (await import('ajv-formats')).default as unknown as (a: unknown, names?: string[]) => void;
  if (old) {
    // drafts 4-7 assert formats: only those the validator helm uses knows, decided (and worded) like it;
    // others (OpenAPI's int32, byte, password...) are ignored there
    addFormats(ajv, ['regex', 'uri-template']);
    addGoFormats(ajv as never);
  } else addFormats(ajv);
  let local = /json-schema\.org\/draft-0?4\/schema/.test(draft) ? (draft4to6(schema) as Record<string, unknown>) : { ...schema };
  // drafts 4 to 7: keywords beside $ref are ignored
  if (old) local = stripRefSiblings(local) as Record<string, unknown>;
  // ajv skips items of the wrong type when checking uniqueItems (beside a typed `items`); the validator
  // helm uses compares them all: a keyword of our own does that
  local = renameUnique(local) as Record<string, unknown>;
  (ajv as unknown as { addKeyword: (def: object) => void }).addKeyword({
    keyword: FALSE_SCHEMA,
    schemaType: 'boolean',
    errors: true,
    validate: function falseSchema(): boolean {
      (falseSchema as unknown as { errors: object[] }).errors = [{ keyword: 'false schema', params: {}, message: 'false schema' }];
      return false;
    },
  });
  (ajv as unknown as { addKeyword: (def: object) => void }).addKeyword({
    keyword: GO_UNIQUE,
    type: 'array',
    schemaType: 'boolean',
    errors: true,
    validate: function goUnique(want: boolean, data: unknown[]): boolean {
      const pair = want ? firstDuplicate(data) : undefined;
      if (!pair) return true;
      (goUnique as unknown as { errors: object[] }).errors = [{ keyword: GO_UNIQUE, params: { i: pair[1], j: pair[0] }, message: 'duplicate items' }];
      return false;
    },
  });
  // The draft was chosen above; the URL spelling (http/https, trailing #) must not matter.
  delete local.$schema;
  const metaProblem = metaSchemaReport(ajv as never, local, schema, old, draft);
  if (metaProblem !== undefined) throw new SchemaReportError(metaProblem);
  let v: Validator;
  try {
    v = ajv.compile(local);
  } catch (e) {
    const msg = (e as Error).message;
    // an unknown local reference: the validator helm uses names the JSON pointer it could not find
    const ref = /^can't resolve reference (#\S*) from id #?$/.exec(msg);
    if (ref) throw new SchemaReportError(`json-pointer in "file:///values.schema.json${ref[1]}" not found`);
    throw new Error(`values.schema.json is not a valid JSON Schema: ${msg}`);
  }
  cache.set(schemaText, v);
  return v;
}

/** A schema problem helm reports as the chart's validation text (`chart:\n<text>`) rather than failing outright. */
class SchemaReportError extends Error {}

/**
 * The error of Go's json.Decoder (which the validator helm uses reads the schema with) for text
 * that is not one JSON value: `EOF`, `unexpected EOF`, `invalid character ...`. Undefined when the
 * decoder would accept it.
 */
function goDecoderError(text: string): string | undefined {
  if (text.trim() === '') return 'EOF';
  try {
    const { end } = decodeJsonPrefix(text);
    if (text.slice(end).trim() !== '') return 'invalid character after top-level value';
    return undefined;
  } catch (e) {
    const msg = (e as Error).message;
    return msg === 'unexpected end of JSON input' ? 'unexpected EOF' : msg;
  }
}

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** Thousands separators in the integer digits (golang.org/x/text, English). */
function groupDigits(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A number as the validator's messages print it (golang.org/x/text/message, English, `%v` of a
 * float64): grouped digits, or `1.5×10⁰⁶` where Go's %g would use an exponent.
 */
export function textNumber(x: number): string {
  if (!Number.isFinite(x)) return formatFloat(x, 'g', -1);
  const sign = x < 0 ? '-' : '';
  const a = Math.abs(x);
  if (a === 0) return '0';
  const e = formatFloat(a, 'e', -1); // d.ddde±xx
  const m = /^([\d.]+)e([+-])(\d+)$/.exec(e)!;
  const exp = Number(m[3]) * (m[2] === '-' ? -1 : 1);
  if (exp < -4 || exp >= 6) {
    const digits = String(Math.abs(exp)).padStart(2, '0');
    const sup = [...digits].map((d) => SUPERSCRIPT[Number(d)]).join('');
    return `${sign}${m[1]}×10${exp < 0 ? '⁻' : ''}${sup}`;
  }
  const f = formatFloat(a, 'f', -1);
  const [int, frac] = f.split('.');
  return sign + groupDigits(int!) + (frac !== undefined ? '.' + frac : '');
}

/** An int as `%d` prints it there (grouped digits). */
function textInt(n: number): string {
  return (n < 0 ? '-' : '') + groupDigits(String(Math.abs(n)));
}

/** The validator's quote(): Go's %q with `'` delimiters (double quotes bare, single quotes escaped). */
function squote(s: string): string {
  const q = goQuote(s).replace(/\\"/g, '"').replace(/'/g, "\\'");
  return "'" + q.slice(1, -1) + "'";
}

/** The validator's display() of a primitive: strings quoted, nil as `<nil>`. */
function display(v: unknown): string {
  if (typeof v === 'string') return squote(v);
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') return String(v);
  return String(v);
}

const isComposite = (v: unknown) => v !== null && typeof v === 'object';

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

function quoteList(xs: unknown[]): string {
  return xs.map(display).join(', ');
}

function valueAt(data: unknown, pointer: string): unknown {
  let cur = data;
  for (const part of pointer.split('/').slice(1)) {
    const k = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur && typeof cur === 'object') cur = (cur as Record<string, unknown>)[k];
    else return undefined;
  }
  return cur;
}

const TYPE_ORDER = ['null', 'boolean', 'number', 'integer', 'string', 'array', 'object'];

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

function firstDuplicate(xs: unknown[]): [number, number] | undefined {
  for (let j = 1; j < xs.length; j++) {
    for (let i = 0; i < j; i++) if (jsonEqual(xs[i], xs[j])) return [i, j];
  }
  return undefined;
}

function describe(e: AjvError, data: unknown): string {
  const p = e.params;
  const val = valueAt(data, e.instancePath);
  switch (e.keyword) {
    case 'required': {
      const all = (p.merged as string[] | undefined) ?? [String(p.missingProperty)];
      return all.length === 1 ? `missing property '${all[0]}'` : `missing properties ${quoteList(all)}`;
    }
    case 'type': {
      // santhosh-tekuri/jsonschema lists the wanted types in its own order, not the schema's
      const want = String(p.type).split(',');
      want.sort((a, b) => TYPE_ORDER.indexOf(a) - TYPE_ORDER.indexOf(b));
      return `got ${jsonType(val)}, want ${want.join(' or ')}`;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${e.keyword}: got ${textNumber(Number(val))}, want ${textNumber(Number(p.limit))}`;
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties': {
      const got = e.keyword.endsWith('Length') ? [...String(val)].length : e.keyword.endsWith('Items') ? (val as unknown[]).length : e.keyword.endsWith('Properties') ? Object.keys(val as object).length : val;
      return `${e.keyword}: got ${textInt(Number(got))}, want ${textInt(Number(p.limit))}`;
    }
    case 'multipleOf':
      return `multipleOf: got ${textNumber(Number(val))}, want ${textNumber(Number(p.multipleOf))}`;
    case 'pattern':
      return `${squote(String(e.propertyName ?? val))} does not match pattern ${squote(String(p.pattern))}`;
    case 'format': {
      const reason = GO_FORMATS[String(p.format)]?.(String(val));
      return `${squote(String(val))} is not valid ${String(p.format)}${reason !== undefined ? `: ${reason}` : ''}`;
    }
    case 'additionalProperties':
      return `additional properties ${quoteList((p.merged as string[] | undefined) ?? [String(p.additionalProperty)])} not allowed`;
    case 'enum': {
      const want = (p.allowedValues as unknown[]) ?? [];
      if (want.some(isComposite)) return "'enum' failed";
      return want.length === 1 ? `value must be ${display(want[0])}` : `value must be one of ${quoteList(want)}`;
    }
    case 'const':
      return isComposite(p.allowedValue) ? "'const' failed" : `value must be ${display(p.allowedValue)}`;
    case 'uniqueItems': {
      // the first duplicate from the front (ajv reports one found from the back)
      const pair = Array.isArray(val) ? firstDuplicate(val) : undefined;
      return pair ? `items at ${pair[0]} and ${pair[1]} are equal` : `items at ${String(p.j)} and ${String(p.i)} are equal`;
    }
    case 'additionalItems': {
      const n = Array.isArray(val) && typeof p.limit === 'number' ? val.length - p.limit : 0;
      return `last ${n} additionalItem(s) not allowed`;
    }
    case 'anyOf':
      return "'anyOf' failed";
    case 'oneOf':
      return Array.isArray(p.passingSchemas) ? `'oneOf' failed, subschemas ${(p.passingSchemas as number[]).join(', ')} matched` : "'oneOf' failed, none matched";
    case 'not':
      return "'not' failed";
    case 'if':
      return `if-${String(p.failingKeyword)} failed`;
    case 'dependencies':
    case 'dependentRequired':
      return `properties ${quoteList((p.merged as string[] | undefined) ?? [String(p.missingProperty)])} required, if '${String(p.property)}' exists`;
    case 'contains':
      return typeof p.containsMsg === 'string' ? p.containsMsg : 'no items match contains schema';
    case 'propertyNames':
      return `invalid propertyName '${String(p.propertyName)}'`;
    case 'false schema':
      return 'false schema';
    default:
      return e.message ?? e.keyword;
  }
}

/** Keyword order of the reference validator (object checks, then children, then additional…). */
function rank(e: AjvError): number {
  const order = ['type', 'enum', 'const', 'format', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minProperties', 'maxProperties', 'required', 'dependentRequired', 'dependencies', 'minItems', 'maxItems', 'uniqueItems', 'minContains', 'maxContains'];
  const i = order.indexOf(e.keyword);
  if (i >= 0) return i;
  if (e.keyword === 'additionalProperties' || e.keyword === 'unevaluatedProperties') return 200;
  return 150;
}

/** One line of the report: an ajv error (or a synthetic group), with the failures it stands for. */
interface Item {
  instancePath: string;
  err?: AjvError;
  text?: string; // synthetic items: 'validation failed', "'allOf' failed"
  causes: Item[];
}

interface Node {
  path: string;
  own: Item[];
  children: Map<string, Node>;
}

function itemRank(it: Item): number {
  return it.err ? rank(it.err) : 150;
}

function leafCount(n: Node): number {
  let c = n.own.length;
  for (const ch of n.children.values()) c += leafCount(ch);
  return c;
}

function findOnly(n: Node): Item {
  if (n.own.length > 0) return n.own[0]!;
  for (const ch of n.children.values()) if (leafCount(ch) > 0) return findOnly(ch);
  throw new Error('unreachable');
}

/** Items placed by instance location below `base` (the validator's recursion into properties and items). */
function tree(items: Item[], base: string): Node {
  const root: Node = { path: base, own: [], children: new Map() };
  for (const it of items) {
    const rel = it.instancePath.startsWith(base) ? it.instancePath.slice(base.length) : it.instancePath;
    const parts = rel === '' ? [] : rel.split('/').slice(1);
    let node = root;
    let cur = base;
    for (const p of parts) {
      cur += '/' + p;
      let ch = node.children.get(p);
      if (!ch) {
        ch = { path: cur, own: [], children: new Map() };
        node.children.set(p, ch);
      }
      node = ch;
    }
    node.own.push(it);
  }
  return root;
}

function emitItem(it: Item, data: unknown, indent: string, out: string[]): void {
  out.push(`${indent}- at '${it.instancePath}': ${it.err ? describe(it.err, data) : it.text}`);
  for (const c of it.causes) emitItem(c, data, indent + '  ', out);
}

/** Instance segments a schema path step moves down by (properties/x, items, additionalProperties...). */
function unitInstancePath(e: AjvError, prefix: string): string {
  const rest = e.schemaPath.slice(prefix.length).split('/').filter((x) => x !== '');
  let consumed = 0;
  for (let i = 0; i < rest.length - 1; i++) {
    const seg = rest[i]!;
    if (seg === 'properties' || seg === 'patternProperties' || seg === 'prefixItems') {
      consumed++;
      i++;
    } else if (seg === 'items') {
      consumed++;
      if (/^\d+$/.test(rest[i + 1] ?? '')) i++;
    } else if (seg === 'additionalProperties' || seg === 'additionalItems' || seg === 'contains' || seg === 'unevaluatedProperties' || seg === 'unevaluatedItems') {
      consumed++;
    }
  }
  const parts = e.instancePath === '' ? [] : e.instancePath.split('/').slice(1);
  return parts.length >= consumed ? (parts.length - consumed === 0 ? '' : '/' + parts.slice(0, parts.length - consumed).join('/')) : e.instancePath;
}

const COMBINATOR = /\/(oneOf|anyOf|allOf)\/(\d+)(?=\/|$)/;

/**
 * The validator's error tree: a oneOf/anyOf/allOf failure carries the failures of its branches
 * (one line per branch; a branch with several failures is a `validation failed` group).
 */
function nest(all: AjvError[], base: string): Item[] {
  const { rest: errs, items: out } = subschemaHeads(all, base);
  const groups = new Map<string, { prefix: string; kind: string; branches: Map<number, AjvError[]> }>();
  const heads = new Map<string, AjvError>();
  for (const e of errs) {
    const tail = e.schemaPath.slice(base.length);
    const m = COMBINATOR.exec(tail);
    if (m) {
      const prefix = base + tail.slice(0, m.index) + '/' + m[1];
      // one group per combinator and instance (a oneOf under `items` fails once per element)
      const key = prefix + '\0' + unitInstancePath(e, prefix);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { prefix, kind: m[1]!, branches: new Map() }));
      const i = Number(m[2]);
      if (!g.branches.has(i)) g.branches.set(i, []);
      g.branches.get(i)!.push(e);
    } else if ((e.keyword === 'oneOf' || e.keyword === 'anyOf') && e.schemaPath.endsWith('/' + e.keyword)) {
      heads.set(e.schemaPath + '\0' + e.instancePath, e);
    } else out.push({ instancePath: e.instancePath, err: e, causes: [] });
  }
  for (const [key, g] of groups) {
    const prefix = g.prefix;
    const head = heads.get(key);
    heads.delete(key);
    const anyErr = [...g.branches.values()][0]![0]!;
    const at = head ? head.instancePath : unitInstancePath(anyErr, prefix);
    const causes: Item[] = [];
    for (const i of [...g.branches.keys()].sort((a, b) => a - b)) {
      const items = nest(g.branches.get(i)!, `${prefix}/${i}`);
      if (items.length === 1) causes.push(items[0]!);
      else {
        causes.push({ instancePath: at, text: 'validation failed', causes: flatten(items, at) });
      }
    }
    out.push(head ? { instancePath: at, err: head, causes } : { instancePath: at, text: `'${g.kind}' failed`, causes });
  }
  for (const h of heads.values()) out.push({ instancePath: h.instancePath, err: h, causes: [] });
  return out;
}

/** Items of one validation unit in report order (instance tree below `base`), groups kept as items. */
function flatten(items: Item[], base: string): Item[] {
  const root = tree(items, base);
  const res: Item[] = [];
  const walk = (n: Node, into: Item[]) => {
    const before = n.own.filter((e) => itemRank(e) < 100).sort((a, b) => itemRank(a) - itemRank(b));
    const after = n.own.filter((e) => itemRank(e) >= 100).sort((a, b) => itemRank(a) - itemRank(b));
    into.push(...before);
    for (const key of [...n.children.keys()].sort()) {
      const ch = n.children.get(key)!;
      if (leafCount(ch) === 1) into.push(findOnly(ch));
      else {
        const g: Item = { instancePath: ch.path, text: 'validation failed', causes: [] };
        walk(ch, g.causes);
        into.push(g);
      }
    }
    into.push(...after);
  };
  walk(root, res);
  return res;
}

/**
 * ajv reports one error per missing or extra property; the validator helm uses reports one per
 * keyword (`missing properties 'a', 'b'`). propertyNames and contains failures carry the
 * failures of their subschema.
 */
/** The values being reported on (set while one report is built, synchronously): array lengths and items. */
let currentData: unknown;

function mergeErrors(errs: AjvError[]): AjvError[] {
  const out: AjvError[] = [];
  const byKey = new Map<string, AjvError>();
  const field: Record<string, string> = { required: 'missingProperty', additionalProperties: 'additionalProperty', dependencies: 'missingProperty', dependentRequired: 'missingProperty' };
  for (let e of errs) {
    if (e.keyword === GO_UNIQUE) e = { ...e, keyword: 'uniqueItems' };
    // an if/then/else failure is reported by the failures of its branch alone
    if (e.keyword === 'if') continue;
    // unevaluatedProperties: false fails each such property as a false schema
    if (e.keyword === 'unevaluatedProperties' && typeof e.params.unevaluatedProperty === 'string') {
      const k = e.params.unevaluatedProperty.replace(/~/g, '~0').replace(/\//g, '~1');
      out.push({ ...e, keyword: 'false schema', instancePath: `${e.instancePath}/${k}`, params: {} });
      continue;
    }
    // items: false after prefixItems: one false schema per extra item, numbered from 0 as helm's validator does
    if (e.keyword === 'items' && typeof e.params.limit === 'number') {
      const arr = valueAt(currentData, e.instancePath);
      const len = Array.isArray(arr) ? arr.length : undefined;
      if (typeof len === 'number' && len > e.params.limit) {
        for (let i = 0; i < len - e.params.limit; i++) out.push({ ...e, keyword: 'false schema', instancePath: `${e.instancePath}/${i}`, params: {} });
        continue;
      }
    }
    const f = field[e.keyword];
    if (f === undefined) {
      out.push(e);
      continue;
    }
    const key = `${e.keyword}\0${e.schemaPath}\0${e.instancePath}\0${String(e.params.property ?? '')}`;
    const first = byKey.get(key);
    if (first) (first.params.merged as string[]).push(String(e.params[f]));
    else {
      const copy = { ...e, params: { ...e.params, merged: [String(e.params[f])] } };
      byKey.set(key, copy);
      out.push(copy);
    }
  }
  return out;
}

/** propertyNames / contains failures with the failures of their subschema as causes. */
function subschemaHeads(errs: AjvError[], base: string): { rest: AjvError[]; items: Item[] } {
  // heads inside a oneOf/anyOf/allOf branch belong to that branch's group (nest handles them there)
  const heads = errs.filter((e) => (e.keyword === 'propertyNames' || e.keyword === 'contains') && !COMBINATOR.test(e.schemaPath.slice(base.length)));
  if (heads.length === 0) return { rest: errs, items: [] };
  const used = new Set<AjvError>(heads);
  const items: Item[] = [];
  for (const h of heads) {
    const sub = errs.filter((e) => !used.has(e) && e.schemaPath.startsWith(h.schemaPath + '/') && (h.keyword !== 'propertyNames' || e.propertyName === h.params.propertyName));
    sub.forEach((e) => used.add(e));
    // the validator names no instance location for a property name
    const at = h.keyword === 'propertyNames' ? '' : h.instancePath;
    let head = h;
    let causes = sub.map((e) => ({ instancePath: h.keyword === 'propertyNames' ? '' : e.instancePath, err: e, causes: [] as Item[] }));
    if (h.keyword === 'contains') {
      // minContains / maxContains name the matching items (those without failures of the subschema)
      const arr = valueAt(currentData, h.instancePath);
      if (Array.isArray(arr)) {
        const failing = new Set(sub.map((e) => e.instancePath.slice(h.instancePath.length + 1).split('/')[0]));
        const matched = arr.map((_, i) => i).filter((i) => !failing.has(String(i)));
        const min = typeof h.params.minContains === 'number' ? h.params.minContains : 1;
        const max = typeof h.params.maxContains === 'number' ? h.params.maxContains : undefined;
        let msg: string | undefined;
        if (max !== undefined && matched.length > max) {
          msg = `max ${max} items required to match contains schema, but matched ${matched.length} items at ${matched.join(' ')}`;
          causes = [];
        } else if (matched.length < min && !(min === 1 && matched.length === 0)) {
          msg = matched.length === 0 ? `min ${min} items required to match contains schema, but none matched` : `min ${min} items required to match contains schema, but matched ${matched.length} items at ${matched.join(' ')}`;
        }
        if (msg !== undefined) head = { ...h, params: { ...h.params, containsMsg: msg } };
      }
    }
    items.push({ instancePath: at, err: head, causes });
  }
  return { rest: errs.filter((e) => !used.has(e)), items };
}

/** Errors of one schema as Helm prints them (without the chart header), or '' when valid. */
export async function validateAgainstSingleSchema(values: GoMap, schemaBytes: Uint8Array): Promise<string> {
  let v: Validator;
  try {
    v = await compile(new TextDecoder().decode(schemaBytes));
  } catch (e) {
    if (e instanceof SchemaReportError) return e.message + '\n';
    throw e;
  }
  const data = toJsonData(values);
  if (v(data)) return '';
  currentData = data;
  let items: Item[];
  try {
    items = flatten(nest(mergeErrors(v.errors ?? []), '#'), '');
  } finally {
    currentData = undefined;
  }
  // The root failure is printed as the report's header: a lone group's failures are the top level.
  while (items.length === 1 && items[0]!.text === 'validation failed') items = items[0]!.causes;
  const out: string[] = [];
  for (const it of items) emitItem(it, data, '', out);
  return out.join('\n') + '\n';
}

/** Helm's ValidateAgainstSchema over a chart and its subcharts. Returns '' when valid. */
export async function validateAgainstSchema(chart: Chart, values: GoMap): Promise<string> {
  let sb = '';
  if (chart.schema) {
    const err = await validateAgainstSingleSchema(values, chart.schema);
    if (err !== '') sb += `${chart.name()}:\n${err}`;
  }
  for (const sub of chart.dependencies()) {
    const sv = values[sub.name()];
    if (!isGoMap(sv)) {
      sb += `${sub.name()}:\ninvalid type for values: expected object (map), got ${sv === undefined || sv === null ? '<nil>' : Array.isArray(sv) ? '[]interface {}' : typeof sv}\n`;
      continue;
    }
    sb += await validateAgainstSchema(sub, sv);
  }
  return sb;
}
