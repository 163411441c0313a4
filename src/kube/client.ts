import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { UserError } from '../cli/errors.js';
import type { RecordApi, RecordObject } from '../storage/kube-records.js';
import { statusOf, withRetry } from './retry.js';

export interface KubeOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

export type KubeObject = k8s.KubernetesObject & { [key: string]: unknown };

export const FIELD_MANAGER = 'rel';

/** KubernetesObjectApi that also tells rel a kind's resource (plural, namespaced) from discovery. */
export class ObjectApi extends k8s.KubernetesObjectApi {
  static make(kc: k8s.KubeConfig): ObjectApi {
    const api = kc.makeApiClient(ObjectApi);
    api.setDefaultNamespace(kc);
    return api;
  }

  async resourceInfo(apiVersion: string, kind: string): Promise<{ plural: string; namespaced: boolean } | undefined> {
    const r = await this.resource(apiVersion, kind);
    return r ? { plural: r.name, namespaced: r.namespaced } : undefined;
  }

  /** URL path of a collection, for watches. */
  async collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    const info = await this.resourceInfo(apiVersion, kind);
    if (!info) throw new UserError(`the cluster does not serve ${kind} in ${apiVersion}`, { hint: 'Is the CRD installed, or is the apiVersion right?' });
    const base = this.apiVersionPath(apiVersion);
    return info.namespaced && namespace ? `${base}/namespaces/${namespace}/${info.plural}` : `${base}/${info.plural}`;
  }
}

/**
 * rel's only way to the cluster: @kubernetes/client-node with retries (429/5xx/connection
 * errors), server-side apply as field manager "rel", and people-friendly errors.
 */
export class Kube {
  readonly objects: ObjectApi;
  readonly namespace: string;
  requests = 0;

  private constructor(
    readonly config: k8s.KubeConfig,
    namespace: string,
  ) {
    this.objects = ObjectApi.make(config);
    this.namespace = namespace;
  }

  static load(opts: KubeOptions = {}): Kube {
    const kc = new k8s.KubeConfig();
    const file = opts.kubeconfig ?? process.env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.kube', 'config');
    if (!existsSync(file)) {
      throw new UserError(`no kubeconfig at ${file}`, {
        hint: 'Point --kubeconfig (or KUBECONFIG) at one, or start the local sandbox with `rel sandbox up`.',
      });
    }
    try {
      kc.loadFromFile(file);
    } catch (e) {
      throw new UserError(`cannot read kubeconfig ${file}: ${(e as Error).message}`);
    }
    allowPlainHttp(kc);
    if (opts.context) {
      if (!kc.getContextObject(opts.context)) {
        throw new UserError(`kubeconfig ${file} has no context "${opts.context}"`, {
          hint: `Contexts: ${kc.getContexts().map((c) => c.name).join(', ') || '(none)'}.`,
        });
      }
      kc.setCurrentContext(opts.context);
    }
    if (!kc.getCurrentCluster()) throw new UserError(`kubeconfig ${file} has no current context/cluster`, { hint: 'Pass --kube-context.' });
    const ns = opts.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
    return new Kube(kc, ns);
  }

  private call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(() => {
      this.requests++;
      return fn();
    }).catch((e: unknown) => {
      throw kubeError(e, what, this.config.getCurrentCluster()?.server);
    });
  }

  async get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
    try {
      return await withRetry(() => {
        this.requests++;
        return this.objects.read({ apiVersion, kind, metadata: { name, namespace } }) as Promise<KubeObject>;
      });
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw kubeError(e, `get ${kind} ${name}`, this.config.getCurrentCluster()?.server);
    }
  }

  async list(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): Promise<KubeObject[]> {
    const res = await this.call(`list ${kind}`, () =>
      this.objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector),
    );
    return res.items as KubeObject[];
  }

  /** Server-side apply (field manager rel unless given, conflicts forced, as an owner of the release would). */
  apply(obj: KubeObject, opts: { dryRun?: boolean; force?: boolean; fieldManager?: string } = {}): Promise<KubeObject> {
    const body = { ...obj, metadata: { ...obj.metadata } };
    delete (body.metadata as { managedFields?: unknown }).managedFields;
    delete (body.metadata as { resourceVersion?: unknown }).resourceVersion;
    return this.call(`apply ${obj.kind} ${obj.metadata?.name}`, () =>
      this.objects.patch(body, undefined, opts.dryRun ? 'All' : undefined, opts.fieldManager ?? FIELD_MANAGER, opts.force ?? true, k8s.PatchStrategy.ServerSideApply),
    ) as Promise<KubeObject>;
  }

  create(obj: KubeObject, opts: { dryRun?: boolean } = {}): Promise<KubeObject> {
    return this.call(`create ${obj.kind} ${obj.metadata?.name}`, () =>
      this.objects.create(obj, undefined, opts.dryRun ? 'All' : undefined, FIELD_MANAGER),
    ) as Promise<KubeObject>;
  }

  replace(obj: KubeObject): Promise<KubeObject> {
    return this.call(`update ${obj.kind} ${obj.metadata?.name}`, () =>
      this.objects.replace(obj, undefined, undefined, FIELD_MANAGER),
    ) as Promise<KubeObject>;
  }

  /** Deletes; a missing object is not an error. */
  async delete(obj: KubeObject, propagationPolicy: 'Background' | 'Foreground' | 'Orphan' = 'Background'): Promise<boolean> {
    try {
      await withRetry(() => {
        this.requests++;
        return this.objects.delete(obj, undefined, undefined, undefined, undefined, propagationPolicy);
      });
      return true;
    } catch (e) {
      if (statusOf(e) === 404) return false;
      throw kubeError(e, `delete ${obj.kind} ${obj.metadata?.name}`, this.config.getCurrentCluster()?.server);
    }
  }

  /** Release records for the storage drivers. */
  recordApi(kind: 'Secret' | 'ConfigMap', namespace: string | undefined): RecordApi {
    return {
      get: (name) => this.get('v1', kind, name, namespace) as Promise<RecordObject | undefined>,
      list: (sel) => this.list('v1', kind, namespace, sel) as unknown as Promise<RecordObject[]>,
      create: async (obj) => {
        try {
          await withRetry(() => {
            this.requests++;
            return this.objects.create(obj as KubeObject, undefined, undefined, FIELD_MANAGER);
          });
        } catch (e) {
          if (statusOf(e) === 409) throw Object.assign(new Error(`${kind} ${obj.metadata.name} exists`), { code: 409 });
          throw kubeError(e, `create ${kind} ${obj.metadata.name}`, this.config.getCurrentCluster()?.server);
        }
      },
      replace: async (obj) => {
        await this.replace(obj as KubeObject);
      },
      delete: async (name) => {
        await this.delete({ apiVersion: 'v1', kind, metadata: { name, namespace } });
      },
    };
  }
}

/**
 * client-node refuses http:// servers unless TLS verification is "skipped"; a plain-HTTP server
 * (such as the local sandbox on loopback) has no TLS to verify, so mark those clusters accordingly.
 */
export function allowPlainHttp(kc: k8s.KubeConfig): void {
  if (!kc.clusters.some((c) => c.server.startsWith('http://') && !c.skipTLSVerify)) return;
  kc.loadFromOptions({
    clusters: kc.clusters.map((c) => (c.server.startsWith('http://') ? { ...c, skipTLSVerify: true } : c)),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
}

/** Turns a client error into a UserError that says what failed and where. */
export function kubeError(e: unknown, what: string, server?: string): UserError {
  const status = statusOf(e);
  let detail = (e as Error)?.message ?? String(e);
  const body = (e as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { message?: string };
      if (parsed.message) detail = parsed.message;
    } catch {
      if (body) detail = body.slice(0, 500);
    }
  } else if (body && typeof body === 'object' && 'message' in body) {
    detail = String((body as { message: unknown }).message);
  }
  if (status === undefined) {
    return new UserError(`${what}: cannot reach the Kubernetes API${server ? ` at ${server}` : ''}: ${detail}`, {
      hint: 'Check the cluster is up (for the local sandbox: `rel sandbox status`).',
      cause: e,
    });
  }
  return new UserError(`${what}: ${detail} (HTTP ${status})`, { cause: e });
}
