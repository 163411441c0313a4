import { Args, Flags } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags } from '../../cli/base.js';
import { kubeOptions, releaseContext } from '../../actions/context.js';
import { getRevision } from '../../actions/inspect.js';

export default class GetNotes extends RelCommand {
  static override description = 'Print the rendered NOTES.txt of a release revision.';
  static override examples = ['<%= config.bin %> get notes shop'];
  static override args = { release: Args.string({ description: 'release name', required: true }) };
  static override flags = { ...commonFlags, ...clusterFlags, revision: Flags.integer({ description: 'Revision (default: newest).' }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(GetNotes);
    const r = await getRevision(releaseContext(kubeOptions(flags), () => {}), args.release, flags.revision);
    process.stdout.write(r.info.notes ? `NOTES:\n${r.info.notes}\n` : '');
  }
}
