import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { templateMain } from '../../../src/actions/template.js';

// A chart that calls most library functions on values from values.yaml; the golden output
// was made by `helm template x test/unit/funcs/fixtures/funcs-chart` (helm v4.1.4).
// Regenerate: .cache/tools/helm template x test/unit/funcs/fixtures/funcs-chart > test/unit/funcs/fixtures/funcs-chart.golden
const dir = fileURLToPath(new URL('./fixtures/funcs-chart', import.meta.url));
const golden = readFileSync(fileURLToPath(new URL('./fixtures/funcs-chart.golden', import.meta.url)), 'utf8');

describe('function library through the template engine', () => {
  it('renders the functions chart exactly like helm', async () => {
    const prevTZ = process.env.TZ;
    process.env.TZ = 'UTC';
    let out = '';
    let err = '';
    try {
      const code = await templateMain(['x', dir], { stdout: (s) => void (out += s), stderr: (s) => void (err += s) });
      expect(err).toBe('');
      expect(code).toBe(0);
    } finally {
      if (prevTZ === undefined) delete process.env.TZ;
      else process.env.TZ = prevTZ;
    }
    expect(out).toBe(golden);
  });
});
