/**
 * `rel dependency list|update|build` against the real helm: same Chart.lock digest, helm builds
 * from rel's lock and renders the same, rel builds from helm's lock; local repository folders.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { promisify } from 'node:util';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Command } from '@oclif/core';
import { buildDependencies, listDependencies, updateDependencies } from '../../src/package/dependency.js';
import { packageChart } from '../../src/package/save.js';
import { repoIndex } from '../../src/repo/index.js';
import DependencyList from '../../src/commands/dependency/list.js';
import DependencyUpdate from '../../src/commands/dependency/update.js';
import DependencyBuild from '../../src/commands/dependency/build.js';

const root = resolve(import.meta.dirname, '../..');
const helmBin = join(root, '.cache/tools/helm');
const fixtures = join(root, 'test/e2e/fixtures');
let home: string;

function helm(...args: string[]): string {
  const env = { ...process.env, HELM_DATA_HOME: join(home, 'data'), HELM_CONFIG_HOME: join(home, 'config'), HELM_CACHE_HOME: join(home, 'cache') };
  delete env.HELM_PLUGINS;
  return execFileSync(helmBin, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function rel(cmd: typeof Command, argv: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true)),
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (stdout += a.join(' ') + '\n')),
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (stderr += a.join(' ') + '\n')),
  ];
  let code = 0;
  try {
    await cmd.run(argv, root);
  } catch (err) {
    code = (err as { oclif?: { exit?: number } }).oclif?.exit ?? 1;
  } finally {
    for (const s of spies) s.mockRestore();
    process.exitCode = undefined;
  }
  return { stdout, stderr, code };
}

/** A copy of pkg-parent and pkg-lib side by side (file://../pkg-lib resolves). */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rel-deps-'));
  cpSync(join(fixtures, 'pkg-parent'), join(dir, 'pkg-parent'), { recursive: true });
  cpSync(join(fixtures, 'pkg-lib'), join(dir, 'pkg-lib'), { recursive: true });
  return dir;
}

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'rel-helm-home-'));
});

describe('rel dependency', () => {
  it('update writes the same Chart.lock digest and charts/ as helm', async () => {
    const ours = workspace();
    const theirs = workspace();
    const r = await rel(DependencyUpdate, [join(ours, 'pkg-parent')]);
    expect(r.code).toBe(0);
    helm('dependency', 'update', join(theirs, 'pkg-parent'));
    const lockOf = (d: string) => readFileSync(join(d, 'pkg-parent/Chart.lock'), 'utf8');
    const strip = (s: string) => s.replace(/^generated: .*$/m, 'generated: T');
    expect(strip(lockOf(ours))).toBe(strip(lockOf(theirs)));
    expect(lockOf(ours)).toMatch(/^digest: sha256:[0-9a-f]{64}$/m);
    expect(readdirSync(join(ours, 'pkg-parent/charts'))).toEqual(readdirSync(join(theirs, 'pkg-parent/charts')));
    // the rendered chart is the same with either charts/
    expect(helm('template', 'x', join(ours, 'pkg-parent'))).toBe(helm('template', 'x', join(theirs, 'pkg-parent')));
    expect(helm('template', 'x', join(ours, 'pkg-parent'))).toContain('greeting: "hello from parent"');
    // helm accepts rel's lock as in sync
    rmSync(join(ours, 'pkg-parent/charts'), { recursive: true });
    helm('dependency', 'build', join(ours, 'pkg-parent'));
    expect(readdirSync(join(ours, 'pkg-parent/charts'))).toEqual(['lib-0.3.1.tgz']);
    // packaging with the lock and archived dependencies: same files and bytes as helm package
    const relPkg = await packageChart({ chart: join(ours, 'pkg-parent'), destination: join(ours, 'out-rel') });
    helm('package', join(ours, 'pkg-parent'), '--destination', join(ours, 'out-helm'));
    const helmPkg = join(ours, 'out-helm', 'parent-0.1.0.tgz');
    const names = execFileSync('tar', ['tzf', relPkg], { encoding: 'utf8' });
    expect(names).toBe(execFileSync('tar', ['tzf', helmPkg], { encoding: 'utf8' }));
    expect(names).toContain('parent/Chart.lock');
    expect(names).toContain('parent/charts/lib/Chart.yaml');
    for (const n of names.split('\n').filter(Boolean)) {
      expect(execFileSync('tar', ['xzOf', relPkg, n]).equals(execFileSync('tar', ['xzOf', helmPkg, n])), n).toBe(true);
    }
    expect(helm('template', 'x', relPkg)).toBe(helm('template', 'x', helmPkg));
    // an unchanged update keeps the lock file as it is
    const before = lockOf(ours);
    await updateDependencies(join(ours, 'pkg-parent'));
    expect(lockOf(ours)).toBe(before);
  });

  it('build installs from helm’s lock; out-of-sync locks are refused', async () => {
    const ws = workspace();
    const chart = join(ws, 'pkg-parent');
    helm('dependency', 'update', chart);
    rmSync(join(chart, 'charts'), { recursive: true });
    const r = await rel(DependencyBuild, [chart]);
    expect(r.code).toBe(0);
    expect(readdirSync(join(chart, 'charts'))).toEqual(['lib-0.3.1.tgz']);
    expect((await listDependencies(chart)).deps.map((d) => d.status)).toEqual(['ok', 'ok']);
    // change the constraint: the lock no longer matches
    writeFileSync(join(chart, 'Chart.yaml'), readFileSync(join(chart, 'Chart.yaml'), 'utf8').replace('"~0.3.0"', '">=0.3.0"'));
    const r2 = await rel(DependencyBuild, [chart]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml)');
    expect(() => helm('dependency', 'build', chart)).toThrow(/out of sync/);
  });

  it('list shows ok, missing and wrong version', async () => {
    const ws = workspace();
    const chart = join(ws, 'pkg-parent');
    let r = await rel(DependencyList, [chart]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+VERSION\s+REPOSITORY\s+STATUS$/m);
    expect(r.stdout).toMatch(/^lib\s+~0\.3\.0\s+file:\/\/\.\.\/pkg-lib\s+missing$/m);
    await buildDependencies(chart);
    r = await rel(DependencyList, [chart, '-o', 'json']);
    expect(JSON.parse(r.stdout)).toEqual([
      { name: 'lib', version: '~0.3.0', repository: 'file://../pkg-lib', status: 'ok' },
      { name: 'lib', version: '0.3.x', repository: 'file://../pkg-lib', status: 'ok' },
    ]);
    writeFileSync(join(chart, 'Chart.yaml'), readFileSync(join(chart, 'Chart.yaml'), 'utf8').replace('"0.3.x"', '"^1.0.0"'));
    expect((await listDependencies(chart)).deps.map((d) => d.status)).toEqual(['ok', 'wrong version']);
  });

  it('resolves from a local repository folder (index.yaml + packages), newest match', async () => {
    const ws = workspace();
    const repo = join(ws, 'repo');
    mkdirSync(repo);
    await packageChart({ chart: join(ws, 'pkg-lib'), destination: repo });
    await packageChart({ chart: join(ws, 'pkg-lib'), destination: repo, version: '0.3.7' });
    await packageChart({ chart: join(ws, 'pkg-lib'), destination: repo, version: '0.4.0' });
    await repoIndex(repo);
    const chart = join(ws, 'pkg-parent');
    writeFileSync(join(chart, 'Chart.yaml'), readFileSync(join(chart, 'Chart.yaml'), 'utf8').replaceAll('file://../pkg-lib', 'file://../repo'));
    await updateDependencies(chart);
    expect(readdirSync(join(chart, 'charts'))).toEqual(['lib-0.3.7.tgz']);
    expect(readFileSync(join(chart, 'Chart.lock'), 'utf8')).toContain('version: 0.3.7');
    expect(helm('template', 'x', chart)).toContain('greeting: "hi"');
    // a tampered package is refused by digest
    writeFileSync(join(repo, 'lib-0.3.7.tgz'), readFileSync(join(repo, 'lib-0.3.1.tgz')));
    rmSync(join(chart, 'charts'), { recursive: true });
    const r = await rel(DependencyBuild, [chart]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not match the index');
    expect(existsSync(join(chart, 'charts', 'lib-0.3.7.tgz'))).toBe(false);
  });

  it('reports missing paths and unsupported repositories clearly', async () => {
    const ws = workspace();
    const chart = join(ws, 'pkg-parent');
    writeFileSync(join(chart, 'Chart.yaml'), readFileSync(join(chart, 'Chart.yaml'), 'utf8').replace('file://../pkg-lib', 'file://../nowhere'));
    let r = await rel(DependencyUpdate, [chart]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/directory .*nowhere not found/);
    writeFileSync(join(chart, 'Chart.yaml'), readFileSync(join(chart, 'Chart.yaml'), 'utf8').replace('file://../nowhere', 'oci://registry.example.com/charts'));
    r = await rel(DependencyUpdate, [chart]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('repository oci://registry.example.com/charts is not supported');
    expect(existsSync(join(chart, 'charts'))).toBe(false);
    expect(existsSync(join(chart, 'Chart.lock'))).toBe(false);
  });

  it('resolves from an HTTP chart repository (loopback) like helm', async () => {
    const ws = workspace();
    const repo = join(ws, 'repo');
    mkdirSync(repo);
    await packageChart({ chart: join(ws, 'pkg-lib'), destination: repo });
    await packageChart({ chart: join(ws, 'pkg-lib'), destination: repo, version: '0.3.9' });
    const server = createServer((req, res) => {
      const p = join(repo, decodeURIComponent((req.url ?? '/').split('?')[0]!));
      if (!p.startsWith(repo) || !existsSync(p)) {
        res.statusCode = 404;
        res.end();
        return;
      }
      res.end(readFileSync(p));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
      await repoIndex(repo, { url });
      const mk = (dir: string) => {
        cpSync(join(fixtures, 'pkg-parent'), dir, { recursive: true });
        writeFileSync(join(dir, 'Chart.yaml'), readFileSync(join(dir, 'Chart.yaml'), 'utf8').replaceAll('file://../pkg-lib', url));
      };
      const ours = join(ws, 'ours');
      const theirs = join(ws, 'theirs');
      mk(ours);
      mk(theirs);
      const r = await rel(DependencyUpdate, [ours]);
      expect(r.code).toBe(0);
      expect(readdirSync(join(ours, 'charts'))).toEqual(['lib-0.3.9.tgz']);
      const env = { ...process.env, HELM_DATA_HOME: join(home, 'data'), HELM_CONFIG_HOME: join(home, 'config'), HELM_CACHE_HOME: join(home, 'cache') };
      const run = promisify(execFile);
      await run(helmBin, ['repo', 'add', 'loop', url], { env });
      await run(helmBin, ['dependency', 'update', theirs], { env });
      const strip = (s: string) => s.replace(/^generated: .*$/m, '');
      expect(strip(readFileSync(join(ours, 'Chart.lock'), 'utf8'))).toBe(strip(readFileSync(join(theirs, 'Chart.lock'), 'utf8')));
      expect(readFileSync(join(ours, 'charts/lib-0.3.9.tgz')).equals(readFileSync(join(theirs, 'charts/lib-0.3.9.tgz')))).toBe(true);
      // build from the lock after charts/ is gone
      rmSync(join(ours, 'charts'), { recursive: true });
      expect((await rel(DependencyBuild, [ours])).code).toBe(0);
      expect(readdirSync(join(ours, 'charts'))).toEqual(['lib-0.3.9.tgz']);
    } finally {
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });
});
