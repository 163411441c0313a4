import { Args, Flags } from '@oclif/core';
import { RelCommand, commonFlags } from '../cli/base.js';
import { outputBytes } from '../engine/bytes.js';
import { NO_EFFECT_BOOLEANS, NO_EFFECT_MULTIPLE, NO_EFFECT_STRINGS, helmTemplateArgv, templateInput } from '../actions/template-flags.js';

const NO_EFFECT = 'Accepted for helm compatibility; no effect on the output.';
const helmCompatFlags = {
  ...Object.fromEntries(NO_EFFECT_BOOLEANS.map((n) => [n, Flags.boolean({ description: NO_EFFECT, helpGroup: 'HELM COMPATIBILITY', default: false })])),
  ...Object.fromEntries(NO_EFFECT_STRINGS.map((n) => [n, Flags.string({ description: NO_EFFECT, helpGroup: 'HELM COMPATIBILITY' })])),
  ...Object.fromEntries(NO_EFFECT_MULTIPLE.map((n) => [n, Flags.string({ description: NO_EFFECT, helpGroup: 'HELM COMPATIBILITY', multiple: true, multipleNonGreedy: true })])),
  'dry-run': Flags.string({ description: 'client (the default; bare --dry-run too) or none; server is refused: rel template never contacts a cluster.', helpGroup: 'HELM COMPATIBILITY' }),
  'enable-dns': Flags.boolean({ description: 'Let getHostByName resolve names (otherwise it returns "", like helm).', default: false }),
  'ca-file': Flags.string({ description: 'Accepted for helm compatibility; must exist, as helm checks.', helpGroup: 'HELM COMPATIBILITY' }),
  'post-renderer': Flags.string({ description: 'Refused: rel runs no post-renderer plugins (pipe the output instead).', helpGroup: 'HELM COMPATIBILITY' }),
  repo: Flags.string({ description: 'Refused: rel template renders local charts (folder or .tgz).', helpGroup: 'HELM COMPATIBILITY' }),
  verify: Flags.boolean({ description: 'Refused: rel does not check provenance files.', helpGroup: 'HELM COMPATIBILITY', default: false }),
  validate: Flags.boolean({ description: 'Refused (deprecated in helm for --dry-run=server): rel template never contacts a cluster.', hidden: true, default: false }),
};

export default class Template extends RelCommand {
  static override description =
    'Render a chart locally and print the manifests, exactly like `helm template` (Go templates and .hbs Handlebars templates).\n\n' +
    'A run hands its work to a render server when one is running (a background process that keeps the engine loaded; same output and exit code), ' +
    'and otherwise renders itself and starts one, which exits after REL_RENDER_SERVER_IDLE seconds (default 600) without a request. ' +
    'REL_RENDER_SERVER=0 never uses or starts one. See "Start-up and the render server" in the README.';
  static override examples = [
    '<%= config.bin %> template my-release ./mychart',
    '<%= config.bin %> template ./mychart-1.0.0.tgz -f prod.yaml --set image.tag=v2',
    '<%= config.bin %> template web ./chart -s templates/deployment.yaml --kube-version 1.30.0',
  ];
  static override strict = false;
  static override args = {
    name: Args.string({ description: 'release name (default "release-name"); omit to pass only CHART', ignoreStdin: true }),
    chart: Args.string({ description: 'chart directory or packaged .tgz', ignoreStdin: true }),
  };
  static override flags = {
    ...commonFlags,
    values: Flags.string({ char: 'f', description: 'Values file (repeatable; later files win).', multiple: true, multipleNonGreedy: true, delimiter: ',' }),
    set: Flags.string({ description: 'Set values on the command line (a.b=x,c=y; repeatable).', multiple: true, multipleNonGreedy: true }),
    'set-string': Flags.string({ description: 'Set STRING values on the command line (repeatable).', multiple: true, multipleNonGreedy: true }),
    'set-file': Flags.string({ description: 'Set values from files (key=path; repeatable).', multiple: true, multipleNonGreedy: true }),
    'set-json': Flags.string({ description: 'Set JSON values on the command line (key=json; repeatable).', multiple: true, multipleNonGreedy: true }),
    'set-literal': Flags.string({ description: 'Set a literal STRING value (repeatable).', multiple: true, multipleNonGreedy: true }),
    namespace: Flags.string({ char: 'n', description: 'Namespace for the release (default "default").', env: 'HELM_NAMESPACE' }),
    'kube-version': Flags.string({ description: 'Kubernetes version used for Capabilities.KubeVersion (default v1.35.0).' }),
    'api-versions': Flags.string({ char: 'a', description: 'Extra Kubernetes API versions for Capabilities.APIVersions (repeatable, comma-separated).', multiple: true, multipleNonGreedy: true, delimiter: ',' }),
    'include-crds': Flags.boolean({ description: 'Include CRDs from crds/ in the output.', default: false }),
    'skip-crds': Flags.boolean({ description: 'Accepted for helm compatibility (CRDs are only output with --include-crds).', default: false }),
    'skip-tests': Flags.boolean({ description: 'Leave out test hooks.', default: false }),
    'no-hooks': Flags.boolean({ description: 'Leave out hooks.', default: false }),
    'show-only': Flags.string({ char: 's', description: 'Only show manifests rendered from these templates (glob, repeatable).', multiple: true, multipleNonGreedy: true }),
    'output-dir': Flags.string({ description: 'Write each template to a file under this directory instead of stdout.' }),
    'release-name': Flags.boolean({ description: 'With --output-dir, put files under a directory named after the release.', default: false }),
    'is-upgrade': Flags.boolean({ description: 'Set .Release.IsUpgrade instead of .Release.IsInstall.', default: false }),
    'name-template': Flags.string({ description: 'Template for the release name.' }),
    'generate-name': Flags.boolean({ char: 'g', description: 'Generate the release name (helm template keeps "release-name").', default: false }),
    'skip-schema-validation': Flags.boolean({ description: 'Do not validate values against values.schema.json.', default: false }),
    ...helmCompatFlags,
  };

  async run(): Promise<void> {
    const fail = (msg: string): void => {
      process.stderr.write(`Error: ${msg}\n`);
      process.exitCode = 1;
    };
    const helmArgv = helmTemplateArgv(this.argv);
    this.argv = helmArgv.argv;
    let parsed;
    try {
      parsed = await this.parse(Template);
    } catch (e) {
      // The arguments were looked at (oclif would otherwise warn that they were not parsed).
      (this as unknown as { parsed: boolean }).parsed = true;
      // helm's (cobra's) wording for flag errors, exit code 1.
      const msg = e instanceof Error ? e.message : String(e);
      const unknown = /Nonexistent flags?: (\S+)/.exec(msg);
      if (unknown) return fail(`unknown flag: ${unknown[1]!.replace(/,$/, '')}`);
      const needs = /Flag --(\S+) expects a value/.exec(msg);
      if (needs) return fail(`flag needs an argument: --${needs[1]}`);
      return fail(msg.split('\n')[0]!);
    }
    const { argv, flags } = parsed;
    if (helmArgv.warnings) process.stderr.write(helmArgv.warnings);
    const input = templateInput(argv as string[], flags as Record<string, string | boolean | string[] | undefined>);
    if ('error' in input) return fail(input.error);
    const { runTemplate } = await import('../actions/template.js');
    const res = await runTemplate(input.options);
    // Go strings may hold bytes that are not UTF-8 (kept as escapes, engine/bytes.ts): write them raw
    if (res.stderr) process.stderr.write(outputBytes(res.stderr));
    if (res.stdout) process.stdout.write(outputBytes(res.stdout));
    if (res.error) fail(res.error.message);
  }
}
