import { beforeAll, describe, expect, it } from 'vitest';
import { call, errorOf, show } from './helpers.js';
import { GoInt, goInt } from '../../../src/engine/types.js';
import { GoTime, durationString, parseDuration } from '../../../src/engine/funcs/time.js';

// Expected strings were printed by helm v4.1.4 on a machine whose local zone is UTC.
beforeAll(() => {
  process.env.TZ = 'UTC';
});

const toDate = (layout: string, s: string) => call('toDate', layout, s);

describe('date functions', () => {
  it('durationRound and duration', () => {
    expect(call('durationRound', '2400h')).toBe('3mo');
    expect(call('durationRound', '800h')).toBe('1mo');
    expect(call('durationRound', '-3h5m')).toBe('3h');
    expect(call('durationRound', '61s')).toBe('1m');
    expect(call('durationRound', '1s')).toBe('0s');
    expect(call('durationRound', 5n)).toBe('0s');
    expect(call('duration', '95')).toBe('1m35s');
    expect(call('duration', '3700')).toBe('1h1m40s');
    expect(call('duration', '0')).toBe('0s');
    expect(call('duration', 'x')).toBe('0s');
    expect(call('duration', '-90')).toBe('-1m30s');
    expect(call('duration', goInt(95))).toBe('0s'); // a template int is not int64 in Sprig's type switch
    expect(call('duration', 95n)).toBe('1m35s');
  });

  it('toDate / mustToDate', () => {
    expect(show('toDate', '2006-01-02', '2024-03-05')).toBe('2024-03-05 00:00:00 +0000 UTC');
    expect(show('toDate', '2006-01-02', 'bad')).toBe('0001-01-01 00:00:00 +0000 UTC');
    expect(show('toDate', '2006-01-02 15:04:05 -0700', '2024-03-05 10:11:12 +0200')).toBe('2024-03-05 10:11:12 +0200 +0200');
    expect(show('toDate', '2006-01-02T15:04:05Z07:00', '2024-03-05T10:11:12Z')).toBe('2024-03-05 10:11:12 +0000 UTC');
    expect(show('toDate', '2006-01-02 15:04:05.000', '2024-03-05 01:02:03.450')).toBe('2024-03-05 01:02:03.45 +0000 UTC');
    expect(errorOf('mustToDate', '2006-01-02', '2024-13-05')).toBe('parsing time "2024-13-05": month out of range');
    expect(errorOf('mustToDate', '2006-01-02', '2024-03-05x')).toBe('parsing time "2024-03-05x": extra text: "x"');
    expect(errorOf('mustToDate', '2006-01-02', '24-03-05')).toBe(
      'parsing time "24-03-05" as "2006-01-02": cannot parse "24-03-05" as "2006"',
    );
  });

  it('formats with Go layouts and zones', () => {
    const t = toDate('2006-01-02', '2024-03-05');
    expect(call('date', 'Mon Jan _2 15:04:05 MST 2006 PM .000 .999', t)).toBe('Tue Mar  5 00:00:00 UTC 2024 AM .000 ');
    const summer = toDate('2006-01-02T15:04:05Z07:00', '2024-07-05T10:11:12Z');
    const winter = toDate('2006-01-02T15:04:05Z07:00', '2024-01-05T10:11:12Z');
    expect(call('dateInZone', '2006-01-02 15:04 MST -07:00', summer, 'America/New_York')).toBe('2024-07-05 06:11 EDT -04:00');
    expect(call('dateInZone', '15:04 MST', winter, 'Europe/Berlin')).toBe('11:11 CET');
    expect(call('dateInZone', '15:04 MST', winter, 'Asia/Kolkata')).toBe('15:41 IST');
    expect(call('dateInZone', '15:04 MST', winter, 'Nope/Zone')).toBe('10:11 UTC');
    expect(call('date', '2006-01-02', 86400n)).toBe('1970-01-02');
    expect(call('htmlDate', 0n)).toBe('1970-01-01');
    expect(call('unixEpoch', t)).toBe('1709596800');
    expect(call('date', '3:04PM 01/02/06 Monday January 002', toDate('2006-01-02 15:04', '2024-12-31 13:05'))).toBe(
      '1:05PM 12/31/24 Tuesday December 366',
    );
  });

  it('dateModify', () => {
    const t = toDate('2006-01-02', '2024-03-05');
    expect(show('dateModify', '1h30m', t)).toBe('2024-03-05 01:30:00 +0000 UTC');
    expect(show('dateModify', '-1.5h', t)).toBe('2024-03-04 22:30:00 +0000 UTC');
    expect(show('dateModify', 'bad', t)).toBe('2024-03-05 00:00:00 +0000 UTC');
    expect(errorOf('mustDateModify', 'bad', t)).toBe('time: invalid duration "bad"');
  });

  it('now is a time.Time with a monotonic reading', () => {
    const n = call('now');
    expect(n).toBeInstanceOf(GoTime);
    expect(show('typeOf', n)).toBe('time.Time');
    expect(show('now')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC m=\+\d+\.\d{9}$/);
    expect(call('ago', n)).toBe('0s');
    expect((toDate('2006-01-02', '2024-03-05') as GoTime).MarshalJSON()).toBe('"2024-03-05T00:00:00Z"');
    expect((toDate('2006-01-02', '2024-03-05') as GoTime).Year()).toEqual(goInt(2024));
  });

  it('Duration.String and ParseDuration follow Go', () => {
    expect(durationString(0n)).toBe('0s');
    expect(durationString(1500n)).toBe('1.5µs');
    expect(durationString(1500000n)).toBe('1.5ms');
    expect(durationString(3723500000000n)).toBe('1h2m3.5s');
    expect(durationString(-5n)).toBe('-5ns');
    expect(parseDuration('1h2m3.5s')).toBe(3723500000000n);
    expect(parseDuration('-0.5ms')).toBe(-500000n);
    expect(() => parseDuration('1')).toThrow('time: missing unit in duration "1"');
    expect(() => parseDuration('1x')).toThrow('time: unknown unit "x" in duration "1x"');
  });
});

describe('more layouts (helm output)', () => {
  it('parses and prints like Go', () => {
    process.env.TZ = 'UTC';
    expect(show('toDate', '2006-01-02T15:04:05.999999999Z07:00', '2024-05-06T07:08:09.123456789+05:30')).toBe(
      '2024-05-06 07:08:09.123456789 +0530 +0530',
    );
    expect(show('toDate', 'Jan 2 2006', 'Feb 3 2021')).toBe('2021-02-03 00:00:00 +0000 UTC');
    expect(show('toDate', '3:04PM', '4:05AM')).toBe('0000-01-01 04:05:00 +0000 UTC');
    expect(show('toDate', '02 Jan 06 15:04 MST', '03 Feb 21 10:00 UTC')).toBe('2021-02-03 10:00:00 +0000 UTC');
    expect(show('toDate', '2006-01-02 15:04:05', '2024-01-01 23:59:60')).toBe('0001-01-01 00:00:00 +0000 UTC');
  });
});

describe('time.Time parameters', () => {
  it('reject other values with Go wording', () => {
    expect(errorOf('dateModify', '1h', 'notatime')).toBe('wrong type for value; expected time.Time; got string');
    expect(errorOf('unixEpoch', goInt(5))).toBe('wrong type for value; expected time.Time; got int');
    expect(errorOf('unixEpoch', 5n)).toBe('wrong type for value; expected time.Time; got int64');
    expect(errorOf('unixEpoch', null)).toBe('invalid value; expected time.Time');
  });
});

describe('zone abbreviations in parsed times (helm output)', () => {
  it('makes Go fixed zones for unknown names', () => {
    process.env.TZ = 'UTC';
    expect(show('toDate', '2006-01-02 MST', '2024-01-02 PST')).toBe('2024-01-02 00:00:00 +0000 PST');
    expect(show('toDate', '2006-01-02 MST', '2024-01-02 UTC')).toBe('2024-01-02 00:00:00 +0000 UTC');
    expect(show('toDate', '2006-01-02 MST', '2024-01-02 CEST')).toBe('2024-01-02 00:00:00 +0000 CEST');
    expect(show('toDate', '2006-01-02 MST', '2024-01-02 GMT+3')).toBe('2024-01-02 03:00:00 +0300 GMT+3');
    expect(show('toDate', '2006-01-02 MST', '2024-01-02 ABCDEF')).toBe('0001-01-01 00:00:00 +0000 UTC');
  });
});
