import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatRun, isFailed, lintChart, lintRuns } from '../../../src/lint/lint.js';
import { validateBuiltin, CrdSchemas } from '../../../src/lint/kube.js';

function chart(files: Record<string, string>, name = 'c'): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'rel-lint-')), name);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

const lines = async (dir: string, o = {}) => (await lintChart(dir, o)).map((m) => `[${m.severity}] ${m.path}: ${m.message}`);

const CM = (name: string, extra = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: "1"\n${extra}`;

describe('Chart.yaml rules', () => {
  it('accepts a good chart, recommending an icon', async () => {
    const dir = chart({ 'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n', 'values.yaml': 'a: 1\n', 'templates/cm.yaml': CM('x') });
    expect(await lines(dir)).toEqual(['[INFO] Chart.yaml: icon is recommended']);
  });

  it('reports helm’s Chart.yaml errors', async () => {
    const dir = chart({ 'Chart.yaml': 'apiVersion: v3\nname: other\nversion: 1.0\nicon: "ftp//x"\nmaintainers:\n  - email: bad\n', 'templates/cm.yaml': CM('x') }, 'wrongdir');
    const out = await lines(dir);
    expect(out).toContain(`[ERROR] Chart.yaml: apiVersion 'v3' is not valid. The value must be either "v1" or "v2"`);
    expect(out).toContain("[ERROR] Chart.yaml: version should be of type string but it's of type float64");
    expect(out).toContain('[ERROR] Chart.yaml: each maintainer requires a name');
    expect(out).toContain("[ERROR] Chart.yaml: invalid icon URL 'ftp//x'");
    expect(out).toContain("[WARNING] Chart.yaml: version '1' is not a valid SemVerV2");
    expect(out).toContain('[INFO] Chart.yaml: directory name (wrongdir) and chart name (other) do not match');
  });

  it('requires name and version, and semver', async () => {
    expect(await lines(chart({ 'Chart.yaml': 'apiVersion: v2\n' }))).toEqual(
      expect.arrayContaining(['[ERROR] Chart.yaml: name is required', '[ERROR] Chart.yaml: version is required']),
    );
    expect(await lines(chart({ 'Chart.yaml': 'apiVersion: v2\nname: c\nversion: one\n' }))).toContain("[ERROR] Chart.yaml: version 'one' is not a valid SemVer");
  });

  it('reports a missing Chart.yaml', async () => {
    expect(await lines(chart({ 'values.yaml': 'a: 1\n' }))).toEqual(['[ERROR] Chart.yaml: file does not exist']);
  });
});

describe('values and templates', () => {
  it('checks the values against values.schema.json', async () => {
    const dir = chart({
      'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\nicon: https://x/i.png\n',
      'values.yaml': 'replicas: "x"\n',
      'values.schema.json': '{"type":"object","properties":{"replicas":{"type":"integer"}}}',
      'templates/cm.yaml': CM('x'),
    });
    const out = await lines(dir);
    expect(out).toContain("[ERROR] values.yaml: - at '/replicas': got string, want integer\n");
    expect(out).toContain("[ERROR] templates/: values don't meet the specifications of the schema(s) in the following chart(s):\nc:\n- at '/replicas': got string, want integer\n");
    expect(await lines(dir, { set: ['replicas=3'] })).toEqual([]);
  });

  it('reports bad extensions, YAML, names, deprecated APIs and selectors per file', async () => {
    const dir = chart({
      'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\nicon: https://x/i.png\n',
      'values.yaml': '{}\n',
      'templates/bad.json': 'x: 1',
      'templates/broken.yaml': 'a: b: c\n',
      'templates/dep.yaml': 'apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: d\nspec: {}\n',
      'templates/cm.yaml': CM('Bad_Name'),
    });
    const out = await lines(dir);
    expect(out).toContain("[ERROR] templates/bad.json: file extension '.json' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt");
    expect(out).toContain('[ERROR] templates/broken.yaml: unable to parse YAML: error converting YAML to JSON: yaml: mapping values are not allowed in this context');
    expect(out).toContain('[WARNING] templates/dep.yaml: extensions/v1beta1 Deployment is deprecated in v1.8+, unavailable in v1.16+; use apps/v1 Deployment');
    expect(out).toContain('[ERROR] templates/dep.yaml: a Deployment must contain matchLabels or matchExpressions, and "d" does not');
    expect(out.some((l) => l.startsWith('[WARNING] templates/cm.yaml: object name does not conform to Kubernetes naming requirements: "Bad_Name"'))).toBe(true);
  });

  it('reports render errors under templates/', async () => {
    const dir = chart({ 'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n', 'templates/f.yaml': '{{ .Values.nope.deeper }}' });
    const out = await lines(dir);
    expect(out.some((l) => l.startsWith('[ERROR] templates/: ') && l.includes('nil pointer evaluating interface {}.deeper'))).toBe(true);
  });

  it('validates objects against the Kubernetes schemas, naming file and object', async () => {
    const dep = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: "{{ .Values.replicas }}"
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - image: nginx
`;
    const dir = chart({ 'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\nicon: https://x/i.png\n', 'values.yaml': 'replicas: 2\n', 'templates/dep.yaml': dep });
    expect(await lines(dir)).toEqual([
      '[ERROR] templates/dep.yaml: Deployment "web" (apps/v1): spec.replicas: must be integer',
      '[ERROR] templates/dep.yaml: Deployment "web" (apps/v1): spec.template.spec.containers[0].name: required field is missing',
    ]);
  });

  it('validates custom resources against the chart’s CRDs', async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: {type: integer, minimum: 1}
                port: {x-kubernetes-int-or-string: true}
`;
    const dir = chart({
      'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\nicon: https://x/i.png\n',
      'crds/widget.yaml': crd,
      'templates/w.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 0\n  port: http\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: ok\nspec:\n  size: 2\n  port: 80\n',
      'templates/other.yaml': 'apiVersion: other.io/v1\nkind: Thing\nmetadata:\n  name: t\n',
    });
    expect(await lines(dir)).toEqual([
      '[INFO] values.yaml: file does not exist',
      '[INFO] templates/other.yaml: Thing "t" (other.io/v1): no schema known for this kind; not validated',
      '[ERROR] templates/w.yaml: Widget "w" (example.com/v1): spec.size: must be >= 1',
    ]);
  });
});

describe('runs and output', () => {
  it('formats like helm lint and fails on errors (warnings with strict)', async () => {
    const dir = chart({ 'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n', 'templates/cm.yaml': CM('Bad_Name') });
    const [run] = await lintRuns(dir, {});
    expect(formatRun(run!)).toBe(
      `==> Linting ${dir}\n[INFO] Chart.yaml: icon is recommended\n[INFO] values.yaml: file does not exist\n${formatRun(run!).split('\n')[3]}\n\n`,
    );
    expect(run!.failed).toBe(false);
    expect(isFailed(run!.messages, true)).toBe(true);
  });

  it('lints subcharts with --with-subcharts', async () => {
    const dir = chart({
      'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\nicon: https://x/i.png\ndependencies:\n  - {name: sub, version: "*", repository: ""}\n',
      'templates/cm.yaml': CM('x'),
      'charts/sub/Chart.yaml': 'apiVersion: v2\nname: sub\nversion: "1"\n',
      'charts/sub/templates/cm.yaml': CM('sub-cm'),
    });
    const runs = await lintRuns(dir, { withSubcharts: true });
    expect(runs.map((r) => r.messages.filter((m) => m.severity === 'ERROR').map((m) => m.message))).toEqual([[], []]);
    expect(runs.map((r) => [r.chart.endsWith('charts/sub') ? 'sub' : 'c', r.failed])).toEqual([
      ['c', false],
      ['sub', false],
    ]);
    expect(runs[1]!.messages.map((m) => m.message)).toContain("version '1' is not a valid SemVerV2");
    expect(await lintRuns(dir, {})).toHaveLength(1);
  });

  it('lints once per environment of rel.yaml with its values files', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rel-lint-proj-'));
    const dir = join(root, 'charts', 'shop');
    mkdirSync(join(dir, 'templates'), { recursive: true });
    writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: shop\nversion: 0.1.0\nicon: https://x/i.png\n');
    writeFileSync(join(dir, 'values.yaml'), 'replicas: 1\n');
    writeFileSync(join(dir, 'values.schema.json'), '{"type":"object","properties":{"replicas":{"type":"integer","maximum":5}}}');
    writeFileSync(join(dir, 'templates/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop\ndata:\n  replicas: "{{ .Values.replicas }}"\n');
    mkdirSync(join(root, 'values', 'shop'), { recursive: true });
    writeFileSync(join(root, 'values/shop/prod.yaml'), 'replicas: 10\n');
    writeFileSync(join(root, 'values/shop/dev.yaml'), 'replicas: 2\n');
    writeFileSync(join(root, 'rel.yaml'), 'releases:\n  - name: shop\n    chart: charts/shop\nenvironments:\n  dev: {}\n  prod: {}\n');
    const runs = await lintRuns(dir, { allEnvs: true, cwd: root });
    expect(runs.map((r) => [r.env, r.failed])).toEqual([
      ['dev', false],
      ['prod', true],
    ]);
    expect(formatRun(runs[1]!)).toContain(`==> Linting ${dir} (environment prod)`);
    expect(runs[1]!.messages.map((m) => m.message).join('\n')).toContain("- at '/replicas': maximum: got 10, want 5");
    const one = await lintRuns(dir, { envs: ['dev'], cwd: root });
    expect(one).toHaveLength(1);
    await expect(lintRuns(dir, { envs: ['prdo'], cwd: root })).rejects.toThrow(/unknown environment "prdo".*did you mean "prod"/);
  });
});

describe('selectors', () => {
  it('reports a workload whose selector does not select its pod template', async () => {
    const { selectorProblems } = await import('../../../src/lint/rules.js');
    const dep = (sel: unknown, labels: unknown) => ({ kind: 'Deployment', spec: { selector: sel, template: { metadata: { labels } } } });
    expect(selectorProblems(dep({ matchLabels: { app: 'a' } }, { app: 'a', x: 'y' }))).toEqual([]);
    expect(selectorProblems(dep({ matchLabels: { app: 'a' } }, { app: 'b' }))[0]!.message).toBe('Invalid value: {"app":"b"}: `selector` does not match template `labels`');
    expect(selectorProblems(dep({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] }, { tier: 'web' }))).toEqual([]);
    expect(selectorProblems(dep({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, { tier: 'web' }))).toHaveLength(1);
    expect(selectorProblems({ kind: 'ConfigMap' })).toEqual([]);
  });
});

describe('kube schema validators', () => {
  it('knows built-in kinds and not unknown ones', async () => {
    expect(await validateBuiltin({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { a: 'b' } })).toEqual([]);
    expect(await validateBuiltin({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { a: 1 } })).toEqual([{ path: 'data.a', message: 'must be string' }]);
    expect(await validateBuiltin({ apiVersion: 'nope/v1', kind: 'X' })).toBeNull();
    expect(await validateBuiltin({ apiVersion: '../../x', kind: 'Y' })).toBeNull();
  });

  it('ignores CRD versions without a schema', () => {
    const s = new CrdSchemas();
    s.add({ spec: { group: 'g.io', names: { kind: 'K' }, versions: [{ name: 'v1' }] } });
    expect(s.has('g.io/v1', 'K')).toBe(false);
  });
});

describe('packaged charts and repositories', () => {
  it('lints a package like its folder', async () => {
    const { packageChart } = await import('../../../src/package/save.js');
    const src = chart({ 'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n', 'templates/cm.yaml': CM('x', 'extra: 1\n') });
    const file = await packageChart({ chart: src, destination: mkdtempSync(join(tmpdir(), 'rel-lintpkg-')) });
    expect(await lines(file)).toEqual(await lines(src));
    expect(await lines(file)).toContain('[INFO] Chart.yaml: icon is recommended');
  });

  it('repo index skips hostile or broken packages with a warning', async () => {
    const { repoIndex, loadIndexFile } = await import('../../../src/repo/index.js');
    const { packageChart } = await import('../../../src/package/save.js');
    const dir = mkdtempSync(join(tmpdir(), 'rel-idx-'));
    await packageChart({ chart: chart({ 'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n' }), destination: dir });
    writeFileSync(join(dir, 'evil-1.0.0.tgz'), 'not gzip');
    const warnings: string[] = [];
    await repoIndex(dir, { warn: (w) => warnings.push(w) });
    const idx = await loadIndexFile(join(dir, 'index.yaml'));
    expect(Object.keys(idx.entries)).toEqual(['c']);
    expect(warnings.join('\n')).toMatch(/skipping evil-1\.0\.0\.tgz: not a valid chart package/);
  });
});
