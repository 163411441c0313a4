import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCommand } from '../../helpers/cli.js';

const root = resolve(import.meta.dirname, '../../..');
const schedule = (argv: string[]) => runCommand(() => import('../../../src/commands/schedule.js'), argv, root);

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rel-sched-cmd-'));
  cpSync(join(root, 'test/e2e/fixtures/web'), join(dir, 'charts/web'), { recursive: true });
  writeFileSync(
    join(dir, 'rel.yaml'),
    'environments:\n  prod:\n    namespace: p\n    windows:\n      allow:\n        - { schedule: "0 2 * * 2", duration: 2h, timeZone: Asia/Shanghai }\nreleases:\n  - { name: shop, chart: ./charts/web }\n',
  );
  return dir;
}

describe('rel schedule (command)', () => {
  it('prints YAML documents by default and a v1 List with -o json', async () => {
    const dir = project();
    const y = await schedule(['--env', 'prod', '--file', join(dir, 'rel.yaml'), '--image', 'r:1']);
    expect(y.exitCode, y.stderr).toBe(0);
    const docs = parseAllDocuments(y.stdout).map((d) => d.toJS());
    expect(docs.map((d) => d.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'CronJob']);
    expect(docs[4].spec).toMatchObject({ schedule: '0 2 * * 2', timeZone: 'Asia/Shanghai', concurrencyPolicy: 'Forbid' });
    const j = await schedule(['--env', 'prod', '--file', join(dir, 'rel.yaml'), '-o', 'json']);
    const list = JSON.parse(j.stdout);
    expect(list.kind).toBe('List');
    expect(list.items[4].metadata.name).toBe('rel-shop-prod-allow-0');
    expect(list.items[4].spec.jobTemplate.spec.template.spec.containers[0].image).toMatch(/^rel:\d+\.\d+\.\d+/);
  });

  it('usage errors exit 2: no --env, conflicting --apply and --list, unknown environment', async () => {
    const dir = project();
    const a = await schedule(['shop', '--file', join(dir, 'rel.yaml')]);
    expect(a.exitCode).toBe(2);
    expect(a.stderr).toMatch(/needs --env ENV/);
    const b = await schedule(['shop', '--env', 'prod', '--apply', '--list']);
    expect(b.exitCode).toBe(2);
    expect(b.stderr).toMatch(/cannot also be provided/);
    const c = await schedule(['shop', '--env', 'prd', '--file', join(dir, 'rel.yaml')]);
    expect(c.exitCode).toBe(2);
    expect(c.stderr).toMatch(/unknown environment "prd".*did you mean "prod"/);
  });
});
