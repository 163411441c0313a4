import { afterEach, describe, expect, it, vi } from 'vitest';
import { interactiveOutput, withProgress } from '../../../src/cli/progress.js';

describe('progress output', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is plain line-by-line when not on a terminal or in CI', async () => {
    const ci = process.env.CI;
    process.env.CI = '1';
    try {
      expect(interactiveOutput()).toBe(false);
      const writes: string[] = [];
      vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
        writes.push(String(s));
        return true;
      });
      const r = await withProgress('rel deploy shop', async (log) => {
        log('installing shop (revision 1)');
        log('  waiting: 1/3 ready');
        return 42;
      });
      expect(r).toBe(42);
      expect(writes).toEqual(['installing shop (revision 1)\n', '  waiting: 1/3 ready\n']);
    } finally {
      if (ci === undefined) delete process.env.CI;
      else process.env.CI = ci;
    }
  });

  it('passes errors through', async () => {
    const ci = process.env.CI;
    process.env.CI = '1';
    try {
      await expect(withProgress('x', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    } finally {
      if (ci === undefined) delete process.env.CI;
      else process.env.CI = ci;
    }
  });
});
