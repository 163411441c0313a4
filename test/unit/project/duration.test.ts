import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../src/cli/duration.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['30', 30_000],
    ['2w', 1_209_600_000],
  ])('%s', (s, ms) => expect(parseDuration(s)).toBe(ms));

  it.each(['', '5 minutes', 'm5', '1h 30m', '-5s'])('rejects %j', (s) => {
    expect(() => parseDuration(s, '--timeout')).toThrow(/invalid --timeout/);
  });

  it('says what is wrong with the value', () => {
    expect(() => parseDuration('5y', '--timeout')).toThrow(/invalid --timeout "5y": unknown unit "y"/);
    expect(() => parseDuration('-5s', '--timeout')).toThrow(/negative --timeout/);
    expect(() => parseDuration('10', '--timeout')).not.toThrow();
  });
});
