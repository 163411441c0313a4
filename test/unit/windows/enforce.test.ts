import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/clock.js';
import { enforceWindow, waitForCloseDeadline, WindowRefusedError, WindowUsageError, type WindowSpec } from '../../../src/windows/index.js';

const spec: WindowSpec = {
  allow: [{ name: 'tue', schedule: '0 2 * * 2', duration: '2h', timeZone: 'Asia/Shanghai' }],
  freezes: [{ name: 'launch', start: '2026-01-12T00:00:00Z', end: '2026-01-13T00:00:00Z', reason: 'product launch' }],
  policy: { closeMargin: '15m' },
};

describe('enforceWindow (what deploy/rollback/promote call)', () => {
  it('proceeds inside the window', async () => {
    const r = await enforceWindow(spec, { op: 'deploy', clock: new FakeClock('2026-01-05T18:10:00Z') });
    expect(r).toMatchObject({ forced: false, waitedMs: 0 });
    expect(r.evaluation.allowed).toBe(true);
  });
  it('refuses outside the window with exit code 4, the blocker and the next opening', async () => {
    const p = enforceWindow(spec, { op: 'deploy', env: 'prod', clock: new FakeClock('2026-01-12T18:30:00Z') });
    await expect(p).rejects.toBeInstanceOf(WindowRefusedError);
    const e = (await p.catch((x: unknown) => x)) as WindowRefusedError;
    expect(e.exitCode).toBe(4);
    expect(e.message).toContain('refusing to deploy to prod: outside its maintenance window');
    expect(e.message).toContain('blocked by freeze "launch" (product launch) until Tue 2026-01-13 00:00 +00:00');
    expect(e.message).toContain('next window opens Mon 2026-01-19 18:00 +00:00 (in 6d 23h 30m) "tue"');
    expect(e.message).toContain('--wait-for-window');
  });
  it('lets rollbacks through by default', async () => {
    const r = await enforceWindow(spec, { op: 'rollback', clock: new FakeClock('2026-01-12T18:30:00Z') });
    expect(r.forced).toBe(false);
  });
  it('--force needs --reason, and returns it for the history', async () => {
    const clock = new FakeClock('2026-01-12T18:30:00Z');
    await expect(enforceWindow(spec, { op: 'deploy', clock, force: true })).rejects.toBeInstanceOf(WindowUsageError);
    await expect(enforceWindow(spec, { op: 'deploy', clock, reason: 'x' })).rejects.toThrow(/--reason only goes with --force/);
    await expect(enforceWindow(spec, { op: 'deploy', clock, force: true, reason: 'x', wait: true })).rejects.toThrow(/cannot be used together/);
    const r = await enforceWindow(spec, { op: 'deploy', clock, force: true, reason: ' hotfix CVE-2026-1 ' });
    expect(r).toMatchObject({ forced: true, forceReason: 'hotfix CVE-2026-1' });
  });
  it('--wait-for-window starts exactly when the window opens', async () => {
    const clock = new FakeClock('2026-01-12T18:30:00Z');
    const ticks: number[] = [];
    const p = enforceWindow(spec, { op: 'deploy', clock, wait: true, onTick: (t) => ticks.push(t.remainingMs), tickMs: 3_600_000 });
    await clock.advance(10 * 86_400_000);
    const r = await p;
    expect(r.evaluation.at.toISOString()).toBe('2026-01-19T18:00:00.000Z');
    expect(r.waitedMs).toBe(6 * 86_400_000 + 23.5 * 3_600_000);
    expect(ticks[0]).toBe(r.waitedMs);
    expect(ticks.length).toBe(168); // hourly countdown for 6d 23.5h
  });
});

describe('waitForCloseDeadline (canary policy)', () => {
  it('fires closeMargin before the window closes with the policy action', async () => {
    const clock = new FakeClock('2026-01-05T18:10:00Z');
    let fired: { deadline: Date; action: string } | undefined;
    let firedAt: string | undefined;
    void waitForCloseDeadline(spec, clock).then((d) => {
      fired = d;
      firedAt = clock.now().toISOString();
    });
    await clock.advance(95 * 60_000 - 1);
    expect(fired).toBeUndefined();
    await clock.advance(1);
    expect(firedAt).toBe('2026-01-05T19:45:00.000Z');
    expect(fired).toMatchObject({ action: 'rollback' });
  });
  it('resolves undefined when nothing closes the window', async () => {
    expect(await waitForCloseDeadline({}, new FakeClock('2026-01-05T18:10:00Z'))).toBeUndefined();
  });
  it('can be cancelled when the canary finishes first', async () => {
    const clock = new FakeClock('2026-01-05T18:10:00Z');
    const ac = new AbortController();
    const p = waitForCloseDeadline(spec, clock, ac.signal);
    await clock.advance(60_000);
    ac.abort();
    await expect(p).rejects.toThrow();
  });
});
