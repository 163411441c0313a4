import { Args, Flags } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags, outputFlag } from '../cli/base.js';
import { formatData } from '../cli/output.js';
import { kubeOptions, releaseContext } from '../actions/context.js';
import { renderStatus, status } from '../actions/inspect.js';

export default class Status extends RelCommand {
  static override description = 'Show a release: its revision, the readiness of each resource, the last rollout and its analysis, and the notes.';
  static override examples = ['<%= config.bin %> status shop -n prod', '<%= config.bin %> status shop --revision 3 -o yaml'];
  static override args = { release: Args.string({ description: 'release name', required: true }) };
  static override flags = {
    ...commonFlags,
    ...clusterFlags,
    ...outputFlag,
    revision: Flags.integer({ description: 'Show this revision instead of the newest.' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Status);
    const ctx = releaseContext(kubeOptions(flags), () => {});
    const report = await status(ctx, args.release, flags.revision);
    process.stdout.write(flags.output === 'table' ? renderStatus(report) : formatData(report, flags.output as 'json' | 'yaml'));
  }
}
