/**
 * Round trips with the real helm: packages made by rel are read by helm (`helm show`,
 * `helm template` equal to the folder's), packages and index files made by helm are read by rel,
 * and an index written by rel is served over loopback HTTP to `helm repo add` / `helm pull`.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Command } from '@oclif/core';
import { loadChart } from '../../src/chart/loader.js';
import { packageChart } from '../../src/package/save.js';
import { show } from '../../src/package/show.js';
import { loadIndexFile, repoIndex } from '../../src/repo/index.js';
import Package from '../../src/commands/package.js';
import ShowChart from '../../src/commands/show/chart.js';
import RepoIndex from '../../src/commands/repo/index/index.js';

const root = resolve(import.meta.dirname, '../..');
const helmBin = join(root, '.cache/tools/helm');
const fixtures = join(root, 'test/e2e/fixtures');

function helmEnv(home: string): NodeJS.ProcessEnv {
  const env = { ...process.env, HELM_DATA_HOME: join(home, 'data'), HELM_CONFIG_HOME: join(home, 'config'), HELM_CACHE_HOME: join(home, 'cache') };
  delete env.HELM_PLUGINS;
  return env;
}

let home: string;
const helm = (...args: string[]) => execFileSync(helmBin, args, { encoding: 'utf8', env: helmEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });

/** helm without blocking the event loop (the loopback HTTP repository runs in this process). */
const helmAsync = async (...args: string[]) => (await promisify(execFile)(helmBin, args, { encoding: 'utf8', env: helmEnv(home) })).stdout;

/** Runs a rel command class in-process; returns stdout, stderr and the exit code. */
async function rel(cmd: typeof Command, argv: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  const l = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (stdout += a.join(' ') + '\n'));
  const w = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (stderr += a.join(' ') + '\n'));
  let code = 0;
  try {
    await cmd.run(argv, root);
  } catch (err) {
    code = (err as { oclif?: { exit?: number } }).oclif?.exit ?? 1;
    if (code === 1 && !stderr) stderr = String((err as Error).message);
  } finally {
    o.mockRestore();
    e.mockRestore();
    l.mockRestore();
    w.mockRestore();
    process.exitCode = undefined;
  }
  return { stdout, stderr, code };
}

function tmp(name: string): string {
  return mkdtempSync(join(tmpdir(), `rel-${name}-`));
}

beforeAll(() => {
  home = tmp('helm-home');
});

describe('rel package → helm', () => {
  it('helm reads the package: show chart/all and template equal the folder', async () => {
    const out = tmp('pkg');
    const r = await rel(Package, [join(fixtures, 'pkg-app'), '--destination', out]);
    expect(r.code).toBe(0);
    const file = join(out, 'pkg-app-1.2.3.tgz');
    expect(r.stdout).toContain(`Successfully packaged chart and saved it to: ${file}`);
    expect(helm('show', 'chart', file)).toBe(helm('show', 'chart', join(fixtures, 'pkg-app')));
    expect(helm('show', 'all', file)).toBe(helm('show', 'all', join(fixtures, 'pkg-app')));
    const folder = helm('template', 'r1', join(fixtures, 'pkg-app'), '--include-crds');
    expect(folder).toContain('kind: Deployment');
    expect(helm('template', 'r1', file, '--include-crds')).toBe(folder);
    const withValues = ['--set', 'replicaCount=5', '--set', 'sub.enabled=false'];
    expect(helm('template', 'r1', file, ...withValues)).toBe(helm('template', 'r1', join(fixtures, 'pkg-app'), ...withValues));
  });

  it('has helm’s layout and leaves out .helmignore’d files', async () => {
    const out = tmp('pkg');
    const file = await packageChart({ chart: join(fixtures, 'pkg-app'), destination: out });
    const ours = execFileSync('tar', ['tzf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const hdir = tmp('helmpkg');
    helm('package', join(fixtures, 'pkg-app'), '--destination', hdir);
    const theirs = execFileSync('tar', ['tzf', join(hdir, 'pkg-app-1.2.3.tgz')], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(ours).toEqual(theirs);
    expect(ours.some((n) => n.includes('notes.bak') || n.includes('ignored/'))).toBe(false);
    expect(ours[0]).toBe('pkg-app/Chart.yaml');
    // identical file contents too
    for (const n of ours) {
      const a = execFileSync('tar', ['xzOf', file, n]);
      const b = execFileSync('tar', ['xzOf', join(hdir, 'pkg-app-1.2.3.tgz'), n]);
      expect(a.equals(b), n).toBe(true);
    }
  });

  it('is deterministic and honours --version/--app-version', async () => {
    const a = await packageChart({ chart: join(fixtures, 'pkg-app'), destination: tmp('a') });
    const b = await packageChart({ chart: join(fixtures, 'pkg-app'), destination: tmp('b') });
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    const out = tmp('v');
    const r = await rel(Package, [join(fixtures, 'pkg-app'), '--version', '2.0.0-rc.1', '--app-version', '9.9', '-d', out]);
    expect(r.code).toBe(0);
    const shown = helm('show', 'chart', join(out, 'pkg-app-2.0.0-rc.1.tgz'));
    expect(shown).toContain('version: 2.0.0-rc.1');
    expect(shown).toContain('appVersion: "9.9"');
    const both = tmp('both');
    const r2 = await rel(Package, [join(fixtures, 'pkg-app'), join(fixtures, 'pkg-lib'), '-d', both]);
    expect(r2.code).toBe(0);
    expect(readdirSync(both).sort()).toEqual(['lib-0.3.1.tgz', 'pkg-app-1.2.3.tgz']);
    const tpl = helm('template', 'x', join(out, 'pkg-app-2.0.0-rc.1.tgz'));
    expect(tpl).toContain('chart: pkg-app-2.0.0-rc.1');
  });

  it('refuses a broken chart or a bad version and writes nothing', async () => {
    const bad = tmp('bad');
    writeFileSync(join(bad, 'Chart.yaml'), 'apiVersion: v2\nname: bad\nversion: not-semver\n');
    const out = tmp('out');
    const r = await rel(Package, [bad, '-d', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot load chart .*version "not-semver" is invalid/);
    expect(readdirSync(out)).toEqual([]);
    const r2 = await rel(Package, [join(fixtures, 'pkg-app'), '--version', 'one', '-d', out]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('invalid version "one"');
    const r3 = await rel(Package, [join(fixtures, 'does-not-exist'), '-d', out]);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain('not found');
    expect(readdirSync(out)).toEqual([]);
  });

  it('refuses a chart whose dependencies are not in charts/', async () => {
    const out = tmp('out');
    const r = await rel(Package, [join(fixtures, 'pkg-parent'), '-d', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('found in Chart.yaml, but missing in charts/ directory: lib, lib');
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('helm package → rel', () => {
  it('rel loads helm’s package and shows the same as helm show', async () => {
    const hdir = tmp('helmpkg');
    helm('package', join(fixtures, 'pkg-app'), '--destination', hdir);
    const file = join(hdir, 'pkg-app-1.2.3.tgz');
    const c = await loadChart(file);
    const d = await loadChart(join(fixtures, 'pkg-app'));
    expect(c.metadata).toEqual(d.metadata);
    expect(c.templates.map((t) => t.name)).toEqual(d.templates.map((t) => t.name));
    expect(c.dependencies().map((x) => x.name())).toEqual(['sub']);
    for (const w of ['chart', 'values', 'readme', 'crds', 'all'] as const) {
      expect(await show(file, w), w).toBe(helm('show', w, file));
      expect(await show(join(fixtures, 'pkg-app'), w), w).toBe(helm('show', w, join(fixtures, 'pkg-app')));
    }
    const r = await rel(ShowChart, [file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(helm('show', 'chart', file));
    // re-packaging helm's package content gives the same files as helm's
    const again = await packageChart({ chart: join(fixtures, 'pkg-app'), destination: tmp('re') });
    expect(execFileSync('tar', ['tzf', again], { encoding: 'utf8' })).toBe(execFileSync('tar', ['tzf', file], { encoding: 'utf8' }));
  });
});

describe('repo index', () => {
  let server: Server;
  let port = 0;
  let repoDir: string;

  beforeAll(async () => {
    repoDir = tmp('repo');
    server = createServer((req, res) => {
      const p = join(repoDir, decodeURIComponent((req.url ?? '/').split('?')[0]!));
      if (!p.startsWith(repoDir) || !existsSync(p)) {
        res.statusCode = 404;
        res.end();
        return;
      }
      res.end(readFileSync(p));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it('helm repo add/pull use an index written by rel', async () => {
    await packageChart({ chart: join(fixtures, 'pkg-app'), destination: repoDir });
    await packageChart({ chart: join(fixtures, 'pkg-app'), destination: repoDir, version: '1.3.0' });
    await packageChart({ chart: join(fixtures, 'pkg-lib'), destination: join(repoDir, 'libs') });
    const url = `http://127.0.0.1:${port}`;
    const r = await rel(RepoIndex, [repoDir, '--url', url]);
    expect(r.code).toBe(0);
    const text = readFileSync(join(repoDir, 'index.yaml'), 'utf8');
    expect(text).toMatch(/^apiVersion: v1\nentries:\n/);
    expect(text).toContain(`- ${url}/pkg-app-1.3.0.tgz`);
    expect(text).toContain(`- ${url}/libs/lib-0.3.1.tgz`);
    const digest = createHash('sha256').update(readFileSync(join(repoDir, 'pkg-app-1.2.3.tgz'))).digest('hex');
    expect(text).toContain(`digest: ${digest}`);
    await helmAsync('repo', 'add', 'relrepo', url);
    const search = await helmAsync('search', 'repo', 'relrepo/', '--versions');
    expect(search).toMatch(/relrepo\/pkg-app\s+1\.3\.0/);
    expect(search).toMatch(/relrepo\/pkg-app\s+1\.2\.3/);
    expect(search).toMatch(/relrepo\/lib\s+0\.3\.1/);
    const pulled = tmp('pull');
    await helmAsync('pull', 'relrepo/pkg-app', '--version', '1.2.3', '--destination', pulled);
    await helmAsync('pull', 'relrepo/lib', '--destination', pulled);
    expect(readFileSync(join(pulled, 'pkg-app-1.2.3.tgz')).equals(readFileSync(join(repoDir, 'pkg-app-1.2.3.tgz')))).toBe(true);
    expect(existsSync(join(pulled, 'lib-0.3.1.tgz'))).toBe(true);
  });

  it('has the same entries as helm repo index, reads helm’s index, and merges', async () => {
    const dir = tmp('idx');
    await packageChart({ chart: join(fixtures, 'pkg-app'), destination: dir });
    helm('package', join(fixtures, 'pkg-lib'), '--destination', dir);
    const hdir = tmp('hidx');
    cpSync(dir, hdir, { recursive: true });
    helm('repo', 'index', hdir, '--url', 'https://charts.example.com/x');
    await repoIndex(dir, { url: 'https://charts.example.com/x' });
    const strip = (s: string) => s.replace(/^(\s*)(created|generated): .*$/gm, '$1$2: T');
    expect(strip(readFileSync(join(dir, 'index.yaml'), 'utf8'))).toBe(strip(readFileSync(join(hdir, 'index.yaml'), 'utf8')));
    // rel reads helm's index
    const idx = await loadIndexFile(join(hdir, 'index.yaml'));
    expect(Object.keys(idx.entries).sort()).toEqual(['lib', 'pkg-app']);
    expect(idx.entries['pkg-app']![0]!.urls).toEqual(['https://charts.example.com/x/pkg-app-1.2.3.tgz']);
    // merge keeps versions only the old index knows
    const merged = tmp('merge');
    await packageChart({ chart: join(fixtures, 'pkg-app'), destination: merged, version: '9.0.0' });
    await repoIndex(merged, { merge: join(hdir, 'index.yaml') });
    const m = await loadIndexFile(join(merged, 'index.yaml'));
    expect(m.entries['pkg-app']!.map((v) => v.version)).toEqual(['9.0.0', '1.2.3']);
    expect(m.entries.lib!.map((v) => v.version)).toEqual(['0.3.1']);
    // and helm accepts the merged index too
    helm('repo', 'index', merged, '--merge', join(merged, 'index.yaml'));
  });

  it('refuses a missing folder', async () => {
    const r = await rel(RepoIndex, [join(tmp('x'), 'nope')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not a directory');
  });
});

