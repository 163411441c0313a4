import { Args, Flags } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags } from '../cli/base.js';
import { controlRollout } from '../actions/control.js';

export default class Abort extends RelCommand {
  static override description = 'Abort a canary or blue-green release in progress: traffic back to the stable version at once, the new version removed, the revision recorded as failed. Takes over if the driving rel process died.';
  static override examples = ['<%= config.bin %> abort shop -n prod --reason "wrong image"'];
  static override args = { release: Args.string({ description: 'release name', required: true }) };
  static override flags = { ...commonFlags, ...clusterFlags, reason: Flags.string({ description: 'Why (recorded with the revision).' }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Abort);
    this.log(await controlRollout(args.release, 'abort', flags, (l) => process.stderr.write(`${l}\n`), flags.reason));
  }
}
