import { Args } from '@oclif/core';
import { RelCommand, commonFlags } from '../../cli/base.js';
import { show } from '../../package/show.js';

export default class ShowCrds extends RelCommand {
  static override description = `Show the chart's CRDs (crds/ of the chart and its subcharts).

CHART is a chart folder or a packaged chart (.tgz). The output is the same as \`helm show crds\`.`;

  static override examples = ['<%= config.bin %> show crds charts/shop', '<%= config.bin %> show crds dist/shop-1.2.0.tgz'];

  static override args = {
    chart: Args.string({ description: 'Chart folder or packaged chart (.tgz).', required: true }),
  };

  static override flags = { ...commonFlags };

  async run(): Promise<void> {
    const { args } = await this.parse(ShowCrds);
    process.stdout.write(await show(args.chart, 'crds'));
  }
}
