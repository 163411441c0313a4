import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { compileWindowSpec } from '../../../src/windows/index.js';
import { windowsJsonSchema } from '../../../src/windows/schema.js';

const validate = new Ajv({ allErrors: true, strict: false }).compile(windowsJsonSchema);

describe('windows JSON schema', () => {
  const good = [
    {},
    { allow: [{ name: 'a', schedule: '0 2 * * 2', duration: '1h30m', timeZone: 'Asia/Shanghai', every: '2w', anchor: '2026-01-06' }] },
    { timeZone: 'UTC', deny: [{ schedule: '@weekly', duration: '2h' }], freezes: [{ start: '2026-12-20', end: '2027-01-03', reason: 'x' }] },
    { policy: { rollback: 'window', canaryAtClose: 'finish', closeMargin: '0' } },
  ];
  for (const g of good) {
    it(`accepts ${JSON.stringify(g).slice(0, 60)}`, () => {
      expect(validate(g), JSON.stringify(validate.errors)).toBe(true);
      expect(() => compileWindowSpec(g)).not.toThrow();
    });
  }
  const bad = [
    { allow: [{ schedule: '0 2 * * 2' }] },
    { allow: [{ schedule: '0 2 * * 2', duration: '2 hours' }] },
    { allow: [{ schedule: '0 2 * * 2', duration: '2h', timezone: 'UTC' }] },
    { allow: [{ schedule: '0 2 * * 2', duration: '2h', every: '2w' }] },
    { freezes: [{ start: '2026-12-20', end: '2027-01-03' }] },
    { policy: { canaryAtClose: 'abort' } },
    { allowed: [] },
  ];
  for (const b of bad) {
    it(`rejects ${JSON.stringify(b).slice(0, 70)} (and so does the compiler)`, () => {
      expect(validate(b)).toBe(false);
      expect(() => compileWindowSpec(b)).toThrow();
    });
  }
});
