import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listDependencies, localPath, updateDependencies } from '../../../src/package/dependency.js';
import { packageChart } from '../../../src/package/save.js';

const fixtures = resolve(import.meta.dirname, '../../e2e/fixtures');

function parent(deps: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'rel-deplist-')), 'p');
  mkdirSync(join(dir, 'charts'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: p\nversion: 0.1.0\ndependencies:\n${deps}`);
  return dir;
}

describe('dependency list statuses', () => {
  it('ok, unpacked, wrong version, misnamed, corrupt, missing', async () => {
    const dir = parent(
      [
        '  - {name: lib, version: "~0.3.0", repository: "file://../lib"}',
        '  - {name: sub, version: "0.2.x", repository: ""}',
        '  - {name: old, version: "^2.0.0", repository: "file://../old"}',
        '  - {name: wrongname, version: "*", repository: ""}',
        '  - {name: broken, version: "*", repository: ""}',
        '  - {name: gone, version: "1.0.0", repository: "file://../gone"}',
        '',
      ].join('\n'),
    );
    await packageChart({ chart: join(fixtures, 'pkg-lib'), destination: join(dir, 'charts') });
    cpSync(join(fixtures, 'pkg-app/charts/sub'), join(dir, 'charts/sub'), { recursive: true });
    mkdirSync(join(dir, 'charts/old/templates'), { recursive: true });
    writeFileSync(join(dir, 'charts/old/Chart.yaml'), 'apiVersion: v2\nname: old\nversion: 1.0.0\n');
    mkdirSync(join(dir, 'charts/wrongname'));
    writeFileSync(join(dir, 'charts/wrongname/Chart.yaml'), 'apiVersion: v2\nname: other\nversion: 1.0.0\n');
    writeFileSync(join(dir, 'charts/broken-1.0.0.tgz'), 'not a tgz');
    const { deps } = await listDependencies(dir).catch(async () => {
      // the loader refuses the chart as a whole because of the corrupt archive; list still works per dependency
      throw new Error('listDependencies must not fail on a corrupt dependency');
    });
    expect(deps.map((d) => [d.name, d.status])).toEqual([
      ['lib', 'ok'],
      ['sub', 'unpacked'],
      ['old', 'wrong version'],
      ['wrongname', 'misnamed'],
      ['broken', 'corrupt'],
      ['gone', 'missing'],
    ]);
  });

  it('resolves file:// paths relative to the chart, absolute ones as given', () => {
    expect(localPath('file://../x', '/a/b')).toBe('/a/x');
    expect(localPath('file:///abs/y', '/a/b')).toBe('/abs/y');
  });

  it('refuses a constraint no local chart satisfies, writing nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rel-depv-'));
    cpSync(join(fixtures, 'pkg-lib'), join(root, 'lib'), { recursive: true });
    const dir = join(root, 'p');
    mkdirSync(dir);
    writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: p\nversion: 0.1.0\ndependencies:\n  - {name: lib, version: "^1.0.0", repository: "file://../lib"}\n');
    await expect(updateDependencies(dir)).rejects.toThrow("can't get a valid version for repositories lib. Try changing the version constraint in Chart.yaml");
    writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: p\nversion: 0.1.0\ndependencies:\n  - {name: lib, version: "not a range!", repository: "file://../lib"}\n');
    await expect(updateDependencies(dir)).rejects.toThrow('dependency "lib" has an invalid version/constraint format');
  });
});

describe('package --dependency-update and reproducible index', () => {
  it('updates dependencies before packaging', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rel-pkgdu-'));
    cpSync(join(fixtures, 'pkg-parent'), join(root, 'pkg-parent'), { recursive: true });
    cpSync(join(fixtures, 'pkg-lib'), join(root, 'pkg-lib'), { recursive: true });
    const { loadChart } = await import('../../../src/chart/loader.js');
    const file = await packageChart({ chart: join(root, 'pkg-parent'), destination: join(root, 'out'), dependencyUpdate: true });
    const c = await loadChart(file);
    expect(c.dependencies().map((d) => `${d.name()}@${d.metadata.Version}`)).toEqual(['lib@0.3.1']);
    expect(c.lock?.digest).toMatch(/^sha256:/);
  });

  it('honours SOURCE_DATE_EPOCH for index times', async () => {
    const { buildTime } = await import('../../../src/repo/index.js');
    expect(buildTime({ SOURCE_DATE_EPOCH: '1700000000' }).toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(Math.abs(buildTime({}).getTime() - Date.now())).toBeLessThan(5000);
  });
});
