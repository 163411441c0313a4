/** The repository's rel.yaml: valid, and each release resolves to its chart, namespace, strategy and values. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProject } from '../../../src/project/load.js';
import { resolveRelease } from '../../../src/project/resolve.js';

const root = resolve(import.meta.dirname, '../../..');
const file = join(root, 'rel.yaml');
const project = parseProject(readFileSync(file, 'utf8'), file);

describe('rel.yaml at the repository root', () => {
  it('declares the five systems and the four environments', () => {
    expect(project.releases.map((r) => r.name)).toEqual(['chat', 'mpim', 'worklog', 'registration', 'monitor']);
    expect(Object.keys(project.environments ?? {})).toEqual(['dev', 'test', 'staging', 'prod']);
  });

  it.each([
    ['chat', 'canary'],
    ['mpim', 'canary'],
    ['worklog', 'blueGreen'],
    ['registration', 'canary'],
    ['monitor', 'canary'],
  ])('%s uses the %s strategy and layers common < env values', (name, type) => {
    for (const env of ['dev', 'prod']) {
      const r = resolveRelease(project, file, { release: name, env });
      expect(r.settings.strategy?.type).toBe(type);
      expect(r.chartName).toBe(name);
      expect(r.valueFiles.map((v) => v.file.slice(root.length + 1))).toEqual([`values/${name}/common.yaml`, `values/${name}/${env}.yaml`]);
      expect(r.settings.analysis?.prometheus?.url).toBe('http://127.0.0.1:9090');
    }
  });

  it('registration rolls back above 5% errors or 3x latency', () => {
    const r = resolveRelease(project, file, { release: 'registration', env: 'prod' });
    expect(r.settings.analysis).toMatchObject({ maxErrorRate: 0.05, maxLatencyRatio: 3 });
  });

  it('dev is the sandbox without a window; prod allows Tuesdays 02:00-04:00 Asia/Shanghai and rolls back canaries at close', () => {
    const dev = resolveRelease(project, file, { release: 'chat', env: 'dev' });
    expect(dev.settings.kubeContext).toBe('rel-sandbox');
    expect(dev.settings.windows).toBeUndefined();
    expect(dev.settings.notifications).toBeUndefined();
    const prod = resolveRelease(project, file, { release: 'worklog', env: 'prod' });
    expect(prod.settings.windows?.allow).toEqual([{ name: 'tuesday-night', schedule: '0 2 * * 2', duration: '2h', timeZone: 'Asia/Shanghai' }]);
    expect(prod.settings.windows?.policy?.canaryAtClose).toBe('rollback');
    expect(prod.settings.notifications?.webhooks?.[0]?.events).toContain('rolled-back');
  });

  it('the prod window opens on a Tuesday at 02:00 Shanghai time', async () => {
    const { toCompiled } = await import('../../../src/windows/spec.js');
    const { evaluate } = await import('../../../src/windows/engine.js');
    const prod = resolveRelease(project, file, { release: 'registration', env: 'prod' });
    const spec = toCompiled(prod.settings.windows as never);
    expect(evaluate(spec, new Date('2026-11-24T02:30:00+08:00')).allowed).toBe(true);
    expect(evaluate(spec, new Date('2026-11-24T04:00:00+08:00')).allowed).toBe(false);
    expect(evaluate(spec, new Date('2026-11-25T02:30:00+08:00')).allowed).toBe(false);
  });

  it('a typo in the file is reported with its line', () => {
    const bad = readFileSync(file, 'utf8').replace('maxLatencyRatio: 3\n', 'maxLatencyRaito: 3\n');
    expect(() => parseProject(bad, file)).toThrow(/rel\.yaml:\d+:\d+: .*unknown key "maxLatencyRaito" \(did you mean "maxLatencyRatio"\?\)/);
  });
});
