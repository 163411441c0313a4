/**
 * Keeps the conformance fixtures complete: every case in test/fixtures/cases.yaml has its golden
 * (made by the real helm with `npm run goldens`), charts and packaged charts it names exist, ids are
 * unique, and no golden is left without a case. Also checks the shape comparison itself on helm's
 * own runs, so that a broken comparison cannot make the conformance suite pass or fail wrongly.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { x as untar } from 'tar';
import { describe, expect, it } from 'vitest';
import { compareCase, compareRandom, fixturesDir, goldenDir, goldenFiles, lineShapeMismatch, loadCases, loadGolden, pemMismatch } from '../helpers/golden.js';

const spec = loadCases();
const { cases } = spec;

describe('conformance fixtures', () => {
  it('has 120+ cases with unique ids', () => {
    expect(cases.length).toBeGreaterThanOrEqual(120);
    const ids = cases.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s has its golden', (_id, c) => {
    const f = goldenFiles(c.id);
    expect(existsSync(f.out), `${f.out} missing: run npm run goldens`).toBe(true);
    if (c.expect === 'error') expect(existsSync(f.err), `${c.id} is expected to fail in helm but has no .err golden`).toBe(true);
    if (c.expect === 'success') expect(existsSync(f.err)).toBe(false);
    if (c.random) expect(existsSync(f.random), `${c.id} is random but has no .random.json`).toBe(true);
    if (c.outputDir) expect(existsSync(f.files), `${c.id} uses --output-dir but has no .files golden`).toBe(true);
    if (existsSync(f.err)) {
      const g = loadGolden(c.id);
      expect(g.error?.exit).toBeGreaterThan(0);
      expect(g.error?.match.length, `${c.id}.err has no match: lines`).toBeGreaterThan(0);
    }
    // The chart exists unless the case is about a missing chart.
    if (!c.id.startsWith('err-chart-missing')) expect(existsSync(join(fixturesDir, c.chart)), `${c.chart} missing`).toBe(true);
  });

  it('has no golden without a case', () => {
    const ids = new Set(cases.map((c) => c.id));
    const orphans = readdirSync(goldenDir).filter((f) => !ids.has(f.replace(/\.(out|err|files|random\.json)$/, '')));
    expect(orphans).toEqual([]);
  });

  it('has packaged charts that match their source folders (else run npm run goldens -- --repackage)', () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
    for (const p of spec.packages ?? []) {
      const src = join(fixturesDir, p.src);
      const meta = readFileSync(join(src, 'Chart.yaml'), 'utf8');
      const name = /^name:\s*(\S+)/m.exec(meta)?.[1] ?? '';
      const version = /^version:\s*(\S+)/m.exec(meta)?.[1];
      const tmp = mkdtempSync(join(tmpdir(), 'rel-pkg-'));
      try {
        untar({ file: join(fixturesDir, p.dest, `${name}-${version}.tgz`), cwd: tmp, sync: true });
        const packed = walk(join(tmp, name)).map((f) => relative(join(tmp, name), f)).sort();
        const source = walk(src).map((f) => relative(src, f)).sort();
        expect(packed, `${p.src} vs its .tgz`).toEqual(source);
        for (const f of source) {
          if (f === 'Chart.yaml') continue; // helm package rewrites it
          expect(readFileSync(join(tmp, name, f), 'utf8'), `${p.src}/${f} differs from the packaged copy`).toBe(readFileSync(join(src, f), 'utf8'));
        }
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
  });

  it('has every packaged chart committed', () => {
    for (const p of spec.packages ?? []) {
      const meta = readFileSync(join(fixturesDir, p.src, 'Chart.yaml'), 'utf8');
      const name = /^name:\s*(\S+)/m.exec(meta)?.[1];
      const version = /^version:\s*(\S+)/m.exec(meta)?.[1];
      expect(existsSync(join(fixturesDir, p.dest, `${name}-${version}.tgz`)), `${p.dest}/${name}-${version}.tgz`).toBe(true);
    }
  });
});

describe('golden comparison', () => {
  it('accepts the golden itself and rejects a changed byte', () => {
    const g = loadGolden('webapp-default');
    expect(compareCase(g, { stdout: g.stdout, stderr: '', exitCode: 0 }).identical).toBe(true);
    expect(compareCase(g, { stdout: g.stdout.replace('replicas: 2', 'replicas: 3'), stderr: '', exitCode: 0 }).identical).toBe(false);
    expect(compareCase(g, { stdout: `${g.stdout}\n`, stderr: '', exitCode: 0 }).identical).toBe(false);
  });

  it('compares the files written with --output-dir', () => {
    const g = loadGolden('output-dir-umbrella');
    expect(g.files).toContain('==> umbrella/templates/summary.yaml <==');
    expect(compareCase(g, { stdout: g.stdout, stderr: '', exitCode: 0, files: g.files }).identical).toBe(true);
    expect(compareCase(g, { stdout: g.stdout, stderr: '', exitCode: 0, files: g.files!.replace('rel-summary', 'rel-other') }).identical).toBe(false);
    expect(compareCase(g, { stdout: g.stdout, stderr: '', exitCode: 0, files: '' }).identical).toBe(false);
  });

  it('checks exit code and essential message of errors', () => {
    const g = loadGolden('err-required');
    const m = g.error!.match;
    expect(m).toContain('errors/templates/exec.yaml:8');
    const good = `Error: template: errors/templates/exec.yaml:8:62: executing at <.Values.image.tag>: ${m[m.length - 1]}`;
    expect(compareCase(g, { stdout: '', stderr: good, exitCode: 1 }).identical).toBe(true);
    expect(compareCase(g, { stdout: '', stderr: good, exitCode: 2 }).identical).toBe(false);
    expect(compareCase(g, { stdout: '', stderr: 'Error: something failed', exitCode: 1 }).identical).toBe(false);
    expect(compareCase(g, { stdout: 'partial', stderr: good, exitCode: 1 }).identical).toBe(false);
  });

  it('accepts every helm run of the random chart and rejects wrong shapes', () => {
    const g = loadGolden('random');
    expect(g.random?.hunks.length).toBeGreaterThan(0);
    expect(compareRandom(g.stdout, g)).toBeUndefined();
    expect(pemMismatch(g.stdout, g.stdout)).toBeUndefined();
    // Rebuild each of helm's other runs from the hunks: they must all be accepted.
    const lines = g.stdout.split('\n');
    for (let run = 0; run < g.random!.hunks[0].alts.length; run++) {
      const out: string[] = [];
      let pos = 0;
      for (const h of g.random!.hunks) {
        out.push(...lines.slice(pos, h.start), ...h.alts[run]);
        pos = h.end;
      }
      out.push(...lines.slice(pos));
      const text = out.join('\n');
      expect(compareRandom(text, g), `helm run ${run + 2}`).toBeUndefined();
      expect(pemMismatch(text, g.stdout)).toBeUndefined();
    }
    // A random value of the wrong length or alphabet, a changed fixed line, a broken certificate.
    const alnum = lines.find((l) => l.startsWith('  alnum: '))!;
    expect(compareRandom(g.stdout.replace(alnum, '  alnum: "short"'), g)).toBeDefined();
    expect(compareRandom(g.stdout.replace(alnum, `  alnum: "${'-'.repeat(32)}"`), g)).toBeDefined();
    expect(compareRandom(g.stdout.replace('this line is stable', 'this line changed'), g)).toBeDefined();
    const certLine = lines.findIndex((l) => l.trim() === '-----BEGIN CERTIFICATE-----') + 2;
    const broken = lines.map((l, i) => (i === certLine ? l.replace(/[A-Za-z0-9]/g, 'A') : l)).join('\n');
    expect(pemMismatch(broken, g.stdout)).toBeDefined();
  });

  it('compares a random line by fixed parts, alphabet and length', () => {
    expect(lineShapeMismatch('  id: "abc-123"', ['  id: "ffe-901"', '  id: "0a1-777"'])).toBeUndefined();
    expect(lineShapeMismatch('  id: "abc-12"', ['  id: "ffe-901"', '  id: "0a1-777"'])).toBeDefined();
    expect(lineShapeMismatch('  id: "xyz-123"', ['  id: "ffe-901"', '  id: "0a1-777"'])).toBeDefined();
    expect(lineShapeMismatch('  pw: "abc"', ['  id: "ffe"', '  id: "0a1"'])).toBeDefined();
  });
});
