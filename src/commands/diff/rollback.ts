import { Args } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags, useColor } from '../../cli/base.js';
import { ExitCode } from '../../cli/exit-codes.js';
import { UserError } from '../../cli/errors.js';
import { kubeOptions, releaseContext } from '../../actions/context.js';
import { diffManifests } from '../../actions/diff.js';
import { diffFlags } from './index.js';

export default class DiffRollback extends RelCommand {
  static override description = 'Show what `rel rollback RELEASE [REVISION]` would change (default: back to the previous successful revision).';
  static override examples = ['<%= config.bin %> diff rollback shop', '<%= config.bin %> diff rollback shop 3 --show-secrets'];
  static override args = {
    release: Args.string({ description: 'release name', required: true }),
    revision: Args.integer({ description: 'revision to roll back to' }),
  };
  static override flags = { ...commonFlags, ...clusterFlags, ...diffFlags };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(DiffRollback);
    const ctx = releaseContext(kubeOptions(flags), () => {});
    const history = await ctx.storage.history(args.release);
    if (!history.length) throw new UserError(`release "${args.release}" not found in namespace ${ctx.namespace}`);
    const current = [...history].reverse().find((r) => r.info.status === 'deployed') ?? history[history.length - 1]!;
    const target =
      args.revision !== undefined
        ? history.find((r) => r.version === args.revision)
        : [...history].reverse().find((r) => r.version < current.version && (r.info.status === 'superseded' || r.info.status === 'deployed'));
    if (!target) throw new UserError(args.revision !== undefined ? `release "${args.release}" has no revision ${args.revision}` : `release "${args.release}" has no earlier successful revision`);
    const r = diffManifests(current.manifest ?? '', target.manifest ?? '', { namespace: ctx.namespace, showSecrets: flags['show-secrets'], color: useColor(flags['no-color']), context: flags.context });
    process.stdout.write(r.text || 'no changes\n');
    if (flags['detailed-exitcode'] && r.changed) this.exit(ExitCode.USAGE);
  }
}
