import { describe, expect, it } from 'vitest';
import { Chart } from '../../../src/chart/chart.js';
import { coalesceValues, coalesceTables } from '../../../src/chart/coalesce.js';
import { isCompatibleRange, processDependencies } from '../../../src/chart/dependencies.js';
import { decodeMetadata, emptyMetadata } from '../../../src/chart/metadata.js';
import type { GoMap } from '../../../src/engine/types.js';

function chart(md: Record<string, unknown>, values: GoMap, deps: Chart[] = []): Chart {
  const c = new Chart(decodeMetadata(md as never, emptyMetadata()));
  c.values = values;
  c.addDependency(...deps);
  return c;
}

describe('coalesceValues', () => {
  it('user values win, maps merge, null deletes a default', () => {
    const c = chart({ apiVersion: 'v2', name: 'top', version: '1.0.0' }, { a: 1, b: { x: 1, y: 2 }, keep: 'k', list: [1, 2] });
    const out = coalesceValues(c, { a: 2, b: { y: null, z: 3 }, keep: null, list: [9] });
    expect(out).toEqual({ a: 2, b: { x: 1, z: 3 }, list: [9] });
  });

  it('passes globals down and scopes subchart values', () => {
    const sub = chart({ apiVersion: 'v2', name: 'sub', version: '1.0.0' }, { x: 'subdefault', y: 'suby', nullme: 3, global: { g2: 'subg' } });
    const top = chart({ apiVersion: 'v2', name: 'top', version: '1.0.0' }, { global: { g1: 'top' }, sub: { x: 'fromparent' } }, [sub]);
    const out = coalesceValues(top, { sub: { nullme: null } });
    expect(out.sub).toEqual({ x: 'fromparent', y: 'suby', global: { g1: 'top', g2: 'subg' } });
    expect(out.global).toEqual({ g1: 'top' });
  });

  it('reports a scalar where a subchart table is expected', () => {
    const sub = chart({ apiVersion: 'v2', name: 'sub', version: '1.0.0' }, {});
    const top = chart({ apiVersion: 'v2', name: 'top', version: '1.0.0' }, {}, [sub]);
    expect(() => coalesceValues(top, { sub: 'oops' })).toThrow('type mismatch on sub: %!t(string=oops)');
    // fmt's %t: nil as such, lists element by element (helm 4.1.4)
    expect(() => coalesceValues(top, { sub: null })).toThrow('type mismatch on sub: %!t(<nil>)');
    expect(() => coalesceValues(top, { sub: [1, 'a'] })).toThrow('type mismatch on sub: [%!t(float64=1) %!t(string=a)]');
  });

  it('coalesceTables keeps dst authoritative', () => {
    expect(coalesceTables({ a: 1, n: { b: 2 } }, { a: 5, c: 3, n: { b: 9, d: 4 } })).toEqual({ a: 1, c: 3, n: { b: 2, d: 4 } });
  });
});

describe('dependencies', () => {
  it('matches semver ranges like Masterminds', () => {
    expect(isCompatibleRange('>=1.20', 'v1.35.0')).toBe(true);
    expect(isCompatibleRange('>=1.20', 'v1.19')).toBe(false);
    expect(isCompatibleRange('^1.2.0', '1.9.3')).toBe(true);
    expect(isCompatibleRange('>= 1.0, < 2.0', '1.5.0')).toBe(true);
    expect(isCompatibleRange('1.x', '2.0.0')).toBe(false);
    expect(isCompatibleRange('~0.2', '0.2.7')).toBe(true);
  });

  it('disables by condition and tags, renames aliases, imports values', () => {
    const mk = (name: string, values: GoMap = {}) => chart({ apiVersion: 'v2', name, version: '1.0.0' }, values);
    const top = chart(
      {
        apiVersion: 'v2',
        name: 'top',
        version: '1.0.0',
        dependencies: [
          { name: 'a', version: '1.0.0', condition: 'a.enabled' },
          { name: 'b', version: '1.0.0', tags: ['front'] },
          { name: 'c', version: '1.0.0', alias: 'cc', 'import-values': [{ child: 'exp', parent: 'imported' }, 'data'] },
          { name: 'd', version: '^1', condition: 'nope.enabled,d.enabled' },
        ],
      },
      { a: { enabled: false }, tags: { front: false }, imported: { mine: 1 } },
      [mk('a'), mk('b'), mk('c', { exp: { x: 1, mine: 2 }, exports: { data: { fromData: true } } }), mk('d', { enabled: true })],
    );
    processDependencies(top, {});
    expect(top.dependencies().map((d) => d.name()).sort()).toEqual(['cc', 'd']);
    expect(top.metadata.Dependencies.map((d) => d.Name)).toEqual(['cc', 'd']);
    expect(top.values.imported).toEqual({ mine: 1, x: 1 });
    expect(top.values.fromData).toBe(true);
  });

  it('user values can enable a disabled dependency', () => {
    const top = chart(
      { apiVersion: 'v2', name: 'top', version: '1.0.0', dependencies: [{ name: 'a', version: '1.0.0', condition: 'a.enabled' }] },
      { a: { enabled: false } },
      [chart({ apiVersion: 'v2', name: 'a', version: '1.0.0' }, {})],
    );
    processDependencies(top, { a: { enabled: true } });
    expect(top.dependencies().map((d) => d.name())).toEqual(['a']);
  });
});
