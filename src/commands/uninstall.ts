import { Args, Flags } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags } from '../cli/base.js';
import { kubeOptions, releaseContext } from '../actions/context.js';
import { uninstall } from '../release/operations.js';
import { parseDuration } from '../cli/duration.js';

export default class Uninstall extends RelCommand {
  static override description = 'Uninstall a release: run its pre/post-delete hooks and delete its objects (resources annotated helm.sh/resource-policy: keep stay).';
  static override examples = ['<%= config.bin %> uninstall shop -n prod', '<%= config.bin %> uninstall shop --keep-history'];
  static override args = { release: Args.string({ description: 'release name', required: true }) };
  static override flags = {
    ...commonFlags,
    ...clusterFlags,
    'keep-history': Flags.boolean({ description: 'Keep the release records (status uninstalled), so rel/helm history still show them.', default: false }),
    timeout: Flags.string({ description: 'Time to wait for each hook (Go duration, e.g. 5m).', default: '5m' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Uninstall);
    const ctx = releaseContext(kubeOptions(flags), (l) => process.stderr.write(`${l}\n`));
    await uninstall(ctx, { name: args.release, keepHistory: flags['keep-history'], timeoutMs: parseDuration(flags.timeout, '--timeout') });
    this.log(`release "${args.release}" uninstalled`);
  }
}
