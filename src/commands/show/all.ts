import { Args } from '@oclif/core';
import { RelCommand, commonFlags } from '../../cli/base.js';
import { show } from '../../package/show.js';

export default class ShowAll extends RelCommand {
  static override description = `Show Chart.yaml, values.yaml, README and CRDs of a chart.

CHART is a chart folder or a packaged chart (.tgz). The output is the same as \`helm show all\`.`;

  static override examples = ['<%= config.bin %> show all charts/shop', '<%= config.bin %> show all dist/shop-1.2.0.tgz'];

  static override args = {
    chart: Args.string({ description: 'Chart folder or packaged chart (.tgz).', required: true }),
  };

  static override flags = { ...commonFlags };

  async run(): Promise<void> {
    const { args } = await this.parse(ShowAll);
    process.stdout.write(await show(args.chart, 'all'));
  }
}
