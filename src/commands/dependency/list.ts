import { Args } from '@oclif/core';
import { RelCommand, commonFlags, outputFlag } from '../../cli/base.js';
import { formatData, table } from '../../cli/output.js';
import { listDependencies } from '../../package/dependency.js';

export default class DependencyList extends RelCommand {
  static override description = `List the dependencies of a chart and whether charts/ holds them.

STATUS is ok (a matching package is in charts/), unpacked (a matching folder is in charts/),
missing, wrong version (the version does not satisfy the constraint in Chart.yaml), misnamed,
corrupt (cannot be loaded) or too many matches.`;

  static override examples = ['<%= config.bin %> dependency list charts/shop', '<%= config.bin %> dependency list charts/shop -o json'];

  static override args = {
    chart: Args.string({ description: 'Path of the chart folder.', required: true }),
  };

  static override flags = { ...commonFlags, ...outputFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(DependencyList);
    const { deps, unmanaged } = await listDependencies(args.chart);
    if (flags.output === 'json' || flags.output === 'yaml') {
      process.stdout.write(formatData(deps, flags.output));
      return;
    }
    if (deps.length === 0) {
      this.log(`WARNING: no dependencies at ${args.chart}/charts`);
    } else {
      process.stdout.write(table(['NAME', 'VERSION', 'REPOSITORY', 'STATUS'], deps.map((d) => [d.name, d.version, d.repository, d.status])));
    }
    for (const n of unmanaged) this.warn(`${n} is in charts/ but not listed in Chart.yaml`);
  }
}
