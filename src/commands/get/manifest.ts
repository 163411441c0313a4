import { Args, Flags } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags } from '../../cli/base.js';
import { kubeOptions, releaseContext } from '../../actions/context.js';
import { getRevision } from '../../actions/inspect.js';

export default class GetManifest extends RelCommand {
  static override description = 'Print the manifest of a release revision (the rendered, non-hook objects).';
  static override examples = ['<%= config.bin %> get manifest shop', '<%= config.bin %> get manifest shop --revision 2'];
  static override args = { release: Args.string({ description: 'release name', required: true }) };
  static override flags = { ...commonFlags, ...clusterFlags, revision: Flags.integer({ description: 'Revision (default: newest).' }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(GetManifest);
    const r = await getRevision(releaseContext(kubeOptions(flags), () => {}), args.release, flags.revision);
    process.stdout.write(r.manifest ?? '');
  }
}
