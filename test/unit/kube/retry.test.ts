import { describe, expect, it } from 'vitest';
import { isRetryable, withRetry } from '../../../src/kube/retry.js';

const noSleep = async () => {};

describe('withRetry', () => {
  it('retries 429, 5xx and connection errors, then succeeds', async () => {
    const errors = [{ code: 429 }, { code: 503 }, Object.assign(new Error('x'), { code: 'ECONNRESET' })];
    let n = 0;
    const out = await withRetry(
      async () => {
        if (n < errors.length) throw errors[n++];
        return 'ok';
      },
      { sleep: noSleep },
    );
    expect(out).toBe('ok');
    expect(n).toBe(3);
  });

  it('does not retry client errors and gives up after the attempt limit', async () => {
    let n = 0;
    await expect(withRetry(async () => { n++; throw { code: 422 }; }, { sleep: noSleep })).rejects.toEqual({ code: 422 });
    expect(n).toBe(1);
    n = 0;
    await expect(withRetry(async () => { n++; throw { code: 500 }; }, { sleep: noSleep, attempts: 4 })).rejects.toEqual({ code: 500 });
    expect(n).toBe(4);
  });

  it('honours Retry-After and grows the backoff', async () => {
    const waits: number[] = [];
    let n = 0;
    await withRetry(
      async () => {
        n++;
        if (n === 1) throw { code: 429, headers: { 'retry-after': '2' } };
        if (n < 4) throw { code: 500 };
        return 1;
      },
      { sleep: async (ms) => void waits.push(ms), baseMs: 100, maxMs: 10_000 },
    );
    expect(waits[0]).toBe(2000);
    expect(waits[1]).toBeGreaterThanOrEqual(100);
    expect(waits[2]).toBeGreaterThanOrEqual(200);
    expect(isRetryable({ code: 501 })).toBe(false);
  });
});
