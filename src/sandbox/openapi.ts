/**
 * A minimal OpenAPI v3 surface: the `/openapi/v3` index and one document per group-version listing
 * each resource's operations with `x-kubernetes-group-version-kind` and the `fieldValidation` and
 * `dryRun` query parameters. kubectl reads it to learn that the server validates fields itself
 * (so `kubectl apply` sends `fieldValidation=Strict` instead of downloading schemas).
 */
import type { ResourceRegistry, ResourceType } from './resources.js';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function openapiV3Index(reg: ResourceRegistry) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [group, versions] of reg.groups()) {
    for (const v of versions) {
      const p = gvPath(group, v);
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash(reg, group, v)}` };
    }
  }
  return { paths };
}

function hash(reg: ResourceRegistry, group: string, version: string): string {
  const s = reg
    .inGroupVersion(group, version)
    .map((r) => `${r.plural}:${r.kind}`)
    .join(',');
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h.toString(16).toUpperCase().padStart(8, '0');
}

const queryParam = (name: string, description: string) => ({ name, in: 'query', description, schema: { type: 'string', uniqueItems: true } });

export function openapiV3Doc(reg: ResourceRegistry, path: string) {
  const m = /^(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!m) return undefined;
  const group = m[1] ? '' : m[2]!;
  const version = m[1] ?? m[3]!;
  const types = reg.inGroupVersion(group, version);
  if (!types.length) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const r of types) {
    const gvk = { group: r.group, version, kind: r.kind };
    const base = `/${gvPath(group, version)}/${r.namespaced ? 'namespaces/{namespace}/' : ''}${r.plural}`;
    const params = [queryParam('dryRun', 'When present, indicates that modifications should not be persisted.'), queryParam('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'), queryParam('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.')];
    const op = (id: string, action: string) => ({ operationId: `${id}${r.kind}`, 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk, responses: { '200': { description: 'OK' } } });
    paths[base] = { get: op('list', 'list'), post: { ...op('create', 'post'), parameters: params } };
    paths[`${base}/{name}`] = {
      get: op('read', 'get'),
      put: { ...op('replace', 'put'), parameters: params },
      patch: { ...op('patch', 'patch'), parameters: [...params, queryParam('force', 'Force is going to "force" Apply requests.')] },
      delete: op('delete', 'delete'),
    };
    schemas[schemaName(r, version)] = { type: 'object', 'x-kubernetes-group-version-kind': [gvk], 'x-kubernetes-preserve-unknown-fields': true };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.33.0' }, paths, components: { schemas } };
}

function schemaName(r: ResourceType, version: string): string {
  const g = r.group ? r.group.split('.').reverse().join('.') : 'core';
  return `io.k8s.api.${g}.${version}.${r.kind}`;
}
