import { decodeRelease, encodeRelease } from './codec.js';
import { type Driver, ReleaseExistsError, ReleaseNotFoundError, customLabels, newestByLabels, storageLabels } from './driver.js';
import type { Release } from './release.js';

/** A Secret or ConfigMap as plain Kubernetes JSON. */
export interface RecordObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; resourceVersion?: string };
  type?: string;
  data?: Record<string, string>;
}

/**
 * The few namespaced calls the record drivers need (implemented over the kube client by
 * src/kube). `get` returns undefined for 404; `create` throws an error with `code === 409` when the name exists.
 */
export interface RecordApi {
  get(name: string): Promise<RecordObject | undefined>;
  list(labelSelector: string): Promise<RecordObject[]>;
  create(obj: RecordObject): Promise<void>;
  replace(obj: RecordObject): Promise<void>;
  delete(name: string): Promise<void>;
}

/**
 * Helm's Secret and ConfigMap drivers: one object per revision named by the key, labels
 * name/owner/status/version, data.release = base64(gzip(json)). A Secret's data is base64
 * once more on the wire, exactly as Helm stores it.
 */
export class KubeRecordDriver implements Driver {
  constructor(
    readonly kind: 'Secret' | 'ConfigMap',
    private readonly api: RecordApi,
  ) {}

  get name(): string {
    return this.kind;
  }

  async get(key: string): Promise<Release> {
    const obj = await this.api.get(key);
    if (!obj) throw new ReleaseNotFoundError(key);
    return this.decode(obj, key);
  }

  async list(filter: (r: Release) => boolean = () => true): Promise<Release[]> {
    const items = await this.api.list('owner=helm');
    const out: Release[] = [];
    for (const item of items) {
      try {
        const r = this.decode(item, item.metadata.name);
        if (filter(r)) out.push(r);
      } catch {
        // Helm skips records it cannot decode; so does rel.
      }
    }
    return out;
  }

  async listLatest(): Promise<Release[]> {
    const items = await this.api.list('owner=helm');
    const newest = newestByLabels(items.map((o) => ({ namespace: o.metadata.namespace, labels: o.metadata.labels, o })));
    const out: Release[] = [];
    for (const { o } of newest) {
      try {
        out.push(this.decode(o, o.metadata.name));
      } catch {
        // skipped like Helm does
      }
    }
    return out;
  }

  async query(labels: Record<string, string>): Promise<Release[]> {
    const sel = Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const items = await this.api.list(sel);
    if (items.length === 0) throw new ReleaseNotFoundError(sel);
    const out: Release[] = [];
    for (const item of items) {
      try {
        out.push(this.decode(item, item.metadata.name));
      } catch {
        // skipped like Helm does
      }
    }
    return out;
  }

  async create(key: string, rls: Release): Promise<void> {
    try {
      await this.api.create(this.encode(key, rls, { createdAt: nowSeconds() }));
    } catch (e) {
      if ((e as { code?: number }).code === 409) throw new ReleaseExistsError(key);
      throw e;
    }
  }

  async update(key: string, rls: Release): Promise<void> {
    await this.api.replace(this.encode(key, rls, { modifiedAt: nowSeconds() }));
  }

  async delete(key: string): Promise<Release> {
    const rls = await this.get(key);
    await this.api.delete(key);
    return rls;
  }

  private encode(key: string, rls: Release, extra: Record<string, string>): RecordObject {
    const encoded = encodeRelease(rls);
    const meta = { name: key, namespace: rls.namespace, labels: storageLabels(rls, extra) };
    if (this.kind === 'Secret') {
      return {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: meta,
        type: 'helm.sh/release.v1',
        data: { release: Buffer.from(encoded, 'utf8').toString('base64') },
      };
    }
    return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta, data: { release: encoded } };
  }

  private decode(obj: RecordObject, key: string): Release {
    const raw = obj.data?.release;
    if (raw === undefined) throw new Error(`${this.kind} ${key} has no release data`);
    const encoded = this.kind === 'Secret' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    const rls = decodeRelease(encoded);
    const labels = customLabels(obj.metadata.labels);
    if (labels) rls.labels = labels;
    return rls;
  }
}

function nowSeconds(): string {
  return String(Math.floor(Date.now() / 1000));
}
