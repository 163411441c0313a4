/**
 * Validation of rendered Kubernetes objects against the API schemas: built-in kinds through
 * the kubernetes-models validators (one module per group/version/kind, loaded on demand), custom
 * resources through the openAPIV3Schema of CustomResourceDefinitions the chart ships (crds/ or
 * rendered).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import * as nodePath from 'node:path';
import { pathToFileURL } from 'node:url';

export interface SchemaProblem {
  /** Field path like `spec.replicas` ('' for the object itself). */
  path: string;
  message: string;
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

const require = createRequire(import.meta.url);
let modelsRoot: string | null | undefined;

function kubernetesModelsRoot(): string | null {
  if (modelsRoot === undefined) {
    try {
      modelsRoot = nodePath.dirname(require.resolve('kubernetes-models/package.json'));
    } catch {
      modelsRoot = null;
    }
  }
  return modelsRoot;
}

const modelCache = new Map<string, ModelClass | null>();

/** The kubernetes-models class for apiVersion/kind, or null when the package has none. */
export async function builtinModel(apiVersion: string, kind: string): Promise<ModelClass | null> {
  const key = `${apiVersion}|${kind}`;
  if (modelCache.has(key)) return modelCache.get(key)!;
  let found: ModelClass | null = null;
  const root = kubernetesModelsRoot();
  const safe = /^[A-Za-z0-9.-]+(\/[A-Za-z0-9.-]+)?$/.test(apiVersion) && /^[A-Za-z0-9]+$/.test(kind);
  if (root && safe) {
    const file = nodePath.join(root, ...apiVersion.split('/'), `${kind}.mjs`);
    if (existsSync(file)) {
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      const cls = mod[kind];
      if (typeof cls === 'function') found = cls as ModelClass;
    }
  }
  modelCache.set(key, found);
  return found;
}

function pointerToPath(p: string): string {
  return p
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join('')
    .replace(/^\./, '');
}

export function ajvProblems(errors: ErrorObject[] | null | undefined): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    let path = pointerToPath(e.instancePath);
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') {
      const prop = (e.params as { missingProperty: string }).missingProperty;
      path = path === '' ? prop : `${path}.${prop}`;
      message = 'required field is missing';
    } else if (e.keyword === 'enum') {
      message = `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (e.keyword === 'additionalProperties') {
      const prop = (e.params as { additionalProperty: string }).additionalProperty;
      path = path === '' ? prop : `${path}.${prop}`;
      message = 'unknown field';
    }
    const k = `${path}|${message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ path, message });
  }
  return out;
}

/** Validates one object with kubernetes-models; null when the kind is not known. */
export async function validateBuiltin(obj: Record<string, unknown>): Promise<SchemaProblem[] | null> {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const cls = await builtinModel(apiVersion, kind);
  if (!cls) return null;
  try {
    new cls(obj).validate();
    return [];
  } catch (e) {
    const errs = (e as { errors?: ErrorObject[] }).errors;
    if (Array.isArray(errs)) return ajvProblems(errs);
    return [{ path: '', message: (e as Error).message }];
  }
}

/** Schemas of custom resources, from CRD objects. */
export class CrdSchemas {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly validators = new Map<string, ValidateFunction>();
  readonly problems: string[] = [];

  /** Adds the versions of a CustomResourceDefinition (apiextensions.k8s.io/v1). */
  add(crd: Record<string, unknown>): void {
    const spec = crd.spec as Record<string, unknown> | undefined;
    if (!spec || typeof spec.group !== 'string') return;
    const names = spec.names as Record<string, unknown> | undefined;
    const kind = typeof names?.kind === 'string' ? names.kind : '';
    const versions = Array.isArray(spec.versions) ? (spec.versions as Record<string, unknown>[]) : [];
    for (const v of versions) {
      const schema = (v?.schema as Record<string, unknown> | undefined)?.openAPIV3Schema;
      if (!schema || typeof v.name !== 'string') continue;
      try {
        const fn = this.ajv.compile(withoutK8sExtensions(schema) as object);
        this.validators.set(`${spec.group}/${v.name}|${kind}`, fn);
      } catch (e) {
        this.problems.push(`CRD ${kind}.${spec.group} version ${v.name}: schema does not compile: ${(e as Error).message}`);
      }
    }
  }

  has(apiVersion: string, kind: string): boolean {
    return this.validators.has(`${apiVersion}|${kind}`);
  }

  validate(obj: Record<string, unknown>): SchemaProblem[] | null {
    const fn = this.validators.get(`${String(obj.apiVersion)}|${String(obj.kind)}`);
    if (!fn) return null;
    // apiVersion, kind and metadata are checked by the API server itself, not the CRD schema
    const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = obj;
    const body = { ...rest };
    if (fn(body)) return [];
    return ajvProblems(fn.errors);
  }
}

/** Drops the x-kubernetes-* keywords and turns `nullable: true` into a null-accepting type. */
function withoutK8sExtensions(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(withoutK8sExtensions);
  if (s === null || typeof s !== 'object') return s;
  const out: Record<string, unknown> = {};
  const src = s as Record<string, unknown>;
  for (const [k, v] of Object.entries(src)) {
    if (k.startsWith('x-kubernetes-')) continue;
    if (k === 'nullable') continue;
    if (k === 'properties' || k === 'patternProperties' || k === 'definitions') {
      const m: Record<string, unknown> = {};
      for (const [pk, pv] of Object.entries(v as Record<string, unknown>)) m[pk] = withoutK8sExtensions(pv);
      out[k] = m;
    } else out[k] = withoutK8sExtensions(v);
  }
  if (src['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (src.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}
