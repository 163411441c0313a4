import { Args, Flags } from '@oclif/core';
import { RelCommand, commonFlags } from '../cli/base.js';
import { packageChart } from '../package/save.js';

export default class Package extends RelCommand {
  static override description = `Package a chart folder into a Helm-compatible NAME-VERSION.tgz.

The archive has helm's layout (top folder named after the chart, Chart.yaml re-written from its
metadata, values.yaml as written, subcharts under charts/, files listed in .helmignore left out)
and the same bytes for the same input: entries have fixed owners, modes and times
($SOURCE_DATE_EPOCH, else 1970-01-01). helm reads it (helm show chart, helm template, helm install).
A chart that fails to load is refused and nothing is written.`;

  static override examples = [
    '<%= config.bin %> package charts/shop',
    '<%= config.bin %> package charts/shop --version 1.4.0 --app-version 2.7.1 --destination dist/',
    '<%= config.bin %> package charts/shop --dependency-update',
    '<%= config.bin %> package charts/shop charts/cart -d dist/',
  ];

  static override args = {
    chart: Args.string({ description: 'Path of the chart folder (several may be given).', required: true }),
  };

  static override strict = false;

  static override flags = {
    ...commonFlags,
    version: Flags.string({ description: 'Set the chart version (semver) in the package.' }),
    'app-version': Flags.string({ description: 'Set the appVersion in the package.' }),
    destination: Flags.string({ char: 'd', description: 'Folder to write the package to.', default: '.' }),
    'dependency-update': Flags.boolean({ char: 'u', description: 'Run `rel dependency update` before packaging.', default: false }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Package);
    for (const chart of argv as string[]) {
      const path = await packageChart({
        chart,
        version: flags.version,
        appVersion: flags['app-version'],
        destination: flags.destination,
        dependencyUpdate: flags['dependency-update'],
        log: (l) => this.log(l),
      });
      this.log(`Successfully packaged chart and saved it to: ${path}`);
    }
  }
}
