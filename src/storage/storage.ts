import { type Driver, ReleaseNotFoundError } from './driver.js';
import { type Release, releaseKey } from './release.js';

/** Release history on top of a driver, with Helm's semantics (pkg/storage). */
export class Storage {
  constructor(readonly driver: Driver) {}

  get(name: string, version: number): Promise<Release> {
    return this.driver.get(releaseKey(name, version));
  }

  create(rls: Release): Promise<void> {
    return this.driver.create(releaseKey(rls.name, rls.version), rls);
  }

  update(rls: Release): Promise<void> {
    return this.driver.update(releaseKey(rls.name, rls.version), rls);
  }

  delete(name: string, version: number): Promise<Release> {
    return this.driver.delete(releaseKey(name, version));
  }

  /** Every revision of a release, oldest first (empty when there is none). */
  async history(name: string): Promise<Release[]> {
    try {
      const all = await this.driver.query({ name, owner: 'helm' });
      return all.sort((a, b) => a.version - b.version);
    } catch (e) {
      if (e instanceof ReleaseNotFoundError) return [];
      throw e;
    }
  }

  /** The newest revision, or undefined. */
  async last(name: string): Promise<Release | undefined> {
    const h = await this.history(name);
    return h[h.length - 1];
  }

  /** The deployed revision (the newest one if several are marked deployed), or undefined. */
  async deployed(name: string): Promise<Release | undefined> {
    const h = (await this.history(name)).filter((r) => r.info.status === 'deployed');
    return h[h.length - 1];
  }

  /**
   * Keeps at most `max` revisions (0 = unlimited), deleting the oldest ones first but never
   * the newest deployed revision, as Helm's --history-max does.
   */
  async prune(name: string, max: number): Promise<number> {
    if (max <= 0) return 0;
    const h = await this.history(name);
    if (h.length <= max) return 0;
    const keep = (await this.deployed(name))?.version;
    let excess = h.length - max;
    let removed = 0;
    for (const r of h) {
      if (excess <= 0) break;
      if (r.version === keep) continue;
      await this.delete(name, r.version);
      excess--;
      removed++;
    }
    return removed;
  }
}
