import { Command } from '@oclif/core';
import { versionInfo } from '../version.js';

export default class Version extends Command {
  static override description = 'Print the rel version, and the Helm and Kubernetes versions it is compatible with.';
  static override examples = ['<%= config.bin %> version'];

  async run(): Promise<void> {
    await this.parse(Version);
    const v = versionInfo();
    this.log(`rel ${v.version} (helm-compatible ${v.helmVersion}, kube ${v.kubeVersion}, node ${process.version})`);
  }
}
