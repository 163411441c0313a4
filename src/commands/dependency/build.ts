import { Args } from '@oclif/core';
import { RelCommand, commonFlags } from '../../cli/base.js';
import { buildDependencies } from '../../package/dependency.js';

export default class DependencyBuild extends RelCommand {
  static override description = `Rebuild charts/ from the versions pinned in Chart.lock.

Fails when Chart.lock is out of sync with Chart.yaml (run \`rel dependency update\`). Without a
Chart.lock it resolves the dependencies like \`rel dependency update\`.`;

  static override examples = ['<%= config.bin %> dependency build charts/shop'];

  static override args = {
    chart: Args.string({ description: 'Path of the chart folder.', required: true }),
  };

  static override flags = { ...commonFlags };

  async run(): Promise<void> {
    const { args } = await this.parse(DependencyBuild);
    await buildDependencies(args.chart, { log: (l) => this.log(l) });
  }
}
