/**
 * `rel dependency list|update|build` for charts whose dependencies are local: `file://PATH` to
 * a chart folder, `file://PATH` to a repository folder (index.yaml + packages), or no
 * repository (an unpacked subchart already in charts/). Chart.lock is written the way Helm's
 * downloader.Manager writes it, with the same digest (sha256 of the JSON of [Chart.yaml
 * dependencies, locked dependencies]), so helm and rel accept each other's lock files.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import semver from 'semver';
import type { Chart } from '../chart/chart.js';
import { isCompatibleRange } from '../chart/dependencies.js';
import { loadArchive, loadChart } from '../chart/loader.js';
import { ChartLoadError, decodeDependency, decodeMetadata, parseSemver, validateMetadata, type Dependency, type Metadata } from '../chart/metadata.js';
import { parseChartYaml } from '../chart/yaml.js';
import { marshalJson, quoteJsonString } from '../encoding/json.js';
import { UserError } from '../cli/errors.js';
import { goTimeJson, lockYaml } from './chartfile.js';
import { chartArchive, loadChartOrFail, writeFileAtomic } from './save.js';
import { loadIndexFile, parseIndex, type ChartVersion, type IndexFile } from '../repo/index.js';
import { MAX_DECOMPRESSED_CHART_SIZE } from '../chart/archive.js';

export type Log = (line: string) => void;

/** Go's json.Marshal of a *chart.Dependency (struct field order, omitempty). */
export function dependencyJson(d: Dependency): string {
  const parts = [`"name":${quoteJsonString(d.Name)}`];
  if (d.Version !== '') parts.push(`"version":${quoteJsonString(d.Version)}`);
  parts.push(`"repository":${quoteJsonString(d.Repository)}`);
  if (d.Condition !== '') parts.push(`"condition":${quoteJsonString(d.Condition)}`);
  if (d.Tags.length > 0) parts.push(`"tags":[${d.Tags.map((t) => quoteJsonString(t)).join(',')}]`);
  if (d.Enabled) parts.push('"enabled":true');
  if (d.ImportValues.length > 0) parts.push(`"import-values":${marshalJson(d.ImportValues)}`);
  if (d.Alias !== '') parts.push(`"alias":${quoteJsonString(d.Alias)}`);
  return `{${parts.join(',')}}`;
}

function listJson(list: Dependency[] | null): string {
  return list === null ? 'null' : `[${list.map(dependencyJson).join(',')}]`;
}

/** Helm's resolver.HashReq. */
export function hashReq(req: Dependency[], lock: Dependency[]): string {
  const data = `[${listJson(req)},${listJson(lock)}]`;
  return 'sha256:' + createHash('sha256').update(data, 'utf8').digest('hex');
}

function lockedDeps(c: Chart): Dependency[] {
  const l = c.lock;
  if (!l || !Array.isArray(l.dependencies)) return [];
  return l.dependencies.map((d) => decodeDependency(d));
}

/** Path a `file://` repository points to (relative to the chart folder). */
export function localPath(repository: string, chartDir: string): string {
  const p = repository.slice('file://'.length);
  return p.startsWith('/') ? nodePath.resolve(p) : nodePath.join(chartDir, p);
}

function isFileRepo(r: string): boolean {
  return r.startsWith('file://');
}

async function isDir(p: string): Promise<boolean> {
  return (await fsp.stat(p).catch(() => null))?.isDirectory() ?? false;
}

async function exists(p: string): Promise<boolean> {
  return (await fsp.stat(p).catch(() => null)) !== null;
}

// ---------------------------------------------------------------------------------------------
// list
// ---------------------------------------------------------------------------------------------

export interface DependencyStatus {
  name: string;
  version: string;
  repository: string;
  status: string;
}

function versionStatus(dep: Dependency, c: Chart): string {
  if (c.name() !== dep.Name) return 'misnamed';
  if (dep.Version === '') return 'ok';
  if (!parseSemver(c.metadata.Version)) return 'invalid version';
  if (!isCompatibleRange(dep.Version, c.metadata.Version)) return 'wrong version';
  return 'ok';
}

/** Status of one dependency in charts/ (like `helm dependency list`). */
async function dependencyStatus(chartDir: string, dep: Dependency): Promise<string> {
  const chartsDir = nodePath.join(chartDir, 'charts');
  const entries = (await fsp.readdir(chartsDir).catch(() => [] as string[])).sort();
  const archives = entries.filter((e) => e.startsWith(`${dep.Name}-`) && e.endsWith('.tgz'));
  if (archives.length > 1) {
    // several archives: pick the one that loads with the right name, else report the ambiguity
    const good: string[] = [];
    for (const a of archives) {
      const c = await loadChart(nodePath.join(chartsDir, a)).catch(() => null);
      if (c && c.name() === dep.Name) good.push(a);
    }
    if (good.length > 1) return 'too many matches';
    if (good.length === 0) return 'corrupt';
    archives.splice(0, archives.length, good[0]!);
  }
  if (archives.length === 1) {
    let c: Chart;
    try {
      c = await loadArchive(new Uint8Array(await fsp.readFile(nodePath.join(chartsDir, archives[0]!))));
    } catch {
      return 'corrupt';
    }
    return versionStatus(dep, c);
  }
  const folder = nodePath.join(chartsDir, dep.Name);
  if (await isDir(folder)) {
    let c: Chart;
    try {
      c = await loadChart(folder);
    } catch {
      return 'corrupt';
    }
    const s = versionStatus(dep, c);
    return s === 'ok' ? 'unpacked' : s;
  }
  return 'missing';
}

/** Chart.yaml metadata alone (so that a broken subchart does not hide the list). */
async function readMetadata(chartDir: string): Promise<Metadata> {
  if (!(await isDir(chartDir))) throw new UserError(`chart folder ${chartDir} not found`, { hint: 'Give the path of a chart folder (the one holding Chart.yaml).' });
  const file = nodePath.join(chartDir, 'Chart.yaml');
  const text = await fsp.readFile(file, 'utf8').catch(() => {
    throw new UserError(`Chart.yaml file is missing in ${chartDir}`);
  });
  try {
    const md = decodeMetadata(parseChartYaml(text, file));
    if (md.APIVersion === '') md.APIVersion = 'v1';
    validateMetadata(md);
    return md;
  } catch (e) {
    throw new UserError(`cannot load chart ${chartDir}: ${(e as Error).message}`);
  }
}

export async function listDependencies(chartDir: string): Promise<{ deps: DependencyStatus[]; unmanaged: string[] }> {
  const md = await readMetadata(chartDir);
  const deps: DependencyStatus[] = [];
  for (const d of md.Dependencies) {
    deps.push({ name: d.Name, version: d.Version, repository: d.Repository, status: await dependencyStatus(chartDir, d) });
  }
  // charts in charts/ that Chart.yaml does not name
  const known = new Set(md.Dependencies.map((d) => d.Name));
  const unmanaged: string[] = [];
  const chartsDir = nodePath.join(chartDir, 'charts');
  for (const e of (await fsp.readdir(chartsDir).catch(() => [] as string[])).sort()) {
    if (e.startsWith('.') || e.startsWith('_')) continue;
    const c = await loadChart(nodePath.join(chartsDir, e)).catch(() => null);
    if (c && !known.has(c.name())) unmanaged.push(c.name());
  }
  return { deps, unmanaged };
}

// ---------------------------------------------------------------------------------------------
// resolve / update / build
// ---------------------------------------------------------------------------------------------

interface Fetch {
  dep: Dependency;
  /** Bytes to write as charts/NAME-VERSION.tgz; null for dependencies kept in charts/NAME/. */
  data: Uint8Array | null;
  file: string;
}

async function loadLocalChartDir(path: string, dep: Dependency): Promise<Chart> {
  try {
    return await loadChart(path);
  } catch (e) {
    if (e instanceof ChartLoadError) throw new UserError(`dependency ${JSON.stringify(dep.Name)}: cannot load chart at ${path}: ${e.message}`);
    throw e;
  }
}

/** The highest version in an index matching the constraint (Helm: entries are sorted newest first). */
function pickVersion(index: IndexFile, dep: Dependency, constraint: string): ChartVersion {
  const versions = index.entries[dep.Name] ?? [];
  if (versions.length === 0) throw new UserError(`dependency ${JSON.stringify(dep.Name)}: chart not found in repository ${dep.Repository}`);
  for (const v of versions) {
    if (!parseSemver(v.version) || v.urls.length === 0) continue;
    if (constraint !== '' && !isCompatibleRange(constraint, v.version)) continue;
    return v;
  }
  throw new UserError(`can't get a valid version for repositories ${dep.Name}. Try changing the version constraint in Chart.yaml`, {
    hint: `Versions in ${dep.Repository}: ${versions.map((v) => v.version).join(', ')}.`,
  });
}

function checkDigest(dep: Dependency, v: ChartVersion, data: Uint8Array, where: string): void {
  if (!v.digest) return;
  const sum = createHash('sha256').update(data).digest('hex');
  if (sum !== v.digest) throw new UserError(`dependency ${JSON.stringify(dep.Name)}: digest of ${where} (${sum}) does not match the index (${v.digest})`);
}

/** Best (highest) version in a local repository folder's index.yaml matching the constraint. */
async function fromRepoFolder(dir: string, dep: Dependency, constraint: string): Promise<{ version: ChartVersion; data: Uint8Array }> {
  const index = await loadIndexFile(nodePath.join(dir, 'index.yaml'));
  const v = pickVersion(index, dep, constraint);
  const url = v.urls[0]!;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith('file://')) {
    throw new UserError(`dependency ${JSON.stringify(dep.Name)}: ${url} is a remote URL; a repository folder must hold its packages`);
  }
  const rel = url.startsWith('file://') ? url.slice(7) : url;
  const file = nodePath.resolve(dir, rel);
  const inside = nodePath.relative(nodePath.resolve(dir), file);
  if (inside.startsWith('..') || nodePath.isAbsolute(inside)) {
    throw new UserError(`dependency ${JSON.stringify(dep.Name)}: package URL ${url} in ${dir}/index.yaml points outside the repository folder`);
  }
  const data = new Uint8Array(
    await fsp.readFile(file).catch(() => {
      throw new UserError(`dependency ${JSON.stringify(dep.Name)}: package ${file} listed in the index is missing`);
    }),
  );
  checkDigest(dep, v, data, file);
  return { version: v, data };
}

const HTTP_TIMEOUT_MS = 60_000;

async function httpGet(url: string, what: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS), redirect: 'follow' });
  } catch (e) {
    throw new UserError(`cannot fetch ${what} ${url}: ${(e as Error).message}`);
  }
  if (!res.ok) throw new UserError(`cannot fetch ${what} ${url}: HTTP ${res.status} ${res.statusText}`);
  const buf = new Uint8Array(await res.arrayBuffer());
  if (buf.length > MAX_DECOMPRESSED_CHART_SIZE) throw new UserError(`${what} ${url} is larger than ${MAX_DECOMPRESSED_CHART_SIZE} bytes`);
  return buf;
}

/** Best version from an HTTP(S) chart repository (its index.yaml), downloaded and digest-checked. */
async function fromHttpRepo(repoUrl: string, dep: Dependency, constraint: string): Promise<{ version: ChartVersion; data: Uint8Array }> {
  const base = repoUrl.endsWith('/') ? repoUrl : `${repoUrl}/`;
  const indexUrl = new URL('index.yaml', base).toString();
  const text = new TextDecoder().decode(await httpGet(indexUrl, 'repository index'));
  const index = parseIndex(text, indexUrl);
  const v = pickVersion(index, dep, constraint);
  const pkgUrl = new URL(v.urls[0]!, base);
  if (pkgUrl.protocol !== 'http:' && pkgUrl.protocol !== 'https:') {
    throw new UserError(`dependency ${JSON.stringify(dep.Name)}: package URL ${pkgUrl.toString()} in ${indexUrl} is not http(s)`);
  }
  const data = await httpGet(pkgUrl.toString(), 'chart package');
  checkDigest(dep, v, data, pkgUrl.toString());
  return { version: v, data };
}

/** Resolves each dependency to a concrete version and its package bytes. `pin` gives locked versions (build). */
async function resolveAll(chartDir: string, reqs: Dependency[], pin?: Dependency[]): Promise<{ locked: Dependency[]; fetches: Fetch[] }> {
  const locked: Dependency[] = [];
  const fetches: Fetch[] = [];
  const missing: string[] = [];
  for (let i = 0; i < reqs.length; i++) {
    const d = pin ? pin[i]! : reqs[i]!;
    const constraint = d.Version;
    if (constraint !== '' && !isValidConstraint(constraint)) {
      throw new UserError(`dependency ${JSON.stringify(d.Name)} has an invalid version/constraint format: ${JSON.stringify(constraint)}`);
    }
    const lockedDep = (version: string): Dependency => ({ Name: d.Name, Version: version, Repository: d.Repository, Condition: '', Tags: [], Enabled: false, ImportValues: [], Alias: '' });
    if (d.Repository === '') {
      const p = nodePath.join(chartDir, 'charts', d.Name);
      if (!(await exists(p))) throw new UserError(`directory ${p} not found`, { hint: `Dependency ${d.Name} has no repository, so it must be unpacked in charts/${d.Name}.` });
      locked.push(lockedDep(d.Version));
      fetches.push({ dep: d, data: null, file: p });
      continue;
    }
    if (/^https?:\/\//i.test(d.Repository)) {
      const { version, data } = await fromHttpRepo(d.Repository, d, constraint);
      const ch = await loadArchive(data, {}, `${d.Repository} ${version.name}-${version.version}`).catch((e: Error) => {
        throw new UserError(`dependency ${JSON.stringify(d.Name)}: ${e.message}`);
      });
      if (ch.name() !== d.Name) throw new UserError(`dependency ${JSON.stringify(d.Name)}: the package ${version.urls[0]} holds chart ${JSON.stringify(ch.name())}`);
      locked.push(lockedDep(version.version));
      fetches.push({ dep: d, data, file: `${ch.name()}-${ch.metadata.Version}.tgz` });
      continue;
    }
    if (!isFileRepo(d.Repository)) {
      throw new UserError(`dependency ${JSON.stringify(d.Name)}: repository ${d.Repository} is not supported`, {
        hint: 'rel resolves dependencies from "file://../chart-folder", "file://../repo-folder" (index.yaml and packages) or an http(s) chart repository URL.',
      });
    }
    const p = localPath(d.Repository, chartDir);
    if (!(await exists(p))) throw new UserError(`directory ${p} not found`, { hint: `Fix the repository of dependency ${d.Name} in Chart.yaml.` });
    if (await exists(nodePath.join(p, 'Chart.yaml'))) {
      const ch = await loadLocalChartDir(p, d);
      if (!parseSemver(ch.metadata.Version)) continue; // Helm skips it: not a legit entry
      if (constraint !== '' && !isCompatibleRange(constraint, ch.metadata.Version)) {
        missing.push(d.Name);
        continue;
      }
      if (ch.name() !== d.Name) throw new UserError(`dependency ${JSON.stringify(d.Name)}: the chart at ${p} is named ${JSON.stringify(ch.name())}`);
      locked.push(lockedDep(ch.metadata.Version));
      fetches.push({ dep: d, data: chartArchive(ch), file: `${ch.name()}-${ch.metadata.Version}.tgz` });
      continue;
    }
    if (await exists(nodePath.join(p, 'index.yaml'))) {
      const { version, data } = await fromRepoFolder(p, d, constraint);
      const ch = await loadArchive(data, {}, `${d.Repository} ${version.name}-${version.version}`).catch((e: Error) => {
        throw new UserError(`dependency ${JSON.stringify(d.Name)}: ${e.message}`);
      });
      locked.push(lockedDep(version.version));
      if (ch.name() !== d.Name) throw new UserError(`dependency ${JSON.stringify(d.Name)}: the package ${version.urls[0]} holds chart ${JSON.stringify(ch.name())}`);
      fetches.push({ dep: d, data, file: `${ch.name()}-${ch.metadata.Version}.tgz` });
      continue;
    }
    throw new UserError(`dependency ${JSON.stringify(d.Name)}: ${p} holds neither a chart (Chart.yaml) nor a repository (index.yaml)`);
  }
  if (missing.length > 0) {
    throw new UserError(`can't get a valid version for repositories ${missing.join(', ')}. Try changing the version constraint in Chart.yaml`);
  }
  return { locked, fetches };
}

function isValidConstraint(c: string): boolean {
  // Masterminds constraints, normalised the way isCompatibleRange normalises them
  const norm = c
    .split('||')
    .map((alt) =>
      alt
        .split(',')
        .map((p) => p.trim().replace(/^(>=|<=|!=|=>|=<|>|<|=|~>|~|\^)\s+/, '$1').replace(/^=>/, '>=').replace(/^=</, '<=').replace(/^~>/, '~'))
        .join(' '),
    )
    .join(' || ');
  return semver.validRange(norm, { loose: true }) !== null;
}

/** Writes the fetched packages into charts/: stale archives of these dependencies are removed, new ones written. */
async function installFetches(chartDir: string, fetches: Fetch[], log: Log): Promise<void> {
  const chartsDir = nodePath.join(chartDir, 'charts');
  const lst = await fsp.lstat(chartsDir).catch(() => null);
  if (lst?.isSymbolicLink()) {
    const real = await fsp.realpath(chartsDir).catch(() => '');
    const top = await fsp.realpath(chartDir);
    const rel = real === '' ? '..' : nodePath.relative(top, real);
    if (rel.startsWith('..') || nodePath.isAbsolute(rel)) {
      throw new UserError(`refusing to write dependencies: ${chartsDir} is a symbolic link to ${real || 'a missing target'}, outside the chart`, {
        hint: 'Replace the charts/ link with a real folder.',
      });
    }
  } else if (lst && !lst.isDirectory()) {
    throw new UserError(`refusing to write dependencies: ${chartsDir} is not a folder`);
  }
  await fsp.mkdir(chartsDir, { recursive: true });
  const keep = new Set(fetches.filter((f) => f.data).map((f) => f.file));
  const names = new Set(fetches.filter((f) => f.data).map((f) => f.dep.Name));
  log(`Saving ${fetches.length} charts`);
  // write new archives first (atomic), then delete outdated ones: a failure leaves charts/ usable
  for (const f of fetches) {
    if (!f.data) {
      log(`Dependency ${f.dep.Name} did not declare a repository. Assuming it exists in the charts directory`);
      continue;
    }
    const target = nodePath.join(chartsDir, f.file);
    if (nodePath.dirname(target) !== chartsDir) throw new UserError(`refusing to write ${f.file}: not a plain file name`);
    log(`Packaging ${JSON.stringify(f.dep.Name)} from ${f.dep.Repository}`);
    await writeFileAtomic(target, f.data);
  }
  for (const e of await fsp.readdir(chartsDir)) {
    if (!e.endsWith('.tgz') || keep.has(e)) continue;
    const full = nodePath.join(chartsDir, e);
    const c = await loadChart(full).catch(() => null);
    if (c && names.has(c.name())) {
      log(`Deleting outdated charts`);
      await fsp.rm(full);
    }
  }
}

export interface DependencyOptions {
  log?: Log;
  /** Lock time (default now). */
  now?: Date;
}

async function chartDirOrFail(chartDir: string): Promise<Chart> {
  if (!(await isDir(chartDir))) throw new UserError(`chart folder ${chartDir} not found`, { hint: 'Give the path of a chart folder (the one holding Chart.yaml).' });
  return loadChartOrFail(chartDir);
}

/** `rel dependency update`: resolve Chart.yaml dependencies, package them into charts/, write Chart.lock. */
export async function updateDependencies(chartDir: string, o: DependencyOptions = {}): Promise<{ lockWritten: boolean; locked: Dependency[] }> {
  const log = o.log ?? (() => {});
  const c = await chartDirOrFail(chartDir);
  const reqs = c.metadata.Dependencies;
  if (reqs.length === 0) {
    log('No dependencies found in Chart.yaml');
    return { lockWritten: false, locked: [] };
  }
  const { locked, fetches } = await resolveAll(chartDir, reqs);
  const digest = hashReq(reqs, locked);
  await installFetches(chartDir, fetches, log);
  const lockName = c.metadata.APIVersion === 'v1' ? 'requirements.lock' : 'Chart.lock';
  if (c.lock && c.lock.digest === digest) return { lockWritten: false, locked };
  const text = lockYaml({ generated: goTimeJson(o.now ?? new Date()), digest, dependencies: locked });
  await writeFileAtomic(nodePath.join(chartDir, lockName), new TextEncoder().encode(text));
  return { lockWritten: true, locked };
}

/** `rel dependency build`: fetch the versions pinned in Chart.lock (update when there is no lock). */
export async function buildDependencies(chartDir: string, o: DependencyOptions = {}): Promise<void> {
  const log = o.log ?? (() => {});
  const c = await chartDirOrFail(chartDir);
  if (c.lock === null) {
    log('No Chart.lock found: resolving dependencies from Chart.yaml');
    await updateDependencies(chartDir, o);
    return;
  }
  const reqs = c.metadata.Dependencies;
  const lock = lockedDeps(c);
  const lockName = c.metadata.APIVersion === 'v1' ? 'requirements.lock' : 'Chart.lock';
  if (hashReq(reqs, lock) !== c.lock.digest || lock.length !== reqs.length) {
    throw new UserError(`the lock file (${lockName}) is out of sync with the dependencies file (Chart.yaml). Please update the dependencies`, {
      hint: `Run \`rel dependency update ${chartDir}\`.`,
    });
  }
  // pin each dependency to its locked version (exact constraint); names/repositories come from the lock
  const pinned = lock.map((l) => ({ ...l }));
  const { fetches } = await resolveAll(chartDir, reqs, pinned);
  await installFetches(chartDir, fetches, log);
}
