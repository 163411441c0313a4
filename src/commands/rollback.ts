import { Args, Flags } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags } from '../cli/base.js';
import { kubeOptions, releaseContext } from '../actions/context.js';
import { rollback } from '../release/operations.js';
import { parseDuration } from '../cli/duration.js';
import { gateWindow, projectWindows } from '../actions/window-gate.js';

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
    env: Flags.string({ char: 'e', description: 'Environment from rel.yaml whose maintenance windows apply (rollbacks are allowed outside windows unless its policy says rollback: window).' }),
    force: Flags.boolean({ description: 'Roll back outside the window (needs --reason).' }),
    reason: Flags.string({ description: 'Why --force was used (recorded with the revision).' }),
    'wait-for-window': Flags.boolean({ description: 'Wait for the window to open, then roll back.' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Rollback);
    const log = (l: string) => process.stderr.write(`${l}\n`);
    const forced = await gateWindow('rollback', projectWindows(args.release, flags.env), flags, log);
    const ctx = releaseContext(kubeOptions(flags), log);
    const r = await rollback(ctx, {
      name: args.release,
      revision: args.revision,
      wait: flags.wait,
      timeoutMs: parseDuration(flags.timeout, '--timeout'),
      extra: { trigger: { via: 'rollback', reason: forced, forced: forced !== undefined } },
    });
    this.log(`Rollback was a success: "${args.release}" is at revision ${r.version} (${r.info.description})`);
  }
}
