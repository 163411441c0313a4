import { Args, Flags } from '@oclif/core';
import { RelCommand, commonFlags } from '../../../cli/base.js';
import { repoIndex } from '../../../repo/index.js';

export default class RepoIndex extends RelCommand {
  static override description = `Write index.yaml for a folder of chart packages (a Helm chart repository).

Reads every *.tgz in DIR and its direct subfolders, and writes DIR/index.yaml the way
\`helm repo index\` does: apiVersion v1, one entry per chart version (newest first) with its
Chart.yaml fields, urls, created time and sha256 digest. Serve DIR over HTTP and helm can
\`helm repo add\` it.`;

  static override examples = [
    '<%= config.bin %> repo index dist/',
    '<%= config.bin %> repo index dist/ --url https://charts.example.com/stable',
    '<%= config.bin %> repo index dist/ --merge old/index.yaml',
  ];

  static override args = {
    dir: Args.string({ description: 'Folder holding the chart packages.', required: true }),
  };

  static override flags = {
    ...commonFlags,
    url: Flags.string({ description: 'URL of the repository; package URLs become URL/NAME-VERSION.tgz.' }),
    merge: Flags.string({ description: 'Merge the generated index with this existing index file (its other versions are kept).' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(RepoIndex);
    const out = await repoIndex(args.dir, { url: flags.url, merge: flags.merge, warn: (m) => this.warn(m) });
    this.log(`wrote ${out}`);
  }
}
