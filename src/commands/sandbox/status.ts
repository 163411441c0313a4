import { Flags } from '@oclif/core';
import { RelCommand, commonFlags, outputFlag } from '../../cli/base.js';
import { ExitCode } from '../../cli/exit-codes.js';
import { defaultStateDir, sandboxStatus } from '../../sandbox/run.js';

export default class SandboxStatus extends RelCommand {
  static override summary = 'Tell whether the background sandbox runs, and where.';
  static override description = 'Exits 0 when the sandbox runs and answers, 1 otherwise.';
  static override examples = ['<%= config.bin %> sandbox status', '<%= config.bin %> sandbox status -o json'];
  static override flags = {
    ...commonFlags,
    ...outputFlag,
    'state-dir': Flags.string({ description: 'State directory (default: $REL_SANDBOX_DIR or ~/.rel/sandbox).' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(SandboxStatus);
    const st = await sandboxStatus(flags['state-dir'] ?? defaultStateDir());
    if (flags.output === 'json') this.log(JSON.stringify(st, null, 2));
    else if (flags.output === 'yaml') this.log((await import('yaml')).stringify(st));
    else if (st.running) {
      this.log(`rel sandbox is running (pid ${st.pid}) on ${st.url}, since ${st.startedAt}`);
      if (st.kubeconfig) this.log(`kubeconfig: ${st.kubeconfig}`);
      if (st.prometheusUrl) this.log(`Prometheus: ${st.prometheusUrl}`);
    } else this.log(`rel sandbox is not running (state directory ${st.stateDir}); start it with "rel sandbox up"`);
    if (!st.running) this.exit(ExitCode.ERROR);
  }
}
