import { Args, Flags } from '@oclif/core';
import { RelCommand, commonFlags } from '../cli/base.js';
import { UserError } from '../cli/errors.js';
import { formatRun, lintRuns } from '../lint/lint.js';

export default class Lint extends RelCommand {
  static override description = `Check a chart for problems, like helm lint, and validate every rendered object against the Kubernetes API schemas.

Checks Chart.yaml (required fields, semver version, apiVersion, icon, maintainers), values.yaml and
values.schema.json, renders the templates and checks each document (YAML, object names,
deprecated APIs, selectors), then validates each object against the Kubernetes schema of its
kind (custom resources against the CRDs the chart ships). Each message names the file and the
object. With --env (repeatable) or --all-envs the chart is linted once per environment of
rel.yaml, with that environment's values files. Without CHART, the charts of all releases in
rel.yaml are linted. Exit code 1 when a chart fails (ERROR, or
WARNING with --strict). --strict means what it means to helm 4 (warnings fail);
--strict-values also renders with missingkey=error, so a template that reads a
value nobody set is an ERROR that names the file, line and key.`;

  static override examples = [
    '<%= config.bin %> lint charts/shop',
    '<%= config.bin %> lint charts/shop --env prod',
    '<%= config.bin %> lint charts/shop --all-envs --strict',
    '<%= config.bin %> lint charts/shop --strict-values  # fail on .Values.x that no values file sets',
    '<%= config.bin %> lint --all-envs        # every release of rel.yaml, every environment',
    '<%= config.bin %> lint charts/shop -f my-values.yaml --set replicaCount=3',
    '<%= config.bin %> lint charts/shop charts/cart',
  ];

  static override args = {
    chart: Args.string({ description: 'Chart folder or packaged chart (.tgz); several may be given. Default: the chart of every release in rel.yaml.', required: false }),
  };

  static override strict = false;

  static override flags = {
    ...commonFlags,
    env: Flags.string({ char: 'e', description: 'Environment of rel.yaml whose values are used (repeatable).', multiple: true, multipleNonGreedy: true }),
    'all-envs': Flags.boolean({ description: 'Lint once for every environment of rel.yaml.', default: false, exclusive: ['env'] }),
    values: Flags.string({ char: 'f', description: 'Values file (repeatable; later files win).', multiple: true, multipleNonGreedy: true }),
    set: Flags.string({ description: 'Set a value, key=value (repeatable).', multiple: true, multipleNonGreedy: true }),
    'set-string': Flags.string({ description: 'Set a string value, key=value (repeatable).', multiple: true, multipleNonGreedy: true }),
    'set-json': Flags.string({ description: 'Set a JSON value, key=json (repeatable).', multiple: true, multipleNonGreedy: true }),
    'set-file': Flags.string({ description: 'Set a value from a file, key=path (repeatable).', multiple: true, multipleNonGreedy: true }),
    'with-subcharts': Flags.boolean({ description: 'Lint the charts in charts/ too (with their own values).', default: false }),
    strict: Flags.boolean({ description: 'Fail on warnings too (like helm lint --strict).', default: false }),
    'strict-values': Flags.boolean({ description: 'Render with missingkey=error: reading a value that is not set is an error (not a helm check).', default: false }),
    'kube-version': Flags.string({ description: 'Kubernetes version used for .Capabilities.KubeVersion.' }),
    namespace: Flags.string({ char: 'n', description: 'Namespace used for .Release.Namespace.' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Lint);
    const charts = (argv as string[]).length > 0 ? (argv as string[]) : [undefined];
    const runs = [];
    for (const chart of charts) runs.push(...(await lintRuns(chart, {
      envs: flags.env,
      allEnvs: flags['all-envs'],
      valueFiles: flags.values,
      set: flags.set,
      setString: flags['set-string'],
      setJson: flags['set-json'],
      setFile: flags['set-file'],
      strict: flags.strict,
      strictValues: flags['strict-values'],
      kubeVersion: flags['kube-version'],
      namespace: flags.namespace,
      withSubcharts: flags['with-subcharts'],
    })));
    for (const r of runs) process.stdout.write(formatRun(r));
    const failed = runs.filter((r) => r.failed).length;
    const summary = `${runs.length} chart(s) linted, ${failed} chart(s) failed`;
    if (failed > 0) throw new UserError(summary);
    this.log(summary);
  }
}
