import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArchive, loadChart, loadFiles, splitYamlDocuments } from '../../../src/chart/loader.js';
import { IgnoreRules } from '../../../src/chart/ignore.js';
import { goMatch } from '../../../src/chart/match.js';
import { CHART_YAML, makeTgz } from './helpers.js';

const enc = (s: string) => new TextEncoder().encode(s);

function tmpChart(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rel-chart-'));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  return dir;
}

describe('loadFiles', () => {
  it('sorts files into templates, values, files and subcharts', async () => {
    const c = await loadFiles([
      { name: 'Chart.yaml', data: enc(CHART_YAML) },
      { name: 'values.yaml', data: enc('a: 1\nb: {c: x}\n') },
      { name: 'templates/a.yaml', data: enc('x') },
      { name: 'templates/_h.tpl', data: enc('y') },
      { name: 'files/f.txt', data: enc('z') },
      { name: 'crds/c.yaml', data: enc('kind: CustomResourceDefinition') },
      { name: 'charts/sub/Chart.yaml', data: enc('apiVersion: v2\nname: sub\nversion: 1.0.0\n') },
      { name: 'charts/sub/templates/s.yaml', data: enc('s') },
    ]);
    expect(c.name()).toBe('demo');
    expect(c.templates.map((t) => t.name).sort()).toEqual(['templates/_h.tpl', 'templates/a.yaml']);
    expect(c.values).toEqual({ a: 1, b: { c: 'x' } });
    expect(c.files.map((f) => f.name).sort()).toEqual(['crds/c.yaml', 'files/f.txt']);
    expect(c.dependencies().map((d) => d.name())).toEqual(['sub']);
    expect(c.dependencies()[0]!.chartFullPath()).toBe('demo/charts/sub');
    expect(c.crdObjects().map((x) => x.filename)).toEqual(['demo/crds/c.yaml']);
  });

  it('reports Chart.yaml problems like helm', async () => {
    await expect(loadFiles([{ name: 'values.yaml', data: enc('') }])).rejects.toThrow('Chart.yaml file is missing');
    await expect(loadFiles([{ name: 'Chart.yaml', data: enc('name: x\n') }])).rejects.toThrow('validation: chart.metadata.version is required');
    await expect(loadFiles([{ name: 'Chart.yaml', data: enc('apiVersion: v2\nname: x\nversion: abc\n') }])).rejects.toThrow(
      'validation: chart.metadata.version "abc" is invalid',
    );
    await expect(loadFiles([{ name: 'Chart.yaml', data: enc('apiVersion: v2\nname: x\nversion: 1.0.0\ntype: foo\n') }])).rejects.toThrow(
      'validation: chart.metadata.type must be application or library',
    );
    await expect(loadFiles([{ name: 'Chart.yaml', data: enc('apiVersion: v2\nname: x\nversion: 1.0.0\nkeywords: 3\n') }])).rejects.toThrow(
      'cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal number into Go struct field Metadata.keywords of type []string',
    );
    await expect(loadFiles([{ name: 'Chart.yaml', data: enc('apiVersion: v3\nname: x\nversion: 1.0.0\n') }])).rejects.toThrow('invalid chart apiVersion');
  });

  it('converts scalars in string fields the way Go does (appVersion: 1.10 is "1.1")', async () => {
    const c = await loadFiles([{ name: 'Chart.yaml', data: enc('apiVersion: v2\nname: x\nversion: 1.0\nappVersion: 1.10\ndescription: yes\n') }]);
    expect(c.metadata.AppVersion).toBe('1.1');
    expect(c.metadata.Version).toBe('1');
    expect(c.metadata.Description).toBe('true');
  });

  it('merges multi-document values files', async () => {
    expect(splitYamlDocuments('a: 1\n---\nb: 2\n')).toEqual(['a: 1\n', 'b: 2\n']);
    const c = await loadFiles([
      { name: 'Chart.yaml', data: enc(CHART_YAML) },
      { name: 'values.yaml', data: enc('a: 1\nl: [1]\n---\nb: 2\nl: [2]\n') },
    ]);
    expect(c.values).toEqual({ a: 1, b: 2, l: [2] }); // helm 4.1.4 prints {"a":1,"b":2,"l":[2]}
  });
});

describe('directory loader', () => {
  it('honours .helmignore and hides dotfiles in templates/', async () => {
    const dir = tmpChart({
      'Chart.yaml': CHART_YAML,
      '.helmignore': '# comment\n*.bak\nsecret/\n',
      'templates/a.yaml': 'a',
      'templates/.hidden.yaml': 'h',
      'templates/old.bak': 'b',
      'secret/x.txt': 's',
      'files/ok.txt': 'o',
    });
    const c = await loadChart(dir);
    expect(c.templates.map((t) => t.name)).toEqual(['templates/a.yaml']);
    expect(c.files.map((f) => f.name).sort()).toEqual(['.helmignore', 'files/ok.txt']);
  });

  it('treats a negated rule like helm does (everything else is ignored)', async () => {
    const dir = tmpChart({ 'Chart.yaml': CHART_YAML, '.helmignore': '*.bak\n!keep.bak\n', 'templates/a.yaml': 'a' });
    await expect(loadChart(dir)).rejects.toThrow('Chart.yaml file is missing');
  });

  it('follows symlinks inside the chart', async () => {
    const dir = tmpChart({ 'Chart.yaml': CHART_YAML, 'real/a.txt': 'A' });
    symlinkSync(join(dir, 'real'), join(dir, 'linked'));
    const c = await loadChart(dir);
    expect(c.files.map((f) => f.name).sort()).toEqual(['linked/a.txt', 'real/a.txt']);
  });

  it('says when the path does not exist', async () => {
    await expect(loadChart('/nonexistent/chart')).rejects.toThrow('path "/nonexistent/chart" not found');
  });
});

describe('archive loader', () => {
  it('loads a packaged chart with a packaged subchart', async () => {
    const sub = makeTgz([
      { path: 'sub/Chart.yaml', data: 'apiVersion: v2\nname: sub\nversion: 1.0.0\n' },
      { path: 'sub/templates/s.yaml', data: 's' },
    ]);
    const top2 = makeTgzWithBinary([
      { path: 'demo/Chart.yaml', data: Buffer.from(CHART_YAML) },
      { path: 'demo/templates/a.yaml', data: Buffer.from('\ufeffa: 1') },
      { path: 'demo/charts/sub-1.0.0.tgz', data: Buffer.from(sub) },
    ]);
    const c = await loadArchive(top2);
    expect(c.name()).toBe('demo');
    expect(new TextDecoder().decode(c.templates[0]!.data)).toBe('a: 1');
    expect(c.dependencies().map((d) => d.name())).toEqual(['sub']);
  });

  it.each([
    [[{ path: 'demo/../../etc/passwd', data: 'x' }], 'chart illegally references parent directory'],
    [[{ path: '/etc/passwd', data: 'x' }], 'chart illegally contains absolute paths'],
    [[{ path: 'Chart.yaml', data: CHART_YAML }], 'chart yaml not in base directory'],
    [
      [
        { path: 'demo/Chart.yaml', data: CHART_YAML },
        { path: 'demo/templates/evil', type: 'SymbolicLink' as const, linkpath: '../../../etc/passwd' },
      ],
      'points outside the chart',
    ],
    [
      [
        { path: 'demo/Chart.yaml', data: CHART_YAML },
        { path: 'demo/templates/evil', type: 'SymbolicLink' as const, linkpath: '/etc/passwd' },
      ],
      'absolute path',
    ],
  ])('refuses malicious entries %#', async (entries, msg) => {
    await expect(loadArchive(makeTgz(entries))).rejects.toThrow(msg);
  });

  it('gives a clear error for corrupt gzip and non-gzip data', async () => {
    const good = makeTgz([{ path: 'demo/Chart.yaml', data: CHART_YAML }]);
    const corrupt = good.slice(0, 30);
    await expect(loadArchive(corrupt)).rejects.toThrow(/unable to load chart archive: .*corrupt gzip data/);
    await expect(loadArchive(enc('not a tgz at all'))).rejects.toThrow(/does not appear to be a gzipped archive/);
  });
});

import { gzipSync as gz } from 'node:zlib';
import { Header } from 'tar';
function makeTgzWithBinary(entries: { path: string; data: Buffer }[]): Uint8Array {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const h = new Header({ path: e.path, mode: 0o644, size: e.data.length, mtime: new Date(0), type: 'File' });
    const block = Buffer.alloc(512);
    h.encode(block, 0);
    blocks.push(block, e.data);
    const pad = (512 - (e.data.length % 512)) % 512;
    if (pad) blocks.push(Buffer.alloc(pad));
  }
  blocks.push(Buffer.alloc(1024));
  return new Uint8Array(gz(Buffer.concat(blocks)));
}

describe('.helmignore rules and Go path matching', () => {
  it('matches like Go filepath.Match', () => {
    expect(goMatch('*.yaml', 'a.yaml')).toBe(true);
    expect(goMatch('*.yaml', 'dir/a.yaml')).toBe(false);
    expect(goMatch('templates/*.yaml', 'templates/a.yaml')).toBe(true);
    expect(goMatch('[a-c]?.txt', 'bx.txt')).toBe(true);
    expect(goMatch('[^a-c]x', 'dx')).toBe(true);
    expect(() => goMatch('[', 'x')).toThrow();
  });
  it('applies negation, dir-only and anchored rules', () => {
    const r = IgnoreRules.parse('*.tmp\n/top.txt\nbuild/\n');
    expect(r.ignore('a/b.tmp', false)).toBe(true);
    expect(r.ignore('top.txt', false)).toBe(true);
    expect(r.ignore('sub/top.txt', false)).toBe(false);
    expect(r.ignore('build', true)).toBe(true);
    expect(r.ignore('build', false)).toBe(false);
    expect(() => IgnoreRules.parse('**/x')).toThrow('double-star (**) syntax is not supported');
  });
});
