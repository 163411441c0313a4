/**
 * What a scheduled run needs from the project, packed for a ConfigMap: rel.yaml as text (data) and the chart
 * plus the release's values files as one gzipped tar (binaryData bundle.tgz), paths kept relative to the
 * folder of rel.yaml so the project resolves the same way inside the job. Kubernetes caps a ConfigMap at
 * 1 MiB (data + binaryData), which this checks before anything is sent.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import * as tar from 'tar';

/** Kubernetes' limit on a ConfigMap's data + binaryData (MaxSecretSize, also used for ConfigMaps). */
export const CONFIGMAP_LIMIT = 1024 * 1024;
export const BUNDLE_KEY = 'bundle.tgz';
export const PROJECT_KEY = 'rel.yaml';
export const DEFAULT_MOUNT = '/etc/rel';

export class BundleTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly biggest: { file: string; bytes: number }[],
    what = 'the project bundle for the scheduled run',
    holder = 'ConfigMap',
  ) {
    super(
      `${what} is ${fmtBytes(size)}, over the 1 MiB a Kubernetes ${holder} can hold. ` +
        `Largest files: ${biggest.map((b) => `${b.file} (${fmtBytes(b.bytes)})`).join(', ')}. ` +
        'Shrink the chart (add a .helmignore for tests, docs, images), or keep large files out of the chart folder.',
    );
    this.name = 'BundleTooLargeError';
  }
}

const fmtBytes = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

export interface Bundle {
  /** rel.yaml text. */
  project: string;
  /** gzipped tar of the chart and values files. */
  tgz: Buffer;
  /** Files in the tar, relative to the project folder (posix separators). */
  files: string[];
  /** Bytes counted against the ConfigMap limit. */
  size: number;
}

function relInside(projectDir: string, file: string, what: string): string {
  const r = relative(projectDir, file);
  if (r === '' || r.startsWith('..') || isAbsolute(r)) {
    throw new Error(`${what} ${file} is outside the project folder ${projectDir}: rel schedule carries only files under the folder of rel.yaml; move it there (or copy it in) and refer to it by a relative path`);
  }
  return r.split(sep).join('/');
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (name === '.git') continue;
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) walk(p, out);
    else if (st.isFile()) out.push(p);
  }
}

/** Packs rel.yaml, the chart (folder or .tgz) and the values files; throws BundleTooLargeError past 1 MiB. */
export async function makeBundle(input: { projectFile: string; chart: string; valueFiles: string[] }): Promise<Bundle> {
  const projectDir = dirname(input.projectFile);
  const project = readFileSync(input.projectFile, 'utf8');
  const abs: string[] = [];
  if (!existsSync(input.chart)) throw new Error(`chart ${input.chart} does not exist`);
  if (lstatSync(input.chart).isDirectory()) walk(input.chart, abs);
  else abs.push(input.chart);
  abs.push(...input.valueFiles);
  const files = [...new Set(abs.map((f) => relInside(projectDir, f, f === input.chart ? 'chart' : 'file')))];
  const tmp = mkdtempSync(join(tmpdir(), 'rel-bundle-'));
  try {
    const file = join(tmp, BUNDLE_KEY);
    // Fixed mtimes and no owner data: the same project gives the same bytes (no needless ConfigMap changes).
    await tar.create({ gzip: { level: 9 }, cwd: projectDir, file, portable: true, mtime: new Date(0), noDirRecurse: true }, files);
    const tgz = readFileSync(file);
    const size = tgz.length + Buffer.byteLength(project) + Buffer.byteLength(PROJECT_KEY) + Buffer.byteLength(BUNDLE_KEY);
    if (size > CONFIGMAP_LIMIT) {
      const biggest = files
        .map((f) => ({ file: f, bytes: lstatSync(join(projectDir, f)).size }))
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, 3);
      throw new BundleTooLargeError(size, biggest);
    }
    return { project, tgz, files, size };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Turns a mounted ConfigMap folder (rel.yaml + bundle.tgz) into a project folder. A folder that holds
 * rel.yaml but no bundle is used as it is. Returns the project folder and a cleanup function.
 */
export async function openBundle(from: string): Promise<{ dir: string; cleanup: () => void }> {
  const projectFile = join(from, PROJECT_KEY);
  if (!existsSync(projectFile)) {
    throw new Error(`no ${PROJECT_KEY} in ${from}: mount the ConfigMap made by rel schedule there, or pass --from DIR`);
  }
  const bundle = join(from, BUNDLE_KEY);
  if (!existsSync(bundle)) return { dir: from, cleanup: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'rel-scheduled-'));
  try {
    await tar.extract({ file: bundle, cwd: dir, strict: true, preservePaths: false });
    // The mounted file is a symlink into ..data; copy its content.
    copyFileSync(projectFile, join(dir, PROJECT_KEY));
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot unpack ${bundle}: ${(e as Error).message}`);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a ConfigMap's data/binaryData as files into `dir` (what a volume mount does), for tests and dry runs. */
export function writeConfigMapFiles(cm: { data?: Record<string, string>; binaryData?: Record<string, string> }, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [k, v] of Object.entries(cm.data ?? {})) writeFileSync(join(dir, k), v);
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) writeFileSync(join(dir, k), Buffer.from(v, 'base64'));
}

/**
 * Packs files under new names (`to`, posix, relative) into one gzipped tar, the way makeBundle does (fixed
 * mtimes, no owners). A folder entry packs every file below it (except .git). Throws BundleTooLargeError
 * when the tar plus `extraBytes` passes 1 MiB.
 */
export async function packFiles(
  entries: { from: string; to: string }[],
  opts: { extraBytes?: number; what?: string; holder?: string } = {},
): Promise<{ tgz: Buffer; files: string[]; size: number }> {
  const stage = mkdtempSync(join(tmpdir(), 'rel-pack-'));
  try {
    const sizes = new Map<string, number>();
    const put = (from: string, to: string) => {
      const dest = join(stage, to);
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(from, dest);
      sizes.set(to, lstatSync(from).size);
    };
    for (const e of entries) {
      if (!existsSync(e.from)) throw new Error(`${e.from} does not exist`);
      if (lstatSync(e.from).isDirectory()) {
        const files: string[] = [];
        walk(e.from, files);
        for (const f of files) put(f, `${e.to}/${relative(e.from, f).split(sep).join('/')}`);
      } else put(e.from, e.to);
    }
    const files = [...sizes.keys()].sort();
    const file = join(stage, '..', `${stage.split(sep).pop()}.tgz`);
    try {
      await tar.create({ gzip: { level: 9 }, cwd: stage, file, portable: true, mtime: new Date(0), noDirRecurse: true }, files);
      const tgz = readFileSync(file);
      const size = tgz.length + (opts.extraBytes ?? 0);
      if (size > CONFIGMAP_LIMIT) {
        const biggest = [...sizes.entries()].map(([f, bytes]) => ({ file: f, bytes })).sort((a, b) => b.bytes - a.bytes).slice(0, 3);
        throw new BundleTooLargeError(size, biggest, opts.what, opts.holder);
      }
      return { tgz, files, size };
    } finally {
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** Unpacks a tar made by packFiles into a new temporary folder; returns it and a cleanup function. */
export async function unpackFiles(tgzFile: string): Promise<{ dir: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'rel-detached-'));
  try {
    await tar.extract({ file: tgzFile, cwd: dir, strict: true, preservePaths: false });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot unpack ${tgzFile}: ${(e as Error).message}`);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
