import { Flags } from '@oclif/core';
import { RelCommand, commonFlags } from '../../cli/base.js';
import { defaultStateDir, sandboxDown } from '../../sandbox/run.js';

export default class SandboxDown extends RelCommand {
  static override summary = 'Stop the background sandbox and remove its kubeconfig context.';
  static override examples = ['<%= config.bin %> sandbox down'];
  static override flags = {
    ...commonFlags,
    'state-dir': Flags.string({ description: 'State directory (default: $REL_SANDBOX_DIR or ~/.rel/sandbox).' }),
    kubeconfig: Flags.string({ description: 'Kubeconfig to remove the context from (default: the one `up` wrote).' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(SandboxDown);
    const stopped = await sandboxDown(flags['state-dir'] ?? defaultStateDir(), flags.kubeconfig);
    this.log(stopped ? 'rel sandbox stopped' : 'rel sandbox was not running');
  }
}
