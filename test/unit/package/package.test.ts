import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Header } from 'tar';
import { describe, expect, it } from 'vitest';
import { readChartArchive } from '../../../src/chart/archive.js';
import { loadChart } from '../../../src/chart/loader.js';
import { emptyMetadata, type Dependency } from '../../../src/chart/metadata.js';
import { chartYaml, goTimeJson, lockYaml } from '../../../src/package/chartfile.js';
import { dependencyJson, hashReq, updateDependencies, buildDependencies } from '../../../src/package/dependency.js';
import { chartArchive, chartArchiveFiles, packageChart } from '../../../src/package/save.js';
import { show } from '../../../src/package/show.js';
import { helmGzip, tarBytes, writeTgz } from '../../../src/package/tgz.js';
import { indexYaml, mergeIndex, newIndexFile, parseIndex, addVersion, sortEntries, urlJoin } from '../../../src/repo/index.js';

const fixtures = resolve(import.meta.dirname, '../../e2e/fixtures');
const enc = new TextEncoder();
const tmp = (n: string) => mkdtempSync(join(tmpdir(), `rel-${n}-`));

function dep(over: Partial<Dependency>): Dependency {
  return { Name: '', Version: '', Repository: '', Condition: '', Tags: [], Enabled: false, ImportValues: [], Alias: '', ...over };
}

/** A raw tar with arbitrary entries (for hostile archives). */
function rawTar(entries: { path: string; type?: 'File' | 'SymbolicLink' | 'Link'; linkpath?: string; data?: string }[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = Buffer.from(e.data ?? '');
    const h = new Header({ path: e.path, type: e.type ?? 'File', linkpath: e.linkpath, size: e.type && e.type !== 'File' ? 0 : data.length, mode: 0o644, mtime: new Date(0) });
    const b = Buffer.alloc(512);
    h.encode(b, 0);
    parts.push(b);
    if (!e.type || e.type === 'File') {
      const body = Buffer.alloc(Math.ceil(data.length / 512) * 512);
      data.copy(body);
      parts.push(body);
    }
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

describe('tgz writer', () => {
  it('writes helm’s gzip header and a fixed, readable tar', async () => {
    const files = [
      { name: 'c/Chart.yaml', data: enc.encode('apiVersion: v2\nname: c\nversion: 1.0.0\n') },
      { name: `c/files/${'x'.repeat(120)}/long.txt`, data: enc.encode('long') },
    ];
    const a = writeTgz(files);
    expect([...a.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0x14, 0, 0, 0, 0, 0, 0xff]);
    expect(a.subarray(12, 12 + 41).toString('latin1')).toBe('+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=');
    expect(a.readUInt16LE(10)).toBe(41);
    expect(a.subarray(53, 58).toString('latin1')).toBe('Helm\0');
    expect(gunzipSync(a).equals(tarBytes(files))).toBe(true);
    expect(writeTgz(files).equals(a)).toBe(true);
    const back = await readChartArchive(a);
    expect(back.map((f) => f.name)).toEqual(['Chart.yaml', `files/${'x'.repeat(120)}/long.txt`]);
    expect(new TextDecoder().decode(back[1]!.data)).toBe('long');
  });

  it('uses $SOURCE_DATE_EPOCH-style fixed mtimes', () => {
    const t = tarBytes([{ name: 'a/b', data: enc.encode('x') }], new Date(1_700_000_000_000));
    const h = new Header(t.subarray(0, 512));
    expect(h.mtime?.getTime()).toBe(1_700_000_000_000);
    expect(h.uid).toBe(0);
    expect(h.mode).toBe(0o644);
    expect(helmGzip(t).length).toBeGreaterThan(20);
  });
});

describe('Chart.yaml / Chart.lock serialisation', () => {
  it('writes metadata like sigs.k8s.io/yaml (sorted keys, omitempty)', () => {
    const md = { ...emptyMetadata(), APIVersion: 'v2', Name: 'c', Version: '1.0.0', AppVersion: '1.10', Annotations: { b: '1', a: 'x' } };
    md.Dependencies = [dep({ Name: 'd', Repository: '', Version: '>=1' })];
    expect(chartYaml(md)).toBe(
      `annotations:\n  a: x\n  b: "1"\napiVersion: v2\nappVersion: "1.10"\ndependencies:\n- name: d\n  repository: ""\n  version: '>=1'\nname: c\nversion: 1.0.0\n`,
    );
    expect(chartYaml({ ...md, APIVersion: 'v1' })).not.toContain('dependencies');
  });

  it('writes Chart.lock and Go times', () => {
    expect(goTimeJson(new Date('2024-01-02T03:04:05.120Z'))).toBe('2024-01-02T03:04:05.12Z');
    expect(goTimeJson(new Date('2024-01-02T03:04:05.000Z'))).toBe('2024-01-02T03:04:05Z');
    expect(lockYaml({ generated: '2024-01-02T03:04:05Z', digest: 'sha256:ab', dependencies: [dep({ Name: 'x', Version: '1.0.0', Repository: 'file://../x' })] })).toBe(
      'dependencies:\n- name: x\n  repository: file://../x\n  version: 1.0.0\ndigest: sha256:ab\ngenerated: "2024-01-02T03:04:05Z"\n',
    );
  });

  it('hashes dependencies like helm’s HashReq (Go JSON, struct order, HTML escaped)', () => {
    const d = dep({ Name: 'a<b', Version: '~1', Repository: 'file://x', Tags: ['t'], ImportValues: [{ child: 'c', parent: 'p' } as never], Alias: 'z' });
    expect(dependencyJson(d)).toBe('{"name":"a\\u003cb","version":"~1","repository":"file://x","tags":["t"],"import-values":[{"child":"c","parent":"p"}],"alias":"z"}');
    // sha256 of `[[{"name":"x","repository":""}],[{"name":"x","repository":""}]]`
    expect(hashReq([dep({ Name: 'x' })], [dep({ Name: 'x' })])).toBe('sha256:' + createHashHex('[[{"name":"x","repository":""}],[{"name":"x","repository":""}]]'));
  });
});

function createHashHex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

describe('package', () => {
  it('lays out the chart like helm and round-trips through the loader', async () => {
    const c = await loadChart(join(fixtures, 'pkg-app'));
    const names = chartArchiveFiles(c).map((f) => f.name);
    expect(names.slice(0, 3)).toEqual(['pkg-app/Chart.yaml', 'pkg-app/values.yaml', 'pkg-app/values.schema.json']);
    expect(names).toContain('pkg-app/charts/sub/Chart.yaml');
    expect(names.some((n) => n.includes('.bak') || n.includes('ignored/'))).toBe(false);
    const back = await loadChart(join(await packageChart({ chart: join(fixtures, 'pkg-app'), destination: tmp('p') })));
    expect(back.metadata).toEqual(c.metadata);
    expect(back.values).toEqual(c.values);
    expect(chartArchive(back).equals(chartArchive(c))).toBe(true);
  });

  it('refuses a chart with a hostile subchart archive and writes nothing', async () => {
    const dir = join(tmp('host'), 'pkg-app');
    cpSync(join(fixtures, 'pkg-app'), dir, { recursive: true });
    writeFileSync(join(dir, 'charts', 'evil.tgz'), helmGzip(rawTar([{ path: 'evil/Chart.yaml', data: 'name: evil\n' }, { path: 'evil/../../x', data: 'x' }])));
    const out = tmp('out');
    await expect(packageChart({ chart: dir, destination: out })).rejects.toThrow(/illegally references parent directory/);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('hostile archives', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['../ path', helmGzip(rawTar([{ path: 'c/Chart.yaml', data: 'name: c\n' }, { path: 'c/../../etc/x', data: 'x' }])), /illegally references parent directory/],
    ['absolute path', helmGzip(rawTar([{ path: '/etc/passwd', data: 'x' }])), /absolute paths|parent directory|outside/],
    ['symlink escaping', helmGzip(rawTar([{ path: 'c/Chart.yaml', data: 'apiVersion: v2\nname: c\nversion: 1.0.0\n' }, { path: 'c/templates/x.yaml', type: 'SymbolicLink', linkpath: '../../../etc/passwd' }])), /points outside the chart/],
    ['absolute symlink', helmGzip(rawTar([{ path: 'c/Chart.yaml', data: 'apiVersion: v2\nname: c\nversion: 1.0.0\n' }, { path: 'c/values.yaml', type: 'SymbolicLink', linkpath: '/etc/passwd' }])), /absolute path/],
    ['corrupt gzip', Buffer.concat([helmGzip(rawTar([{ path: 'c/Chart.yaml', data: 'x' }])).subarray(0, 30), Buffer.from('garbage-garbage-garbage')]), /corrupt gzip|corrupt tar|unexpected end/i],
    ['not gzip', Buffer.from('plain text'), /not appear to be a gzipped archive/],
  ];
  for (const [name, data, re] of cases) {
    it(`refuses ${name} in rel show and rel dependency`, async () => {
      const dir = tmp('evil');
      writeFileSync(join(dir, 'c-1.0.0.tgz'), data);
      await expect(show(join(dir, 'c-1.0.0.tgz'), 'chart')).rejects.toThrow(re);
      // as a package in a local repository folder used by a dependency
      const repo = join(dir, 'repo');
      mkdirSync(repo);
      writeFileSync(join(repo, 'c-1.0.0.tgz'), data);
      writeFileSync(join(repo, 'index.yaml'), `apiVersion: v1\nentries:\n  c:\n  - apiVersion: v2\n    name: c\n    version: 1.0.0\n    urls: [c-1.0.0.tgz]\n    digest: ${createHash('sha256').update(data).digest('hex')}\n`);
      const parent = join(dir, 'parent');
      mkdirSync(parent);
      writeFileSync(join(parent, 'Chart.yaml'), 'apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n  - name: c\n    version: 1.0.0\n    repository: file://../repo\n');
      await expect(updateDependencies(parent)).rejects.toThrow(re);
      expect(existsSync(join(parent, 'charts', 'c-1.0.0.tgz'))).toBe(false);
      expect(existsSync(join(parent, 'Chart.lock'))).toBe(false);
      expect(existsSync(join(dir, 'etc'))).toBe(false);
    });
  }

  it('refuses index URLs that leave the repository folder', async () => {
    const dir = tmp('evilidx');
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    writeFileSync(join(dir, 'c-1.0.0.tgz'), 'x');
    writeFileSync(join(repo, 'index.yaml'), 'apiVersion: v1\nentries:\n  c:\n  - apiVersion: v2\n    name: c\n    version: 1.0.0\n    urls: [../c-1.0.0.tgz]\n');
    const parent = join(dir, 'parent');
    mkdirSync(parent);
    writeFileSync(join(parent, 'Chart.yaml'), 'apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n  - name: c\n    version: 1.0.0\n    repository: file://../repo\n');
    await expect(updateDependencies(parent)).rejects.toThrow(/points outside the repository folder/);
    await expect(buildDependencies(parent)).rejects.toThrow(/points outside the repository folder/);
    expect(existsSync(join(parent, 'charts'))).toBe(false);
  });

  it('does not follow a charts/ symlink out of the chart when writing', async () => {
    const dir = tmp('symcharts');
    cpSync(join(fixtures, 'pkg-parent'), join(dir, 'pkg-parent'), { recursive: true });
    cpSync(join(fixtures, 'pkg-lib'), join(dir, 'pkg-lib'), { recursive: true });
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, join(dir, 'pkg-parent', 'charts'));
    await expect(updateDependencies(join(dir, 'pkg-parent'))).rejects.toThrow(/is a symbolic link to .* outside the chart/);
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe('repository index', () => {
  it('adds, sorts, merges and serialises like helm', () => {
    const idx = newIndexFile(new Date('2024-01-01T00:00:00Z'));
    const md = (v: string) => ({ ...emptyMetadata(), APIVersion: 'v2', Name: 'a', Version: v });
    addVersion(idx, md('1.0.0'), 'a-1.0.0.tgz', 'https://x.io/charts', 'aa', new Date('2024-01-01T00:00:00Z'));
    addVersion(idx, md('1.10.0'), 'a-1.10.0.tgz', '', 'bb', new Date('2024-01-01T00:00:00Z'));
    const other = newIndexFile();
    addVersion(other, md('1.2.0'), 'a-1.2.0.tgz', '', 'cc', new Date('2024-01-01T00:00:00Z'));
    addVersion(other, md('1.0.0'), 'a-1.0.0.tgz', '', 'zz', new Date('2024-01-01T00:00:00Z'));
    mergeIndex(idx, other);
    sortEntries(idx);
    expect(idx.entries.a!.map((v) => [v.version, v.digest])).toEqual([
      ['1.10.0', 'bb'],
      ['1.2.0', 'cc'],
      ['1.0.0', 'aa'],
    ]);
    const text = indexYaml(idx);
    expect(text).toMatch(/^apiVersion: v1\nentries:\n  a:\n  - apiVersion: v2\n    created: "2024-01-01T00:00:00Z"\n    digest: bb\n    name: a\n    urls:\n    - a-1.10.0.tgz\n    version: 1.10.0\n/);
    expect(text).toContain('- https://x.io/charts/a-1.0.0.tgz');
    expect(text).toMatch(/\ngenerated: "2024-01-01T00:00:00Z"\n$/);
    const back = parseIndex(text, 'index.yaml');
    expect(back.entries.a!.map((v) => v.urls[0])).toEqual(['a-1.10.0.tgz', 'a-1.2.0.tgz', 'https://x.io/charts/a-1.0.0.tgz']);
    expect(urlJoin('https://x.io/a/', 'b.tgz')).toBe('https://x.io/a/b.tgz');
  });

  it('drops invalid entries and requires apiVersion', () => {
    const warnings: string[] = [];
    const idx = parseIndex('apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: nope\n  - name: a\n    version: 1.0.0\n', 'i.yaml', (w) => warnings.push(w));
    expect(idx.entries.a!.map((v) => v.version)).toEqual(['1.0.0']);
    expect(warnings[0]).toContain('skipping loading invalid entry for chart "a"');
    expect(() => parseIndex('entries: {}\n', 'i.yaml')).toThrow(/no API version specified/);
  });
});
