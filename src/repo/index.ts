/**
 * Chart repository index files (index.yaml) with Helm's semantics (pkg/repo index.go): build
 * one from the packages in a folder (`rel repo index`), merge with an existing index, load
 * and validate one (entries failing validation are dropped like Helm drops them).
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import semver from 'semver';
import { loadChart } from '../chart/loader.js';
import { ChartLoadError, decodeMetadata, emptyMetadata, parseSemver, validateMetadata, type Metadata } from '../chart/metadata.js';
import { parseChartYaml } from '../chart/yaml.js';
import { toYaml } from '../encoding/yaml.js';
import type { GoMap, GoValue } from '../engine/types.js';
import { isGoMap, newMap } from '../engine/types.js';
import { UserError } from '../cli/errors.js';
import { goTimeJson, metadataJsonMap } from '../package/chartfile.js';
import { writeFileAtomic } from '../package/save.js';

export interface ChartVersion {
  name: string;
  version: string;
  metadata: Metadata;
  urls: string[];
  /** Go time JSON text; '' when absent. */
  created: string;
  digest: string;
  removed: boolean;
}

export interface IndexFile {
  apiVersion: string;
  generated: string;
  entries: Record<string, ChartVersion[]>;
  /** serverInfo, publicKeys, annotations kept as read. */
  extra: GoMap;
}

export function newIndexFile(now: Date = new Date()): IndexFile {
  return { apiVersion: 'v1', generated: goTimeJson(now), entries: {}, extra: newMap() };
}

/** Semver order, highest first (Helm's SortEntries); unparsable versions sort last. */
export function sortEntries(idx: IndexFile): void {
  for (const list of Object.values(idx.entries)) {
    list.sort((a, b) => {
      const va = parseSemver(a.version);
      const vb = parseSemver(b.version);
      if (!va || !vb) return va ? -1 : vb ? 1 : 0;
      return semver.rcompare(va, vb);
    });
  }
}

export function hasVersion(idx: IndexFile, name: string, version: string): boolean {
  return (idx.entries[name] ?? []).some((v) => v.version === version);
}

/** Helm's URLJoin for a base URL and a file name. */
export function urlJoin(base: string, file: string): string {
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    throw new UserError(`invalid repository URL ${JSON.stringify(base)}`, { hint: 'Use an absolute URL such as https://charts.example.com/stable.' });
  }
  u.pathname = nodePath.posix.join(u.pathname, file);
  return u.toString();
}

/** Adds a chart version (Helm's IndexFile.MustAdd). */
export function addVersion(idx: IndexFile, md: Metadata, filename: string, baseURL: string, digest: string, created: Date): void {
  const m: Metadata = { ...md };
  if (m.APIVersion === '') m.APIVersion = 'v1';
  try {
    validateMetadata(m);
  } catch (e) {
    throw new UserError(`validate failed for ${filename}: ${(e as Error).message}`);
  }
  const url = baseURL !== '' ? urlJoin(baseURL, nodePath.posix.basename(filename)) : filename;
  const cv: ChartVersion = { name: m.Name, version: m.Version, metadata: m, urls: [url], created: goTimeJson(created), digest, removed: false };
  (idx.entries[m.Name] ??= []).push(cv);
}

/** Adds versions of `other` that `idx` lacks (Helm's IndexFile.Merge). */
export function mergeIndex(idx: IndexFile, other: IndexFile): void {
  for (const [name, list] of Object.entries(other.entries)) {
    for (const v of list) {
      if (!hasVersion(idx, name, v.version)) (idx.entries[name] ??= []).push(v);
    }
  }
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Packages (`*.tgz`) in dir and in its direct subfolders, sorted, relative paths with `/`. */
async function findArchives(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await fsp.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.isFile() && e.name.endsWith('.tgz')) out.push(e.name);
  }
  for (const e of (await fsp.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!e.isDirectory()) continue;
    const sub = await fsp.readdir(nodePath.join(dir, e.name), { withFileTypes: true }).catch(() => []);
    for (const f of sub.sort((a, b) => (a.name < b.name ? -1 : 1))) if (f.isFile() && f.name.endsWith('.tgz')) out.push(`${e.name}/${f.name}`);
  }
  return out;
}

/** Now, or $SOURCE_DATE_EPOCH when set (reproducible index files). */
export function buildTime(env: NodeJS.ProcessEnv = process.env): Date {
  const s = env.SOURCE_DATE_EPOCH;
  return s !== undefined && /^\d+$/.test(s) ? new Date(Number(s) * 1000) : new Date();
}

export interface IndexDirOptions {
  url?: string;
  now?: Date;
  /** Called for packages that are skipped (not loadable charts). */
  warn?: (msg: string) => void;
}

/** Helm's repo.IndexDirectory. */
export async function indexDirectory(dir: string, o: IndexDirOptions = {}): Promise<IndexFile> {
  const now = o.now ?? buildTime();
  const idx = newIndexFile(now);
  for (const rel of await findArchives(dir)) {
    const full = nodePath.join(dir, rel);
    let c;
    try {
      c = await loadChart(full);
    } catch (e) {
      o.warn?.(`skipping ${rel}: not a valid chart package (${(e as Error).message})`);
      continue;
    }
    if (hasVersion(idx, c.name(), c.metadata.Version)) continue;
    const data = await fsp.readFile(full);
    const parent = nodePath.posix.dirname(rel);
    const base = o.url ?? '';
    const parentURL = parent !== '.' && base !== '' ? urlJoin(base, parent) : base;
    addVersion(idx, c.metadata, parent !== '.' && base === '' ? rel : nodePath.posix.basename(rel), parentURL, sha256Hex(data), now);
  }
  return idx;
}

function versionMap(v: ChartVersion): GoMap {
  const m = metadataJsonMap(v.metadata);
  m.urls = [...v.urls];
  if (v.created !== '') m.created = v.created;
  if (v.removed) m.removed = true;
  if (v.digest !== '') m.digest = v.digest;
  return m;
}

/** index.yaml text (sigs.k8s.io/yaml of Helm's IndexFile). */
export function indexYaml(idx: IndexFile): string {
  const m = newMap();
  Object.assign(m, idx.extra);
  m.apiVersion = idx.apiVersion;
  m.generated = idx.generated;
  const entries = newMap();
  for (const [name, list] of Object.entries(idx.entries)) entries[name] = list.map(versionMap);
  m.entries = entries;
  return toYaml(m);
}

function str(v: GoValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return goTimeJson(v);
  return v === null || v === undefined ? '' : String(v);
}

/** Parses an index file; versions that fail validation are dropped and reported through warn. */
export function parseIndex(text: string, file: string, warn: (m: string) => void = () => {}): IndexFile {
  let doc: GoValue;
  try {
    doc = parseChartYaml(text, file);
  } catch (e) {
    throw new UserError(`cannot parse repository index ${file}: ${(e as Error).message}`);
  }
  if (!isGoMap(doc)) throw new UserError(`cannot parse repository index ${file}: not a YAML mapping`);
  if (str(doc.apiVersion) === '') throw new UserError(`no API version specified in repository index ${file}`, { hint: 'A Helm index.yaml starts with `apiVersion: v1`.' });
  const idx: IndexFile = { apiVersion: str(doc.apiVersion), generated: str(doc.generated), entries: {}, extra: newMap() };
  for (const k of ['serverInfo', 'publicKeys', 'annotations']) if (doc[k] !== undefined) idx.extra[k] = doc[k];
  const entries = doc.entries;
  if (entries !== undefined && entries !== null && !isGoMap(entries)) throw new UserError(`repository index ${file}: entries must be a mapping`);
  for (const [name, list] of Object.entries(entries ?? {})) {
    if (!Array.isArray(list)) continue;
    const out: ChartVersion[] = [];
    for (const raw of list) {
      if (!isGoMap(raw)) continue;
      try {
        const md = decodeMetadata(raw, emptyMetadata());
        if (md.APIVersion === '') md.APIVersion = 'v1';
        validateMetadata(md);
        const urls = Array.isArray(raw.urls) ? raw.urls.map(str) : [];
        out.push({ name: md.Name, version: md.Version, metadata: md, urls, created: str(raw.created), digest: str(raw.digest), removed: raw.removed === true });
      } catch (e) {
        if (!(e instanceof ChartLoadError)) throw e;
        warn(`skipping loading invalid entry for chart ${JSON.stringify(name)} from ${file}: ${e.message}`);
      }
    }
    idx.entries[name] = out;
  }
  sortEntries(idx);
  return idx;
}

export async function loadIndexFile(file: string, warn?: (m: string) => void): Promise<IndexFile> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read repository index ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message}`);
  }
  return parseIndex(text, file, warn);
}

export interface RepoIndexOptions extends IndexDirOptions {
  merge?: string;
}

/** `rel repo index DIR`: writes DIR/index.yaml; returns its path. */
export async function repoIndex(dir: string, o: RepoIndexOptions = {}): Promise<string> {
  const st = await fsp.stat(dir).catch(() => null);
  if (!st?.isDirectory()) throw new UserError(`${dir} is not a directory`, { hint: 'Give the folder holding the chart packages (*.tgz).' });
  const idx = await indexDirectory(dir, o);
  if (o.merge) {
    const exists = await fsp.stat(o.merge).catch(() => null);
    if (exists) mergeIndex(idx, await loadIndexFile(o.merge, o.warn));
  }
  sortEntries(idx);
  const out = nodePath.join(dir, 'index.yaml');
  await writeFileAtomic(out, new TextEncoder().encode(indexYaml(idx)));
  return out;
}
