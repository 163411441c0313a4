/**
 * Conformance cases (test/fixtures/cases.yaml) and their helm-made goldens (test/fixtures/golden/),
 * and the comparisons the conformance harness applies:
 *  - rendering cases: stdout byte for byte; for cases marked `random`, the line ranges recorded in
 *    <id>.random.json are compared by shape (see `compareRandom`) and every certificate / private
 *    key in the output must parse with node:crypto;
 *  - failing cases: the same exit code, nothing on stdout, and stderr containing every `match:`
 *    string of <id>.err (the template file:line of the failure and the essential message).
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTwoFilesPatch } from 'diff';
import { parse } from 'yaml';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const fixturesDir = join(repoRoot, 'test/fixtures');
export const goldenDir = join(fixturesDir, 'golden');

export interface ConformanceCase {
  id: string;
  chart: string;
  release?: string;
  args?: string[];
  random?: boolean;
  /** run with `--output-dir <tmp>`; stdout has the directory replaced by $OUTPUT_DIR, files are compared too */
  outputDir?: boolean;
  expect?: 'success' | 'error';
  match?: string[];
}

export interface CasesFile {
  packages?: { src: string; dest: string }[];
  cases: ConformanceCase[];
}

export function loadCases(): CasesFile {
  return parse(readFileSync(join(fixturesDir, 'cases.yaml'), 'utf8')) as CasesFile;
}

/** The arguments after `template` for a case (same as scripts/gen-goldens.mjs gives helm). */
export function caseArgv(c: ConformanceCase): string[] {
  const out: string[] = [];
  if (c.release !== '') out.push(c.release ?? 'rel');
  out.push(c.chart);
  out.push(...(c.args ?? []));
  return out;
}

export interface ErrorGolden {
  exit: number;
  match: string[];
  stderr: string;
}

export interface RandomHunk {
  start: number;
  end: number;
  lines: string[];
  alts: string[][];
}

export interface Golden {
  stdout: string;
  /** for outputDir cases: the files written (see listFiles) */
  files?: string;
  error?: ErrorGolden;
  random?: { runs: number; hunks: RandomHunk[] };
}

export function goldenFiles(id: string): { out: string; err: string; files: string; random: string } {
  return {
    out: join(goldenDir, `${id}.out`),
    err: join(goldenDir, `${id}.err`),
    files: join(goldenDir, `${id}.files`),
    random: join(goldenDir, `${id}.random.json`),
  };
}

export function parseErrorGolden(text: string): ErrorGolden {
  const lines = text.split('\n');
  let exit = NaN;
  const match: string[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const l = lines[i];
    if (l.startsWith('exit: ')) exit = Number(l.slice(6));
    else if (l.startsWith('match: ')) match.push(l.slice(7));
    else if (l === 'stderr:') break;
  }
  return { exit, match, stderr: lines.slice(i + 1).join('\n') };
}

export function loadGolden(id: string): Golden {
  const f = goldenFiles(id);
  const g: Golden = { stdout: readFileSync(f.out, 'utf8') };
  if (existsSync(f.files)) g.files = readFileSync(f.files, 'utf8');
  if (existsSync(f.err)) g.error = parseErrorGolden(readFileSync(f.err, 'utf8'));
  if (existsSync(f.random)) g.random = JSON.parse(readFileSync(f.random, 'utf8'));
  return g;
}

/** The files under `dir` with their contents, as one text sorted by path (same format as gen-goldens). */
export function listFiles(dir: string): string {
  const walk = (d: string): string[] =>
    existsSync(d) ? readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)])) : [];
  return walk(dir)
    .map((f) => relative(dir, f))
    .sort()
    .map((f) => `==> ${f} <==\n${readFileSync(join(dir, f), 'utf8')}\n`)
    .join('');
}

/** A short unified diff (first `maxLines` lines) for failure messages. */
export function shortDiff(expected: string, actual: string, maxLines = 60): string {
  const patch = createTwoFilesPatch('helm (golden)', 'rel', expected, actual, '', '', { context: 3 });
  const lines = patch.split('\n');
  return lines.length > maxLines ? `${lines.slice(0, maxLines).join('\n')}\n[... ${lines.length - maxLines} more diff lines]` : patch;
}

// ---------------------------------------------------------------------------------------------
// Shape comparison of random parts
// ---------------------------------------------------------------------------------------------

/** Alphabets from the narrowest to the widest; a random middle must stay in the narrowest one that holds every helm variant. */
const ALPHABETS: { name: string; re: RegExp }[] = [
  { name: 'digits', re: /^[0-9]*$/ },
  { name: 'lower hex', re: /^[0-9a-f]*$/ },
  { name: 'upper hex', re: /^[0-9A-F]*$/ },
  { name: 'uuid', re: /^[0-9a-f-]*$/ },
  { name: 'letters', re: /^[A-Za-z]*$/ },
  { name: 'alphanumeric', re: /^[A-Za-z0-9]*$/ },
  { name: 'base64', re: /^[A-Za-z0-9+/=]*$/ },
  { name: 'base64url', re: /^[A-Za-z0-9_=-]*$/ },
  { name: 'printable', re: /^[\x20-\x7e]*$/ },
];

function commonPrefix(strs: string[]): string {
  let p = strs[0] ?? '';
  for (const s of strs) {
    let i = 0;
    while (i < p.length && i < s.length && p[i] === s[i]) i++;
    p = p.slice(0, i);
  }
  return p;
}

function commonSuffix(strs: string[], skip: number): string {
  let sfx = (strs[0] ?? '').slice(skip);
  for (const s of strs) {
    const rest = s.slice(skip);
    let i = 0;
    while (i < sfx.length && i < rest.length && sfx[sfx.length - 1 - i] === rest[rest.length - 1 - i]) i++;
    sfx = sfx.slice(sfx.length - i);
  }
  return sfx;
}

/**
 * Whether `actual` has the shape of the helm lines `variants` (the same line in different helm
 * runs): the part all variants share at the start and the end must be identical, the varying
 * middle must use the narrowest alphabet that holds every variant's middle, and have the same
 * length (base64 runs of 16+ characters, as in keys and certificates, may differ by a few characters).
 * Returns undefined when it matches, else the reason.
 */
export function lineShapeMismatch(actual: string, variants: string[]): string | undefined {
  if (variants.includes(actual)) return undefined;
  // A line of a PEM body (only indentation and base64): its characters are partly structure
  // (certificate dates, lengths), so helm's runs may share a few by chance; compare indentation,
  // alphabet and length only. The certificate itself is then parsed by pemMismatch.
  const b64Line = /^(\s*)([A-Za-z0-9+/]{8,}={0,2})$/;
  const vb = variants.map((v) => b64Line.exec(v));
  if (vb.every((m) => m && m[1] === vb[0]![1]) && vb[0]) {
    const a = b64Line.exec(actual);
    if (!a || a[1] !== vb[0][1]) return `expected a base64 line indented by ${vb[0][1].length}`;
    const lens = vb.map((m) => m![2].length);
    const tol = Math.max(4, Math.ceil(Math.max(...lens) * 0.03));
    if (a[2].length < Math.min(...lens) - tol || a[2].length > Math.max(...lens) + tol) return `base64 line of ${a[2].length} characters, helm's had ${Math.min(...lens)}-${Math.max(...lens)}`;
    return undefined;
  }
  // Word characters at the edges of the shared parts may be shared by chance (helm's runs all
  // starting a random value with the same letter, base64 padding): they belong to the random part.
  const prefix = commonPrefix(variants).replace(/[A-Za-z0-9+/=_-]+$/, '');
  const suffix = commonSuffix(variants, prefix.length).replace(/^[A-Za-z0-9+/=_-]+/, '');
  if (!actual.startsWith(prefix)) return `expected the line to start with ${JSON.stringify(prefix)}`;
  if (!actual.slice(prefix.length).endsWith(suffix)) return `expected the line to end with ${JSON.stringify(suffix)}`;
  const middle = actual.slice(prefix.length, actual.length - suffix.length);
  const middles = variants.map((v) => v.slice(prefix.length, v.length - suffix.length));
  const alphabet = ALPHABETS.find((a) => middles.every((m) => a.re.test(m)));
  if (alphabet && !alphabet.re.test(middle)) return `the random part ${JSON.stringify(middle)} is not ${alphabet.name} like helm's ${JSON.stringify(middles[0])}`;
  const lens = middles.map((m) => m.length);
  const min = Math.min(...lens);
  const max = Math.max(...lens);
  const tol = alphabet && (alphabet.name === 'base64' || alphabet.name === 'base64url') && max >= 16 ? Math.max(4, Math.ceil(max * 0.03)) : 0;
  if (middle.length < min - tol || middle.length > max + tol) {
    return `the random part has ${middle.length} characters, helm's had ${min === max ? min : `${min}-${max}`}`;
  }
  return undefined;
}

const PEM_BODY = /^\s*[A-Za-z0-9+/]{60,}={0,2}$/;

/** Compares one random hunk; `variants` are the hunk's lines in each helm run. */
function hunkMismatch(actual: string[], variants: string[][]): string | undefined {
  const lens = variants.map((v) => v.length);
  const min = Math.min(...lens);
  const max = Math.max(...lens);
  // PEM bodies may have a line more or less than in helm's runs; other random parts keep their line count.
  const pem = variants.some((v) => v.some((l) => PEM_BODY.test(l)));
  const slack = pem ? 1 : 0;
  if (actual.length < min - slack || actual.length > max + slack) {
    return `random block has ${actual.length} lines, helm's had ${min === max ? min : `${min}-${max}`}`;
  }
  const sameShape = min === max && actual.length === min;
  const lastLines = variants.map((v) => v[v.length - 1]).filter((l): l is string => l !== undefined);
  const bodyLines = variants.flatMap((v) => v.slice(0, -1)).filter((l) => PEM_BODY.test(l));
  for (let i = 0; i < actual.length; i++) {
    const atIndex = variants.map((v) => v[i]).filter((l): l is string => l !== undefined);
    const m = atIndex.length ? lineShapeMismatch(actual[i], atIndex) : 'no helm line at this position';
    if (!m) continue;
    if (!sameShape) {
      // blocks of different length: a line may be a PEM body line or the block's last line
      if (i === actual.length - 1 && !lineShapeMismatch(actual[i], lastLines)) continue;
      if (bodyLines.length && !lineShapeMismatch(actual[i], bodyLines)) continue;
    }
    return `line ${i + 1} of the random block: ${m}\n  rel:  ${actual[i]}\n  helm: ${atIndex[0] ?? ''}`;
  }
  return undefined;
}

/**
 * Compares rel's output with a golden that has random hunks. Lines outside the hunks must be
 * identical and in the same order; each hunk is located between its fixed neighbours (its length
 * may vary a little for PEM blocks) and compared by shape. Returns undefined when it matches.
 */
export function compareRandom(actualText: string, golden: Golden): string | undefined {
  const hunks = golden.random?.hunks ?? [];
  const expected = golden.stdout.split('\n');
  const actual = actualText.split('\n');
  let ePos = 0;
  let aPos = 0;
  const fixedMatches = (from: number, lines: string[]) => lines.every((l, k) => actual[from + k] === l);
  for (let h = 0; h <= hunks.length; h++) {
    const hunk = hunks[h];
    const fixedEnd = hunk ? hunk.start : expected.length;
    const fixed = expected.slice(ePos, fixedEnd);
    if (!fixedMatches(aPos, fixed)) {
      const k = fixed.findIndex((l, i) => actual[aPos + i] !== l);
      return `line ${aPos + k + 1} differs from helm's line ${ePos + k + 1}:\n  rel:  ${JSON.stringify(actual[aPos + k])}\n  helm: ${JSON.stringify(fixed[k])}`;
    }
    aPos += fixed.length;
    ePos = fixedEnd;
    if (!hunk) break;
    const variants = [hunk.lines, ...hunk.alts];
    const next = hunks[h + 1];
    const nextFixed = expected.slice(hunk.end, next ? next.start : expected.length);
    const lens = variants.map((v) => v.length);
    let found = -1;
    if (!nextFixed.length) found = actual.length - aPos;
    else {
      for (let len = Math.max(0, Math.min(...lens) - 2); len <= Math.max(...lens) + 2; len++) {
        if (fixedMatches(aPos + len, nextFixed)) {
          found = len;
          break;
        }
      }
    }
    if (found < 0) {
      return `could not find the text after the random block at helm's line ${hunk.end + 1} (${JSON.stringify(nextFixed[0])}) near rel's line ${aPos + 1}`;
    }
    const m = hunkMismatch(actual.slice(aPos, aPos + found), variants);
    if (m) return `random block at helm's lines ${hunk.start + 1}-${hunk.end}: ${m}`;
    aPos += found;
    ePos = hunk.end;
  }
  if (aPos !== actual.length) return `rel printed ${actual.length - aPos} more lines than helm`;
  return undefined;
}

/** PEM blocks in a text, with YAML indentation removed; also PEM found in base64 tokens. */
export function findPemBlocks(text: string): { type: string; pem: string }[] {
  const out: { type: string; pem: string }[] = [];
  const scan = (t: string) => {
    for (const m of t.matchAll(/^([ \t]*)-----BEGIN ([A-Z ]+)-----\n([\s\S]*?)^[ \t]*-----END \2-----/gm)) {
      const body = m[3]
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join('\n');
      out.push({ type: m[2], pem: `-----BEGIN ${m[2]}-----\n${body}\n-----END ${m[2]}-----\n` });
    }
  };
  scan(text);
  for (const tok of text.match(/LS0tLS1CRUdJT[A-Za-z0-9+/=]{40,}/g) ?? []) scan(Buffer.from(tok, 'base64').toString('utf8'));
  return out;
}

/** Every certificate must parse as X.509 and every private key with node:crypto; counts must equal helm's. */
export function pemMismatch(actualText: string, goldenText: string): string | undefined {
  const actual = findPemBlocks(actualText);
  const expected = findPemBlocks(goldenText);
  const count = (l: { type: string }[], t: string) => l.filter((b) => b.type === t).length;
  for (const t of new Set(expected.map((b) => b.type))) {
    if (count(actual, t) !== count(expected, t)) return `helm printed ${count(expected, t)} "${t}" PEM blocks, rel ${count(actual, t)}`;
  }
  for (const b of actual) {
    try {
      if (b.type === 'CERTIFICATE') new X509Certificate(b.pem);
      else if (b.type.endsWith('PRIVATE KEY')) createPrivateKey(b.pem);
    } catch (e) {
      return `a ${b.type} block does not parse: ${e instanceof Error ? e.message : e}`;
    }
  }
  return undefined;
}

export interface CaseOutcome {
  identical: boolean;
  reason?: string;
}

/** Compares rel's result for a case with its golden. */
export function compareCase(golden: Golden, res: { stdout: string; stderr: string; exitCode: number; files?: string }): CaseOutcome {
  if (golden.error) {
    const e = golden.error;
    if (res.exitCode !== e.exit) {
      return { identical: false, reason: `helm failed with exit code ${e.exit}, rel exited with ${res.exitCode}\nrel stderr: ${res.stderr.slice(0, 800)}\nhelm stderr: ${e.stderr.slice(0, 800)}` };
    }
    if (res.stdout !== golden.stdout) return { identical: false, reason: `helm printed nothing on stdout for this error, rel printed:\n${res.stdout.slice(0, 800)}` };
    const missing = e.match.filter((m) => !res.stderr.includes(m));
    if (missing.length) {
      return { identical: false, reason: `rel's error lacks ${missing.map((m) => JSON.stringify(m)).join(', ')}\nrel stderr: ${res.stderr.slice(0, 1200)}\nhelm stderr: ${e.stderr.slice(0, 1200)}` };
    }
    return { identical: true };
  }
  if (res.exitCode !== 0) {
    return { identical: false, reason: `helm succeeded, rel exited with ${res.exitCode}: ${res.stderr.slice(0, 1500)}` };
  }
  if (golden.random) {
    const m = compareRandom(res.stdout, golden) ?? pemMismatch(res.stdout, golden.stdout);
    return m ? { identical: false, reason: m } : { identical: true };
  }
  if (res.stdout !== golden.stdout) return { identical: false, reason: shortDiff(golden.stdout, res.stdout) };
  if (golden.files !== undefined && res.files !== golden.files) {
    return { identical: false, reason: `files written to --output-dir differ:\n${shortDiff(golden.files, res.files ?? '')}` };
  }
  return { identical: true };
}
