import { Args } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags } from '../cli/base.js';
import { kubeOptions, releaseContext } from '../actions/context.js';
import { recover } from '../release/operations.js';

export default class Recover extends RelCommand {
  static override description = 'Unlock a release left pending by a process that died (killed, CI job cancelled): marks the pending revision failed so deploy or rollback can run.';
  static override examples = ['<%= config.bin %> recover shop -n prod'];
  static override args = { release: Args.string({ description: 'release name', required: true }) };
  static override flags = { ...commonFlags, ...clusterFlags };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Recover);
    const r = await recover(releaseContext(kubeOptions(flags), () => {}), args.release);
    this.log(r ? `revision ${r.version} of "${args.release}" marked failed; the release can be deployed or rolled back now` : `release "${args.release}" has no pending operation; nothing to do`);
  }
}
