/**
 * Helm's own template functions (pkg/engine/funcs.go) and Sprig's JSON functions.
 * Codecs come from src/encoding: Go's encoding/json, sigs.k8s.io/yaml, BurntSushi/toml.
 */
import { createRequire } from 'node:module';
import { GoError, newMap, type FuncMap, type GoMap, type GoValue } from '../types.js';
import { JsonPartialError, marshalJson, unmarshalJson, unmarshalJsonAs } from '../../encoding/json.js';
import { parseYamlArray, parseYamlMap, toYaml, toYamlPretty } from '../../encoding/yaml.js';
import { toToml } from '../../encoding/toml.js';
import { GoTime } from './time.js';

/** Helm wraps messages of `required` and `fail` so the engine can report them as `execution error at (file:line:col): msg`. */
export const WARN_START = 'HELM_ERR_START';
export const WARN_END = 'HELM_ERR_END';
export const warnWrap = (msg: string) => WARN_START + msg + WARN_END;

const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** json.Unmarshal into map[string]interface{}: a JSON null leaves the map empty. */
function jsonIntoMap(text: string): GoValue {
  return unmarshalJsonAs(text, 'map') ?? newMap();
}

function jsonIntoArray(text: string): GoValue[] {
  return unmarshalJsonAs(text, 'array') ?? [];
}

/** sigs.k8s.io/yaml.Unmarshal into a typed target: YAML -> JSON -> json.Unmarshal. */
function yamlInto(text: string, want: 'map' | 'array'): GoValue {
  return want === 'map' ? parseYamlMap(text) : parseYamlArray(text);
}

type SmolToml = typeof import('smol-toml');
let smolToml: SmolToml | undefined;
/** smol-toml is loaded on first use (fromToml is rare; start-up time matters). */
function toml(): SmolToml {
  smolToml ??= createRequire(import.meta.url)('smol-toml') as SmolToml;
  return smolToml;
}

function tomlToGo(v: unknown): GoValue {
  if (v instanceof toml().TomlDate) {
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
    return tomlToGo(toml().parse(text, { integersAsBigInt: true }));
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
    toYamlPretty: { params: ['any'], returns: 'string', fn: (v: GoValue) => safe(() => trimNl(toYamlPretty(v))) },
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
          // json.Unmarshal fills the map as far as it decoded before reporting a number out of range
          const m = e instanceof JsonPartialError ? (e.partial as GoMap) : newMap();
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
