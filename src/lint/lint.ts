/**
 * `rel lint`: helm's chart checks plus Kubernetes schema validation of every rendered object,
 * run once per environment of rel.yaml when environments are given (values of that
 * environment layered like `rel deploy` layers them).
 */
import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import type { ChartFile } from '../chart/chart.js';
import { readChartArchive } from '../chart/archive.js';
import { coalesceValues } from '../chart/coalesce.js';
import { processDependencies } from '../chart/dependencies.js';
import { readChartDir } from '../chart/loader.js';
import { validateAgainstSchema, validateAgainstSingleSchema } from '../chart/schema.js';
import { makeCapabilities } from '../engine/capabilities.js';
import { Engine } from '../engine/render.js';
import type { GoMap } from '../engine/types.js';
import { goInt, newMap } from '../engine/types.js';
import { collectValues } from '../actions/template.js';
import { UserError } from '../cli/errors.js';
import { findProjectFile, loadProject } from '../project/load.js';
import { resolveRelease } from '../project/resolve.js';
import { Linter, lintChartfile, lintDependencies, lintLoad, lintRendered, lintValuesFile, type LintMessage } from './rules.js';

export interface LintValues {
  valueFiles?: string[];
  set?: string[];
  setString?: string[];
  setJson?: string[];
  setLiteral?: string[];
  setFile?: string[];
}

export interface LintOptions extends LintValues {
  namespace?: string;
  kubeVersion?: string;
  strict?: boolean;
  /** render with missingkey=error: a reference to a value that is not set is an ERROR (rel's addition; helm 4 has no such check) */
  strictValues?: boolean;
  cwd?: string;
}

export interface LintRun {
  chart: string;
  env?: string;
  messages: LintMessage[];
  failed: boolean;
}

async function chartFiles(l: Linter, path: string): Promise<ChartFile[] | null> {
  const st = await fsp.stat(path).catch(() => null);
  if (!st) throw new UserError(`chart ${path} not found`, { hint: 'Give the path of a chart folder or a packaged chart (.tgz).' });
  if (st.isDirectory()) {
    const exists = await fsp.stat(nodePath.join(path, 'Chart.yaml')).catch(() => null);
    if (!exists) {
      l.add('ERROR', 'Chart.yaml', 'file does not exist');
      return null;
    }
    try {
      return await readChartDir(path);
    } catch (e) {
      l.add('ERROR', 'Chart.yaml', `unable to load chart: ${(e as Error).message}`);
      return null;
    }
  }
  try {
    return await readChartArchive(new Uint8Array(await fsp.readFile(path)), path);
  } catch (e) {
    l.add('ERROR', 'Chart.yaml', `unable to load chart: ${(e as Error).message}`);
    return null;
  }
}

/** Lints one chart with one set of values. */
export async function lintChart(path: string, o: LintOptions = {}): Promise<LintMessage[]> {
  const l = new Linter();
  const files = await chartFiles(l, path);
  if (!files) return l.messages;
  const st = await fsp.stat(path);
  const dirName = st.isDirectory() ? nodePath.basename(nodePath.resolve(path)) : null;
  const usable = lintChartfile(l, files, dirName);
  lintValuesFile(l, files);
  if (!usable) return l.messages;
  const chart = await lintLoad(l, files);
  if (!chart) return l.messages;
  lintDependencies(l, chart);
  if (st.isDirectory()) {
    // like helm: the folder itself counts (an empty templates/ exists), a file named templates is an error
    const t = await fsp.stat(nodePath.join(path, 'templates')).catch(() => null);
    if (!t) l.add('WARNING', 'templates/', 'directory does not exist');
    else if (!t.isDirectory()) {
      l.add('ERROR', 'templates/', 'not a directory');
      return l.messages;
    }
  } else if (!files.some((f) => f.name.startsWith('templates/'))) {
    l.add('WARNING', 'templates/', 'directory does not exist');
  }
  let vals: GoMap;
  try {
    vals = await collectValues({ chart: path, cwd: o.cwd, valueFiles: o.valueFiles, set: o.set, setString: o.setString, setJson: o.setJson, setLiteral: o.setLiteral, setFile: o.setFile });
  } catch (e) {
    l.add('ERROR', 'values.yaml', `cannot read the given values: ${(e as Error).message}`);
    return l.messages;
  }
  if (chart.metadata.Dependencies.some((d) => !chart.dependencies().some((c) => c.name() === d.Name))) return l.messages;
  try {
    processDependencies(chart, vals);
  } catch (e) {
    l.add('ERROR', 'Chart.yaml', `dependencies: ${(e as Error).message.replace(/^chart dependencies processing failed: /, '')}`);
    return l.messages;
  }
  let coalesced: GoMap;
  try {
    coalesced = coalesceValues(chart, vals);
  } catch (e) {
    l.add('ERROR', 'values.yaml', (e as Error).message);
    return l.messages;
  }
  // helm: the values rule checks the chart's own schema, the templates rule all schemas
  try {
    if (chart.schema) {
      const own = await validateAgainstSingleSchema(coalesced, chart.schema);
      if (own !== '') l.add('ERROR', 'values.yaml', own);
    }
    const schemaErr = await validateAgainstSchema(chart, coalesced);
    if (schemaErr !== '') {
      l.add('ERROR', 'templates/', `values don't meet the specifications of the schema(s) in the following chart(s):\n${schemaErr}`);
      return l.messages;
    }
  } catch (e) {
    l.add('ERROR', 'values.schema.json', `cannot use the schema: ${(e as Error).message}`);
  }
  if (chart.isLibrary()) return l.messages;
  const release = newMap();
  release.Name = 'test-release';
  release.Namespace = o.namespace ?? 'default';
  release.IsUpgrade = false;
  release.IsInstall = true;
  release.Revision = goInt(1); // Helm passes an int
  release.Service = 'Helm';
  const top = newMap();
  top.Values = coalesced;
  top.Release = release;
  try {
    top.Capabilities = makeCapabilities({ kubeVersion: o.kubeVersion });
  } catch (e) {
    throw new UserError(`invalid --kube-version ${JSON.stringify(o.kubeVersion)}: ${(e as Error).message}`);
  }
  let rendered: Map<string, string>;
  try {
    const engine = await Engine.create({ lintMode: true, strict: Boolean(o.strictValues) });
    await engine.prepareFor(chart);
    rendered = await engine.render(chart, top);
  } catch (e) {
    l.add('ERROR', 'templates/', (e as Error).message);
    return l.messages;
  }
  await lintRendered(l, chart, rendered);
  return l.messages;
}

export function isFailed(messages: LintMessage[], strict = false): boolean {
  return messages.some((m) => m.severity === 'ERROR' || (strict && m.severity === 'WARNING'));
}

/** helm lint's text for one run. */
export function formatRun(r: LintRun): string {
  let out = `==> Linting ${r.chart}${r.env ? ` (environment ${r.env})` : ''}\n`;
  for (const m of r.messages) out += `[${m.severity}] ${m.path}: ${m.message}\n`;
  return `${out}\n`;
}

export interface LintCommandOptions extends LintOptions {
  /** Also lint the charts in charts/ (folders and packages). */
  withSubcharts?: boolean;
  /** Environments of rel.yaml to lint with (their values files and settings). */
  envs?: string[];
  allEnvs?: boolean;
  /** rel.yaml path (default: found from cwd). */
  projectFile?: string;
}

function sameDir(a: string, b: string): boolean {
  return nodePath.resolve(a) === nodePath.resolve(b);
}

/**
 * Runs lint for the chart, once per environment when environments are asked for. Without a
 * chart, lints the chart of every release of rel.yaml.
 */
export async function lintRuns(chart: string | undefined, o: LintCommandOptions): Promise<LintRun[]> {
  const cwd = o.cwd ?? process.cwd();
  if (chart === undefined) {
    const file = o.projectFile ?? findProjectFile(cwd);
    if (!file) throw new UserError('no chart given and no rel.yaml found here or in parent folders', { hint: 'Run `rel lint CHART`, or run it in a project folder.' });
    const project = loadProject(file);
    const seen = new Set<string>();
    const runs: LintRun[] = [];
    for (const r of project.releases) {
      const abs = nodePath.resolve(nodePath.dirname(file), r.chart);
      if (seen.has(abs)) continue;
      seen.add(abs);
      runs.push(...(await lintRuns(nodePath.relative(cwd, abs) || '.', { ...o, projectFile: file })));
    }
    return runs;
  }
  const chartPath = nodePath.resolve(cwd, chart);
  const wantEnvs = (o.envs?.length ?? 0) > 0 || o.allEnvs;
  const subcharts = async (): Promise<LintRun[]> => {
    if (!o.withSubcharts) return [];
    const out: LintRun[] = [];
    const dir = nodePath.join(chartPath, 'charts');
    for (const e of (await fsp.readdir(dir).catch(() => [] as string[])).sort()) {
      if (e.startsWith('.') || e.startsWith('_')) continue;
      const p = nodePath.join(dir, e);
      const st = await fsp.stat(p).catch(() => null);
      if (!st || !(st.isDirectory() || e.endsWith('.tgz'))) continue;
      const messages = await lintChart(p, { ...o, cwd, valueFiles: [], set: [], setString: [], setJson: [], setLiteral: [], setFile: [] });
      out.push({ chart: nodePath.join(chart, 'charts', e), messages, failed: isFailed(messages, o.strict) });
    }
    return out;
  };
  if (!wantEnvs) {
    const messages = await lintChart(chartPath, { ...o, cwd });
    return [{ chart, messages, failed: isFailed(messages, o.strict) }, ...(await subcharts())];
  }
  const file = o.projectFile ?? findProjectFile(cwd);
  if (!file) throw new UserError('--env needs a rel.yaml project file, and none was found here or in parent folders', { hint: 'Run `rel init` or drop --env.' });
  const project = loadProject(file);
  const release = project.releases.find((r) => sameDir(nodePath.resolve(nodePath.dirname(file), r.chart), chartPath));
  if (!release) {
    throw new UserError(`no release in ${file} uses the chart ${chart}`, { hint: `Releases and charts: ${project.releases.map((r) => `${r.name} → ${r.chart}`).join(', ')}.` });
  }
  const envs = o.allEnvs ? Object.keys(project.environments ?? {}) : o.envs!;
  if (envs.length === 0) throw new UserError(`${file} defines no environments`);
  const runs: LintRun[] = [];
  for (const env of envs) {
    const r = resolveRelease(project, file, { release: release.name, env });
    const setFlags: string[] = [];
    const setLiteral: string[] = [];
    for (const [k, v] of Object.entries(r.settings.set ?? {})) {
      if (typeof v === 'string') setLiteral.push(`${k}=${v}`);
      else setFlags.push(`${k}=${String(v)}`);
    }
    const messages = await lintChart(chartPath, {
      ...o,
      cwd,
      namespace: o.namespace ?? r.settings.namespace,
      valueFiles: [...r.valueFiles.map((v) => v.file), ...(o.valueFiles ?? []).map((f) => nodePath.resolve(cwd, f))],
      set: [...setFlags, ...(o.set ?? [])],
      setLiteral: [...setLiteral, ...(o.setLiteral ?? [])],
    });
    runs.push({ chart, env, messages, failed: isFailed(messages, o.strict) });
  }
  runs.push(...(await subcharts()));
  return runs;
}
