import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderHelmLike } from './helpers.js';

// Expectations recorded from the real helm v4.1.4 (tools/gen-helm-cases.mjs).
const here = dirname(fileURLToPath(import.meta.url));
const { cases } = JSON.parse(readFileSync(join(here, 'helm-cases.json'), 'utf8')) as {
  cases: { tpl: string; out?: string; err?: string; errPrefix?: string; errSuffix?: string }[];
};

// helm trims trailing blanks of its documents
const trimLines = (s: string) => s.replace(/[ \t]+(\n|$)/g, '$1').replace(/\n+$/, '');

describe('templates behave like helm v4.1.4', () => {
  it.each(cases.map((c) => [c.tpl, c] as const))('%s', (_tpl, c) => {
    const got = renderHelmLike('# ' + c.tpl);
    if (c.out !== undefined) expect(trimLines(got)).toBe(trimLines(c.out));
    else if (c.err !== undefined) expect(got).toBe('ERR ' + c.err);
    else {
      // helm 4 shortens parse errors to the part after the last ": "
      expect(got.startsWith('ERR ' + c.errPrefix)).toBe(true);
      expect(got.endsWith(c.errSuffix!)).toBe(true);
    }
  });
});
