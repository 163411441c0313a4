/**
 * Chart loading like Helm's pkg/chart/v2/loader: from a directory (honouring .helmignore)
 * or a packaged .tgz, recursively loading subcharts from charts/ (folders and archives).
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import type { GoMap, GoValue } from '../engine/types.js';
import { isGoMap, newMap } from '../engine/types.js';
import { Chart, type ChartFile } from './chart.js';
import { IgnoreRules } from './ignore.js';
import { ChartLoadError, decodeMetadata, emptyMetadata, validateMetadata, type Metadata } from './metadata.js';
import { extPath } from './match.js';
import { parseChartYaml } from './yaml.js';
import { goString } from '../engine/bytes.js';


/** Largest single chart file accepted (Helm's MaxDecompressedFileSize is 5 MiB). */
const MAX_DECOMPRESSED_FILE_SIZE = 5 * 1024 * 1024;

function stripBom(data: Uint8Array): Uint8Array {
  return data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? data.subarray(3) : data;
}

/** A chart file as a Go string: a leading BOM dropped, bytes that are not UTF-8 kept (engine/bytes.ts). */
export function fileText(f: ChartFile | Uint8Array): string {
  return goString(stripBom(f instanceof Uint8Array ? f : f.data));
}

/** Warnings the loader emits (Helm logs them); the caller decides where they go. */
export type WarnFn = (msg: string) => void;

export interface LoadOptions {
  warn?: WarnFn;
}

/** Loads a chart from a directory or a .tgz file. */
export async function loadChart(path: string, opts: LoadOptions = {}): Promise<Chart> {
  // Synchronous file system calls: a chart is a few small files, and each asynchronous call would
  // wait for a round trip through libuv's thread pool (most of a small render's wall time).
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new ChartLoadError(`path ${JSON.stringify(path)} not found`);
  }
  if (st.isDirectory()) return loadDir(path, opts);
  const data = readFileSync(path);
  return loadArchive(new Uint8Array(data), opts, path);
}

/** Loads a chart from an in-memory .tgz. */
export async function loadArchive(data: Uint8Array, opts: LoadOptions = {}, source = 'chart archive'): Promise<Chart> {
  const { readChartArchive } = await import('./archive.js');
  const files = await readChartArchive(data, source);
  return loadFiles(files, opts);
}

/** Reads a chart directory into files, applying .helmignore and Helm's default rules. */
export async function readChartDir(dir: string): Promise<ChartFile[]> {
  return readChartDirSync(dir);
}

/** readChartDir with synchronous file system calls (see loadChart). */
export function readChartDirSync(dir: string): ChartFile[] {
  const top = nodePath.resolve(dir);
  try {
    statSync(nodePath.join(top, 'Chart.yaml'));
  } catch {
    const p = nodePath.join(top, 'Chart.yaml');
    throw new ChartLoadError(`unable to detect chart at ${p}: open ${p}: no such file or directory`);
  }
  let rules = new IgnoreRules();
  try {
    const text = readFileSync(nodePath.join(top, '.helmignore'), 'utf8');
    rules = IgnoreRules.parse(text, nodePath.join(dir, '.helmignore'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  rules.addDefaults();
  const files: ChartFile[] = [];
  const walk = (abs: string, rel: string, ancestors: string[] = []): void => {
    const real = realpathSync.native(abs);
    if (ancestors.includes(real)) throw new ChartLoadError(`symbolic link loop at ${abs}`);
    ancestors = [...ancestors, real];
    const entries = readdirSync(abs).sort();
    for (const name of entries) {
      const childAbs = nodePath.join(abs, name);
      const childRel = rel === '' ? name : `${rel}/${name}`;
      let st;
      try {
        st = statSync(childAbs); // follows symlinks, like Helm's sympath.Walk
      } catch {
        throw new ChartLoadError(`cannot read ${childAbs}: broken symbolic link or missing file`);
      }
      if (st.isDirectory()) {
        if (rules.ignore(childRel, true)) continue;
        walk(childAbs, childRel, ancestors);
        continue;
      }
      if (rules.ignore(childRel, false)) continue;
      if (!st.isFile()) throw new ChartLoadError(`cannot load irregular file ${childAbs} as it has file mode type bits set`);
      if (st.size > MAX_DECOMPRESSED_FILE_SIZE) {
        throw new ChartLoadError(`chart file ${JSON.stringify(name)} is larger than the maximum file size ${MAX_DECOMPRESSED_FILE_SIZE}`);
      }
      const data = readFileSync(childAbs);
      files.push({ name: childRel, data: stripBom(new Uint8Array(data)) });
    }
  };
  walk(top, '');
  return files;
}

export async function loadDir(dir: string, opts: LoadOptions = {}): Promise<Chart> {
  return loadFiles(readChartDirSync(dir), opts);
}

/** Splits a YAML stream into documents like k8s.io/apimachinery's YAMLReader. */
export function splitYamlDocuments(text: string): string[] {
  // Most values files have no separator line: one document, no line-by-line pass.
  if (!text.startsWith('---') && !text.includes('\n---')) return [text];
  const docs: string[] = [];
  let cur: string[] = [];
  for (const line of text.split(/(?<=\n)/)) {
    if (line.startsWith('---') && line.slice(3).trim() === '') {
      docs.push(cur.join(''));
      cur = [];
      continue;
    }
    cur.push(line);
  }
  docs.push(cur.join(''));
  return docs;
}

/** Helm's loader.LoadValues: all documents of a values file, merged (later wins, lists appended). */
export function loadValues(text: string, file: string): GoMap {
  let values = newMap();
  const docs = splitYamlDocuments(text);
  for (const doc of docs) {
    if (docs.length > 1 && doc.trim() === '') continue;
    let v: GoValue;
    try {
      v = parseChartYaml(doc, file);
    } catch (e) {
      // helm's LoadValues wraps every document's unmarshal error (syntax and YAML-to-JSON conversion alike)
      if (e instanceof Error) e.message = `cannot unmarshal yaml document: ${e.message}`;
      throw e;
    }
    if (v === null || v === undefined) continue;
    if (!isGoMap(v)) {
      throw new ChartLoadError(`cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'bool' : 'number'} into Go value of type map[string]interface {}`);
    }
    values = docs.length > 1 ? mergeMaps(values, v) : v;
  }
  return values;
}

/** Helm's loader.MergeMaps (used only for multi-document values files). */
function mergeMaps(a: GoMap, b: GoMap): GoMap {
  const out = newMap();
  Object.assign(out, a);
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    if (isGoMap(v) && isGoMap(cur)) {
      out[k] = mergeMaps(cur, v);
    } else {
      // Lists are replaced, not appended (checked with helm: `l: [1]` then `--- l: [2]` gives [2]).
      out[k] = v;
    }
  }
  return out;
}

function wrap(prefix: string, e: unknown): ChartLoadError {
  const msg = e instanceof Error ? e.message : String(e);
  return new ChartLoadError(`${prefix}: ${msg}`);
}

/** Builds a chart from its files (Helm's loader.LoadFiles). */
export async function loadFiles(files: ChartFile[], opts: LoadOptions = {}): Promise<Chart> {
  const warn = opts.warn ?? (() => {});
  let md: Metadata | null = null;
  for (const f of files) {
    if (f.name === 'Chart.yaml') {
      md ??= emptyMetadata();
      let doc: GoValue;
      try {
        doc = parseChartYaml(fileText(f), 'Chart.yaml');
        decodeMetadata(doc, md);
      } catch (e) {
        throw wrap('cannot load Chart.yaml', e);
      }
      if (md.APIVersion === '') md.APIVersion = 'v1';
    }
  }
  const c = new Chart(md ?? emptyMetadata());
  const subcharts = new Map<string, ChartFile[]>();
  for (const f of files) {
    c.raw.push(f);
    const n = f.name;
    if (n === 'Chart.yaml') continue;
    if (n === 'Chart.lock' || n === 'requirements.lock') {
      try {
        const lock = parseChartYaml(fileText(f), n);
        c.lock = isGoMap(lock) ? lock : null;
      } catch (e) {
        throw wrap(`cannot load ${n}`, e);
      }
      if (n === 'requirements.lock') {
        md ??= c.metadata;
        if (c.metadata.APIVersion !== 'v1') warn('Dependency locking is handled in Chart.lock since apiVersion "v2". We recommend migrating to Chart.lock.');
        else c.files.push(f);
      }
    } else if (n === 'values.yaml') {
      try {
        c.values = loadValues(fileText(f), 'values.yaml');
      } catch (e) {
        throw wrap('cannot load values.yaml', e);
      }
    } else if (n === 'values.schema.json') {
      c.schema = f.data;
    } else if (n === 'requirements.yaml') {
      md ??= c.metadata;
      if (c.metadata.APIVersion !== 'v1') warn('Dependencies are handled in Chart.yaml since apiVersion "v2". We recommend migrating dependencies to Chart.yaml.');
      try {
        decodeMetadata(parseChartYaml(fileText(f), n), c.metadata);
      } catch (e) {
        throw wrap('cannot load requirements.yaml', e);
      }
      if (c.metadata.APIVersion === 'v1') c.files.push(f);
    } else if (n.startsWith('templates/')) {
      c.templates.push(f);
    } else if (n.startsWith('charts/')) {
      if (extPath(n) === '.prov') {
        c.files.push(f);
        continue;
      }
      const rest = n.slice('charts/'.length);
      const cname = rest.split('/')[0]!;
      const list = subcharts.get(cname) ?? [];
      list.push({ name: rest, data: f.data });
      subcharts.set(cname, list);
    } else {
      c.files.push(f);
    }
  }
  if (md === null) throw new ChartLoadError('Chart.yaml file is missing');
  if (c.metadata.APIVersion === 'v3') throw new ChartLoadError('invalid chart apiVersion');
  if (c.metadata.APIVersion !== 'v1' && c.metadata.APIVersion !== 'v2') throw new ChartLoadError('unsupported chart version');
  validateMetadata(c.metadata);

  for (const [n, list] of subcharts) {
    if (n.startsWith('_') || n.startsWith('.')) continue;
    let sc: Chart;
    try {
      if (extPath(n) === '.tgz') {
        const file = list[0]!;
        if (file.name !== n) throw new ChartLoadError(`error unpacking subchart tar in ${c.name()}: expected ${n}, got ${file.name}`);
        sc = await loadArchive(file.data, opts, `charts/${n}`);
      } else {
        const buff: ChartFile[] = [];
        for (const f of list) {
          const i = f.name.indexOf('/');
          if (i < 0) continue;
          buff.push({ name: f.name.slice(i + 1), data: f.data });
        }
        sc = await loadFiles(buff, opts);
      }
    } catch (e) {
      if (e instanceof ChartLoadError && e.message.startsWith('error unpacking subchart tar in')) throw e;
      throw wrap(`error unpacking subchart ${n} in ${c.name()}`, e);
    }
    c.addDependency(sc);
  }
  return c;
}
