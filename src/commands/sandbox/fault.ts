import { Args, Flags } from '@oclif/core';
import { RelCommand, commonFlags } from '../../cli/base.js';
import { UserError } from '../../cli/errors.js';
import { defaultStateDir, sandboxStatus, setDeploymentFaults } from '../../sandbox/run.js';

export default class SandboxFault extends RelCommand {
  static override summary = "Set the simulated app's error rate, latency or failure on a Deployment in the sandbox.";
  static override description = `Patches the Deployment's pod template annotations sandbox.rel.dev/error-rate, sandbox.rel.dev/latency-ms
and sandbox.rel.dev/fail, so new pods answer synthetic traffic with that error share and latency, or never become
ready (crash: CrashLoopBackOff, unready: running but not ready, image-pull: ImagePullBackOff). Like any template
change it rolls the Deployment out. 0 or "none" removes a setting.`;

  static override examples = [
    '<%= config.bin %> sandbox fault shop-canary -n prod --error-rate 0.2 --latency-ms 300',
    '<%= config.bin %> sandbox fault shop --fail crash',
    '<%= config.bin %> sandbox fault shop --fail none --error-rate 0',
  ];

  static override args = { deployment: Args.string({ description: 'Deployment name', required: true }) };
  static override flags = {
    ...commonFlags,
    namespace: Flags.string({ char: 'n', description: 'Namespace of the Deployment.', default: 'default' }),
    'error-rate': Flags.string({ description: 'Share of requests answered 5xx (0–1).' }),
    'latency-ms': Flags.string({ description: 'Typical response time in milliseconds.' }),
    fail: Flags.string({ description: 'Keep pods from becoming ready.', options: ['crash', 'unready', 'image-pull', 'none'] }),
    server: Flags.string({ description: 'Sandbox URL (default: the background sandbox of the state directory).' }),
    'state-dir': Flags.string({ description: 'State directory (default: $REL_SANDBOX_DIR or ~/.rel/sandbox).' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SandboxFault);
    let url = flags.server;
    if (!url) {
      const st = await sandboxStatus(flags['state-dir'] ?? defaultStateDir());
      if (!st.running || !st.url) throw new UserError('no sandbox is running', { hint: 'Start one with "rel sandbox up", or pass --server URL.' });
      url = st.url;
    }
    const num = (name: string, v: string | undefined) => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n)) throw new UserError(`--${name} must be a number, got "${v}"`);
      return n;
    };
    try {
      const set = await setDeploymentFaults(url.replace(/\/+$/, ''), flags.namespace, args.deployment, {
        errorRate: num('error-rate', flags['error-rate']),
        latencyMs: num('latency-ms', flags['latency-ms']),
        fail: flags.fail as 'crash' | 'unready' | 'image-pull' | 'none' | undefined,
      });
      const list = Object.entries(set).map(([k, v]) => `${k}=${v}`);
      this.log(`deployment ${flags.namespace}/${args.deployment}: ${list.length ? list.join(', ') : 'no faults'}`);
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw new UserError(e instanceof Error ? e.message : String(e));
    }
  }
}
