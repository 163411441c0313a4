import { Flags } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags, outputFlag } from '../cli/base.js';
import { formatData, formatTime, table } from '../cli/output.js';
import { kubeOptions, releaseContext } from '../actions/context.js';
import { listReleases } from '../actions/inspect.js';
import { RELEASE_STATUSES } from '../storage/release.js';

export default class List extends RelCommand {
  static override description = 'List releases (rel and helm releases alike): the newest revision of each.';
  static override aliases = ['ls'];
  static override examples = ['<%= config.bin %> list -A', '<%= config.bin %> list --filter "^shop" --status failed', '<%= config.bin %> list -o json'];
  static override flags = {
    ...commonFlags,
    ...clusterFlags,
    ...outputFlag,
    'all-namespaces': Flags.boolean({ char: 'A', description: 'List releases in every namespace.', default: false }),
    filter: Flags.string({ description: 'Regular expression on release names.' }),
    status: Flags.string({
      description: 'Only releases whose newest revision has this status (repeatable). Default: deployed, failed and pending ones.',
      options: [...RELEASE_STATUSES],
      multiple: true, multipleNonGreedy: true,
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(List);
    const ctx = releaseContext(kubeOptions(flags), () => {}, flags['all-namespaces']);
    const rows = await listReleases(ctx, { filter: flags.filter, statuses: flags.status });
    if (flags.output !== 'table') return void process.stdout.write(formatData(rows, flags.output as 'json' | 'yaml'));
    process.stdout.write(
      table(
        ['NAME', 'NAMESPACE', 'REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION'],
        rows.map((r) => [r.name, r.namespace, String(r.revision), formatTime(r.updated), r.status, r.chart, r.appVersion]),
      ),
    );
  }
}
