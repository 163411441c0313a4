import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kubeOptions, releaseContext } from '../../src/actions/context.js';
import { runDeploy } from '../../src/actions/deploy.js';
import { history } from '../../src/actions/inspect.js';
import { FakeClock, setClock } from '../../src/clock.js';
import { UserError } from '../../src/cli/errors.js';
import { type TestCluster, root, testCluster } from './support/env.js';

/** A project whose prod environment may change only on Tuesdays 02:00–04:00 Asia/Shanghai. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rel-windows-'));
  writeFileSync(
    join(dir, 'rel.yaml'),
    [
      'releases:',
      '  - name: shop',
      `    chart: ${join(root, 'test/e2e/fixtures/web')}`,
      'environments:',
      '  prod:',
      '    namespace: shop',
      '    createNamespace: true',
      '    windows:',
      '      allow:',
      '        - name: tuesday-night',
      '          schedule: "0 2 * * 2"',
      '          duration: 2h',
      '          timeZone: Asia/Shanghai',
    ].join('\n'),
  );
  return dir;
}

describe('deploys respect maintenance windows', () => {
  let c: TestCluster;
  const dir = project();
  beforeAll(async () => {
    c = await testCluster();
  });
  afterAll(async () => c?.stop());
  afterEach(() => setClock(undefined));
  const flags = () => ({ kubeconfig: c.kubeconfig, env: 'prod', cwd: dir, timeout: '30s', wait: true });

  it('outside the window: refused with exit code 4, naming the window and the next opening', async () => {
    setClock(new FakeClock('2026-11-25T10:00:00+08:00')); // a Wednesday
    const err = (await runDeploy({}, flags(), () => {}).catch((e: Error) => e)) as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.exitCode).toBe(4);
    expect(err.message).toMatch(/refusing to deploy to prod: outside its maintenance window/);
    expect(err.message).toMatch(/2026-12-01/); // next Tuesday
    await expect(c.helm('list', '-n', 'shop', '-q')).resolves.toBe('');
  });

  it('--force --reason deploys anyway and records the reason in the history', async () => {
    setClock(new FakeClock('2026-11-25T10:00:00+08:00'));
    const r = await runDeploy({}, { ...flags(), force: true, reason: 'hotfix INC-42' }, () => {});
    expect(r.release.info.status).toBe('deployed');
    const h = await history(releaseContext(kubeOptions({ kubeconfig: c.kubeconfig, namespace: 'shop' }), () => {}), 'shop');
    expect(h[h.length - 1]!.description).toBe('Deployed outside its window (--force): hotfix INC-42');
    await expect(runDeploy({}, { ...flags(), force: true }, () => {})).rejects.toThrow(/--force needs --reason/);
  });

  it('--wait-for-window waits (countdown) and deploys when the window opens', async () => {
    const clock = new FakeClock('2026-12-01T01:59:00+08:00', { autoAdvance: true });
    setClock(clock);
    const ticks: string[] = [];
    const r = await runDeploy({}, { ...flags(), set: ['message=v2'], 'wait-for-window': true }, (l) => ticks.push(l));
    expect(r.release.version).toBe(2);
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(Date.parse('2026-12-01T02:00:00+08:00'));
    expect(ticks.some((t) => /waiting for the window/.test(t))).toBe(true);
  });

  it('inside the window: deploys without flags', async () => {
    setClock(new FakeClock('2026-12-01T03:00:00+08:00'));
    const r = await runDeploy({}, { ...flags(), set: ['message=v3'] }, () => {});
    expect(r.release.version).toBe(3);
  });
});
