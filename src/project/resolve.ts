import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYamlLib } from 'yaml';
import { UserError } from '../cli/errors.js';
import { ExitCode } from '../cli/exit-codes.js';
import { closest } from './load.js';
import type { Project, ReleaseSpec, Settings } from './types.js';

/** One value layer, lowest priority first (see README "Per-environment values"). */
export interface ValueLayer {
  source: 'chart' | 'common' | 'environment' | 'project' | 'cli-file' | 'cli-set';
  file?: string;
}

export interface ResolvedRelease {
  name: string;
  env?: string;
  /** Absolute chart path (folder or .tgz). */
  chart: string;
  chartName: string;
  /** Merged settings: defaults < environment < release < release.environments[env]. */
  settings: Settings & { namespace: string };
  /** Existing values files in layering order, lowest first (chart values.yaml excluded). */
  valueFiles: { file: string; source: ValueLayer['source'] }[];
  projectDir: string;
}

/** Picks the release and environment from the project and merges their settings. */
export function resolveRelease(project: Project, projectFile: string, opts: { release?: string; env?: string }): ResolvedRelease {
  const projectDir = dirname(resolve(projectFile));
  const rel = pickRelease(project, opts.release);
  const envs = project.environments ?? {};
  if (opts.env !== undefined && !(opts.env in envs)) {
    const names = Object.keys(envs);
    const guess = closest(opts.env, names);
    throw new UserError(`unknown environment "${opts.env}" in ${projectFile}${guess ? ` (did you mean "${guess}"?)` : ''}`, {
      hint: names.length ? `Environments defined: ${names.join(', ')}.` : 'The project file defines no environments.',
      exitCode: ExitCode.USAGE,
    });
  }
  const { name: _n, chart: _c, environments: relEnvs, ...relSettings } = rel;
  const layers: Settings[] = [project.defaults ?? {}];
  if (opts.env) layers.push(envs[opts.env] ?? {});
  layers.push(relSettings);
  if (opts.env && relEnvs?.[opts.env]) layers.push(relEnvs[opts.env]!);
  const settings = mergeSettings(layers);
  const chart = isAbsolute(rel.chart) ? rel.chart : join(projectDir, rel.chart);
  const chartName = readChartName(chart);

  const valueFiles: ResolvedRelease['valueFiles'] = [];
  const common = join(projectDir, 'values', chartName, 'common.yaml');
  if (existsSync(common)) valueFiles.push({ file: common, source: 'common' });
  if (opts.env) {
    const envFile = join(projectDir, 'values', chartName, `${opts.env}.yaml`);
    if (existsSync(envFile)) valueFiles.push({ file: envFile, source: 'environment' });
  }
  for (const v of settings.values ?? []) {
    const file = isAbsolute(v) ? v : join(projectDir, v);
    if (!existsSync(file)) throw new UserError(`values file ${v} named in ${projectFile} does not exist (looked at ${file})`);
    valueFiles.push({ file, source: 'project' });
  }
  return {
    name: rel.name,
    env: opts.env,
    chart,
    chartName,
    settings: { ...settings, namespace: settings.namespace ?? 'default' },
    valueFiles,
    projectDir,
  };
}

function pickRelease(project: Project, name?: string): ReleaseSpec {
  const names = project.releases.map((r) => r.name);
  if (name === undefined) {
    if (project.releases.length === 1) return project.releases[0]!;
    throw new UserError(`the project defines ${names.length} releases; name one: ${names.join(', ')}`, { exitCode: ExitCode.USAGE });
  }
  const rel = project.releases.find((r) => r.name === name);
  if (!rel) {
    const guess = closest(name, names);
    throw new UserError(`no release "${name}" in the project${guess ? ` (did you mean "${guess}"?)` : ''}`, {
      hint: `Releases defined: ${names.join(', ')}.`,
      exitCode: ExitCode.USAGE,
    });
  }
  return rel;
}

/** Later layers win; objects merge key by key; arrays replace, except `values`, which accumulate. */
export function mergeSettings(layers: Settings[]): Settings {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      if (k === 'values') out.values = [...((out.values as string[]) ?? []), ...(v as string[])];
      else if (k === 'windows') out.windows = mergeWindows(out.windows as Settings['windows'], v as Settings['windows']);
      else out[k] = deepMerge(out[k], v);
    }
  }
  return out as Settings;
}

/** Deny windows and freezes add up across layers (a global freeze always applies); allow windows and policy are replaced. */
function mergeWindows(base: Settings['windows'], over: Settings['windows']): Settings['windows'] {
  if (!base) return over;
  if (!over) return base;
  const out = deepMerge(base, over) as NonNullable<Settings['windows']>;
  if (base.deny || over.deny) out.deny = [...(base.deny ?? []), ...(over.deny ?? [])];
  if (base.freezes || over.freezes) out.freezes = [...(base.freezes ?? []), ...(over.freezes ?? [])];
  return out;
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = deepMerge(out[k], v);
    return out;
  }
  return over;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The chart's name: Chart.yaml `name` for a folder, the archive name without version for a .tgz. */
function readChartName(chart: string): string {
  try {
    if (statSync(chart).isDirectory()) {
      const meta = parseYamlLib(readFileSync(join(chart, 'Chart.yaml'), 'utf8')) as { name?: string } | null;
      if (meta?.name) return meta.name;
      return basename(chart);
    }
  } catch {
    // Missing charts are reported by the chart loader, with its own message.
  }
  return basename(chart).replace(/\.tgz$/, '').replace(/-v?\d+\.\d+\.\d+.*$/, '');
}
