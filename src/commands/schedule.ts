import { Args, Flags } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags } from '../cli/base.js';
import { UserError } from '../cli/errors.js';
import { ExitCode } from '../cli/exit-codes.js';
import { formatData, formatTime, table } from '../cli/output.js';
import { kubeOptions } from '../actions/context.js';
import { Kube } from '../kube/client.js';
import { findProjectFile, loadProject } from '../project/load.js';
import { resolveRelease } from '../project/resolve.js';

export default class Schedule extends RelCommand {
  static override summary = 'Run a release by itself in the cluster whenever its maintenance window opens (a CronJob).';

  static override description = `Prints (or with --apply applies, as field manager "rel") the objects that deploy RELEASE to ENV from inside the cluster:

  - one batch/v1 CronJob per allow window of the environment: its schedule and timeZone are the window's, and it runs
    \`rel run-scheduled RELEASE --env ENV\`, which deploys only when the window is open and the chart, values or
    rendered manifest differ from the deployed revision (concurrencyPolicy Forbid, backoffLimit 0, 3 successful and
    3 failed Jobs kept, startingDeadlineSeconds up to 5 minutes);
  - a ServiceAccount with the narrowest Role (and RoleBinding) in the release namespace: secrets/configmaps for the
    release records and the rollout state, and the kinds the chart renders (plus update on Deployments, Services and
    HTTPRoutes and access to canary Ingresses for progressive delivery); cluster-scoped kinds are refused;
  - a ConfigMap carrying rel.yaml (data) and the chart and values files (binaryData bundle.tgz), mounted at /etc/rel.
    A ConfigMap holds at most 1 MiB: larger projects are refused with the largest files named.

Windows with "every: 2w" (or Nd): Kubernetes cron cannot count weeks, so the CronJob runs at every match of the
schedule (e.g. every Tuesday 02:00) and rel run-scheduled skips the runs outside the window (such a Job ends with
exit code 4, "outside its maintenance window"). The same holds for croner-only syntax (L, W, #), which is widened.
Deny windows and freezes are checked by run-scheduled at run time.

--list shows rel's CronJobs (label app.kubernetes.io/managed-by=rel) in all namespaces, or in -n NAMESPACE, optionally
for RELEASE (and --env); --delete removes the CronJobs, ConfigMap,
RoleBinding, Role and ServiceAccount of RELEASE (in ENV when --env is given).`;

  static override examples = [
    '<%= config.bin %> schedule shop --env prod > shop-schedule.yaml',
    '<%= config.bin %> schedule shop --env prod --image registry.example.com/rel:0.1.0 --apply',
    '<%= config.bin %> schedule --list -n prod',
    '<%= config.bin %> schedule shop --env prod --delete',
  ];

  static override args = {
    release: Args.string({ description: 'release name in rel.yaml (default: the only release)' }),
  };

  static override flags = {
    ...commonFlags,
    ...clusterFlags,
    env: Flags.string({ char: 'e', description: 'Environment from rel.yaml whose allow windows start the runs.' }),
    file: Flags.string({ description: 'Project file (default: rel.yaml in this folder or a parent).' }),
    apply: Flags.boolean({ description: 'Apply the objects to the cluster instead of printing them.', exclusive: ['list', 'delete'] }),
    list: Flags.boolean({ description: "List rel's scheduled-run CronJobs.", exclusive: ['apply', 'delete'] }),
    delete: Flags.boolean({ description: 'Delete the scheduled-run objects of RELEASE.', exclusive: ['apply', 'list'] }),
    image: Flags.string({ description: 'Container image with rel (default: $REL_IMAGE, else rel:<version>; build it with the Dockerfile).', env: 'REL_IMAGE' }),
    'starting-deadline': Flags.integer({ description: 'Seconds a missed run may start late (default: 300, at most half the window).', min: 1 }),
    output: Flags.string({ char: 'o', description: 'Output format (objects: yaml or json; --list: table, yaml or json).', options: ['yaml', 'json', 'table'] }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Schedule);
    const log = (l: string) => process.stderr.write(`${l}\n`);
    if (flags.list) return this.list(args.release, flags);
    if (!flags.env && !flags.delete) throw new UserError('rel schedule needs --env ENV: the environment whose windows start the runs', { exitCode: ExitCode.USAGE });
    if (flags.delete) {
      const { deleteSchedules } = await import('../schedule/index.js');
      const { release, namespace, kube } = this.target(args.release, flags);
      const deleted = await deleteSchedules(kube, namespace, release, flags.env, log);
      this.log(deleted.length ? `deleted ${deleted.length} object(s) of the scheduled runs of ${release}${flags.env ? ` in ${flags.env}` : ''}` : `no scheduled-run objects of ${release} in namespace ${namespace}`);
      return;
    }
    const { planSchedule, applySchedule, discoveryResolver } = await import('../schedule/index.js');
    if (flags.apply) {
      const { kube, release } = this.target(args.release, flags);
      const plan = await planSchedule({ release, env: flags.env!, file: flags.file, image: flags.image, resolve: discoveryResolver(kube), startingDeadlineSeconds: flags['starting-deadline'] });
      const k = plan.namespace === kube.namespace ? kube : Kube.load(kubeOptions(flags, { namespace: plan.namespace }));
      const r = await applySchedule(k, plan, log);
      const cron = plan.objects.filter((o) => o.kind === 'CronJob').map((o) => `${o.metadata!.name} (${(o.spec as { schedule: string; timeZone: string }).schedule} ${(o.spec as { timeZone: string }).timeZone})`);
      this.log(`scheduled ${plan.release} in ${plan.env}: ${cron.join(', ')} in namespace ${plan.namespace} (${r.applied.length} objects applied${r.removed.length ? `, ${r.removed.length} removed` : ''})`);
      return;
    }
    const plan = await planSchedule({ release: args.release, env: flags.env!, file: flags.file, image: flags.image, startingDeadlineSeconds: flags['starting-deadline'] });
    if (flags.output === 'json') this.log(formatData({ apiVersion: 'v1', kind: 'List', items: plan.objects }, 'json').trimEnd());
    else process.stdout.write(plan.objects.map((o) => formatData(o, 'yaml')).map((y) => `---\n${y}`).join(''));
  }

  /** Release, namespace and cluster from rel.yaml when there is one, else from the flags. */
  private target(release: string | undefined, flags: { env?: string; file?: string; namespace?: string; kubeconfig?: string; 'kube-context'?: string }): { release: string; namespace: string; kube: Kube } {
    const file = flags.file ?? findProjectFile();
    let namespace = flags.namespace;
    let name = release;
    let settings: { kubeconfig?: string; kubeContext?: string } = {};
    if (file) {
      const r = resolveRelease(loadProject(file), file, { release, env: flags.env });
      name = r.name;
      namespace ??= r.settings.namespace;
      settings = r.settings;
    }
    if (!name) throw new UserError('name the release (RELEASE) or run in a folder with rel.yaml', { exitCode: ExitCode.USAGE });
    const kube = Kube.load(kubeOptions(flags as never, { namespace, kubeconfig: flags.kubeconfig ?? settings.kubeconfig, context: flags['kube-context'] ?? settings.kubeContext }));
    return { release: name, namespace: kube.namespace, kube };
  }

  private async list(release: string | undefined, flags: { env?: string; namespace?: string; kubeconfig?: string; 'kube-context'?: string; output?: string }): Promise<void> {
    const { listSchedules } = await import('../schedule/index.js');
    const kube = Kube.load(kubeOptions(flags as never));
    const rows = await listSchedules(kube, flags.namespace, release, flags.env);
    if (flags.output === 'json' || flags.output === 'yaml') {
      this.log(formatData(rows, flags.output).trimEnd());
      return;
    }
    if (rows.length === 0) {
      this.log(`no scheduled runs${flags.namespace ? ` in namespace ${flags.namespace}` : ''}`);
      return;
    }
    process.stdout.write(
      table(
        ['NAMESPACE', 'NAME', 'RELEASE', 'ENV', 'WINDOW', 'SCHEDULE', 'TIME ZONE', 'SUSPENDED', 'ACTIVE', 'LAST SCHEDULE'],
        rows.map((r) => [r.namespace, r.name, r.release, r.env, r.window, r.schedule, r.timeZone, String(r.suspended), String(r.active), formatTime(r.lastSchedule) || '-']),
      ),
    );
  }
}
