import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainLines, explainValues, printable } from '../../../src/actions/values.js';

const root = resolve(import.meta.dirname, '../../..');

describe('rel values --explain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rel-values-'));
  cpSync(join(root, 'test/e2e/fixtures/web'), join(dir, 'charts/web'), { recursive: true });
  mkdirSync(join(dir, 'values/web'), { recursive: true });
  writeFileSync(join(dir, 'values/web/common.yaml'), 'replicaCount: 3\ndb:\n  password: s3cret\n');
  writeFileSync(join(dir, 'values/web/prod.yaml'), 'replicaCount: 5\ningress:\n  host: shop.example.com\n');
  writeFileSync(join(dir, 'extra.yaml'), 'message: from-project\n');
  writeFileSync(join(dir, 'rel.yaml'), 'releases:\n  - name: shop\n    chart: charts/web\n    values: [extra.yaml]\nenvironments:\n  prod: {}\n  dev: {}\n');

  it('layers chart < common < env < rel.yaml files < --set, and names the source of each leaf', async () => {
    const r = await explainValues({}, { env: 'prod', cwd: dir, set: ['image.tag=9.9'] });
    expect(r.values.replicaCount).toBe(5);
    expect(r.origins.replicaCount).toBe(join(dir, 'values/web/prod.yaml'));
    expect(r.origins['db.password']).toBe(join(dir, 'values/web/common.yaml'));
    expect(r.origins.message).toBe(join(dir, 'extra.yaml'));
    expect(r.origins['image.tag']).toBe('--set');
    expect(r.origins['image.repository']).toBe('chart web/values.yaml');
    const dev = await explainValues({}, { env: 'dev', cwd: dir });
    expect(dev.values.replicaCount).toBe(3);
  });

  it('masks secrets unless asked', async () => {
    const r = await explainValues({}, { env: 'prod', cwd: dir });
    expect(JSON.stringify(printable(r.values, false))).not.toContain('s3cret');
    expect(JSON.stringify(printable(r.values, true))).toContain('s3cret');
    expect(explainLines(r, false)).toMatch(/db\.password\s+"\*\*\* \(masked/);
  });
});
