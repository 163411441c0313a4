/**
 * Reads the maintenance-window sections of rel.yaml:
 *
 *   windows: {...}                    # applies to every environment
 *   environments:
 *     prod:
 *       windows: {...}                # layered over the top-level section (see mergeCompiledSpecs)
 *
 * This is a small stand-in until the project-file module owns rel.yaml: it only looks at these keys, and
 * that module can call compileWindowSpec()/mergeCompiledSpecs() itself instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, type Node, isNode, parseDocument } from 'yaml';
import {
  type CompiledSpec,
  type SpecPath,
  WindowSpecError,
  compileWindowSpec,
  didYouMean,
  explicitPolicyKeys,
  formatPath,
  mergeCompiledSpecs,
} from './spec.js';

export class WindowConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WindowConfigError';
  }
}

export interface LoadedWindows {
  spec: CompiledSpec;
  file: string;
  env?: string;
  /** Which sections contributed, e.g. ["windows", "environments.prod.windows"]. */
  sources: string[];
  /** Environments that define their own windows (to hint at --env when it was not given). */
  envsWithWindows: string[];
}

export interface LoadOptions {
  /** Path of the project file (default: rel.yaml in cwd). */
  file?: string;
  cwd?: string;
  env?: string;
}

function plain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Loads and validates the window spec for `env` (or the top-level one) from a rel.yaml. */
export function loadWindows(options: LoadOptions = {}): LoadedWindows {
  const cwd = options.cwd ?? process.cwd();
  const file = path.resolve(cwd, options.file ?? 'rel.yaml');
  const shown = path.relative(cwd, file) || file;
  if (!existsSync(file)) {
    throw new WindowConfigError(
      options.file
        ? `project file ${shown} does not exist`
        : `no rel.yaml in ${cwd}: run rel in the folder that holds rel.yaml, or pass --file PATH`,
    );
  }
  const text = readFileSync(file, 'utf8');
  return parseWindows(text, { fileName: shown, env: options.env, absFile: file });
}

/** Same as loadWindows, from text (fileName is used in messages). */
export function parseWindows(text: string, opts: { fileName: string; env?: string; absFile?: string }): LoadedWindows {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const pos = (offset: number): string => {
    const p = lc.linePos(offset);
    return `${opts.fileName}:${p.line}:${p.col}`;
  };
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new WindowConfigError(`${pos(e.pos[0])}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  const root: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  if (!plain(root)) throw new WindowConfigError(`${opts.fileName}: must be a YAML mapping at the top level`);

  const locate = (p: SpecPath): string => {
    // Walk down to the deepest node that exists, for a line:col.
    for (let n = p.length; n >= 0; n--) {
      const node = doc.getIn(p.slice(0, n), true) as unknown;
      if (isNode(node) && (node as Node).range) return pos((node as Node).range![0]);
      if (n === 0) break;
      // Keys of maps: point at the key when the value is missing.
    }
    return opts.fileName;
  };
  const compile = (raw: unknown, p: SpecPath): CompiledSpec => {
    try {
      return compileWindowSpec(raw, p);
    } catch (e) {
      if (e instanceof WindowSpecError) {
        throw new WindowConfigError(
          e.issues.map((i) => `${locate(i.path)}: ${formatPath(i.path)}: ${i.message}`).join('\n'),
        );
      }
      throw e;
    }
  };

  const sources: string[] = [];
  let spec = compile(root.windows, ['windows']);
  if (root.windows !== undefined && root.windows !== null) sources.push('windows');
  if (opts.env !== undefined) {
    const envs = root.environments;
    if (!plain(envs)) {
      throw new WindowConfigError(`${opts.fileName}: environment "${opts.env}" is not defined: the file has no "environments" section`);
    }
    if (!(opts.env in envs)) {
      const known = Object.keys(envs);
      throw new WindowConfigError(
        `${locate(['environments'])}: unknown environment "${opts.env}"${didYouMean(opts.env, known)}; defined: ${known.join(', ') || '(none)'}`,
      );
    }
    const envNode = envs[opts.env];
    const rawEnv = plain(envNode) ? envNode.windows : undefined;
    if (rawEnv !== undefined && rawEnv !== null) {
      const envSpec = compile(rawEnv, ['environments', opts.env, 'windows']);
      spec = mergeCompiledSpecs(spec, envSpec, explicitPolicyKeys(rawEnv));
      sources.push(`environments.${opts.env}.windows`);
    }
  }
  const envsWithWindows = plain(root.environments)
    ? Object.entries(root.environments)
        .filter(([, v]) => plain(v) && v.windows !== undefined && v.windows !== null)
        .map(([k]) => k)
    : [];
  const out: LoadedWindows = { spec, file: opts.absFile ?? opts.fileName, sources, envsWithWindows };
  if (opts.env !== undefined) out.env = opts.env;
  return out;
}
