import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/cli/errors.js';
import { parseProject } from '../../../src/project/load.js';
import { resolveRelease } from '../../../src/project/resolve.js';
import { starterProject } from '../../../src/project/starter.js';

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('rel.yaml loading', () => {
  it('accepts the starter file', () => {
    const p = parseProject(starterProject({ release: 'shop', chart: 'charts/shop' }));
    expect(p.releases[0]!.name).toBe('shop');
    expect(p.environments!.prod!.strategy!.steps).toEqual([10, 25, 50, 100]);
  });

  it('reports an unknown key with its line, column and a suggestion', () => {
    const text = 'releases:\n  - name: a\n    chart: c\nenvironments:\n  prod:\n    namespase: x\n';
    const e = errorOf(() => parseProject(text, 'rel.yaml'));
    expect(e.message).toContain('rel.yaml:6:5: environments.prod.namespase: unknown key "namespase" (did you mean "namespace"?)');
    expect(e.exitCode).toBe(2);
  });

  it('reports bad enum values and durations', () => {
    const text = 'releases:\n  - name: a\n    chart: c\n    strategy:\n      type: canery\n      stepInterval: 5 minutes\n';
    const e = errorOf(() => parseProject(text, 'rel.yaml'));
    expect(e.message).toMatch(/rel\.yaml:5:13: releases\.0\.strategy\.type: must be one of "rolling", "canary", "blueGreen"/);
    expect(e.message).toMatch(/rel\.yaml:6:21: releases\.0\.strategy\.stepInterval: must be a duration/);
  });

  it('reports YAML syntax errors with a position', () => {
    const e = errorOf(() => parseProject('releases:\n  - name: a\n   chart: [\n', 'p.yaml'));
    expect(e.message).toMatch(/^p\.yaml:\d+:\d+: invalid YAML/);
  });

  it('rejects duplicate keys', () => {
    const e = errorOf(() => parseProject('releases: []\nreleases: []\n', 'p.yaml'));
    expect(e.message).toMatch(/p\.yaml:2:1: invalid YAML/);
  });
});

describe('release resolution', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rel-project-'));
  mkdirSync(join(dir, 'charts/shop'), { recursive: true });
  writeFileSync(join(dir, 'charts/shop/Chart.yaml'), 'apiVersion: v2\nname: shop\nversion: 1.0.0\n');
  mkdirSync(join(dir, 'values/shop'), { recursive: true });
  writeFileSync(join(dir, 'values/shop/common.yaml'), 'a: 1\n');
  writeFileSync(join(dir, 'values/shop/prod.yaml'), 'a: 2\n');
  writeFileSync(join(dir, 'extra.yaml'), 'a: 3\n');
  writeFileSync(join(dir, 'prod-extra.yaml'), 'a: 4\n');
  const project = parseProject(
    [
      'defaults: {namespace: base, strategy: {type: rolling, stepInterval: 1m}, values: [extra.yaml]}',
      'environments:',
      '  prod: {namespace: shop, strategy: {type: canary, steps: [10, 50]}}',
      '  dev: {}',
      'releases:',
      '  - name: shop',
      '    chart: charts/shop',
      '    environments:',
      '      prod: {values: [prod-extra.yaml], strategy: {steps: [20]}}',
      '  - name: other',
      '    chart: charts/other',
    ].join('\n'),
  );
  const file = join(dir, 'rel.yaml');

  it('merges defaults < environment < release < release environment', () => {
    const r = resolveRelease(project, file, { release: 'shop', env: 'prod' });
    expect(r.settings.namespace).toBe('shop');
    expect(r.settings.strategy).toEqual({ type: 'canary', stepInterval: '1m', steps: [20] });
    expect(r.chartName).toBe('shop');
    expect(r.valueFiles.map((v) => [v.source, v.file.slice(dir.length + 1)])).toEqual([
      ['common', 'values/shop/common.yaml'],
      ['environment', 'values/shop/prod.yaml'],
      ['project', 'extra.yaml'],
      ['project', 'prod-extra.yaml'],
    ]);
  });

  it('uses defaults when no environment is named', () => {
    const r = resolveRelease(project, file, { release: 'shop' });
    expect(r.settings.namespace).toBe('base');
    expect(r.valueFiles.map((v) => v.source)).toEqual(['common', 'project']);
  });

  it('refuses unknown environments and releases with suggestions', () => {
    expect(errorOf(() => resolveRelease(project, file, { release: 'shop', env: 'prd' })).message).toContain('did you mean "prod"');
    expect(errorOf(() => resolveRelease(project, file, { release: 'shp' })).message).toContain('did you mean "shop"');
    expect(errorOf(() => resolveRelease(project, file, {})).message).toContain('name one: shop, other');
  });
});
