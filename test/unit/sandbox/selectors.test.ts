import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/sandbox/errors.js';
import { fromLabelSelectorObject, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from '../../../src/sandbox/selectors.js';

describe('label selectors', () => {
  const l = { app: 'web', tier: 'front', 'app.kubernetes.io/name': 'shop' };
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app=api', false],
    ['tier in (front, back)', true],
    ['tier notin (front)', false],
    ['missing notin (x)', true],
    ['app,tier', true],
    ['!app', false],
    ['!missing', true],
    ['app.kubernetes.io/name=shop,app=web', true],
    ['', true],
  ])('%s → %s', (sel, want) => {
    expect(matchesLabels(parseLabelSelector(sel), l)).toBe(want);
  });
  it('rejects bad syntax with a 400', () => {
    expect(() => parseLabelSelector('app in front')).toThrow(ApiError);
    expect(() => parseLabelSelector('a b')).toThrow(/unable to parse requirement/);
    try {
      parseLabelSelector('=x');
    } catch (e) {
      expect((e as ApiError).code).toBe(400);
    }
  });
  it('converts matchLabels/matchExpressions', () => {
    const sel = fromLabelSelectorObject({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }, { key: 'gone', operator: 'DoesNotExist' }] })!;
    expect(matchesLabels(sel, l)).toBe(true);
    expect(matchesLabels(sel, { app: 'web', tier: 'back' })).toBe(false);
  });
});

describe('field selectors', () => {
  const pod = { metadata: { name: 'p1', namespace: 'default' }, status: { phase: 'Running' }, spec: { nodeName: 'n1' } };
  it('matches dotted paths with = and !=', () => {
    expect(matchesFields(parseFieldSelector('metadata.name=p1,status.phase!=Pending'), pod)).toBe(true);
    expect(matchesFields(parseFieldSelector('spec.nodeName==n2'), pod)).toBe(false);
    expect(matchesFields(parseFieldSelector('spec.missing='), pod)).toBe(true);
  });
  it('rejects garbage', () => {
    expect(() => parseFieldSelector('nonsense')).toThrow(/invalid selector/);
  });
});
