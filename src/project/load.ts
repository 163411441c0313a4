import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { UserError } from '../cli/errors.js';
import { ExitCode } from '../cli/exit-codes.js';
import { projectSchema } from './schema.js';
import { closest } from '../cli/suggest.js';
import type { Project } from './types.js';

export const PROJECT_FILE = 'rel.yaml';

/** Finds rel.yaml in `dir` or its parents. */
export function findProjectFile(dir = process.cwd()): string | undefined {
  let cur = resolve(dir);
  for (;;) {
    const p = join(cur, PROJECT_FILE);
    if (existsSync(p)) return p;
    const up = dirname(cur);
    if (up === cur) return undefined;
    cur = up;
  }
}

/** Loads and validates a rel.yaml. Errors name file:line:col and suggest a fix. */
export function loadProject(file: string): Project {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read project file ${file}: ${(e as Error).message}`);
  }
  return parseProject(text, file);
}

export function parseProject(text: string, file = PROJECT_FILE): Project {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = lc.linePos(e.pos[0]);
    throw new UserError(`${file}:${pos.line}:${pos.col}: invalid YAML: ${e.message.split('\n')[0]}`, { exitCode: ExitCode.USAGE });
  }
  const data = doc.toJS() as unknown;
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(projectSchema);
  if (!validate(data)) {
    const errors = pickErrors(validate.errors ?? []);
    const lines = errors.map((err) => formatError(err, doc, lc, file));
    throw new UserError(`invalid project file:\n  ${lines.join('\n  ')}`, {
      hint: 'See "rel.yaml" in the README for the format, or run `rel init` for a commented example.',
      exitCode: ExitCode.USAGE,
    });
  }
  return data as Project;
}

/** ajv reports every branch; keep the most useful error per location. */
function pickErrors(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  const out: ErrorObject[] = [];
  for (const e of errors) {
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out.slice(0, 10);
}

function formatError(err: ErrorObject, doc: Document, lc: LineCounter, file: string): string {
  const path = err.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const segs: (string | number)[] = path.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  let node = doc.getIn(segs, true) as Node | undefined;
  let where = segs.join('.') || '(top level)';
  let msg = err.message ?? 'is invalid';
  if (err.keyword === 'additionalProperties') {
    const extra = String((err.params as { additionalProperty: string }).additionalProperty);
    const parent = (segs.length ? doc.getIn(segs, true) : doc.contents) as Node | undefined;
    if (parent && isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === extra);
      if (pair && isScalar(pair.key)) node = pair.key as Node;
    }
    const allowed = allowedKeys(err);
    const guess = closest(extra, allowed);
    where = [...segs, extra].join('.');
    msg = `unknown key "${extra}"${guess ? ` (did you mean "${guess}"?)` : ''}`;
  } else if (err.keyword === 'enum') {
    msg = `must be one of ${((err.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}`;
  } else if (err.keyword === 'required') {
    msg = `missing required key "${(err.params as { missingProperty: string }).missingProperty}"`;
  } else if (err.keyword === 'pattern' && (err.params as { pattern: string }).pattern.includes('ms|s|m|h')) {
    msg = 'must be a duration such as 30s, 5m, 1h30m';
  }
  const range = node?.range;
  const pos = range ? lc.linePos(range[0]) : { line: 1, col: 1 };
  return `${file}:${pos.line}:${pos.col}: ${where}: ${msg}`;
}

function allowedKeys(err: ErrorObject): string[] {
  // Walk the schema along the schemaPath to find the object's properties.
  const parts = err.schemaPath.replace(/^#\//, '').split('/').slice(0, -1);
  let s: unknown = projectSchema;
  for (const p of parts) s = (s as Record<string, unknown>)?.[p];
  const props = (s as { properties?: Record<string, unknown> })?.properties;
  return props ? Object.keys(props) : [];
}

export { closest } from '../cli/suggest.js';
