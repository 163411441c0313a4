/**
 * `rel lint` and `rel show` through the command classes, compared with the real `helm lint`,
 * per environment of a rel.yaml project, and hostile packages refused with exit code 1.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import type { Command } from '@oclif/core';
import Lint from '../../src/commands/lint.js';
import ShowChart from '../../src/commands/show/chart.js';
import ShowValues from '../../src/commands/show/values.js';
import Package from '../../src/commands/package.js';

const root = resolve(import.meta.dirname, '../..');
const helmBin = join(root, '.cache/tools/helm');
const fixtures = join(root, 'test/e2e/fixtures');

function helmLint(dir: string): { out: string; code: number } {
  try {
    return { out: execFileSync(helmBin, ['lint', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), code: 0 };
  } catch (e) {
    return { out: String((e as { stdout?: string }).stdout ?? ''), code: (e as { status?: number }).status ?? 1 };
  }
}

async function rel(cmd: typeof Command, argv: string[], cwd?: string): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true)),
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (stdout += a.join(' ') + '\n')),
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (stderr += a.join(' ') + '\n')),
  ];
  const old = process.cwd();
  if (cwd) process.chdir(cwd);
  let code = 0;
  try {
    await cmd.run(argv, root);
  } catch (err) {
    code = (err as { oclif?: { exit?: number } }).oclif?.exit ?? 1;
  } finally {
    if (cwd) process.chdir(old);
    for (const s of spies) s.mockRestore();
    process.exitCode = undefined;
  }
  return { stdout, stderr, code };
}

describe('rel lint', () => {
  it('reports what helm lint reports, plus schema errors, and exits 1', async () => {
    const dir = join(fixtures, 'pkg-lintbad');
    const helm = helmLint(dir);
    expect(helm.code).toBe(1);
    const r = await rel(Lint, [dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: 1 chart(s) linted, 1 chart(s) failed');
    const ours = r.stdout.split('\n');
    for (const line of helm.out.split('\n').filter((l) => l.startsWith('['))) expect(ours).toContain(line);
    expect(ours).toContain('[ERROR] templates/cm.yaml: ConfigMap "Bad_Name" (v1): data.count: must be string');
    expect(r.stdout.startsWith(`==> Linting ${dir}\n`)).toBe(true);
  });

  it('passes a clean chart like helm does', async () => {
    const dir = join(fixtures, 'pkg-project/charts/shop');
    expect(helmLint(dir).code).toBe(0);
    const r = await rel(Lint, [dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`==> Linting ${dir}\n\n1 chart(s) linted, 0 chart(s) failed\n`);
  });

  it('lints each environment of rel.yaml with its values', async () => {
    const proj = join(fixtures, 'pkg-project');
    const r = await rel(Lint, ['charts/shop', '--all-envs'], proj);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('==> Linting charts/shop (environment dev)\n\n');
    expect(r.stdout).toContain('==> Linting charts/shop (environment prod)\n[ERROR] templates/deployment.yaml: Deployment "test-release-web" (apps/v1): spec.template.spec.containers[0].ports[0].containerPort: must be integer\n');
    expect(r.stderr).toContain('2 chart(s) linted, 1 chart(s) failed');
    const all = await rel(Lint, ['--all-envs'], proj);
    expect(all.stdout).toBe(r.stdout);
    const dev = await rel(Lint, ['charts/shop', '--env', 'dev'], proj);
    expect(dev.code).toBe(0);
    const bad = await rel(Lint, ['charts/shop', '--env', 'staging'], proj);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown environment "staging"');
    const schema = await rel(Lint, ['charts/shop', '--env', 'dev', '--set', 'replicas=0'], proj);
    expect(schema.code).toBe(1);
    expect(schema.stdout).toContain("- at '/replicas': minimum: got 0, want 1");
  });

  it('fails on warnings with --strict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rel-lint-'));
    writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: x\nversion: 0.1.0\nicon: https://x/i.png\n');
    const r = await rel(Lint, [dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[WARNING] templates/: directory does not exist');
    expect((await rel(Lint, [dir, '--strict'])).code).toBe(1);
    const two = await rel(Lint, [dir, join(fixtures, 'pkg-lintbad')]);
    expect(two.code).toBe(1);
    expect(two.stderr).toContain('2 chart(s) linted, 1 chart(s) failed');
  });
  it('--strict agrees with helm 4 on values nobody set; --strict-values turns them into errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rel-lint-'));
    mkdirSync(join(dir, 'templates'));
    writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: mk\nversion: 0.1.0\nicon: https://x/i.png\n');
    writeFileSync(join(dir, 'values.yaml'), 'a:\n  b: 1\n');
    writeFileSync(
      join(dir, 'templates/cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mk\ndata:\n  a: "{{ .Values.a.c }}"\n{{- if .Values.unset }}\n  d: y\n{{- end }}\n',
    );
    let helmCode = 0;
    try {
      execFileSync(helmBin, ['lint', '--strict', dir], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      helmCode = (e as { status: number }).status;
    }
    const empty = mkdtempSync(join(tmpdir(), 'rel-lint-'));
    mkdirSync(join(empty, 'templates'));
    writeFileSync(join(empty, 'Chart.yaml'), 'apiVersion: v2\nname: other\nversion: 0.1.0\nicon: https://x/i.png\n');
    const e = await rel(Lint, [empty, '--strict']);
    expect(e.code).toBe(0); // an empty templates/ exists; the folder name is only an INFO hint
    expect(e.stdout).not.toContain('templates/: directory does not exist');
    const strict = await rel(Lint, [dir, '--strict']);
    expect(strict.code).toBe(helmCode);
    expect(strict.code).toBe(0);
    const sv = await rel(Lint, [dir, '--strict-values']);
    expect(sv.code).toBe(1);
    expect(sv.stdout).toContain('[ERROR] templates/: mk/templates/cm.yaml:6:16');
    expect(sv.stdout).toContain('map has no entry for key "c"');
  });
});

describe('rel show and hostile packages', () => {
  it('shows what helm shows', async () => {
    const dir = join(fixtures, 'pkg-app');
    const r = await rel(ShowValues, [dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(execFileSync(helmBin, ['show', 'values', dir], { encoding: 'utf8' }));
  });

  it('refuses a corrupt or hostile package with exit 1 and a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rel-evil-'));
    const corrupt = join(dir, 'corrupt.tgz');
    writeFileSync(corrupt, gzipSync(Buffer.from('x'.repeat(2000))).subarray(0, 40));
    let r = await rel(ShowChart, [corrupt]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: cannot load chart \S*corrupt\.tgz: corrupt (gzip|tar) data/m);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    r = await rel(Lint, [corrupt]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\[ERROR\] Chart\.yaml: unable to load chart: .*corrupt (gzip|tar) data/);
    const out = mkdtempSync(join(tmpdir(), 'rel-out-'));
    r = await rel(Package, [corrupt, '-d', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not a chart folder');
    expect(readdirSync(out)).toEqual([]);
  });
});
