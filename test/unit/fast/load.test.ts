/** src/fast/load.ts: loading the bundle in a vm.Script with V8's code cache. */
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheKey, loadBundle } from '../../../src/fast/load.js';

let dir: string;
const bundleSrc = `
  const { basename } = require('node:path');
  exports.main = async (argv) => argv.length;
  exports.where = [basename(__filename), __relUrl];
`;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rel-fast-load-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const caches = () => readdirSync(dir).filter((f) => f.endsWith('.cache'));

describe('loadBundle', () => {
  it('returns null when the bundle is missing', () => {
    expect(loadBundle(dir)).toBeNull();
  });

  it('runs the bundle with require, __filename and __relUrl', async () => {
    writeFileSync(join(dir, 'template.cjs'), bundleSrc);
    const b = loadBundle(dir)!;
    expect(await b.mod.main(['a', 'b'])).toBe(2);
    const where = (b.mod as unknown as { where: string[] }).where;
    expect(where[0]).toBe('template.cjs');
    expect(where[1]).toBe(`file://${join(dir, 'template.cjs')}`);
  });

  it('writes a code cache when there is none, and uses it next time', () => {
    writeFileSync(join(dir, 'template.cjs'), bundleSrc);
    const first = loadBundle(dir)!;
    expect(first.cacheUsed).toBe(false);
    expect(first.saveCache()).toBe(true);
    expect(caches()).toEqual([`template.${cacheKey()}.cache`]);
    const second = loadBundle(dir)!;
    expect(second.cacheUsed).toBe(true);
    expect(second.saveCache()).toBe(false);
  });

  it('survives a corrupt cache and replaces it', async () => {
    writeFileSync(join(dir, 'template.cjs'), bundleSrc);
    writeFileSync(join(dir, `template.${cacheKey()}.cache`), 'not a code cache');
    const b = loadBundle(dir)!;
    expect(b.cacheUsed).toBe(false);
    expect(await b.mod.main([])).toBe(0);
    expect(b.saveCache()).toBe(true);
    expect(loadBundle(dir)!.cacheUsed).toBe(true);
  });

  it('keeps at most four caches', () => {
    writeFileSync(join(dir, 'template.cjs'), bundleSrc);
    for (const k of ['00000001', '00000002', '00000003']) writeFileSync(join(dir, `template.${k}.cache`), 'x');
    const b = loadBundle(dir)!;
    expect(b.saveCache()).toBe(false);
    expect(caches()).toHaveLength(3);
    expect(b.saveCache(true)).toBe(true);
    expect(caches()).toHaveLength(4);
  });

  it('refuses a bundle older than the compiled command', () => {
    writeFileSync(join(dir, 'template.cjs'), bundleSrc);
    writeFileSync(join(dir, 'command.js'), '');
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'template.cjs'), past, past);
    expect(loadBundle(dir, join(dir, 'command.js'))).toBeNull();
    utimesSync(join(dir, 'command.js'), new Date(past.getTime() - 60_000), new Date(past.getTime() - 60_000));
    expect(loadBundle(dir, join(dir, 'command.js'))).not.toBeNull();
  });

  it('keys the cache by Node version and flags', () => {
    const saved = process.env.NODE_OPTIONS;
    try {
      const k = cacheKey();
      process.env.NODE_OPTIONS = '--max-old-space-size=100';
      expect(cacheKey()).not.toBe(k);
    } finally {
      if (saved === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = saved;
    }
  });
});
