import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTemplate, type TemplateOptions } from '../../../src/actions/template.js';

const FIX = join(import.meta.dirname, 'fixtures');
const golden = (name: string) => readFileSync(join(FIX, name), 'utf8');

/** Output as helm prints it: stdout, then `Error: …` when the command fails. */
async function run(o: Partial<TemplateOptions> & { chart: string }): Promise<string> {
  const r = await runTemplate({ cwd: FIX, ...o });
  return r.stdout + (r.error ? `Error: ${r.error.message}\n` : '');
}

describe('rel template against helm 4.1.4 goldens', () => {
  it('renders subcharts, aliases, conditions, tags, import-values, library charts, hooks and Files', async () => {
    expect(await run({ releaseName: 'web', chart: './deps' })).toBe(golden('deps.golden'));
  });

  it('honours --namespace, --include-crds, --skip-tests, --is-upgrade, --kube-version and --api-versions', async () => {
    const out = await run({
      releaseName: 'web',
      chart: './deps',
      namespace: 'prod',
      includeCrds: true,
      skipTests: true,
      isUpgrade: true,
      kubeVersion: '1.30.2',
      apiVersions: ['example.com/v1'],
    });
    expect(out).toBe(golden('deps-options.golden'));
  });

  it('merges -f, --set, --set-string, --set-json and --set-literal like helm (null deletes a default)', async () => {
    const out = await run({
      releaseName: 'web',
      chart: './deps',
      valueFiles: ['values/override.yaml'],
      set: ['replica.enabled=false', 'tags.speed=false'],
      setString: ['name=007'],
      setJson: ['global.labels={"j":1}'],
      setLiteral: ['fromCache.lit=a,b'],
    });
    expect(out).toBe(golden('deps-values.golden'));
  });

  it('reports a missing values file in Go words', async () => {
    expect(await run({ chart: './deps', valueFiles: ['values/nope.yaml'] })).toBe('Error: open values/nope.yaml: no such file or directory\n');
  });

  it('renders a packaged .tgz chart like the folder', async () => {
    expect(await run({ releaseName: 'web', chart: './deps-1.2.3.tgz' })).toBe(golden('deps-tgz.golden'));
  });

  it('filters with --show-only (globs, in request order)', async () => {
    const out = await run({ releaseName: 'web', chart: './deps', showOnly: ['templates/configmap.yaml', 'charts/db/templates/*'] });
    expect(out).toBe(golden('deps-showonly.golden'));
  });

  it('fails like helm when --show-only matches nothing', async () => {
    expect(await run({ chart: './deps', showOnly: ['templates/nope.yaml'] })).toBe('Error: could not find template templates/nope.yaml in chart\n');
  });

  it('rewords nested template errors like helm 4', async () => {
    expect(await run({ chart: './errors' })).toBe(golden('errors.golden'));
  });

  it('reports invalid YAML with file and line, and prints the raw output with --debug', async () => {
    expect(await run({ chart: './badyaml' })).toBe(golden('badyaml.golden'));
    const r = await runTemplate({ cwd: FIX, chart: './badyaml', debug: true });
    const docs = (s: string) => s.split(/^---$/m).map((d) => d.trim()).filter(Boolean).sort();
    expect(docs(r.stdout)).toEqual(docs(golden('badyaml-debug.golden')));
    expect(r.error?.message).toBe(
      'YAML parse error on badyaml/templates/b.yaml: error converting YAML to JSON: yaml: line 6: mapping values are not allowed in this context',
    );
  });

  it('validates release names and argument combinations like helm', async () => {
    expect(await run({ releaseName: 'Bad_Name', chart: './deps' })).toContain('Error: release name check failed: release name "Bad_Name": invalid release name');
    expect(await run({ releaseName: 'x', nameTemplate: 'y', chart: './deps' })).toBe('Error: cannot set --name-template and also specify a name\n');
    expect(await run({ chart: './nope' })).toMatch(/^Error: path ".*nope" not found\n$/);
    expect(await run({ chart: './deps', kubeVersion: 'abc' })).toBe('Error: invalid kube version \'abc\': could not parse "abc" as version\n');
  });
});
