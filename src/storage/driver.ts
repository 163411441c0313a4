import type { Release } from './release.js';

/** Where release records live. One file per driver (memory, Secret, ConfigMap), like Helm's storage drivers. */
export interface Driver {
  readonly name: string;
  /** The revision stored under key, or throws ReleaseNotFoundError. */
  get(key: string): Promise<Release>;
  /** All records (owner=helm) for which filter is true. */
  list(filter?: (r: Release) => boolean): Promise<Release[]>;
  /** Records whose storage labels match all of labels (e.g. {name, owner: 'helm', status: 'deployed'}). */
  query(labels: Record<string, string>): Promise<Release[]>;
  /** Creates; throws ReleaseExistsError if the key exists. */
  create(key: string, rls: Release): Promise<void>;
  /** Replaces an existing record. */
  update(key: string, rls: Release): Promise<void>;
  /** Deletes and returns the record. */
  delete(key: string): Promise<Release>;
  /** The newest revision of every release (decoding only those: the storage labels tell which). */
  listLatest(): Promise<Release[]>;
}

/** Picks the newest record per (namespace, release name) by storage labels. */
export function newestByLabels<T extends { namespace?: string; labels?: Record<string, string> }>(items: T[]): T[] {
  const best = new Map<string, { item: T; version: number }>();
  for (const item of items) {
    const name = item.labels?.name;
    const version = Number(item.labels?.version);
    if (!name || !Number.isFinite(version)) continue;
    const k = `${item.namespace ?? ''}/${name}`;
    const cur = best.get(k);
    if (!cur || version > cur.version) best.set(k, { item, version });
  }
  return [...best.values()].map((b) => b.item);
}

export class ReleaseNotFoundError extends Error {
  constructor(what: string) {
    super(`release: not found: ${what}`);
    this.name = 'ReleaseNotFoundError';
  }
}

export class ReleaseExistsError extends Error {
  constructor(key: string) {
    super(`release: already exists: ${key}`);
    this.name = 'ReleaseExistsError';
  }
}

/** Labels Helm puts on every storage object; custom release labels may not use them. */
export const SYSTEM_LABELS = ['name', 'owner', 'status', 'version', 'createdAt', 'modifiedAt'];

export function storageLabels(rls: Release, extra: Record<string, string>): Record<string, string> {
  return {
    ...(rls.labels ?? {}),
    ...extra,
    name: rls.name,
    owner: 'helm',
    status: rls.info.status ?? 'unknown',
    version: String(rls.version),
  };
}

export function customLabels(labels: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!labels) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (!SYSTEM_LABELS.includes(k)) out[k] = v;
  return Object.keys(out).length ? out : undefined;
}
