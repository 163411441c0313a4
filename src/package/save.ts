/**
 * `rel package`: a chart folder → `NAME-VERSION.tgz` with Helm's layout (pkg/chart/v2/util
 * Save): top folder named after the chart, Chart.yaml re-serialised from the metadata,
 * Chart.lock (apiVersion v2), values.yaml as written, values.schema.json, templates, other
 * files, then every subchart expanded under charts/NAME/. Bytes are deterministic.
 */
import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import type { Chart } from '../chart/chart.js';
import { loadChart } from '../chart/loader.js';
import { ChartLoadError, copyMetadata, decodeDependency, isValidSemver } from '../chart/metadata.js';
import { basePath } from '../chart/match.js';
import { UserError } from '../cli/errors.js';
import { chartYaml, lockYaml } from './chartfile.js';
import { writeTgz, type TarFile } from './tgz.js';

const enc = new TextEncoder();

/** Chart.lock as Helm re-serialises it, or null when the chart has none. */
export function lockBytes(c: Chart): Uint8Array | null {
  if (c.lock === null) return null;
  const l = c.lock;
  const deps = Array.isArray(l.dependencies) ? l.dependencies.map((d) => decodeDependency(d)) : [];
  const generated = typeof l.generated === 'string' ? l.generated : l.generated instanceof Date ? l.generated.toISOString() : '0001-01-01T00:00:00Z';
  const digest = typeof l.digest === 'string' ? l.digest : '';
  return enc.encode(lockYaml({ generated, digest, dependencies: deps }));
}

function checkName(name: string): void {
  if (name === '' || basePath(name) !== name || name === '.' || name === '..') {
    throw new UserError(`chart name ${JSON.stringify(name)} is not a valid file name; it must not contain "/" or be "." or ".."`);
  }
}

/** The archive entries of a chart, Helm's order, paths prefixed with `prefix/NAME/`. */
export function chartArchiveFiles(c: Chart, prefix = ''): TarFile[] {
  checkName(c.name());
  const base = prefix === '' ? c.name() : `${prefix}/${c.name()}`;
  const out: TarFile[] = [];
  out.push({ name: `${base}/Chart.yaml`, data: enc.encode(chartYaml(c.metadata)) });
  if (c.metadata.APIVersion === 'v2') {
    const lock = lockBytes(c);
    if (lock) out.push({ name: `${base}/Chart.lock`, data: lock });
  }
  for (const f of c.raw) if (f.name === 'values.yaml') out.push({ name: `${base}/values.yaml`, data: f.data });
  if (c.schema !== null) {
    try {
      JSON.parse(new TextDecoder().decode(c.schema));
    } catch (e) {
      throw new UserError(`invalid JSON in ${base}/values.schema.json: ${(e as Error).message}`, { hint: 'Fix the schema file or remove it.' });
    }
    out.push({ name: `${base}/values.schema.json`, data: c.schema });
  }
  for (const f of c.templates) out.push({ name: `${base}/${f.name}`, data: f.data });
  for (const f of c.files) out.push({ name: `${base}/${f.name}`, data: f.data });
  for (const d of c.dependencies()) out.push(...chartArchiveFiles(d, `${base}/charts`));
  return out;
}

/** The bytes of the chart's package. */
export function chartArchive(c: Chart, mtime?: Date): Buffer {
  return writeTgz(chartArchiveFiles(c), mtime);
}

/** Writes `data` to `file` through a temporary file in the same folder (nothing half-written on failure). */
export async function writeFileAtomic(file: string, data: Uint8Array): Promise<void> {
  const dir = nodePath.dirname(file);
  const tmp = nodePath.join(dir, `.${nodePath.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await fsp.writeFile(tmp, data, { flag: 'wx' });
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}

/** Writes `NAME-VERSION.tgz` of the chart into outDir (created if missing); returns its path. */
export async function saveChart(c: Chart, outDir: string, mtime?: Date): Promise<string> {
  const data = chartArchive(c, mtime);
  const st = await fsp.stat(outDir).catch(() => null);
  if (st && !st.isDirectory()) throw new UserError(`destination ${outDir} is not a directory`);
  if (!st) await fsp.mkdir(outDir, { recursive: true });
  const file = nodePath.join(outDir, `${c.name()}-${c.metadata.Version}.tgz`);
  await writeFileAtomic(file, data);
  return file;
}

/** Helm's action.CheckDependencies: every dependency in Chart.yaml is present in charts/. */
export function missingDependencies(c: Chart): string[] {
  const have = new Set(c.dependencies().map((d) => d.name()));
  return c.metadata.Dependencies.filter((d) => !have.has(d.Name)).map((d) => d.Name);
}

/** Loads a chart, turning loader errors into a UserError that names the chart. */
export async function loadChartOrFail(path: string, what = 'chart'): Promise<Chart> {
  if (!(await fsp.stat(path).catch(() => null))) {
    throw new UserError(`${what} ${path} not found`, { hint: 'Give the path of a chart folder or of a packaged chart (.tgz).' });
  }
  try {
    return await loadChart(path);
  } catch (e) {
    if (e instanceof ChartLoadError) {
      const msg = e.message.startsWith(`${path}: `) ? e.message.slice(path.length + 2) : e.message;
      throw new UserError(`cannot load ${what} ${path}: ${msg}`, { hint: 'Check the chart with `rel lint`.', cause: e });
    }
    if ((e as NodeJS.ErrnoException).code) throw new UserError(`cannot read ${what} ${path}: ${(e as Error).message}`, { cause: e });
    throw e;
  }
}

export interface PackageOptions {
  chart: string;
  version?: string;
  appVersion?: string;
  destination?: string;
  /** Runs `rel dependency update` first. */
  dependencyUpdate?: boolean;
  /** Mtime written into the archive (default $SOURCE_DATE_EPOCH or the epoch). */
  mtime?: Date;
  log?: (line: string) => void;
}

/** `rel package`: validates, loads and writes the package; returns its path. */
export async function packageChart(o: PackageOptions): Promise<string> {
  const st = await fsp.stat(o.chart).catch(() => null);
  if (!st) throw new UserError(`chart folder ${o.chart} not found`, { hint: 'Give the path of a chart folder (the one holding Chart.yaml).' });
  if (!st.isDirectory()) throw new UserError(`${o.chart} is not a chart folder`, { hint: 'rel package packages chart folders; a .tgz is already a package.' });
  if (o.version !== undefined && !isValidSemver(o.version)) {
    throw new UserError(`invalid version ${JSON.stringify(o.version)}: not a semantic version`, { hint: 'Use a version like 1.2.3 or 1.2.3-rc.1.' });
  }
  if (o.dependencyUpdate) {
    const { updateDependencies } = await import('./dependency.js');
    await updateDependencies(o.chart, { log: o.log });
  }
  const c = await loadChartOrFail(o.chart);
  const md = copyMetadata(c.metadata);
  if (o.version !== undefined) md.Version = o.version;
  if (o.appVersion !== undefined) md.AppVersion = o.appVersion;
  c.metadata = md;
  const missing = missingDependencies(c);
  if (missing.length > 0) {
    throw new UserError(`found in Chart.yaml, but missing in charts/ directory: ${missing.join(', ')}`, {
      hint: `Run \`rel dependency update ${o.chart}\` (or \`rel package --dependency-update\`).`,
    });
  }
  const dest = o.destination ?? process.cwd();
  return saveChart(c, dest, o.mtime);
}
