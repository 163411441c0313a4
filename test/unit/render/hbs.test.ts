import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTemplate } from '../../../src/actions/template.js';

const FIX = join(import.meta.dirname, 'fixtures');

describe('Handlebars templates (.hbs)', () => {
  it('render next to Go templates with the same built-in objects and helpers', async () => {
    const r = await runTemplate({ cwd: FIX, chart: './hbs', releaseName: 'web', namespace: 'prod' });
    expect(r.error).toBeUndefined();
    expect(r.stdout).toBe(
      [
        '---',
        '# Source: hbs/templates/service.yaml.hbs',
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: web-hbs',
        'data:',
        `  password: ${Buffer.from('s3cr3t').toString('base64')}`,
        '  json: "{\\"team\\":\\"a\\",\\"tier\\":\\"web\\"}"',
        '---',
        '# Source: hbs/templates/configmap.yaml',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: web-hbs',
        '---',
        '# Source: hbs/templates/service.yaml.hbs',
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        '  name: web-hbs',
        '  namespace: prod',
        '  labels: ',
        '    team: a',
        '    tier: web',
        '  annotations:',
        '    chart: "hbs"',
        '    version: none',
        '    same: "yes"',
        '    kube: v1.35.0',
        '    template: hbs/templates/service.yaml.hbs',
        'spec:',
        '  ports:',
        '    - port: 8080',
        '      name: "<http>"',
        '',
      ].join('\n'),
    );
  });

  it('fails with the template name when a required value is missing', async () => {
    const r = await runTemplate({ cwd: FIX, chart: './hbs', set: ['secret='] });
    expect(r.error?.message).toContain('hbs/templates/service.yaml.hbs: secret is required');
  });
});
