/**
 * `.Files`: the chart's non-template files, with Helm's methods Get, GetBytes, Glob, Lines,
 * AsConfig and AsSecrets (pkg/engine/files.go). Glob patterns follow gobwas/glob with `/` as
 * separator: `*` and `?` stay within a path segment, `**` crosses segments, `{a,b}` alternatives.
 */
import { GoStruct, markNamedMap, newMap, nilBytes, registerNamedMapMethods, sliceOf, type GoMap, type GoValue } from './types.js';
import { goString } from './bytes.js';

export interface NamedData {
  name: string;
  data: Uint8Array;
}

type ToYaml = (v: GoValue) => string;
let toYamlImpl: ToYaml | null = null;

/** Installs the YAML encoder used by AsConfig/AsSecrets (the engine does this). */
export function setFilesYamlEncoder(fn: ToYaml): void {
  toYamlImpl = fn;
}


function baseName(p: string): string {
  const t = p.replace(/\/+$/, '');
  const i = t.lastIndexOf('/');
  return i >= 0 ? t.slice(i + 1) : t;
}

export class Files extends GoStruct {
  readonly goTypeName = 'engine.files';
  declare private readonly entries: Map<string, Uint8Array>;

  constructor(files: Iterable<NamedData> | Map<string, Uint8Array> = []) {
    super();
    Object.defineProperty(this, 'goTypeName', { enumerable: false, value: 'engine.files' });
    const m = new Map<string, Uint8Array>();
    if (files instanceof Map) for (const [k, v] of files) m.set(k, v);
    else for (const f of files) m.set(f.name, f.data);
    Object.defineProperty(this, 'entries', { enumerable: false, value: m });
  }

  /** Names in Go's sorted-map order. */
  names(): string[] {
    return [...this.entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The files as a Go map[string][]byte (for range, printing and JSON). */
  toGoMap(): GoMap {
    const m = newMap();
    for (const k of this.names()) m[k] = this.entries.get(k)!;
    // a missing key reads as []byte(nil), as from Go's map[string][]byte
    filesOfMap.set(m, this);
    return markNamedMap(m, 'engine.files', { elem: NIL_BYTES });
  }

  toJSON(): GoValue {
    return this.toGoMap();
  }

  /** Go's `type files map[string][]byte`: kindOf, len, range and index see the map. */
  goUnderlying(): GoValue {
    return this.toGoMap();
  }

  String(): string {
    return `map[${this.names()
      .map((k) => `${k}:[${Array.from(this.entries.get(k)!).join(' ')}]`)
      .join(' ')}]`;
  }

  GetBytes(name: string): Uint8Array {
    return this.entries.get(name) ?? new Uint8Array(0);
  }

  Get(name: string): string {
    return goString(this.GetBytes(name));
  }

  /**
   * The files matching a glob. The result is a Go map (path → bytes) so that templates can
   * `range` over it, and it answers `.AsConfig` / `.AsSecrets` like Helm's files type.
   */
  Glob(pattern: string): GoMap {
    let re: RegExp;
    try {
      re = compileGlob(pattern);
    } catch {
      re = /^[\s\S]*$/;
    }
    const out = new Map<string, Uint8Array>();
    for (const [k, v] of this.entries) if (re.test(k)) out.set(k, v);
    return filesMap(out);
  }

  AsConfig(): string {
    const m = newMap();
    for (const k of this.names()) m[baseName(k)] = goString(this.entries.get(k)!);
    return encodeYaml(m);
  }

  AsSecrets(): string {
    const m = newMap();
    for (const k of this.names()) m[baseName(k)] = Buffer.from(this.entries.get(k)!).toString('base64');
    return encodeYaml(m);
  }

  Lines(path: string): GoValue[] {
    const data = this.entries.get(path);
    if (data === undefined) return sliceOf('[]string', []);
    let s = goString(data);
    if (s.length > 0 && s.endsWith('\n')) s = s.slice(0, -1);
    return sliceOf('[]string', s.split('\n'));
  }
}

const MAP_METHODS = new Set(['AsConfig', 'AsSecrets']);
const NIL_BYTES = nilBytes();

/**
 * A map[string][]byte with Helm's files methods that take no arguments (AsConfig, AsSecrets),
 * which templates reach as fields (`(.Files.Glob "conf/*").AsConfig`).
 */
export function filesMap(entries: Map<string, Uint8Array>): GoMap {
  const target = newMap();
  for (const k of [...entries.keys()].sort()) target[k] = entries.get(k)!;
  const files = new Files(entries);
  const method = (prop: string): string => (prop === 'AsConfig' ? files.AsConfig() : files.AsSecrets());
  filesOfMap.set(target, files);
  const proxy = new Proxy(target, {
    get(t, prop, recv) {
      if (typeof prop === 'string' && MAP_METHODS.has(prop) && !Object.prototype.hasOwnProperty.call(t, prop)) return method(prop);
      return Reflect.get(t, prop, recv);
    },
    getOwnPropertyDescriptor(t, prop) {
      if (typeof prop === 'string' && MAP_METHODS.has(prop) && !Object.prototype.hasOwnProperty.call(t, prop)) {
        return { value: method(prop), enumerable: false, configurable: true, writable: false };
      }
      return Reflect.getOwnPropertyDescriptor(t, prop);
    },
  });
  filesOfMap.set(proxy, files);
  return markNamedMap(proxy, 'engine.files', { elem: NIL_BYTES });
}

/** The Files behind a map made by filesMap (for the type's methods). */
const filesOfMap = new WeakMap<object, Files>();
const ofMap = (m: object): Files => filesOfMap.get(m) ?? new Files();

registerNamedMapMethods('engine.files', {
  Get: { params: ['string'], returns: 'string', fn(this: object, name: string) { return ofMap(this).Get(name); } },
  GetBytes: { params: ['string'], returns: '[]uint8', fn(this: object, name: string) { return ofMap(this).GetBytes(name); } },
  Glob: { params: ['string'], returns: 'engine.files', fn(this: object, pattern: string) { return ofMap(this).Glob(pattern); } },
  Lines: { params: ['string'], returns: '[]string', fn(this: object, path: string) { return ofMap(this).Lines(path); } },
  AsConfig: { params: [], returns: 'string', fn(this: object) { return ofMap(this).AsConfig(); } },
  AsSecrets: { params: [], returns: 'string', fn(this: object) { return ofMap(this).AsSecrets(); } },
});

function encodeYaml(m: GoMap): string {
  if (!toYamlImpl) throw new Error('Files: no YAML encoder installed');
  try {
    return toYamlImpl(m).replace(/\n$/, '');
  } catch {
    return '';
  }
}

function esc(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? '\\' + c : c;
}

function escClass(c: string): string {
  return /[\\\]^[-]/.test(c) ? '\\' + c : c;
}

/** Compiles a gobwas/glob pattern (separator '/') to a RegExp. Throws on malformed patterns. */
export function compileGlob(pattern: string): RegExp {
  let i = 0;
  const p = [...pattern];
  const parse = (inAlt: boolean): string => {
    let out = '';
    while (i < p.length) {
      const c = p[i]!;
      if (inAlt && (c === ',' || c === '}')) return out;
      if (c === '\\') {
        if (i + 1 >= p.length) throw new Error('bad escape');
        out += esc(p[i + 1]!);
        i += 2;
      } else if (c === '*') {
        if (p[i + 1] === '*') {
          out += '[\\s\\S]*';
          i += 2;
        } else {
          out += '[^/]*';
          i++;
        }
      } else if (c === '?') {
        out += '[^/]';
        i++;
      } else if (c === '[') {
        i++;
        let neg = false;
        if (p[i] === '!') {
          neg = true;
          i++;
        }
        let cls = '';
        while (i < p.length && p[i] !== ']') {
          const a = p[i]!;
          if (p[i + 1] === '-' && p[i + 2] !== undefined && p[i + 2] !== ']') {
            cls += `${escClass(a)}-${escClass(p[i + 2]!)}`;
            i += 3;
          } else {
            cls += escClass(a);
            i++;
          }
        }
        if (p[i] !== ']') throw new Error('unclosed class');
        i++;
        out += neg ? `[^${cls}/]` : `[${cls}]`;
      } else if (c === '{') {
        i++;
        const alts: string[] = [];
        for (;;) {
          alts.push(parse(true));
          if (i >= p.length) throw new Error('unclosed alternatives');
          if (p[i] === '}') {
            i++;
            break;
          }
          i++; // ','
        }
        out += `(?:${alts.join('|')})`;
      } else {
        out += esc(c);
        i++;
      }
    }
    if (inAlt) throw new Error('unclosed alternatives');
    return out;
  };
  const body = parse(false);
  return new RegExp(`^${body}$`, 'u');
}
