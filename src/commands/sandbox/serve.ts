import { Flags } from '@oclif/core';
import { RelCommand, commonFlags } from '../../cli/base.js';
import { CONTEXT_NAME, serveSandbox } from '../../sandbox/run.js';

export default class SandboxServe extends RelCommand {
  static override summary = 'Run the sandbox (a local Kubernetes-API-compatible cluster) in the foreground.';
  static override description = `Serves the Kubernetes API on loopback for kubectl, helm and rel, with controllers that roll out
Deployments, StatefulSets, DaemonSets and Jobs, fill Endpoints, and simulate pods (fast start-up, faults from
the sandbox.rel.dev/fail annotation). Synthetic traffic flows through every Ingress host and HTTPRoute and is
exposed as ingress-nginx metrics on /metrics; --prometheus starts a real Prometheus scraping them.
Pods of the rel image (rel:<version>, or $REL_IMAGE) run as real rel processes on this machine, so that
\`rel deploy --detach\` and \`rel schedule\` Jobs run on the sandbox (--no-rel-pods simulates them like any pod).
Stop with Ctrl-C.`;

  static override examples = [
    '<%= config.bin %> sandbox serve --port 8080 --kubeconfig-out ./sandbox.kubeconfig',
    '<%= config.bin %> sandbox serve --state-dir ./.rel-sandbox --prometheus',
  ];

  static override flags = {
    ...commonFlags,
    port: Flags.integer({ description: 'Port on 127.0.0.1 (0: a free port).', default: 0 }),
    'state-dir': Flags.string({ description: 'Keep objects in this directory so a restart keeps them.' }),
    'kubeconfig-out': Flags.string({ description: `Write (or merge into) this kubeconfig a context "${CONTEXT_NAME}" for the sandbox.` }),
    prometheus: Flags.boolean({ description: 'Start a real Prometheus (the prometheus binary on PATH) scraping the sandbox every second.', default: false }),
    traffic: Flags.boolean({ description: 'Send synthetic traffic through Ingresses and HTTPRoutes and serve /metrics.', default: true, allowNo: true }),
    rps: Flags.integer({ description: 'Synthetic requests per second per host.', default: 20 }),
    'rel-pods': Flags.boolean({ description: 'Run pods of the rel image (rel:<version> or $REL_IMAGE) as real rel processes, for `rel deploy --detach`.', default: true, allowNo: true }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(SandboxServe);
    const log = (l: string) => process.stderr.write(`${l}\n`);
    const running = await serveSandbox({ port: flags.port, stateDir: flags['state-dir'], kubeconfigOut: flags['kubeconfig-out'], prometheus: flags.prometheus, traffic: flags.traffic, rps: flags.rps, relPods: flags['rel-pods'], log });
    this.log(`rel sandbox: Kubernetes API on ${running.url}`);
    if (flags['kubeconfig-out']) this.log(`kubeconfig: ${flags['kubeconfig-out']} (context ${CONTEXT_NAME})`);
    if (flags.traffic) this.log(`metrics: ${running.url}/metrics`);
    if (running.prometheusUrl) this.log(`Prometheus: ${running.prometheusUrl}`);
    if (running.relImages.length) this.log(`runs pods of ${running.relImages.join(', ')} as rel processes (rel deploy --detach)`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await running.stop();
  }
}
