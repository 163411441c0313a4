/**
 * Finds the maintenance windows that apply to an environment (and release) in rel.yaml, layered the same
 * way `rel deploy` layers settings (src/project/resolve.ts mergeSettings):
 *
 *   defaults.windows  <  environments.<env>.windows  <  releases[r].windows  <  releases[r].environments.<env>.windows
 *
 * Later layers win; `allow`, `deny` and `freezes` lists replace the earlier ones, `policy` merges field by
 * field. The whole file is validated by the project module first (same errors as every other command); each
 * windows layer is then compiled on its own, so cron/zone/duration errors point at file:line:col.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, type Node, isNode, parseDocument } from 'yaml';
import { UserError, describeError } from '../cli/errors.js';
import { findProjectFile, parseProject } from '../project/load.js';
import { mergeSettings } from '../project/resolve.js';
import type { Project, Settings } from '../project/types.js';
import { type CompiledSpec, type SpecPath, WindowSpecError, compileWindowSpec, didYouMean, formatPath } from './spec.js';

export class WindowConfigError extends Error {
  /** 1 for a broken file, 2 for a usage error (unknown environment or release). */
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'WindowConfigError';
  }
}

export interface LoadedWindows {
  spec: CompiledSpec;
  file: string;
  env?: string;
  release?: string;
  /** Which sections contributed, e.g. ["defaults.windows", "environments.prod.windows"]. */
  sources: string[];
  /** Environments that define their own windows (to hint at --env when it was not given). */
  envsWithWindows: string[];
}

export interface LoadOptions {
  /** Path of the project file (default: rel.yaml in cwd or a parent folder). */
  file?: string;
  cwd?: string;
  env?: string;
  /** Release whose windows apply too (default: the only release, when there is just one). */
  release?: string;
}

function plain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Loads and validates the window spec for `env`/`release` from a rel.yaml. */
export function loadWindows(options: LoadOptions = {}): LoadedWindows {
  const cwd = options.cwd ?? process.cwd();
  const file = options.file ? path.resolve(cwd, options.file) : findProjectFile(cwd);
  if (!file) {
    throw new WindowConfigError(`no rel.yaml in ${cwd} or its parent folders: run rel in your project, pass --file PATH, or create one with rel init`, 2);
  }
  const shown = path.relative(cwd, file) || file;
  if (!existsSync(file)) throw new WindowConfigError(`project file ${shown} does not exist`, 2);
  const text = readFileSync(file, 'utf8');
  return parseWindows(text, { fileName: shown, env: options.env, release: options.release, absFile: file });
}

/** Same as loadWindows, from text (fileName is used in messages). */
export function parseWindows(
  text: string,
  opts: { fileName: string; env?: string; release?: string; absFile?: string },
): LoadedWindows {
  let project: Project;
  try {
    project = parseProject(text, opts.fileName);
  } catch (e) {
    if (e instanceof UserError) throw new WindowConfigError(describeError(e), e.exitCode);
    throw e;
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const pos = (offset: number): string => {
    const p = lc.linePos(offset);
    return `${opts.fileName}:${p.line}:${p.col}`;
  };
  const locate = (p: SpecPath): string => {
    for (let n = p.length; n >= 0; n--) {
      const node = doc.getIn(p.slice(0, n), true) as unknown;
      if (isNode(node) && (node as Node).range) return pos((node as Node).range![0]);
    }
    return opts.fileName;
  };
  const compile = (raw: unknown, p: SpecPath): CompiledSpec => {
    try {
      return compileWindowSpec(raw, p);
    } catch (e) {
      if (e instanceof WindowSpecError) {
        throw new WindowConfigError(e.issues.map((i) => `${locate(i.path)}: ${formatPath(i.path)}: ${i.message}`).join('\n'));
      }
      throw e;
    }
  };

  const envs = project.environments ?? {};
  if (opts.env !== undefined && !(opts.env in envs)) {
    const known = Object.keys(envs);
    throw new WindowConfigError(
      `${locate(['environments'])}: unknown environment "${opts.env}"${didYouMean(opts.env, known)}; defined: ${known.join(', ') || '(none)'}`,
      2,
    );
  }
  let releaseIndex: number | undefined;
  if (opts.release !== undefined) {
    releaseIndex = project.releases.findIndex((r) => r.name === opts.release);
    if (releaseIndex < 0) {
      const known = project.releases.map((r) => r.name);
      throw new WindowConfigError(
        `${locate(['releases'])}: no release "${opts.release}"${didYouMean(opts.release, known)}; defined: ${known.join(', ')}`,
        2,
      );
    }
  } else if (project.releases.length === 1) {
    releaseIndex = 0;
  }

  // The layers, lowest first, each with its place in the file.
  const layers: { raw: unknown; path: SpecPath }[] = [];
  const add = (settings: Settings | undefined, p: SpecPath): void => {
    if (settings?.windows !== undefined && settings.windows !== null) layers.push({ raw: settings.windows, path: [...p, 'windows'] });
  };
  add(project.defaults, ['defaults']);
  if (opts.env !== undefined) add(envs[opts.env], ['environments', opts.env]);
  if (releaseIndex !== undefined) {
    const rel = project.releases[releaseIndex]!;
    add(rel, ['releases', releaseIndex]);
    if (opts.env !== undefined) add(rel.environments?.[opts.env], ['releases', releaseIndex, 'environments', opts.env]);
  }
  for (const l of layers) compile(l.raw, l.path);
  const merged = mergeSettings(layers.map((l) => ({ windows: l.raw }) as Settings)).windows;
  const spec = compile(merged, ['windows']);

  const envsWithWindows = Object.entries(envs)
    .filter(([, v]) => plain(v) && v.windows !== undefined && v.windows !== null)
    .map(([k]) => k);
  const out: LoadedWindows = {
    spec,
    file: opts.absFile ?? opts.fileName,
    sources: layers.map((l) => formatPath(l.path)),
    envsWithWindows,
  };
  if (opts.env !== undefined) out.env = opts.env;
  if (releaseIndex !== undefined) out.release = project.releases[releaseIndex]!.name;
  return out;
}
