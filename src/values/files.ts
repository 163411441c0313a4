/**
 * Values files and the CLI-level values merge, as helm 4 does them:
 * - `loadValues(text)` = helm's loader.LoadValues: every YAML document of the file (split like
 *   k8s.io/apimachinery's YAMLReader) is decoded with sigs.k8s.io/yaml into a map and the
 *   documents are merged in order.
 * - `readValuesFile(path)` adds helm's `failed to parse PATH: ...` wrapping (the `-f` flag).
 * - `mergeValues(base, override)` = loader.MergeMaps.
 * - `collectValueOptions(opts)` = values.Options.MergeValues: -f files, then --set-json, --set,
 *   --set-string, --set-file, --set-literal, with helm's error texts.
 */
import { readFileSync } from 'node:fs';
import { goString } from '../engine/bytes.js';
import { newMap, type GoMap } from '../engine/types.js';
import { parseYamlMap, YamlError } from '../encoding/yaml.js';
import {
  goFileError,
  mergeMaps,
  parseSet,
  parseSetFile,
  parseSetJSON,
  parseSetLiteral,
  parseSetString,
  StrvalsError,
} from './strvals.js';

export class ValuesError extends Error {
  file?: string;
  line?: number;
  col?: number;
  constructor(message: string, opts?: { file?: string; line?: number; col?: number }) {
    super(message);
    this.name = 'ValuesError';
    this.file = opts?.file;
    this.line = opts?.line;
    this.col = opts?.col;
  }
}

/** k8s.io/apimachinery YAMLReader: splits a stream at `---` lines (only a comment may follow). */
export function splitYamlDocuments(text: string): { text: string; firstLine: number }[] {
  const docs: { text: string; firstLine: number }[] = [];
  let buf = '';
  let bufStart = 1;
  let lineNo = 0;
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const line = nl < 0 ? text.slice(pos) : text.slice(pos, nl + 1);
    pos = nl < 0 ? text.length : nl + 1;
    lineNo++;
    if (line.startsWith('---')) {
      const trimmed = line.slice(3).trim();
      if (trimmed.length > 0 && trimmed[0] !== '#') {
        throw new ValuesError(`error reading yaml document: invalid Yaml document separator: ${trimmed}`, { line: lineNo });
      }
      if (buf.length !== 0) docs.push({ text: buf, firstLine: bufStart });
      buf = '';
      bufStart = lineNo + 1;
      continue;
    }
    if (buf.length === 0) bufStart = lineNo;
    buf += line;
  }
  if (buf.length !== 0) docs.push({ text: buf, firstLine: bufStart });
  return docs;
}

/**
 * helm's loader.LoadValues: the merged map of all documents. Errors read like helm's
 * (`cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 3: ...`).
 * `file` is only used to annotate the error (file, absolute line).
 */
export function loadValues(text: string, opts?: { file?: string }): GoMap {
  let values = newMap();
  for (const doc of splitYamlDocuments(text)) {
    let current: GoMap;
    try {
      current = parseYamlMap(doc.text);
    } catch (e) {
      if (e instanceof YamlError) {
        const line = e.line !== undefined ? e.line + doc.firstLine - 1 : undefined;
        throw new ValuesError(`cannot unmarshal yaml document: ${e.message}`, { file: opts?.file, line, col: e.col });
      }
      throw e;
    }
    values = mergeMaps(values, current);
  }
  return values;
}

/** Reads a file like helm's values readFile ("-" is standard input); errors in Go's words. */
export function readFileGo(path: string): string {
  try {
    // Go strings: bytes that are not UTF-8 are kept (engine/bytes.ts)
    if (path.trim() === '-') return goString(readFileSync(0));
    return goString(readFileSync(path));
  } catch (e) {
    throw new ValuesError(goFileError(path, e).message, { file: path });
  }
}

/**
 * A values file given with -f/--values: `failed to parse PATH: cannot unmarshal yaml document: ...`.
 * `displayName` is the path as the user typed it (helm prints that); defaults to `path`.
 */
export function readValuesFile(path: string, opts?: { displayName?: string; readFile?: (p: string) => string }): GoMap {
  const shown = opts?.displayName ?? path;
  let text: string;
  try {
    text = (opts?.readFile ?? readFileGo)(path);
  } catch (e) {
    if (e instanceof ValuesError) throw new ValuesError(e.message.replace(path, shown), { file: shown });
    throw new ValuesError(goFileError(shown, e).message, { file: shown });
  }
  try {
    return loadValues(text, { file: shown });
  } catch (e) {
    if (e instanceof ValuesError) throw new ValuesError(`failed to parse ${shown}: ${e.message}`, { file: shown, line: e.line, col: e.col });
    throw e;
  }
}

/** helm's MergeMaps: `override` wins; nested maps merge; lists and scalars replace. */
export function mergeValues(base: GoMap, override: GoMap): GoMap {
  return mergeMaps(base, override);
}

export interface ValueOptions {
  valueFiles?: string[];
  jsonValues?: string[];
  values?: string[];
  stringValues?: string[];
  fileValues?: string[];
  literalValues?: string[];
}

/**
 * helm's values.Options.MergeValues. `readFile` reads -f and --set-file paths (default: the file
 * system, relative to the current directory); errors are ValuesError with helm's full message.
 */
export function collectValueOptions(opts: ValueOptions, readFile: (path: string) => string = readFileGo): GoMap {
  let base = newMap();
  for (const f of opts.valueFiles ?? []) {
    base = mergeMaps(base, readValuesFile(f, { readFile }));
  }
  const wrap = (fn: () => GoMap | Promise<GoMap>): void => {
    try {
      const r = fn();
      if (r instanceof Promise) throw new Error('internal: asynchronous reader');
      base = r;
    } catch (e) {
      if (e instanceof StrvalsError) throw new ValuesError(e.helmMessage);
      throw e;
    }
  };
  for (const v of opts.jsonValues ?? []) wrap(() => parseSetJSON(v, base));
  for (const v of opts.values ?? []) wrap(() => parseSet(v, base));
  for (const v of opts.stringValues ?? []) wrap(() => parseSetString(v, base));
  for (const v of opts.fileValues ?? []) {
    wrap(() =>
      parseSetFile(v, base, (p) => {
        try {
          return readFile(p);
        } catch (e) {
          // readFileGo already speaks Go; keep its text.
          if (e instanceof ValuesError) throw Object.assign(new Error(e.message), { goText: true });
          throw e;
        }
      }),
    );
  }
  for (const v of opts.literalValues ?? []) wrap(() => parseSetLiteral(v, base));
  return base;
}
