import { describe, expect, it } from 'vitest';
import {
  allowedPeriods,
  compileWindowSpec,
  evaluate,
  nextOpening,
  timeLeft,
  windowsBetween,
  type WindowSpec,
} from '../../../src/windows/index.js';

const iso = (d: Date | undefined): string | undefined => d?.toISOString().replace('.000Z', 'Z');
const starts = (spec: WindowSpec, from: string, to: string, kind = 'allow'): string[] =>
  windowsBetween(spec, new Date(from), new Date(to))
    .filter((o) => o.kind === kind)
    .map((o) => `${iso(o.start)}/${iso(o.end)}`);

describe('window occurrences across zones, DST, month and year ends', () => {
  const cases: { name: string; spec: WindowSpec; from: string; to: string; want: string[] }[] = [
    {
      name: 'Asia/Shanghai Tuesdays 02:00 for 2h (UTC+8, no DST)',
      spec: { allow: [{ schedule: '0 2 * * 2', duration: '2h', timeZone: 'Asia/Shanghai' }] },
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-15T00:00:00Z',
      want: ['2026-01-05T18:00:00Z/2026-01-05T20:00:00Z', '2026-01-12T18:00:00Z/2026-01-12T20:00:00Z'],
    },
    {
      name: 'New York spring forward: 02:30 does not exist on 2026-03-08 and moves to 03:00 EDT',
      spec: { allow: [{ schedule: '30 2 * * *', duration: '1h', timeZone: 'America/New_York' }] },
      from: '2026-03-07T00:00:00Z',
      to: '2026-03-10T00:00:00Z',
      want: [
        '2026-03-07T07:30:00Z/2026-03-07T08:30:00Z', // 02:30 EST
        '2026-03-08T07:00:00Z/2026-03-08T08:00:00Z', // 03:00 EDT (the jump)
        '2026-03-09T06:30:00Z/2026-03-09T07:30:00Z', // 02:30 EDT
      ],
    },
    {
      name: 'New York: a window spanning the spring-forward gap lasts its real duration',
      spec: { allow: [{ schedule: '0 1 8 3 *', duration: '2h', timeZone: 'America/New_York' }] },
      from: '2026-03-01T00:00:00Z',
      to: '2026-03-10T00:00:00Z',
      want: ['2026-03-08T06:00:00Z/2026-03-08T08:00:00Z'], // 01:00 EST -> 04:00 EDT
    },
    {
      name: 'New York fall back: 01:30 happens twice on 2026-11-01, the window starts once, at the first',
      spec: { allow: [{ schedule: '30 1 * * *', duration: '1h', timeZone: 'America/New_York' }] },
      from: '2026-10-31T00:00:00Z',
      to: '2026-11-03T00:00:00Z',
      want: [
        '2026-10-31T05:30:00Z/2026-10-31T06:30:00Z',
        '2026-11-01T05:30:00Z/2026-11-01T06:30:00Z', // 01:30 EDT, not 01:30 EST
        '2026-11-02T06:30:00Z/2026-11-02T07:30:00Z',
      ],
    },
    {
      name: 'New York fall back: every-30-minutes starts in the repeated hour happen once each',
      spec: { allow: [{ schedule: '*/30 1 1 11 *', duration: '10m', timeZone: 'America/New_York' }] },
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-02T00:00:00Z',
      want: ['2026-11-01T05:00:00Z/2026-11-01T05:10:00Z', '2026-11-01T05:30:00Z/2026-11-01T05:40:00Z'],
    },
    {
      name: 'New York: a window spanning the fall-back hour lasts its real duration (ends 02:00 EST, not 03:00)',
      spec: { allow: [{ schedule: '0 0 1 11 *', duration: '3h', timeZone: 'America/New_York' }] },
      from: '2026-10-01T00:00:00Z',
      to: '2026-11-05T00:00:00Z',
      want: ['2026-11-01T04:00:00Z/2026-11-01T07:00:00Z'],
    },
    {
      name: 'Berlin spring forward (2026-03-29): 02:30 -> 03:00 CEST',
      spec: { allow: [{ schedule: '30 2 * * *', duration: '30m', timeZone: 'Europe/Berlin' }] },
      from: '2026-03-28T00:00:00Z',
      to: '2026-03-31T00:00:00Z',
      want: [
        '2026-03-28T01:30:00Z/2026-03-28T02:00:00Z',
        '2026-03-29T01:00:00Z/2026-03-29T01:30:00Z',
        '2026-03-30T00:30:00Z/2026-03-30T01:00:00Z',
      ],
    },
    {
      name: 'Berlin fall back (2026-10-25): 02:30 CEST, once',
      spec: { allow: [{ schedule: '30 2 * * *', duration: '30m', timeZone: 'Europe/Berlin' }] },
      from: '2026-10-24T00:00:00Z',
      to: '2026-10-27T00:00:00Z',
      want: [
        '2026-10-24T00:30:00Z/2026-10-24T01:00:00Z',
        '2026-10-25T00:30:00Z/2026-10-25T01:00:00Z',
        '2026-10-26T01:30:00Z/2026-10-26T02:00:00Z',
      ],
    },
    {
      name: 'last day of the month (L) in New York, February, across the UTC month end',
      spec: { allow: [{ schedule: '0 20 L * *', duration: '6h', timeZone: 'America/New_York' }] },
      from: '2026-02-02T00:00:00Z',
      to: '2026-04-02T00:00:00Z',
      want: ['2026-03-01T01:00:00Z/2026-03-01T07:00:00Z', '2026-04-01T00:00:00Z/2026-04-01T06:00:00Z'],
    },
    {
      name: 'leap day 2028 in Berlin',
      spec: { allow: [{ schedule: '0 0 29 2 *', duration: '1h', timeZone: 'Europe/Berlin' }] },
      from: '2026-01-01T00:00:00Z',
      to: '2029-01-01T00:00:00Z',
      want: ['2028-02-28T23:00:00Z/2028-02-29T00:00:00Z'],
    },
    {
      name: 'year end: New Year\'s Eve 23:00 UTC for 2h crosses into the next year',
      spec: { allow: [{ schedule: '0 23 31 12 *', duration: '2h' }] },
      from: '2026-12-01T00:00:00Z',
      to: '2027-01-02T00:00:00Z',
      want: ['2026-12-31T23:00:00Z/2027-01-01T01:00:00Z'],
    },
    {
      name: 'every two weeks on Tuesdays 02:00 Shanghai, anchored on 2026-01-06',
      spec: { allow: [{ schedule: '0 2 * * 2', duration: '2h', timeZone: 'Asia/Shanghai', every: '2w', anchor: '2026-01-06' }] },
      from: '2026-01-01T00:00:00Z',
      to: '2026-02-10T00:00:00Z',
      want: ['2026-01-05T18:00:00Z/2026-01-05T20:00:00Z', '2026-01-19T18:00:00Z/2026-01-19T20:00:00Z', '2026-02-02T18:00:00Z/2026-02-02T20:00:00Z'],
    },
    {
      name: 'every two weeks, anchor in the other week',
      spec: { allow: [{ schedule: '0 2 * * 2', duration: '2h', timeZone: 'Asia/Shanghai', every: '2w', anchor: '2026-01-13' }] },
      from: '2026-01-01T00:00:00Z',
      to: '2026-02-10T00:00:00Z',
      want: ['2026-01-12T18:00:00Z/2026-01-12T20:00:00Z', '2026-01-26T18:00:00Z/2026-01-26T20:00:00Z', '2026-02-09T18:00:00Z/2026-02-09T20:00:00Z'],
    },
    {
      name: 'every two weeks, anchor far in the future keeps the same phase',
      spec: { allow: [{ schedule: '0 2 * * 2', duration: '2h', timeZone: 'Asia/Shanghai', every: '2w', anchor: '2027-01-05' }] },
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-25T00:00:00Z',
      // 2027-01-05 is 52 weeks after 2026-01-06: same parity
      want: ['2026-01-05T18:00:00Z/2026-01-05T20:00:00Z', '2026-01-19T18:00:00Z/2026-01-19T20:00:00Z'],
    },
    {
      name: 'every 3 days',
      spec: { allow: [{ schedule: '0 12 * * *', duration: '1h', every: '3d', anchor: '2026-05-02' }] },
      from: '2026-05-01T00:00:00Z',
      to: '2026-05-09T00:00:00Z',
      want: ['2026-05-02T12:00:00Z/2026-05-02T13:00:00Z', '2026-05-05T12:00:00Z/2026-05-05T13:00:00Z', '2026-05-08T12:00:00Z/2026-05-08T13:00:00Z'],
    },
    {
      name: 'default zone from the spec, @weekly macro (Sunday 00:00)',
      spec: { timeZone: 'Asia/Tokyo', allow: [{ schedule: '@weekly', duration: '90m' }] },
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-12T00:00:00Z',
      want: ['2026-01-03T15:00:00Z/2026-01-03T16:30:00Z', '2026-01-10T15:00:00Z/2026-01-10T16:30:00Z'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(starts(c.spec, c.from, c.to)).toEqual(c.want);
    });
  }
});

describe('evaluate', () => {
  const tue = { name: 'tue', schedule: '0 2 * * 2', duration: '2h', timeZone: 'Asia/Shanghai' };
  type Row = { name: string; spec: WindowSpec; at: string; allowed: boolean; kind?: string; until?: string; current?: string; next?: string };
  const rows: Row[] = [
    { name: 'inside the window', spec: { allow: [tue] }, at: '2026-01-05T19:00:00Z', allowed: true, current: '2026-01-05T18:00:00Z/2026-01-05T20:00:00Z' },
    { name: 'at the exact start', spec: { allow: [tue] }, at: '2026-01-05T18:00:00Z', allowed: true, current: '2026-01-05T18:00:00Z/2026-01-05T20:00:00Z' },
    {
      name: 'at the exact end (half-open)',
      spec: { allow: [tue] },
      at: '2026-01-05T20:00:00Z',
      allowed: false,
      kind: 'outside-allow',
      until: '2026-01-12T18:00:00Z',
      next: '2026-01-12T18:00:00Z/2026-01-12T20:00:00Z',
    },
    {
      name: 'window crossing midnight, after midnight',
      spec: { allow: [{ name: 'night', schedule: '0 23 * * *', duration: '3h' }] },
      at: '2026-01-02T01:30:00Z',
      allowed: true,
      current: '2026-01-01T23:00:00Z/2026-01-02T02:00:00Z',
    },
    {
      name: 'New York fall back: the second 01:45 (EST) is outside the 01:30 EDT window',
      spec: { allow: [{ schedule: '30 1 * * *', duration: '1h', timeZone: 'America/New_York' }] },
      at: '2026-11-01T06:45:00Z',
      allowed: false,
      kind: 'outside-allow',
      next: '2026-11-02T06:30:00Z/2026-11-02T07:30:00Z',
    },
    {
      name: 'deny inside an allow window wins',
      spec: { allow: [{ schedule: '0 0 * * *', duration: '24h' }], deny: [{ name: 'friday-pm', schedule: '0 12 * * 5', duration: '4h' }] },
      at: '2026-01-02T13:00:00Z',
      allowed: false,
      kind: 'deny',
      until: '2026-01-02T16:00:00Z',
      next: '2026-01-02T16:00:00Z/2026-01-09T12:00:00Z',
    },
    {
      name: 'allow and deny starting together: deny wins for its length',
      spec: { allow: [{ schedule: '0 2 * * *', duration: '4h' }], deny: [{ schedule: '0 2 1 * *', duration: '1h' }] },
      at: '2026-02-01T02:00:00Z',
      allowed: false,
      kind: 'deny',
      until: '2026-02-01T03:00:00Z',
      next: '2026-02-01T03:00:00Z/2026-02-01T06:00:00Z',
    },
    {
      name: 'no allow windows: not denied means allowed, bounded by the deny windows',
      spec: { deny: [{ name: 'weekend', schedule: '0 0 * * 6', duration: '48h' }] },
      at: '2026-01-07T12:00:00Z',
      allowed: true,
      current: '2026-01-05T00:00:00Z/2026-01-10T00:00:00Z',
    },
    {
      name: 'no allow windows: inside the deny window',
      spec: { deny: [{ name: 'weekend', schedule: '0 0 * * 6', duration: '48h' }] },
      at: '2026-01-10T12:00:00Z',
      allowed: false,
      kind: 'deny',
      until: '2026-01-12T00:00:00Z',
      next: '2026-01-12T00:00:00Z/2026-01-17T00:00:00Z',
    },
    {
      name: 'freeze beats deny beats allow; the next opening is the first window after the freeze',
      spec: {
        allow: [tue],
        deny: [{ name: 'all-tuesday', schedule: '0 0 13 1 *', duration: '24h', timeZone: 'Asia/Shanghai' }],
        freezes: [{ name: 'q1', start: '2026-01-10', end: '2026-01-20', timeZone: 'Asia/Shanghai', reason: 'audit' }],
      },
      at: '2026-01-12T19:00:00Z',
      allowed: false,
      kind: 'freeze',
      until: '2026-01-20T16:00:00Z',
      next: '2026-01-26T18:00:00Z/2026-01-26T20:00:00Z',
    },
    {
      name: 'freeze ending in the middle of a window opens the rest of it',
      spec: { allow: [tue], freezes: [{ start: '2026-01-05T00:00:00Z', end: '2026-01-05T19:15:00Z', reason: 'incident' }] },
      at: '2026-01-05T18:30:00Z',
      allowed: false,
      kind: 'freeze',
      until: '2026-01-05T19:15:00Z',
      next: '2026-01-05T19:15:00Z/2026-01-05T20:00:00Z',
    },
    {
      name: 'freeze starting in the middle of a window shortens it',
      spec: { allow: [tue], freezes: [{ start: '2026-01-05T19:00:00Z', end: '2026-01-06T00:00:00Z', reason: 'launch' }] },
      at: '2026-01-05T18:30:00Z',
      allowed: true,
      current: '2026-01-05T18:00:00Z/2026-01-05T19:00:00Z',
    },
    {
      name: 'overlapping allow windows merge into one period',
      spec: { allow: [{ name: 'a', schedule: '0 1 * * *', duration: '2h' }, { name: 'b', schedule: '0 2 * * *', duration: '2h' }] },
      at: '2026-01-01T02:30:00Z',
      allowed: true,
      current: '2026-01-01T01:00:00Z/2026-01-01T04:00:00Z',
    },
    {
      name: 'deny over the start of an allow window: opening at the deny end',
      spec: { allow: [{ schedule: '0 2 * * *', duration: '4h' }], deny: [{ schedule: '0 1 * * *', duration: '2h' }] },
      at: '2026-01-01T00:00:00Z',
      allowed: false,
      kind: 'outside-allow',
      next: '2026-01-01T03:00:00Z/2026-01-01T06:00:00Z',
    },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const ev = evaluate(r.spec, new Date(r.at));
      expect(ev.allowed, ev.reason).toBe(r.allowed);
      if (r.kind) expect(ev.blockedBy?.kind).toBe(r.kind);
      if (r.until) expect(iso(ev.blockedBy?.until)).toBe(r.until.replace('.000Z', 'Z'));
      if (r.current) expect(`${iso(ev.currentWindow?.start)}/${iso(ev.currentWindow?.end)}`).toBe(r.current);
      if (r.next) expect(`${iso(ev.nextOpening?.start)}/${iso(ev.nextOpening?.end)}`).toBe(r.next);
      if (!r.allowed) expect(ev.reason).toMatch(/next window opens/);
    });
  }

  it('names the window and the freeze in the reason', () => {
    const ev = evaluate({ allow: [tue], freezes: [{ name: 'q1', start: '2026-01-01', end: '2026-01-10', reason: 'audit' }] }, new Date('2026-01-05T18:30:00Z'));
    expect(ev.reason).toContain('freeze "q1" (audit) until 2026-01-11T00:00:00.000Z'); // a bare end date includes that day
    expect(ev.reason).toContain('next window opens 2026-01-12T18:00:00.000Z ("tue")');
  });

  it('with nothing configured everything is allowed', () => {
    const ev = evaluate({}, new Date('2026-01-05T18:30:00Z'));
    expect(ev.allowed).toBe(true);
    expect(ev.reason).toBe('no maintenance windows are configured');
    expect(ev.currentWindow?.openEnded).toBe(true);
  });
});

describe('nextOpening', () => {
  const spec: WindowSpec = { allow: [{ name: 'tue', schedule: '0 2 * * 2', duration: '2h', timeZone: 'Asia/Shanghai' }] };
  it('returns the window starting exactly at `from`', () => {
    expect(iso(nextOpening(spec, new Date('2026-01-05T18:00:00Z'))?.start)).toBe('2026-01-05T18:00:00Z');
  });
  it('skips the window open at `from` and returns the following one', () => {
    expect(iso(nextOpening(spec, new Date('2026-01-05T18:00:00.001Z'))?.start)).toBe('2026-01-12T18:00:00Z');
  });
  it('is undefined when nothing opens within the horizon', () => {
    const frozen: WindowSpec = { ...spec, freezes: [{ start: '2026-01-01', end: '2026-12-31', reason: 'year' }] };
    expect(nextOpening(frozen, new Date('2026-01-02T00:00:00Z'), { horizonMs: 30 * 86_400_000 })).toBeUndefined();
    expect(iso(nextOpening(frozen, new Date('2026-01-02T00:00:00Z'))?.start)).toBe('2027-01-04T18:00:00Z');
  });
  it('finds a leap-day window years ahead within a long horizon', () => {
    const leap: WindowSpec = { allow: [{ schedule: '0 0 29 2 *', duration: '1h' }] };
    expect(nextOpening(leap, new Date('2026-01-01T00:00:00Z'))).toBeUndefined();
    expect(iso(nextOpening(leap, new Date('2026-01-01T00:00:00Z'), { horizonMs: 5 * 366 * 86_400_000 })?.start)).toBe('2028-02-29T00:00:00Z');
  });
  it('without allow windows, opens when the deny window ends', () => {
    const deny: WindowSpec = { deny: [{ schedule: '0 0 * * 6', duration: '48h' }] };
    const p = nextOpening(deny, new Date('2026-01-10T05:00:00Z'));
    expect(`${iso(p?.start)}/${iso(p?.end)}`).toBe('2026-01-12T00:00:00Z/2026-01-17T00:00:00Z');
  });
  it('reports an open-ended period when nothing closes it', () => {
    const fr: WindowSpec = { freezes: [{ start: '2026-01-01', end: '2026-01-03', reason: 'r' }] };
    const p = nextOpening(fr, new Date('2026-01-02T00:00:00Z'));
    expect(iso(p?.start)).toBe('2026-01-04T00:00:00Z');
    expect(p?.openEnded).toBe(true);
  });
});

describe('timeLeft and allowedPeriods', () => {
  const spec: WindowSpec = {
    allow: [{ name: 'tue', schedule: '0 2 * * 2', duration: '2h', timeZone: 'Asia/Shanghai' }],
    deny: [{ name: 'late', schedule: '30 3 * * *', duration: '15m', timeZone: 'Asia/Shanghai' }],
  };
  it('counts down to the end of the current period (clipped by deny)', () => {
    expect(timeLeft(spec, new Date('2026-01-05T18:00:00Z'))).toBe(90 * 60_000);
    expect(timeLeft(spec, new Date('2026-01-05T19:35:00Z'))).toBe(0);
    expect(timeLeft(spec, new Date('2026-01-05T19:50:00Z'))).toBe(10 * 60_000);
    expect(timeLeft({}, new Date('2026-01-05T19:50:00Z'))).toBe(Infinity);
  });
  it('lists allowed periods minus deny windows', () => {
    const p = allowedPeriods(spec, new Date('2026-01-05T00:00:00Z'), new Date('2026-01-06T00:00:00Z')).map((x) => `${iso(x.start)}/${iso(x.end)}`);
    expect(p).toEqual(['2026-01-05T18:00:00Z/2026-01-05T19:30:00Z', '2026-01-05T19:45:00Z/2026-01-05T20:00:00Z']);
  });
  it('lists occurrences of every kind in order', () => {
    const occ = windowsBetween(
      { ...spec, freezes: [{ name: 'f', start: '2026-01-05T10:00:00Z', end: '2026-01-05T11:00:00Z', reason: 'r' }] },
      new Date('2026-01-05T00:00:00Z'),
      new Date('2026-01-06T00:00:00Z'),
    ).map((o) => `${o.kind}:${o.label}@${iso(o.start)}`);
    expect(occ).toEqual(['freeze:f@2026-01-05T10:00:00Z', 'allow:tue@2026-01-05T18:00:00Z', 'deny:late@2026-01-05T19:30:00Z']);
  });
  it('accepts an already compiled spec', () => {
    const c = compileWindowSpec(spec);
    expect(timeLeft(c, new Date('2026-01-05T18:00:00Z'))).toBe(90 * 60_000);
  });
});

describe('dense schedules stay cheap', () => {
  it('an every-minute window evaluates quickly and reports an open-ended period', () => {
    const spec: WindowSpec = { allow: [{ schedule: '* * * * *', duration: '1m', timeZone: 'Europe/Berlin' }] };
    const t0 = Date.now();
    const ev = evaluate(spec, new Date('2026-01-05T19:00:30Z'));
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(ev.allowed).toBe(true);
    expect(ev.currentWindow?.openEnded).toBe(true);
    expect(timeLeft(spec, new Date('2026-01-05T19:00:30Z'))).toBe(Infinity);
  });
  it('an every-minute window with gaps finds the gap', () => {
    const spec: WindowSpec = { allow: [{ schedule: '* 2-3 * * *', duration: '1m', timeZone: 'America/New_York' }] };
    const ev = evaluate(spec, new Date('2026-01-05T07:30:00Z')); // 02:30 EST
    expect(`${iso(ev.currentWindow?.start)}/${iso(ev.currentWindow?.end)}`).toBe('2026-01-05T07:00:00Z/2026-01-05T09:00:00Z');
  });
});
