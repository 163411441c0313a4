/**
 * `rel template`: render a chart locally exactly like `helm template` (helm 4.1.4): load the
 * chart, merge values from -f/--set*, process dependencies, coalesce, validate the schema,
 * render, sort into manifests and hooks, and frame the output (`---\n# Source: …`).
 */
import { promises as fsp, readFileSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import type { GoMap, GoValue } from '../engine/types.js';
import { goInt, newMap } from '../engine/types.js';
import { quickManifestHead } from '../fast/manifest-head.js';
import { goString, hasRawBytes, outputBytes } from '../engine/bytes.js';

export interface TemplateOptions {
  /** Release name (helm: first argument when two are given; default `release-name`). */
  releaseName?: string;
  chart: string;
  namespace?: string;
  valueFiles?: string[];
  set?: string[];
  setString?: string[];
  setFile?: string[];
  setJson?: string[];
  setLiteral?: string[];
  kubeVersion?: string;
  apiVersions?: string[];
  includeCrds?: boolean;
  skipCrds?: boolean;
  skipTests?: boolean;
  showOnly?: string[];
  outputDir?: string;
  useReleaseName?: boolean;
  isUpgrade?: boolean;
  nameTemplate?: string;
  generateName?: boolean;
  skipSchemaValidation?: boolean;
  disableHooks?: boolean;
  /** getHostByName resolves names (helm --enable-dns) */
  enableDns?: boolean;
  debug?: boolean;
  /** Base directory for relative paths (default: process.cwd()). */
  cwd?: string;
}

export interface TemplateResult {
  /** What goes to stdout. */
  stdout: string;
  /** Warnings and diagnostics for stderr (each line complete). */
  stderr: string;
  /** Set when the command fails; stdout may still hold output (with --debug). */
  error?: Error;
}

/** An error from `rel template`, with Helm's wording. */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

const RELEASE_NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DEBUG_HINT = '\n\nUse --debug flag to render out invalid YAML';

export function validateReleaseName(name: string): void {
  if (name === '' || name.length > 53 || !RELEASE_NAME_RE.test(name)) {
    throw new TemplateError(
      `release name check failed: release name ${JSON.stringify(name)}: invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53`,
    );
  }
}

/** helm's values.Options.MergeValues: -f files, then --set-json, --set, --set-string, --set-file, --set-literal. */
export async function collectValues(o: TemplateOptions): Promise<GoMap> {
  const cwd = o.cwd ?? process.cwd();
  const [{ collectValueOptions, ValuesError }, { goFileError }] = await Promise.all([import('../values/files.js'), import('../values/strvals.js')]);
  const readFile = (p: string): string => {
    try {
      // Go strings: bytes that are not UTF-8 are kept (engine/bytes.ts)
      if (p.trim() === '-') return goString(readFileSync(0));
      return goString(readFileSync(nodePath.resolve(cwd, p)));
    } catch (e) {
      throw new ValuesError(goFileError(p, e).message);
    }
  };
  try {
    return collectValueOptions(
      {
        valueFiles: o.valueFiles,
        jsonValues: o.setJson,
        values: o.set,
        stringValues: o.setString,
        fileValues: o.setFile,
        literalValues: o.setLiteral,
      },
      readFile,
    );
  } catch (e) {
    throw new TemplateError((e as Error).message);
  }
}

function framed(name: string, content: string): string {
  return `---\n# Source: ${name}\n${content}\n`;
}

async function writeToFile(outputDir: string, name: string, data: string, append: boolean, log: (s: string) => void): Promise<void> {
  const outfile = `${outputDir}/${name}`;
  await fsp.mkdir(nodePath.dirname(outfile), { recursive: true });
  if (append) await fsp.appendFile(outfile, outputBytes(framed(name, data)));
  else await fsp.writeFile(outfile, outputBytes(framed(name, data)));
  log(`wrote ${outfile}\n`);
}

/** Go's filepath.Match for --show-only (invalid patterns match nothing). */
async function showOnlyMatch(pattern: string, name: string): Promise<boolean> {
  const { goMatch } = await import('../chart/match.js');
  try {
    return goMatch(pattern, name);
  } catch {
    return false;
  }
}

/** Stack for the retry of templates that nest includes deeper than the default JS stack allows. */
const DEEP_STACK_MB = 256;

/**
 * Runs `helm template` semantics. Never throws for bad input: errors are returned in `error`.
 * Charts whose includes nest deeper than Node's default stack (helm allows 1000 levels) are
 * rendered again on a worker thread with a large stack.
 */
export async function runTemplate(o: TemplateOptions): Promise<TemplateResult> {
  const deep = { exhausted: false };
  const first = await runTemplateOnce(o, deep);
  if (!deep.exhausted || !first.error) return first;
  const retried = await runOnBigStack(o).catch(() => null);
  return retried ?? first;
}

async function runOnBigStack(o: TemplateOptions): Promise<TemplateResult | null> {
  // The worker runs template-worker.js (not this module: loading node:worker_threads here would
  // cost every `rel template` start-up a few milliseconds).
  let here = new URL('./template-worker.js', import.meta.url);
  if (!new URL(import.meta.url).pathname.endsWith('.js')) {
    // Running from TypeScript sources (tests) or from the fast-path bundle (dist/fast/template.cjs):
    // the worker needs the compiled module from dist/.
    here = new URL('../../dist/actions/template-worker.js', import.meta.url);
    try {
      await fsp.access(here);
    } catch {
      return null;
    }
  }
  const { Worker } = await import('node:worker_threads');
  const opts = { ...o, cwd: o.cwd ?? process.cwd() };
  return new Promise((resolve) => {
    const w = new Worker(here, { workerData: { relTemplate: opts }, resourceLimits: { stackSizeMb: DEEP_STACK_MB } });
    w.once('message', (m: { stdout: string; stderr: string; error?: string }) => {
      resolve({ stdout: m.stdout, stderr: m.stderr, error: m.error === undefined ? undefined : new TemplateError(m.error) });
      void w.terminate();
    });
    w.once('error', () => resolve(null));
    w.once('exit', () => resolve(null));
  });
}

/** One rendering, without the big-stack retry (src/actions/template-worker.ts runs it on the worker). */
export async function runTemplateOnce(o: TemplateOptions, deep: { exhausted: boolean }): Promise<TemplateResult> {
  let stdout = '';
  let stderr = '';
  const warn = (msg: string) => {
    stderr += `level=WARN msg=${JSON.stringify(msg)}\n`;
  };
  try {
    const r = await renderTemplate(o, warn, (s) => (stdout += s), deep);
    stdout += r;
    return { stdout, stderr };
  } catch (e) {
    if (e instanceof DebugOutput) {
      stdout += e.output;
      return { stdout, stderr, error: e.cause as Error };
    }
    return { stdout, stderr, error: e instanceof Error ? e : new Error(String(e)) };
  }
}

class DebugOutput extends Error {
  constructor(
    readonly output: string,
    cause: Error,
  ) {
    super(cause.message, { cause });
  }
}

async function renderTemplate(o: TemplateOptions, warn: (m: string) => void, out: (s: string) => void, deep: { exhausted: boolean }): Promise<string> {
  const cwd = o.cwd ?? process.cwd();
  // Release name.
  let name = o.releaseName ?? '';
  if (o.nameTemplate) {
    if (name !== '') throw new TemplateError('cannot set --name-template and also specify a name');
    name = await renderNameTemplate(o.nameTemplate);
  }
  if (name === '') name = 'release-name';
  validateReleaseName(name);

  const [{ loadChart }, { ChartLoadError }] = await Promise.all([import('../chart/loader.js'), import('../chart/metadata.js')]);
  void ChartLoadError;
  const chartPath = nodePath.resolve(cwd, o.chart);
  // helm locates the chart before it reads values.
  try {
    statSync(chartPath);
  } catch {
    const isPathLike = o.chart.startsWith('.') || o.chart.startsWith('/') || o.chart.includes('/') || o.chart.endsWith('.tgz');
    if (!isPathLike) throw new TemplateError(`non-absolute URLs should be in form of repo_name/path_to_chart, got: ${o.chart}`);
    throw new TemplateError(`path ${JSON.stringify(o.chart)} not found`);
  }
  const vals = await collectValues(o);
  const chart = await loadChart(chartPath, { warn });

  const type = chart.metadata.Type;
  if (type !== '' && type !== 'application') throw new TemplateError(`${type} charts are not installable`);
  if (chart.metadata.Deprecated) warn('this chart is deprecated');
  // Dependencies listed in Chart.yaml must be present in charts/.
  if (chart.metadata.Dependencies.length > 0) {
    const missing = chart.metadata.Dependencies.filter((d) => !chart.dependencies().some((c) => c.name() === d.Name)).map((d) => d.Name);
    if (missing.length > 0) {
      throw new TemplateError(
        `an error occurred while checking for chart dependencies. You may need to run \`helm dependency build\` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: ${missing.join(', ')}`,
      );
    }
  }

  const [{ processDependencies }, { coalesceValues }, { makeCapabilities, KubeVersionError }] = await Promise.all([
    import('../chart/dependencies.js'),
    import('../chart/coalesce.js'),
    import('../engine/capabilities.js'),
  ]);
  let caps;
  try {
    caps = makeCapabilities({ kubeVersion: o.kubeVersion, apiVersions: o.apiVersions });
  } catch (e) {
    if (e instanceof KubeVersionError) throw new TemplateError(`invalid kube version '${o.kubeVersion}': ${e.message}`);
    throw e;
  }
  processDependencies(chart, vals, () => {});

  const release = newMap();
  release.Name = name;
  release.Namespace = o.namespace && o.namespace !== '' ? o.namespace : 'default';
  release.IsUpgrade = Boolean(o.isUpgrade);
  release.IsInstall = !o.isUpgrade;
  release.Revision = goInt(1); // Helm passes an int
  release.Service = 'Helm';
  const coalesced = coalesceValues(chart, vals);
  if (!o.skipSchemaValidation) {
    const { validateAgainstSchema } = await import('../chart/schema.js');
    const err = await validateAgainstSchema(chart, coalesced);
    if (err !== '') throw new TemplateError(`values don't meet the specifications of the schema(s) in the following chart(s):\n${err}`);
  }
  const top = newMap();
  top.Values = coalesced;
  top.Release = release;
  top.Capabilities = caps;

  // From here on helm returns a partial release: errors get the --debug hint.
  const hinted = (e: unknown, output: string): Error => {
    const err = e instanceof Error ? e : new Error(String(e));
    if (o.debug) return new DebugOutput(output, err);
    return new TemplateError(err.message + DEBUG_HINT);
  };

  if (chart.metadata.KubeVersion !== '') {
    const { isCompatibleRange } = await import('../chart/dependencies.js');
    const kv = caps.KubeVersion.normalizedVersion;
    if (!isCompatibleRange(chart.metadata.KubeVersion, kv)) {
      throw hinted(new TemplateError(`chart requires kubeVersion: ${chart.metadata.KubeVersion} which is incompatible with Kubernetes ${kv}`), '\n');
    }
  }

  const { Engine } = await import('../engine/render.js');
  const engine = await Engine.create({ enableDns: o.enableDns });
  await engine.prepareFor(chart);
  let files: Map<string, string>;
  try {
    files = await engine.render(chart, top);
  } catch (e) {
    deep.exhausted = engine.stackExhausted;
    throw hinted(e, '\n');
  }
  // NOTES.txt is not output.
  for (const k of [...files.keys()]) if (k.endsWith('NOTES.txt')) files.delete(k);

  const [{ sortManifests, splitManifests }, headParser] = await Promise.all([import('../release/sort.js'), manifestHeadParser()]);
  let sorted;
  try {
    sorted = sortManifests(files, headParser);
  } catch (e) {
    // helm prints the rendered files in its engine's template order here (longest paths first, then reverse name).
    const { sortTemplates } = await import('../engine/render.js');
    let raw = '';
    for (const k of sortTemplates(files.keys())) {
      const c = files.get(k)!;
      if (c.trim() === '') continue;
      raw += framed(k, c);
    }
    throw hinted(e, raw.trim() + '\n');
  }

  // The manifest (renderResources).
  let manifest = '';
  const written = new Set<string>();
  const outDir = o.outputDir ? nodePath.resolve(cwd, o.outputDir) : '';
  const log = (s: string) => out(s);
  if (o.includeCrds) {
    for (const crd of chart.crdObjects()) {
      const data = new TextDecoder().decode(crd.file.data);
      if (outDir === '') manifest += framed(crd.filename, data);
      else {
        await writeToFile(outDir, crd.filename, data, written.has(crd.filename), log);
        written.add(crd.filename);
      }
    }
  }
  const relDir = outDir === '' ? '' : o.useReleaseName ? `${outDir}/${name}` : outDir;
  for (const m of sorted.manifests) {
    if (outDir === '') manifest += framed(m.name, m.content);
    else {
      await writeToFile(relDir, m.name, m.content, written.has(m.name), log);
      written.add(m.name);
    }
  }

  // template.go: trimmed manifest, then hooks.
  let manifests = manifest.trim() + '\n';
  if (!o.disableHooks) {
    const hookWritten = new Set<string>();
    for (const h of sorted.hooks) {
      if (o.skipTests && h.events.includes('test')) continue;
      if (outDir === '') manifests += framed(h.path, h.manifest);
      else {
        try {
          await fsp.stat(`${relDir}/${h.path}`);
          hookWritten.add(h.path);
        } catch {
          /* new file */
        }
        await writeToFile(relDir, h.path, h.manifest, hookWritten.has(h.path), log);
        hookWritten.add(h.path);
      }
    }
  }

  if (o.showOnly && o.showOnly.length > 0) {
    const split = splitManifests(manifests);
    const nameRe = /# Source: [^/]+\/(.+)/;
    const toRender: string[] = [];
    for (const raw of o.showOnly) {
      const f = raw.replace(/\\/g, '/');
      let missing = true;
      for (const m of split) {
        const sm = nameRe.exec(m);
        if (!sm) continue;
        if (!(await showOnlyMatch(f, sm[1]!))) continue;
        toRender.push(m);
        missing = false;
      }
      if (missing) throw new TemplateError(`could not find template ${raw} in chart`);
    }
    return toRender.map((m) => `---\n${m}\n`).join('');
  }
  return manifests;
}

/**
 * Parser for the heads of rendered manifests (kind, name, annotations). A quick reader takes plain
 * block YAML; js-yaml (fast) reads other well-formed documents; anything it rejects, or that uses merge keys, goes through the shared
 * go-yaml-compatible codec, which gives helm's exact error text.
 */
async function manifestHeadParser(): Promise<(text: string) => GoValue> {
  const [jsyaml, { parseYaml, mayHaveBadAnchorName }] = await Promise.all([import('js-yaml'), import('../encoding/yaml.js')]);
  const load = jsyaml.default.load;
  const schema = jsyaml.default.CORE_SCHEMA;
  return (text: string): GoValue => {
    // bytes that are not UTF-8 (engine/bytes.ts): go-yaml refuses them, only the exact codec says how
    if (hasRawBytes(text)) return parseYaml(text) as GoValue;
    // anchor names go-yaml cannot scan (`&x.y`) but js-yaml accepts: the exact codec fails like helm
    if (mayHaveBadAnchorName(text)) return parseYaml(text) as GoValue;
    // Most rendered manifests are plain block YAML: read just their heads (src/fast/manifest-head.ts).
    const quick = quickManifestHead(text);
    if (quick !== undefined) return quick;
    if (!text.includes('<<')) {
      try {
        return toGo(load(text, { schema, json: true }));
      } catch {
        /* fall through to the exact codec */
      }
    }
    return parseYaml(text) as GoValue;
  };
}

function toGo(v: unknown): GoValue {
  if (v === undefined) return null;
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (Array.isArray(v)) return v.map(toGo);
  if (typeof v === 'object') {
    const m = newMap();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) m[k] = toGo(x);
    return m;
  }
  return String(v);
}

/** Renders --name-template with the template engine (no data). */
async function renderNameTemplate(text: string): Promise<string> {
  const { Engine } = await import('../engine/render.js');
  const engine = await Engine.create();
  return engine.renderString('name-template', text, null);
}

/** Splits a pflag StringSlice value (comma-separated, CSV quoting allowed). */
function splitSlice(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  const out: string[] = [];
  for (const v of values) {
    if (v === '') continue;
    let cur = '';
    let quoted = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i]!;
      if (c === '"') {
        if (quoted && v[i + 1] === '"') {
          cur += '"';
          i++;
        } else quoted = !quoted;
      } else if (c === ',' && !quoted) {
        out.push(cur);
        cur = '';
      } else cur += c;
    }
    out.push(cur);
  }
  return out;
}

/**
 * `rel template` without the CLI framework (fast start-up): parses helm's flags with
 * node:util, runs the template action and writes stdout/stderr. Returns the exit code.
 * bin/run.js may call this directly for `rel template …`.
 */
export async function templateMain(argv: string[], io: { stdout?: (s: string) => void; stderr?: (s: string) => void } = {}): Promise<number> {
  // Go strings may hold bytes that are not UTF-8 (kept as escapes, engine/bytes.ts): write them raw
  const out = io.stdout ?? ((s: string) => void process.stdout.write(outputBytes(s)));
  const err = io.stderr ?? ((s: string) => void process.stderr.write(outputBytes(s)));
  const { parseArgs } = await import('node:util');
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        values: { type: 'string', short: 'f', multiple: true },
        set: { type: 'string', multiple: true },
        'set-string': { type: 'string', multiple: true },
        'set-file': { type: 'string', multiple: true },
        'set-json': { type: 'string', multiple: true },
        'set-literal': { type: 'string', multiple: true },
        namespace: { type: 'string', short: 'n' },
        'kube-version': { type: 'string' },
        'api-versions': { type: 'string', short: 'a', multiple: true },
        'include-crds': { type: 'boolean' },
        'skip-crds': { type: 'boolean' },
        'skip-tests': { type: 'boolean' },
        'no-hooks': { type: 'boolean' },
        'show-only': { type: 'string', short: 's', multiple: true },
        'output-dir': { type: 'string' },
        'release-name': { type: 'boolean' },
        'is-upgrade': { type: 'boolean' },
        'name-template': { type: 'string' },
        'generate-name': { type: 'boolean', short: 'g' },
        'skip-schema-validation': { type: 'boolean' },
        debug: { type: 'boolean' },
        'no-color': { type: 'boolean' },
      },
    });
  } catch (e) {
    const msg = (e as Error).message;
    const m = /Unknown option '(-{1,2})([^']+)'/.exec(msg);
    if (m) err(m[1] === '--' ? `Error: unknown flag: --${m[2]}\n` : `Error: unknown shorthand flag: '${m[2]![0]}' in -${m[2]}\n`);
    else {
      const need = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(msg);
      err(need ? `Error: flag needs an argument: ${need[1]}\n` : `Error: ${msg}\n`);
    }
    return 1;
  }
  const f = parsed.values;
  const args = parsed.positionals;
  if (args.length === 0) {
    err('Error: "rel template" requires at least 1 argument\n\nUsage:  rel template [NAME] [CHART] [flags]\n');
    return 1;
  }
  if (args.length > 2) {
    err(`Error: expected at most two arguments, unexpected arguments: ${args.slice(2).join(', ')}\n`);
    return 1;
  }
  const [releaseName, chart] = args.length === 2 ? [args[0], args[1]!] : [undefined, args[0]!];
  const res = await runTemplate({
    releaseName,
    chart,
    namespace: f.namespace ?? process.env.HELM_NAMESPACE,
    valueFiles: splitSlice(f.values),
    set: f.set,
    setString: f['set-string'],
    setFile: f['set-file'],
    setJson: f['set-json'],
    setLiteral: f['set-literal'],
    kubeVersion: f['kube-version'],
    apiVersions: splitSlice(f['api-versions']),
    includeCrds: f['include-crds'],
    skipCrds: f['skip-crds'],
    skipTests: f['skip-tests'],
    disableHooks: f['no-hooks'],
    showOnly: f['show-only'],
    outputDir: f['output-dir'],
    useReleaseName: f['release-name'],
    isUpgrade: f['is-upgrade'],
    nameTemplate: f['name-template'],
    generateName: f['generate-name'],
    skipSchemaValidation: f['skip-schema-validation'],
    debug: f.debug,
  });
  if (res.stderr) err(res.stderr);
  if (res.stdout) out(res.stdout);
  if (res.error) {
    err(`Error: ${res.error.message}\n`);
    return 1;
  }
  return 0;
}
