import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderLikeHelm, valuesOf } from './helpers.js';
import { goBytes } from '../../../src/engine/bytes.js';

// Go value-model cases (int vs int64 vs uint8..., byte strings) with expectations recorded from the
// real helm v4.1.4 by tools/gen-helm-cases.mjs (outputs as base64, so bytes that are not UTF-8 survive).
const here = dirname(fileURLToPath(import.meta.url));
const { values, cases } = JSON.parse(readFileSync(join(here, 'helm-cases.json'), 'utf8')) as {
  values: string;
  cases: { tpl: string; b64?: string; err?: string }[];
};
const vals = valuesOf(values);

let prevTZ: string | undefined;
beforeAll(() => {
  prevTZ = process.env.TZ;
  process.env.TZ = 'UTC';
});
afterAll(() => {
  if (prevTZ === undefined) delete process.env.TZ;
  else process.env.TZ = prevTZ;
});

/** The bytes rel writes for a rendered string (bytes that are not UTF-8 are kept as escapes until output). */
const bytesOf = (s: string) => Buffer.from(goBytes(s));

describe('the Go value model behaves like helm v4.1.4', () => {
  it.each(cases.map((c) => [c.tpl, c] as const))('%s', (_tpl, c) => {
    if (c.b64 !== undefined) {
      const got = renderLikeHelm(c.tpl, vals);
      expect(got.startsWith('ERR ') ? got : bytesOf(got).toString('base64')).toBe(c.b64);
    } else {
      expect(renderLikeHelm('# ' + c.tpl, vals)).toBe('ERR ' + c.err);
    }
  });
});
