import { Args, Flags } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags } from '../cli/base.js';
import { controlRollout } from '../actions/control.js';
import { gateWindow, projectWindows } from '../actions/window-gate.js';

export default class Promote extends RelCommand {
  static override description = 'Promote a release in progress: past a manual gate (or, with --full, skip the remaining steps). If the rel process driving it died, this process takes over and finishes it.';
  static override examples = ['<%= config.bin %> promote shop -n prod', '<%= config.bin %> promote shop --full'];
  static override args = { release: Args.string({ description: 'release name', required: true }) };
  static override flags = {
    ...commonFlags,
    ...clusterFlags,
    full: Flags.boolean({ description: 'Skip the remaining steps and analysis.', default: false }),
    env: Flags.string({ char: 'e', description: 'Environment from rel.yaml whose maintenance windows apply.' }),
    force: Flags.boolean({ description: 'Promote outside the window (needs --reason).' }),
    reason: Flags.string({ description: 'Why --force was used.' }),
    'wait-for-window': Flags.boolean({ description: 'Wait for the window to open, then promote.' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Promote);
    await gateWindow('promote', projectWindows(args.release, flags.env), flags, (l) => process.stderr.write(`${l}\n`));
    this.log(await controlRollout(args.release, flags.full ? 'promote-full' : 'promote', flags, (l) => process.stderr.write(`${l}\n`)));
  }
}
