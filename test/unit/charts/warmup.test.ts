/**
 * test/fixtures/charts/warmup trains the fast path's code cache (scripts/build-fast.mjs): it must
 * render like helm, or the build would train on an error path.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const chart = join(root, 'test/fixtures/charts/warmup');

it('the code-cache training chart renders like helm', async () => {
  const { stdout: h } = await promisify(execFile)(join(root, '.cache/tools/helm'), ['template', 'wu', chart], { env: { ...process.env, HELM_CACHE_HOME: '/tmp/rel-warmup-test-helm' } });
  const { runTemplate } = await import('../../../src/actions/template.js');
  const r = await runTemplate({ releaseName: 'wu', chart });
  expect(r.error).toBeUndefined();
  expect(h).toContain('kind: PodDisruptionBudget');
  expect(r.stdout).toBe(h);
});
