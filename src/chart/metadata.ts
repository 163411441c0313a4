/**
 * Chart.yaml metadata with Helm's Go field names (`.Chart.Name`, `.Chart.AppVersion`, …),
 * decoded the way Helm decodes it (YAML → JSON → Go struct): scalars landing in string fields
 * are converted to their Go text (`appVersion: 1.10` becomes "1.1"), other type mismatches are
 * errors worded like encoding/json's, unknown keys are ignored.
 */
import { createRequire } from 'node:module';
import type { SemVer } from 'semver';
import type { GoMap, GoValue } from '../engine/types.js';
import { isGoMap, markNamedMap, newMap } from '../engine/types.js';
import { basePath } from './match.js';

export interface Maintainer {
  Name: string;
  Email: string;
  URL: string;
}

export interface Dependency {
  Name: string;
  Version: string;
  Repository: string;
  Condition: string;
  Tags: string[];
  Enabled: boolean;
  ImportValues: GoValue[];
  Alias: string;
}

export interface Metadata {
  Name: string;
  Home: string;
  Sources: string[];
  Version: string;
  Description: string;
  Keywords: string[];
  Maintainers: Maintainer[];
  Icon: string;
  APIVersion: string;
  Condition: string;
  Tags: string;
  AppVersion: string;
  Deprecated: boolean;
  Annotations: Record<string, string> | null;
  KubeVersion: string;
  Dependencies: Dependency[];
  Type: string;
}

export class ChartLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChartLoadError';
  }
}

export function emptyMetadata(): Metadata {
  return {
    Name: '',
    Home: '',
    Sources: [],
    Version: '',
    Description: '',
    Keywords: [],
    Maintainers: [],
    Icon: '',
    APIVersion: '',
    Condition: '',
    Tags: '',
    AppVersion: '',
    Deprecated: false,
    Annotations: null,
    KubeVersion: '',
    Dependencies: [],
    Type: '',
  };
}

function jsonKind(v: GoValue): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

function unmarshalError(kind: string, field: string, goType: string): ChartLoadError {
  return new ChartLoadError(
    `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go struct field ${field} of type ${goType}`,
  );
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64). */
export function formatFloatG(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(f)));
  const shortest = String(f);
  // Go uses %e when exp < -4 || exp >= 21 (precision -1 uses eprec 21 for shortest)
  const m = /e([+-]\d+)$/.exec(f.toExponential());
  const e = m ? Number(m[1]) : exp;
  if (e < -4 || e >= 21) {
    const [mant, ex] = f.toExponential().split('e');
    const n = Number(ex);
    const sign = n < 0 ? '-' : '+';
    const abs = Math.abs(n);
    return `${mant}e${sign}${abs < 10 ? '0' + abs : abs}`;
  }
  if (/e/.test(shortest)) return f.toFixed(Math.max(0, -e + 20)).replace(/\.?0+$/, '');
  return shortest;
}

function toGoString(v: GoValue, field: string, lenient: boolean): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (lenient) {
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number') return formatFloatG(v);
  }
  throw unmarshalError(jsonKind(v), field, 'string');
}

function toStringList(v: GoValue, field: string): string[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw unmarshalError(jsonKind(v), field, '[]string');
  return v.map((x) => toGoString(x, field, true));
}

function toBool(v: GoValue, field: string): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  throw unmarshalError(jsonKind(v), field, 'bool');
}

function field(m: GoMap, key: string): GoValue {
  return Object.prototype.hasOwnProperty.call(m, key) ? m[key] : undefined;
}

function decodeMaintainer(v: GoValue): Maintainer {
  if (v === null || v === undefined) return { Name: '', Email: '', URL: '' };
  if (!isGoMap(v)) throw unmarshalError(jsonKind(v), 'Metadata.maintainers', 'chart.Maintainer');
  return {
    Name: toGoString(field(v, 'name'), 'Maintainer.name', true),
    Email: toGoString(field(v, 'email'), 'Maintainer.email', true),
    URL: toGoString(field(v, 'url'), 'Maintainer.url', true),
  };
}

export function decodeDependency(v: GoValue): Dependency {
  if (v === null || v === undefined) v = newMap();
  if (!isGoMap(v)) throw unmarshalError(jsonKind(v), 'Metadata.dependencies', 'chart.Dependency');
  const iv = field(v, 'import-values');
  if (iv !== undefined && iv !== null && !Array.isArray(iv)) throw unmarshalError(jsonKind(iv), 'Dependency.import-values', '[]interface {}');
  return {
    Name: toGoString(field(v, 'name'), 'Dependency.name', true),
    Version: toGoString(field(v, 'version'), 'Dependency.version', true),
    Repository: toGoString(field(v, 'repository'), 'Dependency.repository', true),
    Condition: toGoString(field(v, 'condition'), 'Dependency.condition', true),
    Tags: toStringList(field(v, 'tags'), 'Dependency.tags'),
    Enabled: toBool(field(v, 'enabled'), 'Dependency.enabled'),
    ImportValues: Array.isArray(iv) ? [...iv] : [],
    Alias: toGoString(field(v, 'alias'), 'Dependency.alias', true),
  };
}

function decodeDependencies(v: GoValue, fieldName: string): Dependency[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw unmarshalError(jsonKind(v), fieldName, '[]*chart.Dependency');
  return v.map(decodeDependency);
}

/** Decodes parsed Chart.yaml content into `md` (like json.Unmarshal into an existing struct). */
export function decodeMetadata(doc: GoValue, md: Metadata = emptyMetadata()): Metadata {
  if (doc === null || doc === undefined) return md;
  if (!isGoMap(doc)) throw new ChartLoadError(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(doc)} into Go value of type chart.Metadata`);
  const strFields: [keyof Metadata, string][] = [
    ['Name', 'name'],
    ['Home', 'home'],
    ['Version', 'version'],
    ['Description', 'description'],
    ['Icon', 'icon'],
    ['APIVersion', 'apiVersion'],
    ['Condition', 'condition'],
    ['Tags', 'tags'],
    ['AppVersion', 'appVersion'],
    ['KubeVersion', 'kubeVersion'],
    ['Type', 'type'],
  ];
  for (const [goName, key] of strFields) {
    const v = field(doc, key);
    if (v !== undefined) (md as unknown as Record<string, unknown>)[goName] = toGoString(v, `Metadata.${key}`, true);
  }
  if (field(doc, 'sources') !== undefined) md.Sources = toStringList(field(doc, 'sources'), 'Metadata.sources');
  if (field(doc, 'keywords') !== undefined) md.Keywords = toStringList(field(doc, 'keywords'), 'Metadata.keywords');
  const mt = field(doc, 'maintainers');
  if (mt !== undefined) {
    if (mt !== null && !Array.isArray(mt)) throw unmarshalError(jsonKind(mt), 'Metadata.maintainers', '[]*chart.Maintainer');
    md.Maintainers = (mt ?? []).map(decodeMaintainer);
  }
  if (field(doc, 'deprecated') !== undefined) md.Deprecated = toBool(field(doc, 'deprecated'), 'Metadata.deprecated');
  const an = field(doc, 'annotations');
  if (an !== undefined) {
    if (an === null) md.Annotations = null;
    else if (!isGoMap(an)) throw unmarshalError(jsonKind(an), 'Metadata.annotations', 'map[string]string');
    else {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(an)) out[k] = toGoString(v, 'Metadata.annotations', true);
      md.Annotations = out;
    }
  }
  if (field(doc, 'dependencies') !== undefined) md.Dependencies = decodeDependencies(field(doc, 'dependencies'), 'Metadata.dependencies');
  return md;
}

const aliasRe = /^[a-zA-Z0-9_-]+$/;

/** Strips C0/C1 control characters other than tab/newline like Helm's sanitizeString (it maps unprintable runes to spaces). */
function sanitize(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, ' ');
}

/** Helm's Metadata.Validate, with the same error texts. */
export function validateMetadata(md: Metadata): void {
  md.Name = sanitize(md.Name);
  md.Description = sanitize(md.Description);
  md.Home = sanitize(md.Home);
  md.Icon = sanitize(md.Icon);
  md.Condition = sanitize(md.Condition);
  md.Tags = sanitize(md.Tags);
  md.AppVersion = sanitize(md.AppVersion);
  md.KubeVersion = sanitize(md.KubeVersion);
  const fail = (m: string) => new ChartLoadError(`validation: ${m}`);
  if (md.APIVersion === '') throw fail('chart.metadata.apiVersion is required');
  if (md.Name === '') throw fail('chart.metadata.name is required');
  if (md.Name !== basePath(md.Name) || md.Name === '.' || md.Name === '..') throw fail(`chart.metadata.name ${JSON.stringify(md.Name)} is invalid`);
  if (md.Version === '') throw fail('chart.metadata.version is required');
  if (!isValidSemver(md.Version)) throw fail(`chart.metadata.version ${JSON.stringify(md.Version)} is invalid`);
  if (!(md.Type === '' || md.Type === 'application' || md.Type === 'library')) throw fail('chart.metadata.type must be application or library');
  const seen = new Set<string>();
  for (const d of md.Dependencies) {
    if (d.Alias !== '' && !aliasRe.test(d.Alias)) throw fail(`dependency ${JSON.stringify(d.Name)} has disallowed characters in the alias`);
    const key = d.Alias !== '' ? d.Alias : d.Name;
    if (seen.has(key)) throw fail(`more than one dependency with name or alias ${JSON.stringify(key)}`);
    seen.add(key);
  }
}

/** Masterminds/semver NewVersion acceptance (loose: optional v, 1 to 3 numeric parts). */
export function isValidSemver(v: string): boolean {
  return /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/.test(v);
}

/** Masterminds/semver-compatible version parse: coerces "1.2" to 1.2.0 while keeping prerelease/build. */
export function parseSemver(v: string): SemVer | null {
  const m = /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(v.trim());
  if (!m) return null;
  const s = `${m[1]}.${m[2] ?? '0'}.${m[3] ?? '0'}${m[4] ?? ''}${m[5] ?? ''}`;
  const SemVerClass = semverModule('semver/classes/semver.js') as new (v: string, o: object) => SemVer;
  try {
    return new SemVerClass(s, { loose: true });
  } catch {
    return null;
  }
}

/** The map `.Chart` renders as (Helm's MetadataAsMap plus IsRoot). */
export function metadataAsMap(md: Metadata, isRoot: boolean): GoMap {
  const m = newMap();
  m.APIVersion = md.APIVersion;
  // map[string]string (nil when Chart.yaml has none: prints map[], JSON null); not a map[string]interface {}
  m.Annotations = markNamedMap(Object.assign(newMap(), md.Annotations ?? {}), 'map[string]string', { elem: '', nil: md.Annotations === null });
  m.AppVersion = md.AppVersion;
  m.Condition = md.Condition;
  m.Dependencies = md.Dependencies.map((d) => {
    const dm = newMap();
    dm.Alias = d.Alias;
    dm.Condition = d.Condition;
    dm.Enabled = d.Enabled;
    dm.ImportValues = [...d.ImportValues];
    dm.Name = d.Name;
    dm.Repository = d.Repository;
    dm.Tags = [...d.Tags];
    dm.Version = d.Version;
    return dm;
  });
  m.Deprecated = md.Deprecated;
  m.Description = md.Description;
  m.Home = md.Home;
  m.Icon = md.Icon;
  m.IsRoot = isRoot;
  m.Keywords = [...md.Keywords];
  m.KubeVersion = md.KubeVersion;
  m.Maintainers = md.Maintainers.map((x) => {
    const mm = newMap();
    mm.Email = x.Email;
    mm.Name = x.Name;
    mm.URL = x.URL;
    return mm;
  });
  m.Name = md.Name;
  m.Sources = [...md.Sources];
  m.Tags = md.Tags;
  m.Type = md.Type;
  m.Version = md.Version;
  return m;
}

export function copyMetadata(md: Metadata): Metadata {
  return {
    ...md,
    Sources: [...md.Sources],
    Keywords: [...md.Keywords],
    Maintainers: md.Maintainers.map((m) => ({ ...m })),
    Annotations: md.Annotations === null ? null : { ...md.Annotations },
    Dependencies: md.Dependencies.map((d) => ({ ...d, Tags: [...d.Tags], ImportValues: [...d.ImportValues] })),
  };
}

const semverCache = new Map<string, unknown>();
/**
 * The parts of the semver package rel uses, loaded on first use (the whole package costs ~100 ms
 * at start-up). Literal require calls: scripts/build-fast.mjs bundles them into the fast path
 * (with a computed path they were loaded from node_modules, outside the bundle's code cache).
 */
const SEMVER_PARTS = {
  'semver/classes/semver.js': () => createRequire(import.meta.url)('semver/classes/semver.js'),
  'semver/classes/range.js': () => createRequire(import.meta.url)('semver/classes/range.js'),
};
/** Loads one part of the semver package on first use (see SEMVER_PARTS). */
export function semverModule(path: keyof typeof SEMVER_PARTS): unknown {
  let m = semverCache.get(path);
  if (m === undefined) {
    m = SEMVER_PARTS[path]();
    semverCache.set(path, m);
  }
  return m;
}
