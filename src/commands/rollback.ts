import { Args, Flags } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags } from '../cli/base.js';
import { kubeOptions, releaseContext } from '../actions/context.js';
import { rollback } from '../release/operations.js';
import { parseDuration } from '../cli/duration.js';

export default class Rollback extends RelCommand {
  static override description = 'Roll a release back to an earlier revision (default: the previous successful one). Records a new revision "Rollback to N", as helm does.';
  static override examples = ['<%= config.bin %> rollback shop', '<%= config.bin %> rollback shop 3 -n prod --wait'];
  static override args = {
    release: Args.string({ description: 'release name', required: true }),
    revision: Args.integer({ description: 'revision to go back to (default: the previous successful revision)' }),
  };
  static override flags = {
    ...commonFlags,
    ...clusterFlags,
    wait: Flags.boolean({ description: 'Wait until the restored resources are ready.', default: false }),
    timeout: Flags.string({ description: 'How long to wait (Go duration).', default: '5m' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Rollback);
    const ctx = releaseContext(kubeOptions(flags), (l) => process.stderr.write(`${l}\n`));
    const r = await rollback(ctx, { name: args.release, revision: args.revision, wait: flags.wait, timeoutMs: parseDuration(flags.timeout, '--timeout') });
    this.log(`Rollback was a success: "${args.release}" is at revision ${r.version} (${r.info.description})`);
  }
}
