import { Flags } from '@oclif/core';
import { RelCommand, commonFlags } from '../cli/base.js';

export default class RunDetached extends RelCommand {
  static override hidden = true;

  static override summary = 'Entry point of the Job made by `rel deploy --detach`: drive the rollout carried in the mounted Secret.';

  static override description = `Reads deploy.json (release, namespace, revision, strategy and deploy options) and bundle.tgz (chart, values
files, rel.yaml) from --from (default /etc/rel, where the Job mounts its Secret), then deploys exactly like
\`rel deploy\` with those options, using the pod's service account. Exit codes are rel deploy's: 0 promoted,
1 failed, 3 rolled back, 4 outside the maintenance window.

A retried pod continues the Job's own revision: once the dead pod's heartbeat is stale it resumes the rollout from
its state ConfigMap; a revision already deployed or rolled back is reported without deploying again.
SIGTERM (Job deleted, deadline, node drain) leaves the rollout at its current weight: \`rel deploy RELEASE --resume\`,
\`rel promote\` or \`rel abort\` continue from there.`;

  static override examples = ['<%= config.bin %> run-detached --from /etc/rel', '<%= config.bin %> run-detached --from ./unpacked-secret --kubeconfig ~/.kube/config'];

  static override flags = {
    ...commonFlags,
    from: Flags.string({ description: 'Folder with deploy.json and bundle.tgz (the mounted Secret).', default: '/etc/rel' }),
    kubeconfig: Flags.string({ description: 'Kubeconfig to use instead of the pod service account.' }),
    'kube-context': Flags.string({ description: 'Context of --kubeconfig.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(RunDetached);
    const { runDetached } = await import('../schedule/detached-run.js');
    const onTerm = (sig: string) => {
      process.stderr.write(`${sig}: stopping; the rollout stays at its current weight (its state is in the cluster: a retry, \`rel deploy --resume\`, \`rel promote\` or \`rel abort\` continue it)\n`);
      process.exit(sig === 'SIGTERM' ? 143 : 130);
    };
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onTerm);
    const r = await runDetached({
      from: flags.from,
      kubeconfig: flags.kubeconfig,
      kubeContext: flags['kube-context'],
      log: (l) => process.stderr.write(`${new Date().toISOString()} ${l}\n`),
    });
    this.log(r.message);
  }
}
