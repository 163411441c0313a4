import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, getClock, setClock, systemClock } from '../../../src/clock.js';
import {
  canaryDeadline,
  checkOperation,
  NoWindowError,
  planCanary,
  waitForWindow,
  type WaitTick,
  type WindowSpec,
} from '../../../src/windows/index.js';

afterEach(() => {
  setClock(undefined);
  delete process.env.REL_NOW;
  delete process.env.REL_CLOCK;
});

describe('FakeClock', () => {
  it('wakes sleepers in deadline order, each at its own deadline', async () => {
    const c = new FakeClock('2026-01-01T00:00:00Z');
    const seen: string[] = [];
    void c.sleep(3000).then(() => seen.push(`b@${c.now().toISOString()}`));
    void c.sleep(1000).then(() => seen.push(`a@${c.now().toISOString()}`));
    await c.advance(500);
    expect(seen).toEqual([]);
    await c.advance(10_000);
    expect(seen).toEqual(['a@2026-01-01T00:00:01.000Z', 'b@2026-01-01T00:00:03.000Z']);
    expect(c.now().toISOString()).toBe('2026-01-01T00:00:10.500Z');
  });
  it('runs chained sleeps started by a woken sleeper within the same advance', async () => {
    const c = new FakeClock(0);
    let n = 0;
    const loop = async (): Promise<void> => {
      while (n < 5) {
        await c.sleep(100);
        n++;
      }
    };
    const done = loop();
    await c.advance(1000);
    await done;
    expect(n).toBe(5);
  });
  it('cancels with an abort signal', async () => {
    const c = new FakeClock(0);
    const ac = new AbortController();
    const p = c.sleep(1000, ac.signal);
    ac.abort();
    await expect(p).rejects.toThrow();
    expect(c.pending).toBe(0);
  });
  it('auto-advancing clock jumps on sleep', async () => {
    const c = new FakeClock('2026-01-01T00:00:00Z', { autoAdvance: true });
    await c.sleep(3_600_000);
    expect(c.now().toISOString()).toBe('2026-01-01T01:00:00.000Z');
  });
});

describe('getClock / setClock / REL_NOW', () => {
  it('defaults to the system clock', () => {
    expect(getClock()).toBe(systemClock);
  });
  it('REL_NOW: time starts there and runs at real speed', async () => {
    process.env.REL_NOW = '2026-01-06T02:00:00+08:00';
    const t0 = getClock().now().getTime();
    expect(t0 - Date.parse('2026-01-05T18:00:00.000Z')).toBeGreaterThanOrEqual(0);
    expect(t0 - Date.parse('2026-01-05T18:00:00.000Z')).toBeLessThan(1000);
    await getClock().sleep(30);
    expect(getClock().now().getTime() - t0).toBeGreaterThanOrEqual(25);
    process.env.REL_NOW = '2027-01-01T00:00:00Z';
    expect(getClock().now().toISOString().slice(0, 16)).toBe('2027-01-01T00:00');
  });
  it('REL_NOW with REL_CLOCK=virtual: waiting jumps the clock', async () => {
    process.env.REL_NOW = '2026-01-06T02:00:00+08:00';
    process.env.REL_CLOCK = 'virtual';
    expect(getClock().now().toISOString()).toBe('2026-01-05T18:00:00.000Z');
    await getClock().sleep(3_600_000);
    expect(getClock().now().toISOString()).toBe('2026-01-05T19:00:00.000Z');
    process.env.REL_CLOCK = 'warp';
    expect(() => getClock()).toThrow(/REL_CLOCK="warp" is not a clock mode/);
  });
  it('rejects a bad REL_NOW with a readable error', () => {
    process.env.REL_NOW = 'yesterday';
    expect(() => getClock()).toThrow(/REL_NOW="yesterday" is not an ISO 8601 date-time/);
  });
  it('setClock wins over REL_NOW', () => {
    process.env.REL_NOW = '2026-01-06T02:00:00Z';
    const c = new FakeClock('2030-01-01T00:00:00Z');
    setClock(c);
    expect(getClock()).toBe(c);
  });
});

const biweekly: WindowSpec = {
  allow: [{ name: 'tue', schedule: '0 2 * * 2', duration: '2h', timeZone: 'Asia/Shanghai', every: '2w', anchor: '2026-01-06' }],
};

describe('waitForWindow', () => {
  it('starts exactly when the window opens (with countdown ticks)', async () => {
    const clock = new FakeClock('2026-01-05T15:00:00Z');
    const ticks: WaitTick[] = [];
    let startedAt: Date | undefined;
    const done = waitForWindow(biweekly, clock, (t) => ticks.push(t), { tickMs: 600_000 }).then((ev) => {
      startedAt = clock.now();
      return ev;
    });
    await clock.advance(2 * 3_600_000);
    expect(startedAt).toBeUndefined();
    await clock.advance(3_600_000 - 1);
    expect(startedAt).toBeUndefined();
    await clock.advance(1);
    const ev = await done;
    expect(startedAt?.toISOString()).toBe('2026-01-05T18:00:00.000Z');
    expect(ev.allowed).toBe(true);
    expect(ev.at.toISOString()).toBe('2026-01-05T18:00:00.000Z');
    expect(ticks[0]!.remainingMs).toBe(3 * 3_600_000);
    expect(ticks[0]!.remaining).toBe('3h');
    expect(ticks.length).toBe(18); // every 10 minutes for 3 hours
    expect(ticks.every((t, i) => i === 0 || t.remainingMs < ticks[i - 1]!.remainingMs)).toBe(true);
  });
  it('starts on time even when the clock jumps far past the opening', async () => {
    const clock = new FakeClock('2026-01-06T00:00:00Z'); // just after a window: next is two weeks later
    let startedAt: Date | undefined;
    const done = waitForWindow(biweekly, clock).then(() => (startedAt = clock.now()));
    await clock.advance(30 * 86_400_000);
    await done;
    expect(startedAt?.toISOString()).toBe('2026-01-19T18:00:00.000Z');
  });
  it('returns at once when already allowed', async () => {
    const clock = new FakeClock('2026-01-05T18:30:00Z');
    const ev = await waitForWindow(biweekly, clock);
    expect(ev.allowed).toBe(true);
    expect(clock.pending).toBe(0);
  });
  it('waits past a freeze to the first window after it', async () => {
    const clock = new FakeClock('2026-01-05T12:00:00Z');
    const spec: WindowSpec = { ...biweekly, freezes: [{ start: '2026-01-05', end: '2026-01-10', reason: 'audit' }] };
    const done = waitForWindow(spec, clock);
    await clock.advance(20 * 86_400_000);
    expect((await done).at.toISOString()).toBe('2026-01-19T18:00:00.000Z');
  });
  it('fails when no window opens within the horizon', async () => {
    const clock = new FakeClock('2026-01-05T12:00:00Z');
    const spec: WindowSpec = { ...biweekly, freezes: [{ start: '2026-01-01', end: '2027-12-31', reason: 'forever' }] };
    await expect(waitForWindow(spec, clock)).rejects.toBeInstanceOf(NoWindowError);
  });
  it('can be cancelled', async () => {
    const clock = new FakeClock('2026-01-05T12:00:00Z');
    const ac = new AbortController();
    const done = waitForWindow(biweekly, clock, undefined, { signal: ac.signal });
    await clock.advance(60_000);
    ac.abort();
    await expect(done).rejects.toThrow();
  });
  it('under REL_NOW (real speed) a wait a moment before the opening starts on time', async () => {
    process.env.REL_NOW = '2026-01-05T17:59:59.700Z';
    const ev = await waitForWindow(biweekly, getClock());
    expect(ev.at.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-01-05T18:00:00.000Z'));
    expect(ev.at.getTime()).toBeLessThan(Date.parse('2026-01-05T18:00:00.000Z') + 200);
  });
  it('under REL_NOW + REL_CLOCK=virtual the wait completes instantly at the opening', async () => {
    process.env.REL_NOW = '2026-01-05T12:00:00Z';
    process.env.REL_CLOCK = 'virtual';
    const ev = await waitForWindow(biweekly, getClock());
    expect(ev.at.toISOString()).toBe('2026-01-05T18:00:00.000Z');
    expect(getClock().now().toISOString()).toBe('2026-01-05T18:00:00.000Z');
  });
});

describe('operations and the canary policy', () => {
  const spec: WindowSpec = { ...biweekly, policy: { closeMargin: '15m' } };
  const outside = new Date('2026-01-06T00:00:00Z');
  it('rollbacks ignore windows by default but not deploys or promotions', () => {
    expect(checkOperation(spec, 'deploy', outside).allowed).toBe(false);
    expect(checkOperation(spec, 'promote', outside).allowed).toBe(false);
    const rb = checkOperation(spec, 'rollback', outside);
    expect(rb.allowed).toBe(true);
    expect(rb.reason).toMatch(/policy.rollback: always/);
  });
  it('rollbacks need a window with policy.rollback: window', () => {
    expect(checkOperation({ ...spec, policy: { rollback: 'window' } }, 'rollback', outside).allowed).toBe(false);
  });
  it('computes the canary deadline and the action at close', () => {
    const at = new Date('2026-01-05T18:30:00Z'); // window ends 20:00Z
    expect(canaryDeadline(spec, at)?.toISOString()).toBe('2026-01-05T19:45:00.000Z');
    expect(planCanary(spec, at, 60 * 60_000)).toMatchObject({ allowed: true, fits: true, action: 'proceed' });
    expect(planCanary(spec, at, 76 * 60_000)).toMatchObject({ fits: false, action: 'rollback' });
    expect(planCanary({ ...spec, policy: { canaryAtClose: 'pause' } }, at, 2 * 3_600_000)).toMatchObject({ fits: false, action: 'pause' });
    expect(planCanary(spec, outside, 60_000)).toMatchObject({ allowed: false });
    expect(planCanary({}, at, 1e9)).toMatchObject({ allowed: true, fits: true, action: 'proceed' });
  });
});
