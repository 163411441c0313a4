import { describe, expect, it } from 'vitest';
import { compileWindowSpec, formatDuration, parseDuration, WindowSpecError } from '../../../src/windows/index.js';
import { fromWall } from '../../../src/windows/zone.js';

describe('Go-style durations', () => {
  const ok: [string, number][] = [
    ['2h', 7_200_000],
    ['90m', 5_400_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['45s', 45_000],
    ['250ms', 250],
    ['1h0m10s', 3_610_000],
    ['0', 0],
    ['-10m', -600_000],
    ['1500us', 2],
  ];
  for (const [text, ms] of ok) it(`parses ${text}`, () => expect(parseDuration(text)).toBe(ms));
  const bad: [string, RegExp][] = [
    ['2', /missing unit/],
    ['2d', /unknown unit "d"/],
    ['h', /invalid duration/],
    ['', /empty duration/],
    ['1h 30m', /invalid duration/],
  ];
  for (const [text, re] of bad) it(`rejects ${JSON.stringify(text)}`, () => expect(() => parseDuration(text)).toThrow(re));
  it('formats like Go', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(7_200_000)).toBe('2h');
    expect(formatDuration(61_500)).toBe('1m1.5s');
  });
});

describe('wall clock to instant (DST rules)', () => {
  const rows: [string, string, string][] = [
    ['America/New_York', '2026-03-08T02:30:00Z', '2026-03-08T07:00:00.000Z'], // gap -> 03:00 EDT
    ['America/New_York', '2026-11-01T01:30:00Z', '2026-11-01T05:30:00.000Z'], // repeated -> first (EDT)
    ['Europe/Berlin', '2026-03-29T02:00:00Z', '2026-03-29T01:00:00.000Z'],
    ['Europe/Berlin', '2026-10-25T02:59:00Z', '2026-10-25T00:59:00.000Z'],
    ['Australia/Lord_Howe', '2026-10-04T02:15:00Z', '2026-10-03T15:30:00.000Z'], // 30-minute DST gap 02:00->02:30
    ['Asia/Kathmandu', '2026-01-01T00:00:00Z', '2025-12-31T18:15:00.000Z'],
  ];
  for (const [zone, wall, want] of rows) {
    it(`${zone} ${wall.slice(0, 16)}`, () => expect(new Date(fromWall(zone, Date.parse(wall))).toISOString()).toBe(want));
  }
});

describe('spec validation', () => {
  const rows: { name: string; raw: unknown; path: string; msg: RegExp }[] = [
    { name: 'bad cron value', raw: { allow: [{ schedule: '61 2 * * *', duration: '1h' }] }, path: 'windows.allow[0].schedule', msg: /invalid cron schedule "61 2 \* \* \*".*minute/ },
    { name: 'wrong field count', raw: { deny: [{ schedule: '0 0 2 * * *', duration: '1h' }] }, path: 'windows.deny[0].schedule', msg: /has 6 fields; write 5/ },
    { name: 'schedule that never fires', raw: { allow: [{ schedule: '0 0 30 2 *', duration: '1h' }] }, path: 'windows.allow[0].schedule', msg: /never matches/ },
    { name: 'unknown macro', raw: { allow: [{ schedule: '@reboot', duration: '1h' }] }, path: 'windows.allow[0].schedule', msg: /unknown cron macro/ },
    { name: 'unknown zone', raw: { allow: [{ schedule: '0 2 * * 2', duration: '1h', timeZone: 'Asia/Shangai' }] }, path: 'windows.allow[0].timeZone', msg: /unknown time zone "Asia\/Shangai"/ },
    { name: 'bad duration', raw: { allow: [{ schedule: '0 2 * * 2', duration: '2 hours' }] }, path: 'windows.allow[0].duration', msg: /invalid duration/ },
    { name: 'zero duration', raw: { allow: [{ schedule: '0 2 * * 2', duration: '0s' }] }, path: 'windows.allow[0].duration', msg: /must be positive/ },
    { name: 'missing duration', raw: { allow: [{ schedule: '0 2 * * 2' }] }, path: 'windows.allow[0].duration', msg: /is required/ },
    { name: 'typo in key', raw: { allow: [{ schedule: '0 2 * * 2', duration: '1h', timezone: 'UTC' }] }, path: 'windows.allow[0].timezone', msg: /did you mean "timeZone"/ },
    { name: 'every without anchor', raw: { allow: [{ schedule: '0 2 * * 2', duration: '1h', every: '2w' }] }, path: 'windows.allow[0].anchor', msg: /required with "every"/ },
    { name: 'bad every', raw: { allow: [{ schedule: '0 2 * * 2', duration: '1h', every: 'fortnight', anchor: '2026-01-06' }] }, path: 'windows.allow[0].every', msg: /e\.g\. 2w/ },
    { name: 'bad anchor date', raw: { allow: [{ schedule: '0 2 * * 2', duration: '1h', every: '2w', anchor: '2026-02-30' }] }, path: 'windows.allow[0].anchor', msg: /invalid date/ },
    { name: 'freeze end before start', raw: { freezes: [{ start: '2026-12-20T00:00:00Z', end: '2026-12-19T00:00:00Z', reason: 'x' }] }, path: 'windows.freezes[0].end', msg: /before it starts/ },
    { name: 'freeze without reason', raw: { freezes: [{ start: '2026-12-20', end: '2026-12-21' }] }, path: 'windows.freezes[0].reason', msg: /is required/ },
    { name: 'freeze bad date', raw: { freezes: [{ start: 'tomorrow', end: '2026-12-21', reason: 'x' }] }, path: 'windows.freezes[0].start', msg: /invalid date-time "tomorrow"/ },
    { name: 'bad policy', raw: { policy: { canaryAtClose: 'abort' } }, path: 'windows.policy.canaryAtClose', msg: /rollback, pause, finish/ },
    { name: 'bad close margin', raw: { policy: { closeMargin: '10 minutes' } }, path: 'windows.policy.closeMargin', msg: /invalid duration/ },
    { name: 'allow not a list', raw: { allow: { schedule: '0 2 * * 2' } }, path: 'windows.allow', msg: /must be a list/ },
    { name: 'window not a mapping', raw: { allow: ['0 2 * * 2'] }, path: 'windows.allow[0]', msg: /must be a mapping/ },
  ];
  for (const r of rows) {
    it(r.name, () => {
      let err: unknown;
      try {
        compileWindowSpec(r.raw);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(WindowSpecError);
      const issue = (err as WindowSpecError).issues.find((i) => i.path.join('.').replace(/\.(\d+)/g, '[$1]') === r.path);
      expect(issue, `${(err as Error).message}`).toBeDefined();
      expect(issue!.message).toMatch(r.msg);
    });
  }
  it('reports every problem at once', () => {
    try {
      compileWindowSpec({ allow: [{ schedule: 'x', duration: 'y' }], freezes: [{ start: 'a', end: 'b', reason: 'r' }] });
      expect.unreachable();
    } catch (e) {
      expect((e as WindowSpecError).issues.length).toBeGreaterThanOrEqual(3);
    }
  });
  it('resolves freeze boundaries: offsets, local times in timeZone, bare dates as whole days', () => {
    const s = compileWindowSpec({
      freezes: [
        { start: '2026-12-20T18:00:00+01:00', end: '2026-12-21T06:00:00Z', reason: 'a' },
        { start: '2026-12-24', end: '2026-12-26', timeZone: 'Europe/Berlin', reason: 'b' },
        { start: '2026-03-08 02:30', end: '2026-03-08T04:00', timeZone: 'America/New_York', reason: 'c' },
      ],
    });
    const f = s.freezes.map((x) => `${new Date(x.start).toISOString()}/${new Date(x.end).toISOString()}`);
    expect(f).toEqual([
      '2026-12-20T17:00:00.000Z/2026-12-21T06:00:00.000Z',
      '2026-12-23T23:00:00.000Z/2026-12-26T23:00:00.000Z',
      '2026-03-08T07:00:00.000Z/2026-03-08T08:00:00.000Z',
    ]);
  });
  it('fills policy defaults', () => {
    expect(compileWindowSpec({}).policy).toEqual({ rollback: 'always', canaryAtClose: 'rollback', closeMargin: '10m', closeMarginMs: 600_000 });
    expect(compileWindowSpec({ policy: { rollback: 'window', closeMargin: '15m' } }).policy).toMatchObject({ rollback: 'window', closeMarginMs: 900_000 });
  });
});
