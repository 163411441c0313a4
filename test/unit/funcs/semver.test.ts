import { describe, expect, it } from 'vitest';
import { call, errorOf, show } from './helpers.js';
import { GoInt, goInt } from '../../../src/engine/types.js';

// Expected values were printed by helm v4.1.4 (Masterminds/semver v3.4.0).
describe('semver', () => {
  const cases: [string, string, boolean][] = [
    ['>=1.19-0', 'v1.29.0-eks-123', true],
    ['>=1.19', 'v1.29.0-eks-123', false],
    ['^1.2', '1.9.9', true],
    ['~1.2', '1.3.0', false],
    ['1.2.x', '1.2.9', true],
    ['>= 1.2, < 3', '2.0', true],
    ['<1.0 || >2.0', '2.1', true],
    ['1.2 - 1.4.5', '1.4.6', false],
    ['*', '1.0.0-alpha', false],
    ['!=1.2.3', '1.2.3', false],
    ['>1.2.x', '1.3.0', true],
    ['>1.2.x', '1.2.9', false],
    ['<=1.2.x', '1.2.9', true],
    ['^0.2.3', '0.2.9', true],
    ['^0.2.3', '0.3.0', false],
    ['^0.0.3', '0.0.4', false],
    ['~0', '0.9', true],
    ['>=1.0.0-beta', '1.0.0-alpha', false],
    ['=1.2', '1.2.0', true],
    ['1.2.3-alpha.1', '1.2.3-alpha.1', true],
    ['>= 1.0.0', '1.0.0', true],
    ['> 1.0.0 <2', '1.5.0', true],
    ['=>1.0', '1.0', true],
    ['~>1.2', '1.2.5', true],
    ['v1.x', '1.5', true],
    ['^1.x', '1.5', true],
    ['>=1.22.0-0 <1.30.0-0', 'v1.29.3+k3s1', true],
    ['^1.2.3-beta.1', '1.2.3-beta.2', true],
    ['^1.2.3-beta.1', '1.3.0-beta.2', true],
  ];
  it.each(cases)('semverCompare %s %s', (c, v, want) => {
    expect(call('semverCompare', c, v)).toBe(want);
  });

  it('semver values', () => {
    expect(show('semver', '1.2.3-beta.1+build')).toBe('1.2.3-beta.1+build');
    const v = call('semver', 'v1.2') as unknown as Record<string, () => unknown>;
    expect(v.Major()).toEqual(new GoInt(1n, 'uint64'));
    expect(v.Original()).toBe('v1.2');
    expect(show('typeOf', call('semver', '1.2.3'))).toBe('*semver.Version');
    const a = call('semver', '1.2.3') as unknown as { Compare(o: unknown): GoInt };
    expect(a.Compare(call('semver', '1.3.0'))).toEqual(goInt(-1));
    expect((call('semver', '1.2.3-rc1') as unknown as { Prerelease(): string }).Prerelease()).toBe('rc1');
  });

  it('errors', () => {
    expect(errorOf('semverCompare', '>=1.0', 'abc')).toBe('invalid semantic version');
    expect(errorOf('semverCompare', 'abc', '1.0.0')).toBe('improper constraint: abc');
    expect(errorOf('semver', '1.2.3.4')).toBe('invalid semantic version');
  });
});
