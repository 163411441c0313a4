/**
 * Helm's own template functions (pkg/engine/funcs.go) and Sprig's JSON functions.
 * Codecs come from src/encoding: Go's encoding/json, sigs.k8s.io/yaml, BurntSushi/toml.
 */
import { parse as parseTomlText, TomlDate } from 'smol-toml';
import { GoError, isGoMap, newMap, type FuncMap, type GoValue } from '../types.js';
import { marshalJson, unmarshalJson } from '../../encoding/json.js';
import { parseYaml, toYaml } from '../../encoding/yaml.js';
import { toToml } from '../../encoding/toml.js';
import { GoTime } from './time.js';
import { goTypeName } from '../types.js';

/** Helm wraps messages of `required` and `fail` so the engine can report them as `execution error at (file:line:col): msg`. */
export const WARN_START = 'HELM_ERR_START';
export const WARN_END = 'HELM_ERR_END';
export const warnWrap = (msg: string) => WARN_START + msg + WARN_END;

const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e));

function jsonTypeName(v: GoValue): string {
  if (Array.isArray(v)) return 'array';
  if (isGoMap(v)) return 'object';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return goTypeName(v ?? null);
}

/** json.Unmarshal into map[string]interface{}: a JSON null leaves the map empty. */
function jsonIntoMap(text: string): GoValue {
  const v = unmarshalJson(text);
  if (v === null) return newMap();
  if (!isGoMap(v)) throw new GoError(`json: cannot unmarshal ${jsonTypeName(v)} into Go value of type map[string]interface {}`);
  return v;
}

function jsonIntoArray(text: string): GoValue[] {
  const v = unmarshalJson(text);
  if (v === null) return [];
  if (!Array.isArray(v)) throw new GoError(`json: cannot unmarshal ${jsonTypeName(v)} into Go value of type []interface {}`);
  return v;
}

/** sigs.k8s.io/yaml.Unmarshal into a typed target: YAML -> JSON -> json.Unmarshal. */
function yamlInto(text: string, want: 'map' | 'array'): GoValue {
  const v = parseYaml(text);
  if (v === null || v === undefined) return want === 'map' ? newMap() : [];
  const ok = want === 'map' ? isGoMap(v) : Array.isArray(v);
  if (!ok) {
    const target = want === 'map' ? 'map[string]interface {}' : '[]interface {}';
    throw new GoError(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonTypeName(v)} into Go value of type ${target}`);
  }
  return v;
}

/** go-yaml v3 with SetIndent(2) indents block sequences under their key; v2 (toYaml) does not. */
export function reindentSequences(yaml: string): string {
  const lines = yaml.split('\n');
  const out: string[] = [];
  const stack: { indent: number }[] = [];
  let prevKeyIndent = -1; // indent of the previous line if it was `key:` with a nested value
  let scalarIndent = -1; // inside a block scalar started at this indent
  for (const line of lines) {
    const content = line.trimStart();
    const indent = line.length - content.length;
    if (scalarIndent >= 0) {
      if (content === '' || indent > scalarIndent) {
        out.push(content === '' ? line : ' '.repeat(indent + stack.length * 2) + content);
        continue;
      }
      scalarIndent = -1;
    }
    const isItem = content.startsWith('- ') || content === '-';
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (indent < top.indent || (indent === top.indent && !isItem)) stack.pop();
      else break;
    }
    if (isItem && prevKeyIndent === indent) stack.push({ indent });
    out.push(content === '' ? line : ' '.repeat(indent + stack.length * 2) + content);
    prevKeyIndent = /^(- )*[^#]*:$/.test(content) || /^(- )*("[^"]*"|'[^']*'):$/.test(content) ? indent + (content.match(/^(- )*/)![0].length) : -1;
    if (/(^|: |^- )[|>][-+0-9]*$/.test(content)) scalarIndent = indent + (content.match(/^(- )*/)![0].length);
  }
  return out.join('\n');
}

function tomlToGo(v: unknown): GoValue {
  if (v instanceof TomlDate) {
    const ms = v.getTime();
    if (Number.isNaN(ms)) return v.toISOString();
    const sec = Math.floor(ms / 1000);
    return new GoTime(BigInt(sec), (ms - sec * 1000) * 1e6, v.isLocal() ? 'Local' : 'UTC');
  }
  if (Array.isArray(v)) return v.map(tomlToGo);
  if (v !== null && typeof v === 'object') {
    const m = newMap();
    for (const [k, x] of Object.entries(v)) m[k] = tomlToGo(x);
    return m;
  }
  return v as GoValue;
}

function fromToml(text: string): GoValue {
  try {
    return tomlToGo(parseTomlText(text, { integersAsBigInt: true }));
  } catch (e) {
    const m = newMap();
    const err = e as Error & { line?: number };
    const first = errMsg(err).split('\n')[0].replace(/^Invalid TOML document: /, '');
    m.Error = err.line !== undefined ? `toml: line ${err.line}: ${first}` : `toml: ${first}`;
    return m;
  }
}

/** Sprig's JSON functions (defaults.go). Helm overrides toJson and fromJson. */
export function sprigJsonFuncs(): FuncMap {
  return {
    fromJson: {
      params: ['string'],
      returns: 'interface {}',
      fn: (s: string) => {
        try {
          return unmarshalJson(s);
        } catch {
          return null;
        }
      },
    },
    mustFromJson: {
      params: ['string'],
      returns: 'interface {}',
      fn: (s: string) => {
        try {
          return unmarshalJson(s);
        } catch (e) {
          throw new GoError(errMsg(e));
        }
      },
    },
    toJson: { params: ['any'], returns: 'string', fn: (v: GoValue) => safe(() => marshalJson(v)) },
    mustToJson: { params: ['any'], returns: 'string', fn: (v: GoValue) => must(() => marshalJson(v)) },
    toPrettyJson: { params: ['any'], returns: 'string', fn: (v: GoValue) => safe(() => marshalJson(v, { indent: '  ' })) },
    mustToPrettyJson: { params: ['any'], returns: 'string', fn: (v: GoValue) => must(() => marshalJson(v, { indent: '  ' })) },
    toRawJson: { params: ['any'], returns: 'string', fn: (v: GoValue) => safe(() => marshalJson(v, { escapeHTML: false })) },
    mustToRawJson: { params: ['any'], returns: 'string', fn: (v: GoValue) => must(() => marshalJson(v, { escapeHTML: false })) },
  };
}

function safe(f: () => string): string {
  try {
    return f();
  } catch {
    return '';
  }
}

function must(f: () => string): string {
  try {
    return f();
  } catch (e) {
    throw new GoError(errMsg(e));
  }
}

const trimNl = (s: string) => (s.endsWith('\n') ? s.slice(0, -1) : s);

/** Helm's additions (pkg/engine/funcs.go, helm v4) that need no render context. */
export function helmOwnFuncs(): FuncMap {
  return {
    toToml: {
      params: ['any'],
      returns: 'string',
      fn: (v: GoValue) => {
        try {
          return toToml(v);
        } catch (e) {
          return errMsg(e);
        }
      },
    },
    fromToml: { params: ['string'], returns: 'map[string]interface {}', fn: fromToml },
    toYaml: { params: ['any'], returns: 'string', fn: (v: GoValue) => safe(() => trimNl(toYaml(v))) },
    mustToYaml: { params: ['any'], returns: 'string', fn: (v: GoValue) => must(() => trimNl(toYaml(v))) },
    toYamlPretty: { params: ['any'], returns: 'string', fn: (v: GoValue) => safe(() => trimNl(reindentSequences(toYaml(v)))) },
    fromYaml: {
      params: ['string'],
      returns: 'map[string]interface {}',
      fn: (s: string) => {
        try {
          return yamlInto(s, 'map');
        } catch (e) {
          const m = newMap();
          m.Error = errMsg(e);
          return m;
        }
      },
    },
    fromYamlArray: {
      params: ['string'],
      returns: '[]interface {}',
      fn: (s: string) => {
        try {
          return yamlInto(s, 'array');
        } catch (e) {
          return [errMsg(e)];
        }
      },
    },
    toJson: { params: ['any'], returns: 'string', fn: (v: GoValue) => safe(() => marshalJson(v)) },
    mustToJson: { params: ['any'], returns: 'string', fn: (v: GoValue) => must(() => marshalJson(v)) },
    fromJson: {
      params: ['string'],
      returns: 'map[string]interface {}',
      fn: (s: string) => {
        try {
          return jsonIntoMap(s);
        } catch (e) {
          const m = newMap();
          m.Error = errMsg(e);
          return m;
        }
      },
    },
    fromJsonArray: {
      params: ['string'],
      returns: '[]interface {}',
      fn: (s: string) => {
        try {
          return jsonIntoArray(s);
        } catch (e) {
          return [errMsg(e)];
        }
      },
    },
    required: {
      params: ['string', 'any'],
      returns: 'interface {}',
      fn: (warn: string, val: GoValue) => {
        if (val === null || val === undefined || val === '') throw new GoError(warnWrap(warn));
        return val;
      },
    },
  };
}
