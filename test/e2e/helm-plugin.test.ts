import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const helm = join(root, '.cache/tools/helm');

describe('helm plugin (plugins/helm-rel)', () => {
  it('installs into the real helm and `helm rel` runs rel', () => {
    const home = mkdtempSync(join(tmpdir(), 'rel-helm-plugin-'));
    const env = {
      ...process.env,
      HELM_DATA_HOME: join(home, 'data'),
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_CACHE_HOME: join(home, 'cache'),
    };
    delete (env as Record<string, string | undefined>).HELM_PLUGINS;
    execFileSync(helm, ['plugin', 'install', join(root, 'plugins/helm-rel')], { env, stdio: 'pipe' });
    const list = execFileSync(helm, ['plugin', 'list'], { env, encoding: 'utf8' });
    expect(list).toMatch(/^rel\s+0\.1\.0\s+cli\/v1/m);
    const out = execFileSync(helm, ['rel', 'version'], { env, encoding: 'utf8' });
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(out).toContain(`rel ${pkg.version}`);
  });
});
