import { decodeRelease, encodeRelease } from './codec.js';
import { type Driver, ReleaseExistsError, ReleaseNotFoundError, customLabels, newestByLabels, storageLabels } from './driver.js';
import type { Release } from './release.js';

/** In-memory driver (tests, dry runs). Records are kept encoded, like the cluster drivers keep them. */
export class MemoryDriver implements Driver {
  readonly name = 'Memory';
  private readonly records = new Map<string, { data: string; labels: Record<string, string> }>();

  async get(key: string): Promise<Release> {
    const rec = this.records.get(key);
    if (!rec) throw new ReleaseNotFoundError(key);
    return this.decode(rec);
  }

  async list(filter: (r: Release) => boolean = () => true): Promise<Release[]> {
    return [...this.records.values()].map((r) => this.decode(r)).filter(filter);
  }

  async listLatest(): Promise<Release[]> {
    return newestByLabels([...this.records.values()]).map((r) => this.decode(r));
  }

  async query(labels: Record<string, string>): Promise<Release[]> {
    const out = [...this.records.values()]
      .filter((r) => Object.entries(labels).every(([k, v]) => r.labels[k] === v))
      .map((r) => this.decode(r));
    if (out.length === 0) throw new ReleaseNotFoundError(JSON.stringify(labels));
    return out;
  }

  async create(key: string, rls: Release): Promise<void> {
    if (this.records.has(key)) throw new ReleaseExistsError(key);
    this.records.set(key, { data: encodeRelease(rls), labels: storageLabels(rls, { createdAt: String(Math.floor(Date.now() / 1000)) }) });
  }

  async update(key: string, rls: Release): Promise<void> {
    if (!this.records.has(key)) throw new ReleaseNotFoundError(key);
    this.records.set(key, { data: encodeRelease(rls), labels: storageLabels(rls, { modifiedAt: String(Math.floor(Date.now() / 1000)) }) });
  }

  async delete(key: string): Promise<Release> {
    const rec = this.records.get(key);
    if (!rec) throw new ReleaseNotFoundError(key);
    this.records.delete(key);
    return this.decode(rec);
  }

  private decode(rec: { data: string; labels: Record<string, string> }): Release {
    const r = decodeRelease(rec.data);
    const labels = customLabels(rec.labels);
    if (labels) r.labels = labels;
    return r;
  }
}
