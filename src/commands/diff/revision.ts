import { Args } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags, useColor } from '../../cli/base.js';
import { ExitCode } from '../../cli/exit-codes.js';
import { kubeOptions, releaseContext } from '../../actions/context.js';
import { getRevision } from '../../actions/inspect.js';
import { diffManifests } from '../../actions/diff.js';
import { diffFlags } from './index.js';

export default class DiffRevision extends RelCommand {
  static override description = 'Show the differences between two revisions of a release.';
  static override examples = ['<%= config.bin %> diff revision shop 2 3'];
  static override args = {
    release: Args.string({ description: 'release name', required: true }),
    from: Args.integer({ description: 'older revision', required: true }),
    to: Args.integer({ description: 'newer revision', required: true }),
  };
  static override flags = { ...commonFlags, ...clusterFlags, ...diffFlags };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(DiffRevision);
    const ctx = releaseContext(kubeOptions(flags), () => {});
    const a = await getRevision(ctx, args.release, args.from);
    const b = await getRevision(ctx, args.release, args.to);
    const r = diffManifests(a.manifest ?? '', b.manifest ?? '', { namespace: ctx.namespace, showSecrets: flags['show-secrets'], color: useColor(flags['no-color']), context: flags.context });
    process.stdout.write(r.text || 'no changes\n');
    if (flags['detailed-exitcode'] && r.changed) this.exit(ExitCode.USAGE);
  }
}
