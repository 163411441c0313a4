/**
 * The HTTP front of the sandbox API server (node:http on loopback): URL routing in the Kubernetes
 * REST layout, content negotiation (JSON, YAML bodies, Table output), chunked watch streams, the
 * fault switch for tests, and the `/sandbox/*` admin endpoints.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as YAML from 'yaml';
import { type Cluster, PATCH_CONTENT_TYPES } from './api.js';
import { aggregatedDiscovery, apiGroupDoc, apiGroupList, apiResourceList, apiVersions, KUBE_VERSION } from './discovery.js';
import { ApiError, errors } from './errors.js';
import { openapiV3Doc, openapiV3Index } from './openapi.js';
import { decodeProtobuf } from './protobuf.js';
import { apiVersionOf, resourceKey, type ResourceType } from './resources.js';
import { parseFieldSelector, parseLabelSelector, matchesFields, matchesLabels } from './selectors.js';
import type { KubeObject, StoreEvent } from './store.js';
import { toTable } from './table.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024; // the API server's request body limit

export interface FaultConfig {
  /** share (0–1) of API requests answered with an error */
  errorRate: number;
  /** the error status: 500 or 429 */
  status: 500 | 429;
  /** extra latency added to every API request */
  latencyMs: number;
}

export interface ServerOptions {
  /** interval between watch bookmarks (ms) */
  bookmarkIntervalMs?: number;
  /** extra routes (e.g. the traffic module's /metrics); return true when handled */
  extraRoutes?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean | Promise<boolean>;
  log?: (line: string) => void;
}

type Query = URLSearchParams;

/** gnostic openapi_v2.Document { swagger: "2.0", info: { title: "Kubernetes", version: "v1.33.0" } } in protobuf wire format. */
const OPENAPI_V2_PROTO = (() => {
  const str = (field: number, s: string) => Buffer.concat([Buffer.from([(field << 3) | 2, Buffer.byteLength(s)]), Buffer.from(s)]);
  const info = Buffer.concat([str(1, 'Kubernetes'), str(2, 'v1.33.0')]);
  return Buffer.concat([str(1, '2.0'), Buffer.from([(2 << 3) | 2, info.length]), info]);
})();

function send(res: http.ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  if (res.headersSent) return;
  const data = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(data), 'Cache-Control': 'no-cache, private' });
  res.end(data);
}

function sendError(res: http.ServerResponse, e: unknown): void {
  const err = e instanceof ApiError ? e : errors.internal(e instanceof Error ? e.message : String(e));
  if (err.code === 429 && !res.headersSent) res.setHeader('Retry-After', '1');
  send(res, err.code, err.toStatus());
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY_BYTES) throw errors.tooLarge(`Request entity too large: limit is ${MAX_BODY_BYTES}`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseBody(buf: Buffer, contentType: string): unknown {
  const ct = contentType.split(';')[0]!.trim().toLowerCase();
  if (ct === 'application/vnd.kubernetes.protobuf') return decodeProtobuf(buf);
  if (ct.includes('protobuf')) throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
  const text = buf.toString('utf8');
  if (!text.trim()) throw errors.badRequest('the body of the request was empty; an object is required');
  if (ct === 'application/yaml' || ct === 'application/x-yaml') {
    try {
      return YAML.parse(text);
    } catch (e) {
      throw errors.badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(`the body of the request was in an unknown format - it could not be decoded as JSON: ${(e as Error).message}`);
  }
}

interface Route {
  r: ResourceType;
  ns?: string;
  name?: string;
  sub?: string;
}

/** Simulated container logs: the sandbox runs no containers, so it tells what it simulates. */
function podLog(pod: KubeObject, container: string | undefined): string {
  const spec = pod.spec as { containers?: { name: string; image?: string }[] };
  const st = pod.status as { phase?: string; startTime?: string; containerStatuses?: { name: string; state?: Record<string, { reason?: string; message?: string }> }[] } | undefined;
  const containers = spec.containers ?? [];
  const c = container ? containers.find((x) => x.name === container) : containers[0];
  if (!c) throw errors.badRequest(`container ${container} is not valid for pod ${pod.metadata.name}`);
  const cs = st?.containerStatuses?.find((x) => x.name === c.name);
  const state = cs?.state ? Object.entries(cs.state)[0] : undefined;
  const lines = [`${st?.startTime ?? pod.metadata.creationTimestamp} rel sandbox: simulated container "${c.name}" (image ${c.image ?? '?'}) in pod ${pod.metadata.namespace}/${pod.metadata.name}`];
  if (state) lines.push(`state: ${state[0]}${state[1]?.reason ? ` (${state[1].reason})` : ''}${state[1]?.message ? `: ${state[1].message}` : ''}`);
  return lines.join('\n') + '\n';
}

export class SandboxServer {
  readonly server: http.Server;
  faults: FaultConfig = { errorRate: 0, status: 500, latencyMs: 0 };
  private watches = new Set<http.ServerResponse>();
  private opts: ServerOptions;

  constructor(
    readonly cluster: Cluster,
    opts: ServerOptions = {},
  ) {
    this.opts = opts;
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((e) => sendError(res, e));
    });
    this.server.keepAliveTimeout = 60_000;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const w of this.watches) w.end();
    this.watches.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const p = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (this.opts.extraRoutes && (await this.opts.extraRoutes(req, res))) return;
    if (p.startsWith('/sandbox/')) return this.admin(req, res, p, method);
    if (p === '/version') return send(res, 200, KUBE_VERSION);
    if (p === '/healthz' || p === '/livez' || p === '/readyz') return send(res, 200, 'ok', 'text/plain');

    const isApi = p === '/api' || p.startsWith('/api/') || p === '/apis' || p.startsWith('/apis/');
    if (isApi && (this.faults.errorRate > 0 || this.faults.latencyMs > 0)) {
      if (this.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
      if (this.faults.errorRate > 0 && Math.random() < this.faults.errorRate) {
        throw this.faults.status === 429 ? errors.tooManyRequests() : errors.internal('injected fault (rel sandbox fault switch)');
      }
    }
    const accept = String(req.headers.accept ?? '');
    const reg = this.cluster.registry;
    if (p === '/api') {
      if (accept.includes('as=APIGroupDiscoveryList')) return send(res, 200, aggregatedDiscovery(reg, true), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
      return send(res, 200, apiVersions(String(req.headers.host ?? '127.0.0.1')));
    }
    if (p === '/apis') {
      if (accept.includes('as=APIGroupDiscoveryList')) return send(res, 200, aggregatedDiscovery(reg, false), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
      return send(res, 200, apiGroupList(reg));
    }
    if (p === '/openapi/v2') {
      // an OpenAPI v2 document without definitions: clients that validate against it skip kinds it
      // does not describe (the server validates them itself, see openapi.ts for v3)
      if (accept.includes('protobuf')) {
        res.writeHead(200, { 'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' });
        return void res.end(OPENAPI_V2_PROTO);
      }
      return send(res, 200, { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.33.0' }, paths: {}, definitions: {} });
    }
    if (p === '/openapi/v3') return send(res, 200, openapiV3Index(reg));
    if (p.startsWith('/openapi/v3/')) {
      const doc = openapiV3Doc(reg, p.slice('/openapi/v3/'.length));
      if (doc) return send(res, 200, doc);
      throw errors.notFoundPath();
    }
    const parts = p.split('/').slice(1).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api') {
      group = '';
      version = parts[1] ?? '';
      rest = parts.slice(2);
    } else if (parts[0] === 'apis') {
      group = parts[1] ?? '';
      if (parts.length === 2) {
        const g = apiGroupDoc(reg, group);
        if (!g) throw errors.notFoundPath();
        return send(res, 200, g);
      }
      version = parts[2] ?? '';
      rest = parts.slice(3);
    } else {
      throw errors.notFoundPath();
    }
    if (rest.length === 0) {
      const doc = apiResourceList(reg, group, version);
      if (!doc) throw errors.notFoundPath();
      return send(res, 200, doc);
    }
    if (group === 'authorization.k8s.io' && version === 'v1' && method === 'POST' && /^(selfsubjectaccessreviews|selfsubjectrulesreviews|subjectaccessreviews)$/.test(rest[0] ?? '') && rest.length === 1) {
      // the sandbox has no authorization: everything is allowed
      const raw = await readBody(req);
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        // protobuf or empty: the answer does not depend on the question
      }
      const kinds: Record<string, string> = { selfsubjectaccessreviews: 'SelfSubjectAccessReview', selfsubjectrulesreviews: 'SelfSubjectRulesReview', subjectaccessreviews: 'SubjectAccessReview' };
      body.kind = kinds[rest[0]!];
      const status = rest[0] === 'selfsubjectrulesreviews' ? { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false } : { allowed: true, reason: 'rel sandbox allows every request' };
      return send(res, 201, { ...body, apiVersion: 'authorization.k8s.io/v1', status });
    }
    let watchPrefix = false;
    if (rest[0] === 'watch') {
      watchPrefix = true;
      rest = rest.slice(1);
    }
    let ns: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3 && reg.get(group, rest[2]!, version)?.namespaced) {
      ns = rest[1];
      rest = rest.slice(2);
    }
    if (rest.length > 3) throw errors.notFoundPath();
    const r = reg.get(group, rest[0]!, version);
    if (!r) throw errors.notFoundPath();
    if (ns !== undefined && !r.namespaced) throw errors.notFoundPath();
    const route: Route = { r, ns, name: rest[1], sub: rest[2] };
    if (route.sub && !((route.sub === 'status' && r.subresources.status) || (route.sub === 'scale' && r.subresources.scale) || (route.sub === 'finalize' && r.kind === 'Namespace') || (route.sub === 'log' && r.kind === 'Pod' && r.group === ''))) throw errors.notFoundPath();
    const q = url.searchParams;
    if (watchPrefix) q.set('watch', 'true');
    return this.resourceRequest(req, res, method, route, q, accept);
  }

  private async resourceRequest(req: http.IncomingMessage, res: http.ServerResponse, method: string, rt: Route, q: Query, accept: string): Promise<void> {
    const { r, ns, name, sub } = rt;
    const c = this.cluster;
    const dryRun = q.getAll('dryRun').includes('All');
    const fieldManager = q.get('fieldManager') ?? undefined;
    const userAgent = String(req.headers['user-agent'] ?? '');
    const fv = q.get('fieldValidation');
    if (fv !== null && !['Strict', 'Warn', 'Ignore'].includes(fv)) throw errors.badRequest(`fieldValidation must be one of Strict, Warn, Ignore; got "${fv}"`);
    const warnings: string[] = [];
    const fieldValidation = (fv ?? undefined) as 'Strict' | 'Warn' | 'Ignore' | undefined;
    const wopts = { dryRun, fieldManager, userAgent, fieldValidation, warnings };
    const warn = () => {
      if (warnings.length && !res.headersSent) res.setHeader('Warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
    };
    if (name === undefined) {
      if (method === 'GET') {
        const w = q.get('watch');
        if (w === 'true' || w === '1') return this.watch(req, res, r, ns, q, accept);
        const labelSelector = parseLabelSelector(q.get('labelSelector'));
        const fieldSelector = parseFieldSelector(q.get('fieldSelector'));
        const limitS = q.get('limit');
        const limit = limitS ? Number(limitS) : undefined;
        if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw errors.badRequest(`invalid limit: ${limitS}`);
        const result = c.list(r, ns, { labelSelector, fieldSelector, limit, continue: q.get('continue') ?? undefined }, false);
        const meta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
        if (result.continue) meta.continue = result.continue;
        if (result.remainingItemCount !== undefined) meta.remainingItemCount = result.remainingItemCount;
        if (accept.includes('as=Table')) return send(res, 200, toTable(r, result.items, meta, q.get('includeObject') ?? 'Metadata'), 'application/json;as=Table;v=v1;g=meta.k8s.io');
        const items = result.items.map((o) => ({ ...o, apiVersion: apiVersionOf(r), kind: r.kind }));
        return send(res, 200, { kind: r.listKind, apiVersion: apiVersionOf(r), metadata: meta, items });
      }
      if (method === 'POST') {
        const body = parseBody(await readBody(req), String(req.headers['content-type'] ?? 'application/json'));
        const created = await c.create(r, ns, body, wopts);
        warn();
        return send(res, 201, created);
      }
      if (method === 'DELETE') {
        const labelSelector = parseLabelSelector(q.get('labelSelector'));
        const fieldSelector = parseFieldSelector(q.get('fieldSelector'));
        const opts = await this.deleteOptions(req, q);
        const items = c.list(r, ns, { labelSelector, fieldSelector }).items;
        const out: KubeObject[] = [];
        for (const o of items) out.push((await c.delete(r, o.metadata.namespace, o.metadata.name!, opts)).object);
        return send(res, 200, { kind: r.listKind, apiVersion: apiVersionOf(r), metadata: { resourceVersion: c.store.currentResourceVersion() }, items: out });
      }
      throw errors.methodNotAllowed();
    }
    if (sub === 'scale') return this.scale(req, res, method, rt, dryRun, fieldManager, userAgent);
    if (sub === 'log') {
      if (method !== 'GET') throw errors.methodNotAllowed();
      const pod = c.get(r, ns, name);
      return send(res, 200, podLog(pod, q.get('container') ?? undefined), 'text/plain');
    }
    const subresource = sub === 'status' ? 'status' : undefined;
    switch (method) {
      case 'GET': {
        const o = c.get(r, ns, name);
        if (accept.includes('as=Table')) return send(res, 200, toTable(r, [o], { resourceVersion: o.metadata.resourceVersion }, q.get('includeObject') ?? 'Metadata'), 'application/json;as=Table;v=v1;g=meta.k8s.io');
        return send(res, 200, o);
      }
      case 'PUT': {
        const body = parseBody(await readBody(req), String(req.headers['content-type'] ?? 'application/json'));
        if (sub === 'finalize') {
          const cur = c.get(r, ns, name);
          const b = body as KubeObject;
          const next = { ...cur, spec: { ...(cur.spec as object), finalizers: (b.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [] } };
          return send(res, 200, await c.writeObject(r, next, fieldManager ?? 'kubectl'));
        }
        const updated = await c.update(r, ns, name, body, { ...wopts, subresource });
        warn();
        return send(res, 200, updated);
      }
      case 'PATCH': {
        const ct = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        const type = PATCH_CONTENT_TYPES[ct];
        if (!type) throw errors.unsupportedMediaType(ct);
        const body = (await readBody(req)).toString('utf8');
        const force = q.get('force') === 'true';
        if (type !== 'apply' && q.get('force') !== null) throw errors.badRequest('force: Forbidden: may not be specified for non-apply patch');
        const exists = !!c.store.getRaw(resourceKey(r), r.namespaced ? (ns ?? '') : '', name);
        const o = await c.patch(r, ns, name, type, body, { ...wopts, force, subresource });
        warn();
        return send(res, type === 'apply' && !exists ? 201 : 200, o);
      }
      case 'DELETE': {
        const opts = await this.deleteOptions(req, q);
        const { object, gone } = await c.delete(r, ns, name, opts);
        return send(res, gone ? 200 : 202, object);
      }
      default:
        throw errors.methodNotAllowed();
    }
  }

  private async deleteOptions(req: http.IncomingMessage, q: Query) {
    let body: Record<string, unknown> = {};
    const text = await readBody(req);
    if (text.length && text.toString('utf8').trim()) {
      const b = parseBody(text, String(req.headers['content-type'] ?? 'application/json'));
      if (b && typeof b === 'object') body = b as Record<string, unknown>;
    }
    const pp = (q.get('propagationPolicy') ?? body.propagationPolicy) as string | undefined;
    if (pp !== undefined && !['Foreground', 'Background', 'Orphan'].includes(pp)) {
      throw new ApiError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${pp}": supported values: "Foreground", "Background", "Orphan", "nil"`);
    }
    let policy = pp as 'Foreground' | 'Background' | 'Orphan' | undefined;
    if (!policy && body.orphanDependents === true) policy = 'Orphan';
    const dryRun = q.getAll('dryRun').includes('All') || (Array.isArray(body.dryRun) && body.dryRun.includes('All'));
    return { propagationPolicy: policy, dryRun, preconditions: body.preconditions as { uid?: string; resourceVersion?: string } | undefined };
  }

  private async scale(req: http.IncomingMessage, res: http.ServerResponse, method: string, rt: Route, dryRun: boolean, fieldManager: string | undefined, userAgent: string): Promise<void> {
    const { r, ns, name } = rt;
    const c = this.cluster;
    const o = c.get(r, ns, name!);
    const toScale = (x: KubeObject) => {
      const spec = x.spec as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
      const status = x.status as { replicas?: number } | undefined;
      return {
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        metadata: { name: x.metadata.name, namespace: x.metadata.namespace, uid: x.metadata.uid, resourceVersion: x.metadata.resourceVersion, creationTimestamp: x.metadata.creationTimestamp },
        spec: { replicas: spec.replicas ?? 0 },
        status: { replicas: status?.replicas ?? 0, selector: Object.entries(spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',') },
      };
    };
    if (method === 'GET') return send(res, 200, toScale(o));
    let replicas: unknown;
    const text = await readBody(req);
    if (method === 'PUT') {
      const b = parseBody(text, String(req.headers['content-type'] ?? 'application/json')) as { spec?: { replicas?: number }; metadata?: { resourceVersion?: string } };
      if (b.metadata?.resourceVersion && b.metadata.resourceVersion !== o.metadata.resourceVersion) throw errors.conflict(r, name!);
      replicas = b.spec?.replicas;
    } else if (method === 'PATCH') {
      const ct = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
      let patched: { spec?: { replicas?: number } };
      const { applyJsonPatch, applyMergePatch } = await import('./patch.js');
      const cur = toScale(o);
      const body = ct === 'application/apply-patch+yaml' ? YAML.parse(text.toString('utf8')) : JSON.parse(text.toString('utf8'));
      patched = (ct === 'application/json-patch+json' ? applyJsonPatch(cur, body) : applyMergePatch(cur, body)) as typeof patched;
      replicas = patched.spec?.replicas;
    } else throw errors.methodNotAllowed();
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw errors.invalid({ group: 'autoscaling', kind: 'Scale' }, name!, [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
    }
    const next = { ...o, spec: { ...(o.spec as object), replicas } };
    const updated = await c.update(r, ns, name!, next, { dryRun, fieldManager, userAgent, subresource: 'scale' });
    return send(res, 200, toScale(updated));
  }

  private async watch(req: http.IncomingMessage, res: http.ServerResponse, r: ResourceType, ns: string | undefined, q: Query, accept = ''): Promise<void> {
    const c = this.cluster;
    const labelSelector = parseLabelSelector(q.get('labelSelector'));
    const fieldSelector = parseFieldSelector(q.get('fieldSelector'));
    const rvParam = q.get('resourceVersion');
    const bookmarks = q.get('allowWatchBookmarks') === 'true';
    const sendInitial = q.get('sendInitialEvents') === 'true';
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    const matches = (o: KubeObject) => matchesLabels(labelSelector, o.metadata.labels) && (!fieldSelector.length || matchesFields(fieldSelector, o));
    const key = resourceKey(r);
    const nsFilter = r.namespaced ? ns : undefined;
    let since: number | undefined;
    const initial: KubeObject[] = [];
    if (!rvParam || rvParam === '0' || sendInitial) {
      since = Number(c.store.currentResourceVersion());
      for (const o of c.store.iterate(key, nsFilter)) if (matches(o)) initial.push(o);
    } else {
      since = Number(rvParam);
      if (!Number.isFinite(since)) throw errors.badRequest(`invalid resource version: ${rvParam}`);
    }
    res.writeHead(200, { 'Content-Type': accept.includes('as=Table') ? 'application/json;as=Table;v=v1;g=meta.k8s.io' : 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    const av = apiVersionOf(r);
    const write = (type: string, object: unknown) => {
      res.write(JSON.stringify({ type, object }) + '\n');
    };
    const asTable = accept.includes('as=Table');
    const includeObject = q.get('includeObject') ?? 'Metadata';
    const present = (o: KubeObject) => {
      const obj = { ...o, apiVersion: av, kind: r.kind };
      return asTable ? toTable(r, [obj], { resourceVersion: o.metadata.resourceVersion }, includeObject) : obj;
    };
    for (const o of initial) write('ADDED', present(o));
    const bookmark = (extra?: Record<string, string>) =>
      write('BOOKMARK', { kind: r.kind, apiVersion: av, metadata: { resourceVersion: c.store.currentResourceVersion(), ...(extra ? { annotations: extra } : {}) } });
    if (sendInitial && bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
    let w;
    try {
      w = c.store.watch(key, nsFilter, since, (ev: StoreEvent) => {
        const now = matches(ev.object);
        if (ev.type === 'MODIFIED' && ev.prev) {
          // selector watches see objects enter (ADDED) and leave (DELETED) the selection
          const before = matches(ev.prev);
          if (now && !before) return write('ADDED', present(ev.object));
          if (!now && before) return write('DELETED', present(ev.object));
        }
        if (now) write(ev.type, present(ev.object));
      });
    } catch (e) {
      if (e instanceof ApiError) {
        write('ERROR', e.toStatus());
        res.end();
        return;
      }
      throw e;
    }
    this.watches.add(res);
    const timers: NodeJS.Timeout[] = [];
    if (bookmarks) timers.push(setInterval(() => bookmark(), this.opts.bookmarkIntervalMs ?? 10_000));
    const stop = () => {
      w.stop();
      for (const t of timers) clearInterval(t);
      this.watches.delete(res);
      if (!res.writableEnded) res.end();
    };
    if (timeout > 0) timers.push(setTimeout(stop, timeout * 1000));
    req.on('close', stop);
    res.on('close', stop);
  }

  private async admin(req: http.IncomingMessage, res: http.ServerResponse, p: string, method: string): Promise<void> {
    if (p === '/sandbox/health') return send(res, 200, { ok: true, resourceVersion: this.cluster.store.currentResourceVersion() });
    if (p === '/sandbox/faults') {
      if (method === 'GET') return send(res, 200, this.faults);
      if (method === 'POST' || method === 'PUT') {
        const b = parseBody(await readBody(req), 'application/json') as Partial<FaultConfig>;
        const next = { ...this.faults, ...b };
        if (typeof next.errorRate !== 'number' || next.errorRate < 0 || next.errorRate > 1) throw errors.badRequest('errorRate must be a number between 0 and 1');
        if (next.status !== 500 && next.status !== 429) throw errors.badRequest('status must be 500 or 429');
        if (typeof next.latencyMs !== 'number' || next.latencyMs < 0) throw errors.badRequest('latencyMs must be a number >= 0');
        this.faults = { errorRate: next.errorRate, status: next.status, latencyMs: next.latencyMs };
        return send(res, 200, this.faults);
      }
      throw errors.methodNotAllowed();
    }
    throw errors.notFoundPath();
  }
}
