import { Args } from '@oclif/core';
import { RelCommand, commonFlags } from '../../cli/base.js';
import { updateDependencies } from '../../package/dependency.js';

export default class DependencyUpdate extends RelCommand {
  static override description = `Resolve the dependencies in Chart.yaml, package them into charts/ and write Chart.lock.

Repositories: "file://../other-chart" (a chart folder, packaged into charts/NAME-VERSION.tgz),
"file://../repo" (a folder with index.yaml and packages), an http(s) chart repository URL (its
index.yaml is read; no \`repo add\` needed), or empty (an unpacked subchart in charts/NAME).
The newest version matching the constraint is used and its sha256 digest checked.
Chart.lock is compatible with helm (same digest); it is left untouched when nothing changed.`;

  static override examples = ['<%= config.bin %> dependency update charts/shop', '<%= config.bin %> dependency list charts/shop'];

  static override args = {
    chart: Args.string({ description: 'Path of the chart folder.', required: true }),
  };

  static override flags = { ...commonFlags };

  async run(): Promise<void> {
    const { args } = await this.parse(DependencyUpdate);
    const r = await updateDependencies(args.chart, { log: (l) => this.log(l) });
    if (r.lockWritten) this.log(`Wrote ${args.chart}/Chart.lock`);
  }
}
