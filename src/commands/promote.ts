import { Args, Flags } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags } from '../cli/base.js';
import { controlRollout } from '../actions/control.js';

export default class Promote extends RelCommand {
  static override description = 'Promote a release in progress: past a manual gate (or, with --full, skip the remaining steps). If the rel process driving it died, this process takes over and finishes it.';
  static override examples = ['<%= config.bin %> promote shop -n prod', '<%= config.bin %> promote shop --full'];
  static override args = { release: Args.string({ description: 'release name', required: true }) };
  static override flags = {
    ...commonFlags,
    ...clusterFlags,
    full: Flags.boolean({ description: 'Skip the remaining steps and analysis.', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Promote);
    this.log(await controlRollout(args.release, flags.full ? 'promote-full' : 'promote', flags, (l) => process.stderr.write(`${l}\n`)));
  }
}
