import { Args } from '@oclif/core';
import { RelCommand, commonFlags } from '../../cli/base.js';
import { show } from '../../package/show.js';

export default class ShowReadme extends RelCommand {
  static override description = `Show the chart's README.

CHART is a chart folder or a packaged chart (.tgz). The output is the same as \`helm show readme\`.`;

  static override examples = ['<%= config.bin %> show readme charts/shop', '<%= config.bin %> show readme dist/shop-1.2.0.tgz'];

  static override args = {
    chart: Args.string({ description: 'Chart folder or packaged chart (.tgz).', required: true }),
  };

  static override flags = { ...commonFlags };

  async run(): Promise<void> {
    const { args } = await this.parse(ShowReadme);
    process.stdout.write(await show(args.chart, 'readme'));
  }
}
