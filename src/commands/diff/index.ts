import { Args, Flags } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags, useColor } from '../../cli/base.js';
import { ExitCode } from '../../cli/exit-codes.js';
import { kubeOptions, releaseContext } from '../../actions/context.js';
import { diffManifests } from '../../actions/diff.js';
import { renderRelease } from '../../actions/render-release.js';

export const diffFlags = {
  'show-secrets': Flags.boolean({ description: 'Show Secret values instead of masking them.', default: false }),
  'detailed-exitcode': Flags.boolean({ description: 'Exit 2 when there are changes (0 when none), for CI.', default: false }),
  context: Flags.integer({ char: 'C', description: 'Lines of context around each change.', default: 5 }),
};

export default class Diff extends RelCommand {
  static override description = 'Show what deploying CHART would change in a release: a unified diff per object (Secret data masked). Also: `rel diff rollback`, `rel diff revision`.';
  static override examples = [
    '<%= config.bin %> diff shop ./charts/shop -n prod -f values/prod.yaml',
    '<%= config.bin %> diff shop ./charts/shop --set image.tag=2.0 --detailed-exitcode',
  ];
  static override args = {
    release: Args.string({ description: 'release name', required: true }),
    chart: Args.string({ description: 'chart folder or .tgz', required: true }),
  };
  static override flags = {
    ...commonFlags,
    ...clusterFlags,
    ...diffFlags,
    values: Flags.string({ char: 'f', description: 'Values file (repeatable).', multiple: true, multipleNonGreedy: true }),
    set: Flags.string({ description: 'Set a value (repeatable).', multiple: true, multipleNonGreedy: true }),
    'set-string': Flags.string({ description: 'Set a string value (repeatable).', multiple: true, multipleNonGreedy: true }),
    'set-file': Flags.string({ description: 'Set a value from a file (repeatable).', multiple: true, multipleNonGreedy: true }),
    'set-json': Flags.string({ description: 'Set a JSON value (repeatable).', multiple: true, multipleNonGreedy: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Diff);
    const ctx = releaseContext(kubeOptions(flags), () => {});
    const history = await ctx.storage.history(args.release);
    const current = [...history].reverse().find((r) => r.info.status === 'deployed');
    const rendered = await renderRelease({
      releaseName: args.release,
      namespace: ctx.namespace,
      chart: args.chart,
      values: { valueFiles: flags.values, set: flags.set, setString: flags['set-string'], setFile: flags['set-file'], setJson: flags['set-json'] },
      revision: (history[history.length - 1]?.version ?? 0) + 1,
      isInstall: !current,
      isUpgrade: Boolean(current),
      kube: ctx.kube,
    });
    const r = diffManifests(current?.manifest ?? '', rendered.manifest, {
      namespace: ctx.namespace,
      showSecrets: flags['show-secrets'],
      color: useColor(flags['no-color']),
      context: flags.context,
    });
    process.stdout.write(r.text || 'no changes\n');
    if (flags['detailed-exitcode'] && r.changed) this.exit(ExitCode.USAGE);
  }
}
