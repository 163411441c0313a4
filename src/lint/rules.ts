/**
 * Helm's chart lint rules (pkg/lint/rules): Chart.yaml fields, values.yaml and its schema,
 * templates (extensions, rendering, YAML of each document, object names, deprecated APIs,
 * selectors), plus validation of every rendered object against the Kubernetes API schemas.
 * Messages use helm's wording where helm has one.
 */
import type { Chart, ChartFile } from '../chart/chart.js';
import { fileText, loadFiles, loadValues, splitYamlDocuments } from '../chart/loader.js';
import { isValidSemver } from '../chart/metadata.js';
import { parseChartYaml } from '../chart/yaml.js';
import type { GoMap, GoValue } from '../engine/types.js';
import { isGoMap } from '../engine/types.js';
import { parseYaml } from '../encoding/yaml.js';
import { CrdSchemas, validateBuiltin } from './kube.js';

export type Severity = 'INFO' | 'WARNING' | 'ERROR';

export interface LintMessage {
  severity: Severity;
  /** Chart-relative file (`Chart.yaml`, `templates/x.yaml`, `templates/`). */
  path: string;
  message: string;
}

export class Linter {
  readonly messages: LintMessage[] = [];
  add(severity: Severity, path: string, message: string): void {
    this.messages.push({ severity, path, message });
  }
  highest(): Severity | null {
    if (this.messages.some((m) => m.severity === 'ERROR')) return 'ERROR';
    if (this.messages.some((m) => m.severity === 'WARNING')) return 'WARNING';
    return this.messages.length ? 'INFO' : null;
  }
}

function goType(v: GoValue): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number' || typeof v === 'bigint') return 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

function isUrl(s: string): boolean {
  // Go's url.ParseRequestURI: absolute URI or absolute path
  if (s.startsWith('/')) return true;
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s) && (() => {
    try {
      new URL(s);
      return true;
    } catch {
      return false;
    }
  })();
}

const EMAIL_RE = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** Strict SemVer 2 (no leading v, three parts). */
function isStrictSemver(v: string): boolean {
  return /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/.test(v);
}

/** Chart.yaml rules. Returns false when the file cannot be used at all. */
export function lintChartfile(l: Linter, files: ChartFile[], dirName: string | null): boolean {
  const f = files.find((x) => x.name === 'Chart.yaml');
  const P = 'Chart.yaml';
  if (!f) {
    l.add('ERROR', P, 'file does not exist');
    return false;
  }
  let doc: GoValue;
  try {
    doc = parseChartYaml(fileText(f), P);
  } catch (e) {
    l.add('ERROR', P, `unable to parse YAML\n\t${(e as Error).message}`);
    return false;
  }
  if (!isGoMap(doc)) {
    l.add('ERROR', P, 'unable to parse YAML: the file must hold a mapping');
    return false;
  }
  const s = (k: string): string => (typeof doc[k] === 'string' ? (doc[k] as string) : doc[k] === undefined || doc[k] === null ? '' : String(doc[k]));
  const name = s('name');
  if (name === '') l.add('ERROR', P, 'name is required');
  else if (name.includes('/') || name.includes('\\') || name === '.' || name === '..') l.add('ERROR', P, `chart name ${JSON.stringify(name)} is invalid`);
  // rel's hint, not a helm 4 rule: INFO so that --strict still agrees with helm
  else if (dirName !== null && dirName !== name) l.add('INFO', P, `directory name (${dirName}) and chart name (${name}) do not match`);
  const api = s('apiVersion');
  if (api === '') l.add('ERROR', P, 'apiVersion is required. The value must be either "v1" or "v2"');
  else if (api !== 'v1' && api !== 'v2') l.add('ERROR', P, `apiVersion '${api}' is not valid. The value must be either "v1" or "v2"`);
  const ver = doc.version;
  if (ver !== undefined && ver !== null && typeof ver !== 'string') l.add('ERROR', P, `version should be of type string but it's of type ${goType(ver)}`);
  const av = doc.appVersion;
  if (av !== undefined && av !== null && typeof av !== 'string') l.add('ERROR', P, `appVersion should be of type string but it's of type ${goType(av)}`);
  const version = s('version');
  if (version === '') l.add('ERROR', P, 'version is required');
  else if (!isValidSemver(version)) l.add('ERROR', P, `version '${version}' is not a valid SemVer`);
  const mt = doc.maintainers;
  if (Array.isArray(mt)) {
    for (const m of mt) {
      if (!isGoMap(m)) continue;
      const mn = typeof m.name === 'string' ? m.name : '';
      if (mn === '') l.add('ERROR', P, 'each maintainer requires a name');
      else if (typeof m.email === 'string' && m.email !== '' && !EMAIL_RE.test(m.email)) l.add('ERROR', P, `invalid email '${m.email}' for maintainer '${mn}'`);
      else if (typeof m.url === 'string' && m.url !== '' && !isUrl(m.url)) l.add('ERROR', P, `invalid url '${m.url}' for maintainer '${mn}'`);
    }
  }
  if (Array.isArray(doc.sources)) {
    for (const src of doc.sources) if (typeof src === 'string' && (src === '' || !isUrl(src))) l.add('ERROR', P, `invalid source URL '${src}'`);
  }
  const icon = s('icon');
  if (icon === '') l.add('INFO', P, 'icon is recommended');
  else if (!isUrl(icon)) l.add('ERROR', P, `invalid icon URL '${icon}'`);
  const type = s('type');
  if (api === 'v1' && type !== '') l.add('ERROR', P, "chart type is not valid in apiVersion 'v1'. It is valid in apiVersion 'v2'");
  else if (type !== '' && type !== 'application' && type !== 'library') l.add('ERROR', P, `chart type '${type}' is not valid; it must be application or library`);
  if (api === 'v1' && Array.isArray(doc.dependencies)) l.add('ERROR', P, "dependencies are not valid in the Chart file with apiVersion 'v1'. They are valid in apiVersion 'v2'");
  if (version !== '' && isValidSemver(version) && !isStrictSemver(version)) l.add('WARNING', P, `version '${version}' is not a valid SemVerV2`);
  return true;
}

/** values.yaml and values.schema.json rules (file-level; schema checks of merged values come with rendering). */
export function lintValuesFile(l: Linter, files: ChartFile[]): void {
  const f = files.find((x) => x.name === 'values.yaml');
  if (!f) l.add('INFO', 'values.yaml', 'file does not exist');
  else {
    try {
      loadValues(fileText(f), 'values.yaml');
    } catch (e) {
      l.add('ERROR', 'values.yaml', `unable to parse YAML: ${(e as Error).message}`);
    }
  }
  const s = files.find((x) => x.name === 'values.schema.json');
  if (s) {
    try {
      JSON.parse(fileText(s));
    } catch (e) {
      l.add('ERROR', 'values.schema.json', `invalid JSON: ${(e as Error).message}`);
    }
  }
}

/** Loads the chart from its files; a load error becomes a lint error. */
export async function lintLoad(l: Linter, files: ChartFile[]): Promise<Chart | null> {
  try {
    return await loadFiles(files);
  } catch (e) {
    l.add('ERROR', 'Chart.yaml', `unable to load chart: ${(e as Error).message}`);
    return null;
  }
}

/** Chart.yaml dependencies versus charts/. */
export function lintDependencies(l: Linter, c: Chart): void {
  const have = new Set(c.dependencies().map((d) => d.name()));
  const missing = c.metadata.Dependencies.filter((d) => !have.has(d.Name)).map((d) => d.Name);
  if (missing.length) l.add('ERROR', 'Chart.yaml', `chart directory is missing these dependencies: ${[...new Set(missing)].join(',')} (run \`rel dependency build\`)`);
  const named = new Set(c.metadata.Dependencies.map((d) => d.Name));
  const extra = c.dependencies().filter((d) => !named.has(d.name())).map((d) => d.name());
  if (extra.length && c.metadata.APIVersion === 'v2') l.add('WARNING', 'Chart.yaml', `chart metadata is missing these dependencies: ${extra.join(',')}`);
}

const VALID_EXT = ['.yaml', '.yml', '.tpl', '.txt'];
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

interface Deprecation {
  since: string;
  removed: string;
  use: string;
}

/** Removed Kubernetes APIs still found in charts (apiVersion|kind → deprecation). */
const DEPRECATED: Record<string, Deprecation> = {
  'extensions/v1beta1|Deployment': { since: '1.8', removed: '1.16', use: 'apps/v1 Deployment' },
  'extensions/v1beta1|DaemonSet': { since: '1.8', removed: '1.16', use: 'apps/v1 DaemonSet' },
  'extensions/v1beta1|ReplicaSet': { since: '1.8', removed: '1.16', use: 'apps/v1 ReplicaSet' },
  'extensions/v1beta1|NetworkPolicy': { since: '1.9', removed: '1.16', use: 'networking.k8s.io/v1 NetworkPolicy' },
  'extensions/v1beta1|Ingress': { since: '1.14', removed: '1.22', use: 'networking.k8s.io/v1 Ingress' },
  'apps/v1beta1|Deployment': { since: '1.9', removed: '1.16', use: 'apps/v1 Deployment' },
  'apps/v1beta1|StatefulSet': { since: '1.9', removed: '1.16', use: 'apps/v1 StatefulSet' },
  'apps/v1beta2|Deployment': { since: '1.9', removed: '1.16', use: 'apps/v1 Deployment' },
  'apps/v1beta2|StatefulSet': { since: '1.9', removed: '1.16', use: 'apps/v1 StatefulSet' },
  'apps/v1beta2|DaemonSet': { since: '1.9', removed: '1.16', use: 'apps/v1 DaemonSet' },
  'batch/v1beta1|CronJob': { since: '1.21', removed: '1.25', use: 'batch/v1 CronJob' },
  'policy/v1beta1|PodDisruptionBudget': { since: '1.21', removed: '1.25', use: 'policy/v1 PodDisruptionBudget' },
  'networking.k8s.io/v1beta1|Ingress': { since: '1.19', removed: '1.22', use: 'networking.k8s.io/v1 Ingress' },
  'autoscaling/v2beta1|HorizontalPodAutoscaler': { since: '1.22', removed: '1.25', use: 'autoscaling/v2 HorizontalPodAutoscaler' },
  'autoscaling/v2beta2|HorizontalPodAutoscaler': { since: '1.23', removed: '1.26', use: 'autoscaling/v2 HorizontalPodAutoscaler' },
  'apiextensions.k8s.io/v1beta1|CustomResourceDefinition': { since: '1.16', removed: '1.22', use: 'apiextensions.k8s.io/v1 CustomResourceDefinition' },
};

/** A rendered document: the file it came from and its parsed object. */
export interface RenderedObject {
  file: string;
  obj: Record<string, unknown>;
}

function objLabel(o: Record<string, unknown>): string {
  const md = isGoMap(o.metadata as GoValue) ? (o.metadata as GoMap) : null;
  const name = md && typeof md.name === 'string' ? md.name : '';
  return `${String(o.kind ?? '?')} ${JSON.stringify(name)} (${String(o.apiVersion ?? '?')})`;
}

/** Converts the Go value model into plain JSON data for schema validation. */
export function toPlain(v: GoValue): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof Date) return v.toISOString();
  if (isGoMap(v)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = toPlain(x);
    return o;
  }
  return v;
}

/**
 * Checks rendered templates. `rendered` maps template names (`chart/templates/x.yaml`) to text.
 * Only the chart's own templates get helm's per-file checks; every object (subcharts too) is
 * validated against the Kubernetes schemas.
 */
export async function lintRendered(l: Linter, c: Chart, rendered: Map<string, string>): Promise<void> {
  const objects: RenderedObject[] = [];
  const prefix = `${c.name()}/`;
  const ownTemplates = new Set(c.templates.map((t) => t.name));
  for (const t of c.templates) {
    const ext = t.name.includes('.') ? t.name.slice(t.name.lastIndexOf('.')) : '';
    if (!VALID_EXT.includes(ext)) l.add('ERROR', t.name, `file extension '${ext}' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt`);
  }
  const names = [...rendered.keys()].sort();
  for (const full of names) {
    const rel = full.startsWith(prefix) ? full.slice(prefix.length) : full;
    const base = rel.slice(rel.lastIndexOf('/') + 1);
    if (base.startsWith('_') || !(rel.endsWith('.yaml') || rel.endsWith('.yml'))) continue;
    const own = ownTemplates.has(rel);
    const text = rendered.get(full)!;
    for (const doc of splitYamlDocuments(text)) {
      if (doc.trim() === '') continue;
      let v: GoValue;
      try {
        v = parseYaml(doc) as GoValue;
      } catch (e) {
        const msg = (e as Error).message;
        l.add('ERROR', rel, `unable to parse YAML: ${msg.startsWith('error converting YAML to JSON') ? msg : `error converting YAML to JSON: ${msg}`}`);
        continue;
      }
      if (!isGoMap(v)) continue;
      const obj = toPlain(v) as Record<string, unknown>;
      if (own) perObjectChecks(l, rel, obj, doc);
      objects.push({ file: rel, obj });
    }
  }
  await validateObjects(l, c, objects);
}

function perObjectChecks(l: Linter, file: string, obj: Record<string, unknown>, text: string): void {
  const md = (obj.metadata ?? {}) as Record<string, unknown>;
  const name = typeof md.name === 'string' ? md.name : '';
  if (name !== '' && !DNS1123_SUBDOMAIN.test(name)) {
    l.add(
      'WARNING',
      file,
      `object name does not conform to Kubernetes naming requirements: ${JSON.stringify(name)}: metadata.name: Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
  }
  const dep = DEPRECATED[`${String(obj.apiVersion)}|${String(obj.kind)}`];
  if (dep) l.add('WARNING', file, `${String(obj.apiVersion)} ${String(obj.kind)} is deprecated in v${dep.since}+, unavailable in v${dep.removed}+; use ${dep.use}`);
  if (['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet'].includes(String(obj.kind))) {
    if (!text.includes('matchLabels') && !text.includes('matchExpressions')) {
      l.add('ERROR', file, `a ${String(obj.kind)} must contain matchLabels or matchExpressions, and ${JSON.stringify(name)} does not`);
    }
  }
}

/** Kubernetes schema validation of every object; CRDs from crds/ and rendered ones describe custom resources. */
export async function validateObjects(l: Linter, c: Chart, objects: RenderedObject[]): Promise<void> {
  const crds = new CrdSchemas();
  for (const crd of c.crdObjects()) {
    for (const doc of splitYamlDocuments(new TextDecoder().decode(crd.file.data))) {
      if (doc.trim() === '') continue;
      try {
        const v = toPlain(parseYaml(doc) as GoValue) as Record<string, unknown>;
        if (v && v.kind === 'CustomResourceDefinition') crds.add(v);
      } catch (e) {
        l.add('ERROR', crd.filename.slice(c.name().length + 1), `unable to parse YAML: ${(e as Error).message}`);
      }
    }
  }
  for (const o of objects) if (o.obj.kind === 'CustomResourceDefinition') crds.add(o.obj);
  for (const p of crds.problems) l.add('WARNING', 'crds/', p);
  for (const { file, obj } of objects) {
    if (typeof obj.apiVersion !== 'string' || obj.apiVersion === '' || typeof obj.kind !== 'string' || obj.kind === '') {
      l.add('ERROR', file, `object has no ${typeof obj.apiVersion !== 'string' || obj.apiVersion === '' ? 'apiVersion' : 'kind'}; every Kubernetes object needs apiVersion and kind`);
      continue;
    }
    let problems = crds.validate(obj);
    if (problems === null) problems = await validateBuiltin(obj);
    if (problems !== null) problems.push(...selectorProblems(obj));
    if (problems === null) {
      l.add('INFO', file, `${objLabel(obj)}: no schema known for this kind; not validated`);
      continue;
    }
    for (const p of problems) l.add('ERROR', file, `${objLabel(obj)}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`);
  }
}

const SELECTOR_KINDS = new Set(['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'ReplicationController']);

function matchesExpression(labels: Record<string, string>, e: Record<string, unknown>): boolean {
  const key = String(e.key ?? '');
  const values = Array.isArray(e.values) ? e.values.map(String) : [];
  const has = Object.prototype.hasOwnProperty.call(labels, key);
  switch (e.operator) {
    case 'In':
      return has && values.includes(labels[key]!);
    case 'NotIn':
      return !has || !values.includes(labels[key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return true; // the schema check reports bad operators
  }
}

/** The API server's check that a workload's selector selects its own pod template. */
export function selectorProblems(obj: Record<string, unknown>): { path: string; message: string }[] {
  if (!SELECTOR_KINDS.has(String(obj.kind))) return [];
  const spec = obj.spec as Record<string, unknown> | undefined;
  const sel = spec?.selector as Record<string, unknown> | undefined;
  const tpl = spec?.template as Record<string, unknown> | undefined;
  if (!sel || typeof sel !== 'object' || !tpl || typeof tpl !== 'object') return [];
  const raw = ((tpl.metadata as Record<string, unknown> | undefined)?.labels ?? {}) as Record<string, unknown>;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) labels[k] = String(v);
  let ok = true;
  if (obj.kind === 'ReplicationController') {
    for (const [k, v] of Object.entries(sel)) if (labels[k] !== String(v)) ok = false;
  } else {
    const ml = (sel.matchLabels ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(ml)) if (labels[k] !== String(v)) ok = false;
    const me = Array.isArray(sel.matchExpressions) ? (sel.matchExpressions as Record<string, unknown>[]) : [];
    for (const e of me) if (e && !matchesExpression(labels, e)) ok = false;
  }
  if (ok) return [];
  return [{ path: 'spec.template.metadata.labels', message: `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\`` }];
}
