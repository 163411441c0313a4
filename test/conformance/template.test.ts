/**
 * Conformance of `rel template` with the real `helm template` (v4.1.4).
 *
 * Every case of test/fixtures/cases.yaml runs rel's template command in-process, with
 * test/fixtures/ as working directory (the case arguments use paths relative to it), and
 * compares the result with the golden helm produced (scripts/gen-goldens.mjs):
 *  - charts that render: stdout must be identical byte for byte; in cases marked `random`
 *    the lines helm itself varies between runs are compared by shape (same fixed prefix/suffix,
 *    same alphabet and length of the random part, PEM blocks that parse with node:crypto);
 *  - cases marked `outputDir`: run with --output-dir <tmp>; stdout (with the directory shown as
 *    $OUTPUT_DIR) and the files written (golden/<id>.files) must be identical;
 *  - cases where helm fails: the same exit code, nothing on stdout, and an error that contains
 *    every `match:` string of golden/<id>.err — the file:line of the template that failed
 *    (outermost and innermost) and helm's essential message (e.g. `nil pointer evaluating
 *    interface {}.tag`, `function "noSuchFunction" not defined`; for invalid YAML output the file
 *    and `line N`; for schema errors the failing value paths).
 * One vitest test per case, so the counts show progress; a summary line
 * `conformance: N/M cases identical` is printed at the end.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { capture } from '../helpers/cli.js';
import { caseArgv, compareCase, fixturesDir, listFiles, loadCases, loadGolden, repoRoot } from '../helpers/golden.js';

interface TemplateCommandClass {
  run(argv?: string[], opts?: string): Promise<unknown>;
}

const { cases } = loadCases();
/**
 * Cases where rel is known to differ from helm today, each with the reason (test/fixtures/known-differences.yaml).
 * They still run: such a case must still differ, so that fixing it (or the list going stale) fails the suite.
 */
const known = (parseYaml(readFileSync(join(fixturesDir, 'known-differences.yaml'), 'utf8')) ?? {}) as Record<string, string>;
const results = new Map<string, boolean>();
const reasons = new Map<string, string>();
let command: TemplateCommandClass | undefined;
let loadError = '';
let previousCwd = '';

beforeAll(async () => {
  previousCwd = process.cwd();
  process.chdir(fixturesDir);
  // The goldens were made with TZ=UTC (dates without a zone are read in local time, as in helm).
  process.env.TZ = 'UTC';
  // REL_CONFORMANCE_COMMAND=/abs/module.mjs runs another command class instead (used to check the
  // harness itself, e.g. with a wrapper around helm, which must score M/M).
  const override = process.env.REL_CONFORMANCE_COMMAND;
  if (override) {
    command = ((await import(override)) as { default: TemplateCommandClass }).default;
    return;
  }
  const modPath = join(repoRoot, 'src/commands/template.ts');
  if (!existsSync(modPath)) {
    loadError = 'src/commands/template.ts does not exist yet';
    return;
  }
  try {
    const mod = (await import('../../src/commands/template.js')) as { default: TemplateCommandClass };
    command = mod.default;
  } catch (e) {
    loadError = `cannot load src/commands/template.ts: ${e instanceof Error ? e.message : String(e)}`;
  }
});

afterAll(() => {
  if (previousCwd) process.chdir(previousCwd);
  const ok = [...results.values()].filter(Boolean).length;
  const failed = cases.filter((c) => results.get(c.id) === false).map((c) => c.id);
  for (const id of Object.keys(known)) if (!cases.some((c) => c.id === id)) console.log(`known-differences.yaml names an unknown case ${id}`);
  const summary = [`conformance: ${ok}/${cases.length} cases identical (${Object.keys(known).length} known differences listed in test/fixtures/known-differences.yaml)`];
  if (loadError) summary.push(`  (${loadError})`);
  else if (failed.length) {
    summary.push(`  differing: ${failed.join(' ')}`);
    // The most common first lines of the differences, to show what to fix first.
    const counts = new Map<string, number>();
    for (const r of reasons.values()) {
      const key = (r.split('\n').find((l) => /^[-+][^-+]/.test(l)) ?? r.split('\n')[0] ?? '').slice(0, 160);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
    summary.push('  most common differences:', ...top.map(([k, n]) => `    ${String(n).padStart(3)}x ${k}`));
  }
  console.log(summary.join('\n'));
});

describe('rel template vs helm template', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    results.set(c.id, false);
    if (!command) throw new Error(loadError || 'template command not loaded');
    const golden = loadGolden(c.id);
    const cmd = command;
    const argv = caseArgv(c);
    const outDir = c.outputDir ? mkdtempSync(join(tmpdir(), 'rel-conformance-out-')) : '';
    if (outDir) argv.push('--output-dir', outDir);
    const res: { stdout: string; stderr: string; exitCode: number; files?: string } = await capture(() => cmd.run(argv, repoRoot));
    if (outDir) {
      res.stdout = res.stdout.split(outDir).join('$OUTPUT_DIR');
      res.stderr = res.stderr.split(outDir).join('$OUTPUT_DIR');
      res.files = listFiles(outDir);
      rmSync(outDir, { recursive: true, force: true });
    }
    const outcome = compareCase(golden, res);
    results.set(c.id, outcome.identical);
    if (!outcome.identical) reasons.set(c.id, outcome.reason ?? '');
    if (known[c.id] !== undefined) {
      if (outcome.identical) expect.fail(`${c.id} now renders like helm: remove it from test/fixtures/known-differences.yaml`);
      return;
    }
    if (!outcome.identical) expect.fail(`${c.id}: rel template ${caseArgv(c).join(' ')}\n${outcome.reason}`);
  });
});
