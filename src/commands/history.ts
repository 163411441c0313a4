import { Args, Flags } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags, outputFlag } from '../cli/base.js';
import { formatData, formatTime, table } from '../cli/output.js';
import { kubeOptions, releaseContext } from '../actions/context.js';
import { history } from '../actions/inspect.js';

export default class History extends RelCommand {
  static override description = 'Show the revisions of a release (same records helm history reads).';
  static override examples = ['<%= config.bin %> history shop -n prod', '<%= config.bin %> history shop -o json'];
  static override args = { release: Args.string({ description: 'release name', required: true }) };
  static override flags = {
    ...commonFlags,
    ...clusterFlags,
    ...outputFlag,
    max: Flags.integer({ description: 'Maximum number of revisions to show.', default: 256 }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(History);
    const ctx = releaseContext(kubeOptions(flags), () => {});
    const rows = await history(ctx, args.release, flags.max);
    if (flags.output !== 'table') return void process.stdout.write(formatData(rows, flags.output as 'json' | 'yaml'));
    process.stdout.write(
      table(
        ['REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION'],
        rows.map((r) => [String(r.revision), formatTime(r.updated), r.status, r.chart, r.appVersion, r.description]),
      ),
    );
  }
}
