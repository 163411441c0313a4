import { Flags } from '@oclif/core';
import { RelCommand, commonFlags } from '../../cli/base.js';
import { UserError } from '../../cli/errors.js';
import { CONTEXT_NAME, defaultKubeconfig, defaultStateDir, sandboxUp } from '../../sandbox/run.js';

export default class SandboxUp extends RelCommand {
  static override summary = 'Start the sandbox in the background and point a kubeconfig context "rel-sandbox" at it.';
  static override description = `Runs "rel sandbox serve" in the background (pid, state and log in the state directory, by default
$REL_SANDBOX_DIR or ~/.rel/sandbox) and writes the context "${CONTEXT_NAME}" into the kubeconfig (the first
$KUBECONFIG entry or ~/.kube/config), making it current. Objects persist in the state directory across restarts.`;

  static override examples = ['<%= config.bin %> sandbox up', '<%= config.bin %> sandbox up --prometheus && kubectl get nodes'];

  static override flags = {
    ...commonFlags,
    port: Flags.integer({ description: 'Port on 127.0.0.1 (0: a free port).', default: 0 }),
    'state-dir': Flags.string({ description: 'State directory (default: $REL_SANDBOX_DIR or ~/.rel/sandbox).' }),
    kubeconfig: Flags.string({ description: 'Kubeconfig to write the context into (default: $KUBECONFIG or ~/.kube/config).' }),
    prometheus: Flags.boolean({ description: 'Also start a real Prometheus scraping the sandbox.', default: false }),
    'rel-pods': Flags.boolean({ description: 'Run pods of the rel image (rel:<version> or $REL_IMAGE) as real rel processes, for `rel deploy --detach`.', default: true, allowNo: true }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(SandboxUp);
    const stateDir = flags['state-dir'] ?? defaultStateDir();
    const kubeconfig = flags.kubeconfig ?? defaultKubeconfig();
    let st;
    try {
      st = await sandboxUp({ stateDir, port: flags.port, kubeconfig, prometheus: flags.prometheus, relPods: flags['rel-pods'] });
    } catch (e) {
      throw new UserError(e instanceof Error ? e.message : String(e), { hint: `Run "rel sandbox serve --state-dir ${stateDir}" to see the problem in the foreground.` });
    }
    this.log(st.started ? `rel sandbox started (pid ${st.pid}) on ${st.url}` : `rel sandbox already running (pid ${st.pid}) on ${st.url}`);
    this.log(`kubeconfig: ${st.kubeconfig ?? kubeconfig} (context ${CONTEXT_NAME})`);
    if (st.prometheusUrl) this.log(`Prometheus: ${st.prometheusUrl}`);
    this.log(`log: ${st.log}`);
  }
}
