import { Args, Flags } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags } from '../../cli/base.js';
import { kubeOptions, releaseContext } from '../../actions/context.js';
import { getRevision } from '../../actions/inspect.js';

export default class GetHooks extends RelCommand {
  static override description = 'Print the hook manifests of a release revision.';
  static override examples = ['<%= config.bin %> get hooks shop'];
  static override args = { release: Args.string({ description: 'release name', required: true }) };
  static override flags = { ...commonFlags, ...clusterFlags, revision: Flags.integer({ description: 'Revision (default: newest).' }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(GetHooks);
    const r = await getRevision(releaseContext(kubeOptions(flags), () => {}), args.release, flags.revision);
    for (const h of r.hooks ?? []) process.stdout.write(`---\n# Source: ${h.path}\n${h.manifest}\n`);
  }
}
