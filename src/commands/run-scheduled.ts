import { Args, Flags } from '@oclif/core';
import { RelCommand, commonFlags } from '../cli/base.js';

export default class RunScheduled extends RelCommand {
  static override summary = 'Entry point of the CronJobs made by `rel schedule`: deploy if the window is open and something changed.';

  static override description = `Reads rel.yaml, the chart and the values from the folder the scheduled-run ConfigMap is mounted at
(--from, default /etc/rel), then:

  - outside the environment's maintenance window (deny windows and freezes included) it refuses with exit code 4;
    a run that starts less than 2 minutes before the window opens waits for it;
  - a canary or blue-green rollout left behind (paused when the last window closed with canaryAtClose: pause, or
    whose job was killed) is resumed and finished first; while its driver still beats, the run stops with exit 1;
  - renders the release as the deployed revision would be rendered today and compares the manifest, hooks, values
    and chart version with that revision: when nothing differs it exits 0 without deploying;
  - otherwise deploys exactly like \`rel deploy --env ENV\` in the project folder (strategy, canary policy at window
    close, history, notifications) and exits like it: 0 deployed, 1 failed, 3 rolled back, 4 outside the window.

Inside a pod it talks to the API server with the pod's service account; elsewhere it uses --kubeconfig/KUBECONFIG.`;

  static override examples = ['<%= config.bin %> run-scheduled shop --env prod', '<%= config.bin %> run-scheduled shop --env prod --from ./unpacked-configmap --kubeconfig ~/.kube/config'];

  static override args = {
    release: Args.string({ description: 'release name in rel.yaml', required: true }),
  };

  static override flags = {
    ...commonFlags,
    env: Flags.string({ char: 'e', description: 'Environment from rel.yaml.', required: true }),
    from: Flags.string({ description: 'Folder with rel.yaml and bundle.tgz (the mounted ConfigMap).', default: '/etc/rel' }),
    kubeconfig: Flags.string({ description: 'Kubeconfig to use instead of the pod service account.' }),
    'kube-context': Flags.string({ description: 'Context of --kubeconfig.' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(RunScheduled);
    const { runScheduled } = await import('../schedule/run.js');
    const ac = new AbortController();
    const onTerm = () => ac.abort();
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onTerm);
    try {
      const r = await runScheduled({
        release: args.release,
        env: flags.env,
        from: flags.from,
        kubeconfig: flags.kubeconfig,
        kubeContext: flags['kube-context'],
        log: (l) => process.stderr.write(`${l}\n`),
        signal: ac.signal,
      });
      if (r.action === 'unchanged') this.log(r.reason);
      else {
        const rel = r.deployed!.release;
        this.log(`release "${rel.name}" ${rel.info.status}: revision ${rel.version} in namespace ${rel.namespace} (${r.reason})`);
      }
    } finally {
      process.removeListener('SIGTERM', onTerm);
      process.removeListener('SIGINT', onTerm);
    }
  }
}
