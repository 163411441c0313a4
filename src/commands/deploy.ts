import { Args, Flags } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags } from '../cli/base.js';
import { type DeployResult, runDeploy } from '../actions/deploy.js';
import { formatData } from '../cli/output.js';
import { withProgress } from '../cli/progress.js';
import { RolloutRolledBack } from '../rollout/progressive.js';

export default class Deploy extends RelCommand {
  static override description = `Install or upgrade a release: rolling (default), canary or blue-green.

RELEASE and CHART may be omitted in a folder with rel.yaml (--env picks the environment).
A canary runs the new version beside the old one, moves traffic step by step (ingress-nginx or
Gateway API weights, or the replica ratio), checks Prometheus at every step, and rolls back by
itself when a check fails (exit code 3). Outside a maintenance window it refuses (exit code 4).

--detach (canary and blue-green only) checks and renders everything here, then hands the rollout to a Job
in the release namespace running the rel image (--detach-image) with its own ServiceAccount and the narrowest
Role the chart needs; the chart, values and options travel in a Secret owned by the Job. It returns (exit 0)
once the Job has started the rollout, printing the Job's name; follow it with \`rel status RELEASE --watch\`,
and \`rel promote\` / \`rel abort\` work as usual (the rollout's state is in the cluster). The Job fails when the
rollout is rolled back (exit code 3 in its pod); a pod that dies is retried and resumes the rollout.
--dry-run with --detach prints the Job, RBAC and Secret (values elided) instead of creating them
(--dry-run=server also has the API server check them and the chart's objects).`;

  static override examples = [
    '<%= config.bin %> deploy shop ./charts/shop -n prod --wait',
    '<%= config.bin %> deploy --env prod --canary 10',
    '<%= config.bin %> deploy shop ./charts/shop --canary 10 --steps 25,50,100 --step-interval 2m --prometheus-url http://127.0.0.1:9090',
    '<%= config.bin %> deploy --env prod --blue-green --scale-down-delay 5m',
    '<%= config.bin %> deploy shop --resume -n prod',
    '<%= config.bin %> deploy shop ./charts/shop -n prod --canary 10 --steps 25,50,100 --prometheus-url http://prometheus.monitoring:9090 --detach --detach-image registry.example.com/rel:0.1.0',
    '<%= config.bin %> deploy --env prod --force --reason "hotfix for INC-42"',
  ];

  static override args = {
    release: Args.string({ description: 'release name (default: from rel.yaml)' }),
    chart: Args.string({ description: 'chart folder or packaged .tgz (default: from rel.yaml)' }),
  };

  static override flags = {
    ...commonFlags,
    ...clusterFlags,
    env: Flags.string({ char: 'e', description: 'Environment from rel.yaml (values, namespace, context, strategy, windows).' }),
    values: Flags.string({ char: 'f', description: 'Values file (repeatable; later files win).', multiple: true, multipleNonGreedy: true }),
    set: Flags.string({ description: 'Set a value: a.b=c (repeatable, Helm syntax).', multiple: true, multipleNonGreedy: true }),
    'set-string': Flags.string({ description: 'Set a string value (repeatable).', multiple: true, multipleNonGreedy: true }),
    'set-file': Flags.string({ description: 'Set a value from a file: key=path (repeatable).', multiple: true, multipleNonGreedy: true }),
    'set-json': Flags.string({ description: 'Set a JSON value: key=<json> (repeatable).', multiple: true, multipleNonGreedy: true }),
    'set-literal': Flags.string({ description: 'Set a literal string value (repeatable).', multiple: true, multipleNonGreedy: true }),
    wait: Flags.boolean({ description: 'Wait until all resources are ready (always on for canary and blue-green).', allowNo: true }),
    'wait-for-jobs': Flags.boolean({ description: 'With --wait, also wait for Jobs to complete.' }),
    timeout: Flags.string({ description: 'Time to wait for readiness and each hook (Go duration).', default: undefined }),
    atomic: Flags.boolean({ description: 'On failure put the previous revision back (rolling deploys).', aliases: ['rollback-on-failure'] }),
    'dry-run': Flags.string({ description: 'Render and check without changing anything: client (no cluster writes) or server (server-side dry run).', options: ['client', 'server'] }),
    'history-max': Flags.integer({ description: 'Revisions to keep (0: no limit).' }),
    'create-namespace': Flags.boolean({ description: 'Create the namespace if it does not exist.' }),
    description: Flags.string({ description: 'Description recorded with the revision.' }),
    rolling: Flags.boolean({ description: 'Plain rolling update (overrides the strategy in rel.yaml).' }),
    canary: Flags.integer({ description: 'Canary release starting at this traffic weight (percent; 0 with --canary-header/--canary-cookie: only those requests).', min: 0, max: 100 }),
    'blue-green': Flags.boolean({ description: 'Blue-green release: preview beside the old version, then switch at once.' }),
    steps: Flags.string({ description: 'Canary weights after the first, e.g. 25,50,100.' }),
    'step-interval': Flags.string({ description: 'How long each canary step (and the blue-green pre-promotion analysis) lasts.' }),
    'analysis-interval': Flags.string({ description: 'How often checks run; the PromQL rate window follows it (default 10s).' }),
    'failure-limit': Flags.integer({ description: 'Consecutive failed checks that roll back (default 2).' }),
    'scrape-interval': Flags.string({ description: "Prometheus' scrape interval: the checks' rate window becomes the analysis interval plus this, so no sample falls between two windows." }),
    'min-requests': Flags.integer({ description: 'Fewest canary requests in a check window for the built-in checks to count (fewer: inconclusive; default 0).', min: 0 }),
    'max-error-rate': Flags.string({ description: 'Roll back above this 5xx share of canary requests (default 0.05).' }),
    'max-latency-ratio': Flags.string({ description: 'Roll back when canary p99 latency exceeds this multiple of stable (default 3).' }),
    'prometheus-url': Flags.string({ description: 'Prometheus for analysis (or analysis.prometheus.url in rel.yaml, or REL_PROMETHEUS_URL).' }),
    'canary-header': Flags.string({ description: 'Route requests with this header to the canary first (nginx and gateway routers): NAME=VALUE, or NAME for the value "always" ("never" stays on stable).' }),
    'canary-cookie': Flags.string({ description: 'Route requests with this cookie set to "always" to the canary, "never" to stable (nginx and gateway routers; gateway: a RegularExpression match on the Cookie header).' }),
    router: Flags.string({ description: 'Traffic router: nginx, gateway or replicas (default: detected from the chart).', options: ['nginx', 'gateway', 'replicas'] }),
    'manual-gate': Flags.boolean({ description: 'Pause before promotion until `rel promote`.' }),
    'preview-host': Flags.string({ description: 'Blue-green: an Ingress host that reaches the new version before the switch.' }),
    'scale-down-delay': Flags.string({ description: 'Blue-green: keep the old version up this long after the switch (default 30s).' }),
    resume: Flags.boolean({ description: 'Continue a rollout whose rel process died.' }),
    force: Flags.boolean({ description: 'Deploy outside the maintenance window (needs --reason, recorded in history).' }),
    reason: Flags.string({ description: 'Why --force was used.' }),
    'wait-for-window': Flags.boolean({ description: 'Outside the window, wait for it to open (with a countdown), then deploy.' }),
    detach: Flags.boolean({ description: 'Start the canary/blue-green rollout and return, leaving a Job in the cluster to drive it (not with --wait-for-window, --resume or a rolling deploy).' }),
    'detach-image': Flags.string({ description: 'With --detach: container image with rel for the Job (default: $REL_IMAGE, else rel:<version>; build it with the Dockerfile).', dependsOn: ['detach'] }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Deploy);
    const ac = new AbortController();
    const onSigint = flags.detach ? () => {
      process.stderr.write('\ninterrupted: the Job (if created) keeps driving the rollout; `rel abort` stops it\n');
      ac.abort();
      process.once('SIGINT', () => process.exit(130));
    } : () => {
      process.stderr.write('\ninterrupted: rolling back safely (press Ctrl-C again to leave the rollout where it is; `rel deploy --resume` or `rel abort` continue it)\n');
      ac.abort();
      process.once('SIGINT', () => process.exit(130));
    };
    process.once('SIGINT', onSigint);
    try {
      const r = await withProgress(`rel deploy ${args.release ?? flags.env ?? ''}`.trim(), (log) =>
        runDeploy(
          args,
          {
            ...flags,
            'max-error-rate': flags['max-error-rate'] === undefined ? undefined : Number(flags['max-error-rate']),
            'max-latency-ratio': flags['max-latency-ratio'] === undefined ? undefined : Number(flags['max-latency-ratio']),
          } as never,
          log,
          ac.signal,
        ),
      );
      if (r.detached) return this.printDetached(r.detached, rel0(r));
      const rel = r.release;
      this.log(`release "${rel.name}" ${rel.info.status}: revision ${rel.version} in namespace ${rel.namespace} (${rel.info.description})`);
      if (rel.info.notes) this.log(`\nNOTES:\n${rel.info.notes}`);
    } catch (e) {
      if (e instanceof RolloutRolledBack && e.detectionToSafeMs !== undefined) {
        process.stderr.write(`rolled back: traffic was on the stable version ${e.detectionToSafeMs} ms after the failure was detected\n`);
      }
      throw e;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  }

  private printDetached(d: NonNullable<DeployResult['detached']>, release: string): void {
    const ns = d.namespace;
    if (d.dryRun) {
      // The Secret's data is the chart and values: print its keys and sizes, not the values.
      const shown = d.objects.map((o) =>
        o.kind === 'Secret'
          ? { ...o, data: Object.fromEntries(Object.entries((o.data as Record<string, string>) ?? {}).map(([k, v]) => [k, `<${Buffer.from(v, 'base64').length} bytes, elided>`])) }
          : o,
      );
      process.stdout.write(shown.map((o) => `---\n${formatData(o, 'yaml')}`).join(''));
      return;
    }
    const kind = d.strategy === 'canary' ? 'canary' : 'blue-green';
    this.log(`${kind} rollout of ${release} revision ${d.revision} handed to Job ${d.job} in namespace ${ns}${d.progress ? `: ${d.progress}` : ''}`);
    if (d.notStarted) this.log(`  note: ${d.notStarted}`);
    this.log(`  follow:   rel status ${release} -n ${ns} --watch    (logs: kubectl logs -f job/${d.job} -n ${ns})`);
    this.log(`  control:  rel promote ${release} -n ${ns}    rel abort ${release} -n ${ns}`);
  }
}

const rel0 = (r: DeployResult) => r.release.name;
