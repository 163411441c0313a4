/**
 * Validation of objects the way the API server does it: the Kubernetes OpenAPI schemas for built-in
 * kinds (from the kubernetes-models package), a CRD's openAPIV3Schema for custom resources (ajv),
 * object names (DNS-1123), labels, and the semantic rules clients most often trip over
 * (a Deployment selector that does not match its template, containers without a name or image).
 */
import AjvModule from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { StatusCause } from './errors.js';
import type { ResourceType } from './resources.js';
import type { KubeObject } from './store.js';
import { fromLabelSelectorObject, matchesLabels } from './selectors.js';

const Ajv = AjvModule as unknown as typeof AjvModule.default;

type Obj = Record<string, unknown>;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Kinds whose names must be DNS-1123 labels rather than subdomains. */
const LABEL_NAMED = new Set(['namespaces', 'services']);

function goQuote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? 'null';
}

/** Validates metadata.name (called for creates). Returns causes (empty when valid). */
export function validateName(r: ResourceType, name: string | undefined): StatusCause[] {
  if (!name) return [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }];
  const label = LABEL_NAMED.has(r.plural) && !r.custom;
  const re = label ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
  const max = label ? 63 : 253;
  const causes: StatusCause[] = [];
  if (name.length > max) causes.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: ${goQuote(name)}: must be no more than ${max} characters` });
  if (!re.test(name)) {
    const what = label ? 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')' : 'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')';
    causes.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: ${goQuote(name)}: ${what}` });
  }
  return causes;
}

function validateLabels(labels: unknown, field: string, causes: StatusCause[]): void {
  if (labels === undefined || labels === null) return;
  if (typeof labels !== 'object' || Array.isArray(labels)) return;
  for (const [k, v] of Object.entries(labels as Obj)) {
    const slash = k.indexOf('/');
    const nm = slash >= 0 ? k.slice(slash + 1) : k;
    const prefix = slash >= 0 ? k.slice(0, slash) : '';
    if ((prefix && (!DNS1123_SUBDOMAIN.test(prefix) || prefix.length > 253)) || !QUALIFIED_NAME.test(nm) || nm.length > 63) {
      causes.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${goQuote(k)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')` });
    }
    if (typeof v !== 'string') {
      causes.push({ reason: 'FieldValueInvalid', field: `${field}.${k}`, message: `Invalid value: ${goQuote(v)}: must be a string` });
    } else if (v.length > 63 || !LABEL_VALUE.test(v)) {
      causes.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${goQuote(v)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')` });
    }
  }
}

function fieldPath(instancePath: string): string {
  // "/spec/template/spec/containers/0/name" -> "spec.template.spec.containers[0].name"
  let out = '';
  for (const seg of instancePath.split('/').slice(1)) {
    const s = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else out += out ? `.${s}` : s;
  }
  return out;
}

function valueAtPointer(obj: unknown, ptr: string): unknown {
  let cur = obj;
  for (const seg of ptr.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Obj)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

function ajvCauses(obj: unknown, errs: ErrorObject[] | null | undefined): StatusCause[] {
  const out: StatusCause[] = [];
  const seen = new Set<string>();
  for (const e of errs ?? []) {
    let field = fieldPath(e.instancePath);
    let cause: StatusCause;
    if (e.keyword === 'required') {
      const prop = (e.params as { missingProperty: string }).missingProperty;
      field = field ? `${field}.${prop}` : prop;
      cause = { reason: 'FieldValueRequired', field, message: 'Required value' };
    } else if (e.keyword === 'type') {
      const v = valueAtPointer(obj, e.instancePath);
      const t = (e.params as { type: string }).type;
      cause = { reason: 'FieldValueTypeInvalid', field, message: `Invalid value: ${goQuote(v)}: ${field} in body must be of type ${t}: ${goQuote(Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v)}` };
    } else if (e.keyword === 'enum') {
      const v = valueAtPointer(obj, e.instancePath);
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      cause = { reason: 'FieldValueNotSupported', field, message: `Unsupported value: ${goQuote(v)}: supported values: ${allowed.map((a) => goQuote(a)).join(', ')}` };
    } else if (['minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems'].includes(e.keyword)) {
      const v = valueAtPointer(obj, e.instancePath);
      const lim = (e.params as { limit?: number; pattern?: string }).limit ?? (e.params as { pattern?: string }).pattern;
      const what: Record<string, string> = {
        minimum: `should be greater than or equal to ${lim}`,
        maximum: `should be less than or equal to ${lim}`,
        minLength: `should be at least ${lim} chars long`,
        maxLength: `may not be more than ${lim} bytes`,
        pattern: `should match '${lim}'`,
        minItems: `should have at least ${lim} items`,
        maxItems: `must have at most ${lim} items`,
      };
      cause = { reason: 'FieldValueInvalid', field, message: `Invalid value: ${goQuote(v)}: ${field} in body ${what[e.keyword]}` };
    } else if (e.keyword === 'oneOf' || e.keyword === 'anyOf') {
      continue;
    } else {
      const v = valueAtPointer(obj, e.instancePath);
      cause = { reason: 'FieldValueInvalid', field, message: `Invalid value: ${goQuote(v)}: ${field} in body ${e.message ?? 'is invalid'}` };
    }
    const k = `${cause.field}|${cause.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(cause);
  }
  return out;
}

type ModelClass = { new (data: unknown): { validate(): void } };
const modelCache = new Map<string, ModelClass | null>();

async function loadModel(r: ResourceType): Promise<ModelClass | null> {
  const k = `${r.group}/${r.version}/${r.kind}`;
  if (modelCache.has(k)) return modelCache.get(k)!;
  const dir = r.group ? `${r.group}/${r.version}` : r.version;
  let cls: ModelClass | null = null;
  try {
    const mod = (await import(`kubernetes-models/${dir}/${r.kind}`)) as Record<string, ModelClass>;
    cls = mod[r.kind] ?? null;
  } catch {
    cls = null;
  }
  modelCache.set(k, cls);
  return cls;
}

/** Preloads the schema validators of the built-in kinds (so the first request is not slow). */
export async function preloadValidators(types: ResourceType[]): Promise<void> {
  await Promise.all(types.filter((t) => !t.custom).map((t) => loadModel(t)));
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const crdValidators = new WeakMap<object, ValidateFunction>();

function stripK8sExtensions(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(stripK8sExtensions);
  if (s === null || typeof s !== 'object') return s;
  const o = s as Obj;
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (k.startsWith('x-kubernetes-')) continue;
    out[k] = k === 'properties' || k === 'patternProperties' ? Object.fromEntries(Object.entries(v as Obj).map(([pk, pv]) => [pk, stripK8sExtensions(pv)])) : stripK8sExtensions(v);
  }
  if (o['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (o['x-kubernetes-preserve-unknown-fields'] && !out.type) delete out.type;
  if (out.nullable === true && typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    delete out.nullable;
  }
  return out;
}

/** Schema-validates an object; returns causes (empty when valid). */
export async function validateObject(r: ResourceType, obj: KubeObject): Promise<StatusCause[]> {
  const causes: StatusCause[] = [];
  validateLabels(obj.metadata?.labels, 'metadata.labels', causes);
  const ann = obj.metadata?.annotations;
  if (ann && typeof ann === 'object') {
    for (const [k, v] of Object.entries(ann)) if (typeof v !== 'string') causes.push({ reason: 'FieldValueInvalid', field: `metadata.annotations.${k}`, message: `Invalid value: ${goQuote(v)}: must be a string` });
    const size = Object.entries(ann).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
    if (size > 262144) causes.push({ reason: 'FieldValueTooLong', field: 'metadata.annotations', message: `Too long: must have at most 262144 bytes` });
  }
  if (r.custom) {
    if (r.schema) {
      let v = crdValidators.get(r.schema);
      if (!v) {
        try {
          v = ajv.compile(stripK8sExtensions(r.schema) as object);
        } catch {
          v = ajv.compile({});
        }
        crdValidators.set(r.schema, v);
      }
      const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = obj;
      if (!v({ ...rest })) causes.push(...ajvCauses(obj, v.errors));
    }
    return causes;
  }
  const model = await loadModel(r);
  if (model) {
    try {
      new model(obj).validate();
    } catch (e) {
      const errs = (e as { errors?: ErrorObject[] }).errors;
      if (errs) causes.push(...ajvCauses(obj, errs));
      else causes.push({ reason: 'FieldValueInvalid', message: e instanceof Error ? e.message : String(e) });
    }
  }
  if (causes.length === 0) semantic(r, obj, causes);
  return causes;
}

function podSpecChecks(spec: Obj | undefined, base: string, causes: StatusCause[]): void {
  if (!spec) return;
  const containers = spec.containers as Obj[] | undefined;
  if (!containers || containers.length === 0) causes.push({ reason: 'FieldValueRequired', field: `${base}.containers`, message: 'Required value' });
  const names = new Set<string>();
  for (const [list, arr] of [['containers', containers], ['initContainers', spec.initContainers as Obj[] | undefined]] as const) {
    (arr ?? []).forEach((c, i) => {
      const f = `${base}.${list}[${i}]`;
      const name = c.name as string | undefined;
      if (!name) causes.push({ reason: 'FieldValueRequired', field: `${f}.name`, message: 'Required value' });
      else if (!DNS1123_LABEL.test(name) || name.length > 63) causes.push({ reason: 'FieldValueInvalid', field: `${f}.name`, message: `Invalid value: ${goQuote(name)}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')` });
      else if (names.has(name)) causes.push({ reason: 'FieldValueDuplicate', field: `${f}.name`, message: `Duplicate value: ${goQuote(name)}` });
      if (name) names.add(name);
      if (!c.image) causes.push({ reason: 'FieldValueRequired', field: `${f}.image`, message: 'Required value' });
      ((c.ports as Obj[] | undefined) ?? []).forEach((p, j) => {
        const cp = p.containerPort as number;
        if (typeof cp === 'number' && (cp < 1 || cp > 65535)) causes.push({ reason: 'FieldValueInvalid', field: `${f}.ports[${j}].containerPort`, message: `Invalid value: ${cp}: must be between 1 and 65535, inclusive` });
      });
    });
  }
}

function semantic(r: ResourceType, obj: KubeObject, causes: StatusCause[]): void {
  const spec = obj.spec as Obj | undefined;
  const kind = `${r.group}/${r.kind}`;
  if (kind === '/Pod') podSpecChecks(spec, 'spec', causes);
  if (['apps/Deployment', 'apps/ReplicaSet', 'apps/StatefulSet', 'apps/DaemonSet'].includes(kind) && spec) {
    const sel = spec.selector;
    const tpl = spec.template as { metadata?: { labels?: Record<string, string> }; spec?: Obj } | undefined;
    if (!sel) causes.push({ reason: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' });
    else {
      const req = fromLabelSelectorObject(sel);
      if (req && req.length === 0) causes.push({ reason: 'FieldValueInvalid', field: 'spec.selector', message: `Invalid value: ${JSON.stringify(sel)}: empty selector is invalid for deployment` });
      else if (req && !matchesLabels(req, tpl?.metadata?.labels)) {
        causes.push({ reason: 'FieldValueInvalid', field: 'spec.template.metadata.labels', message: `Invalid value: ${JSON.stringify(tpl?.metadata?.labels ?? {})}: \`selector\` does not match template \`labels\`` });
      }
    }
    validateLabels(tpl?.metadata?.labels, 'spec.template.metadata.labels', causes);
    podSpecChecks(tpl?.spec, 'spec.template.spec', causes);
    if (typeof spec.replicas === 'number' && spec.replicas < 0) causes.push({ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${spec.replicas}: must be greater than or equal to 0` });
  }
  if (kind === 'batch/Job' && spec) {
    const tpl = spec.template as { spec?: Obj } | undefined;
    podSpecChecks(tpl?.spec, 'spec.template.spec', causes);
    const rp = tpl?.spec?.restartPolicy;
    if (rp !== undefined && rp !== 'Never' && rp !== 'OnFailure') causes.push({ reason: 'FieldValueNotSupported', field: 'spec.template.spec.restartPolicy', message: `Unsupported value: ${goQuote(rp)}: supported values: "OnFailure", "Never"` });
  }
  if (kind === '/Service' && spec) {
    const ports = (spec.ports as Obj[] | undefined) ?? [];
    if (spec.type !== 'ExternalName' && ports.length === 0 && spec.clusterIP !== 'None') causes.push({ reason: 'FieldValueRequired', field: 'spec.ports', message: 'Required value' });
    ports.forEach((p, i) => {
      if (typeof p.port === 'number' && (p.port < 1 || p.port > 65535)) causes.push({ reason: 'FieldValueInvalid', field: `spec.ports[${i}].port`, message: `Invalid value: ${p.port}: must be between 1 and 65535, inclusive` });
      if (ports.length > 1 && !p.name) causes.push({ reason: 'FieldValueRequired', field: `spec.ports[${i}].name`, message: 'Required value' });
    });
  }
  if (kind === '/ConfigMap' || kind === '/Secret') {
    for (const f of ['data', 'binaryData', 'stringData'] as const) {
      const d = obj[f] as Obj | undefined;
      for (const k of Object.keys(d ?? {})) {
        if (!/^[-._a-zA-Z0-9]+$/.test(k) || k.length > 253) causes.push({ reason: 'FieldValueInvalid', field: `${f}[${k}]`, message: `Invalid value: ${goQuote(k)}: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')` });
      }
    }
  }
}

// ---- unknown fields (fieldValidation=Strict|Warn|Ignore) ----

type AttrMap = { baseName: string; type: string }[];
type ModelRegistry = Record<string, { getAttributeTypeMap?: () => AttrMap } | undefined>;
let models: ModelRegistry | undefined;

/** Loads the field lists of the built-in types (from @kubernetes/client-node's generated models). */
export async function loadFieldModels(): Promise<void> {
  if (!models) models = (await import('@kubernetes/client-node')) as unknown as ModelRegistry;
}

function rootModel(r: ResourceType): string {
  if (r.group === '' && r.kind === 'Event') return 'CoreV1Event';
  return `${r.version.charAt(0).toUpperCase()}${r.version.slice(1)}${r.kind}`;
}

function walkUnknown(v: unknown, type: string, path: string, out: string[], prune: boolean): void {
  if (v === null || typeof v !== 'object' || type === 'any' || type === 'object') return;
  const arr = /^Array<(.+)>$/.exec(type);
  if (arr) {
    if (Array.isArray(v)) v.forEach((x, i) => walkUnknown(x, arr[1]!, `${path}[${i}]`, out, prune));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (!Array.isArray(v)) for (const [k, x] of Object.entries(v)) walkUnknown(x, map[1]!, `${path}[${k}]`, out, prune);
    return;
  }
  const attrs = models?.[type]?.getAttributeTypeMap?.();
  if (!attrs || Array.isArray(v)) return;
  const known = new Map(attrs.map((a) => [a.baseName, a.type]));
  for (const k of Object.keys(v)) {
    const t = known.get(k);
    const p = path ? `${path}.${k}` : k;
    if (t === undefined) {
      out.push(p);
      if (prune) delete (v as Record<string, unknown>)[k];
    } else walkUnknown((v as Record<string, unknown>)[k], t, p, out, prune);
  }
}

/**
 * Fields of a built-in object that its type does not declare (e.g. `spec.replica`), as paths; with
 * `prune` they are also removed, as decoding into the API's types drops them.
 */
export function unknownFields(r: ResourceType, obj: KubeObject, prune: boolean): string[] {
  const out: string[] = [];
  if (r.custom) {
    // structural schemas prune what they do not declare (unless x-kubernetes-preserve-unknown-fields)
    if (r.schema) walkSchema(obj, r.schema, '', out, prune, true);
    return out;
  }
  if (!models) return [];
  walkUnknown(obj, rootModel(r), '', out, prune);
  return out;
}

function walkSchema(v: unknown, schema: Obj | undefined, path: string, out: string[], prune: boolean, root = false): void {
  if (!schema || v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    const items = schema.items as Obj | undefined;
    if (items) v.forEach((x, i) => walkSchema(x, items, `${path}[${i}]`, out, prune));
    return;
  }
  const props = schema.properties as Record<string, Obj> | undefined;
  const additional = schema.additionalProperties;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = root || schema['x-kubernetes-embedded-resource'] === true;
  for (const k of Object.keys(v)) {
    const p = path ? `${path}.${k}` : k;
    const child = (v as Obj)[k];
    if (embedded && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
    if (props && k in props) walkSchema(child, props[k], p, out, prune);
    else if (additional && typeof additional === 'object') walkSchema(child, additional as Obj, p, out, prune);
    else if (!preserve && additional !== true && (props || schema.type === 'object')) {
      out.push(p);
      if (prune) delete (v as Obj)[k];
    }
  }
}

// ---- update rules (immutable fields) ----

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Checks an update against the fields the API server keeps immutable; returns causes. */
export function validateUpdate(r: ResourceType, old: KubeObject, next: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const kind = `${r.group}/${r.kind}`;
  const os = (old.spec ?? {}) as Obj;
  const ns = (next.spec ?? {}) as Obj;
  const immutable = (field: string, a: unknown, b: unknown) => {
    if (!same(a, b)) causes.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(b ?? null)}: field is immutable` });
  };
  if (['apps/Deployment', 'apps/ReplicaSet', 'apps/DaemonSet', 'apps/StatefulSet'].includes(kind)) immutable('spec.selector', os.selector, ns.selector);
  if (kind === 'apps/StatefulSet') {
    const allowed = new Set(['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds']);
    const keys = new Set([...Object.keys(os), ...Object.keys(ns)]);
    if ([...keys].some((k) => !allowed.has(k) && !same(os[k], ns[k]))) {
      causes.push({ reason: 'FieldValueForbidden', field: 'spec', message: "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden" });
    }
  }
  if (kind === 'batch/Job') {
    immutable('spec.selector', os.selector, ns.selector);
    immutable('spec.completions', os.completions, ns.completions);
    if (!same(os.template, ns.template)) causes.push({ reason: 'FieldValueInvalid', field: 'spec.template', message: `Invalid value: ${JSON.stringify(ns.template ?? null)}: field is immutable` });
  }
  if (kind === '/Service' && os.clusterIP && ns.clusterIP !== undefined && ns.clusterIP !== '' && ns.clusterIP !== os.clusterIP && os.type !== 'ExternalName') {
    immutable('spec.clusterIPs[0]', os.clusterIP, ns.clusterIP);
  }
  if ((kind === '/ConfigMap' || kind === '/Secret') && old.immutable === true) {
    if (next.immutable !== true) causes.push({ reason: 'FieldValueForbidden', field: 'immutable', message: 'Forbidden: field is immutable when `immutable` is set' });
    for (const f of ['data', 'binaryData']) if (!same(old[f], next[f])) causes.push({ reason: 'FieldValueForbidden', field: f, message: 'Forbidden: field is immutable when `immutable` is set' });
  }
  if (kind === '/Secret' && old.type !== undefined && next.type !== old.type) immutable('type', old.type, next.type);
  if (kind === '/PersistentVolumeClaim') {
    const strip = (s: Obj) => ({ ...s, resources: undefined, volumeName: undefined, storageClassName: undefined, volumeAttributesClassName: undefined });
    if (!same(strip(os), strip(ns))) causes.push({ reason: 'FieldValueForbidden', field: 'spec', message: 'Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims' });
  }
  return causes;
}
