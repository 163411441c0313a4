/**
 * Shared driver of the end-to-end tests test/e2e/systems-<system>.test.ts: a sandbox with traffic and a
 * real Prometheus, and `rel deploy --env dev` through the repository's rel.yaml (not a test file itself;
 * it lives here because the e2e support folder belongs to another area).
 */
import { kubeOptions, releaseContext } from '../../../src/actions/context.js';
import { type DeployFlags, type DeployResult, runDeploy } from '../../../src/actions/deploy.js';
import { history } from '../../../src/actions/inspect.js';
import { rollback } from '../../../src/release/operations.js';
import { queryProm } from '../../../src/sandbox/traffic/index.js';
import type { Release } from '../../../src/storage/release.js';
import { type TestCluster, root, testCluster } from './env.js';

/** The namespaces rel.yaml gives the releases. */
export const NAMESPACES: Record<string, string> = { chat: 'chat-app', mpim: 'mpim', worklog: 'worklog', registration: 'registration', monitor: 'monitor' };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface SystemRun {
  c: TestCluster;
  name: string;
  namespace: string;
  logs: string[];
  /** rel deploy RELEASE --env dev --set … (fast step and analysis intervals, the test Prometheus). */
  deploy(set: string[], extra?: Partial<DeployFlags>): Promise<DeployResult>;
  /** Canary weights logged by the last deploy. */
  steps(): string[];
  get(kind: string, name: string): Promise<Json>;
  /** Resolves when kubectl no longer finds the object. */
  gone(kind: string, name: string): Promise<void>;
  history(): Promise<{ revision: number; status: string; description: string }[]>;
  rollback(revision?: number): Promise<Release>;
  /** 5xx answers of the stable version (canary="") for `host` over the last `window`. */
  stableErrors(host: string, window: string): Promise<number>;
  /** Waits until Prometheus has seen requests for `host` answered by the stable version. */
  servedBy(host: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startSystem(name: string): Promise<SystemRun> {
  // 100 req/s per host (the simulator's default is 20): at a 10% step a 3 s window then holds ~30 canary requests,
  // so a 20%-error canary cannot read <= 5% by chance and reset the failure count (seen at 20 req/s)
  const c = await testCluster({ prometheus: true, requestsPerSecond: 100 });
  const namespace = NAMESPACES[name]!;
  const logs: string[] = [];
  let mark = 0;
  const log = (l: string) => logs.push(l);
  const cluster = () => ({ kubeconfig: c.kubeconfig, 'kube-context': 'rel-sandbox' });
  const ctx = () => releaseContext(kubeOptions({ ...cluster(), namespace }), log);
  const run: SystemRun = {
    c,
    name,
    namespace,
    logs,
    deploy: (set, extra = {}) => {
      mark = logs.length;
      return runDeploy(
        { release: name },
        { env: 'dev', cwd: root, ...cluster(), timeout: '60s', set, 'step-interval': '6s', 'analysis-interval': '3s', 'prometheus-url': c.prometheus!.url, ...extra },
        log,
      );
    },
    steps: () => logs.slice(mark).flatMap((l) => /step \d+\/\d+: canary at (\d+)%/.exec(l)?.[1] ?? []),
    get: async (kind, obj) => JSON.parse(await c.kubectl('get', kind, obj, '-n', namespace, '-o', 'json')),
    gone: async (kind, obj) => {
      await c.kubectl('get', kind, obj, '-n', namespace).then(
        () => {
          throw new Error(`${kind} ${obj} still exists`);
        },
        (e: Error) => {
          if (!/NotFound|not found/.test(e.message)) throw e;
        },
      );
    },
    history: async () => (await history(ctx(), name)).map((h) => ({ revision: h.revision, status: h.status, description: h.description })),
    rollback: (revision) => rollback(ctx(), { name, revision, wait: true, timeoutMs: 60_000 }),
    stableErrors: async (host, window) => {
      const r = await queryProm(c.prometheus!.url, `sum(increase(nginx_ingress_controller_requests{host="${host}",canary="",status=~"5.."}[${window}]))`);
      return r[0]?.value ?? 0;
    },
    servedBy: async (host) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const r = await queryProm(c.prometheus!.url, `sum(nginx_ingress_controller_requests{host="${host}",canary="",status=~"2.."})`);
        const n = r[0]?.value ?? 0;
        if (n > 0) return n;
        if (Date.now() > deadline) throw new Error(`no requests for ${host} reached Prometheus in 30s`);
        await new Promise((res) => setTimeout(res, 500));
      }
    },
    stop: () => c.stop(),
  };
  return run;
}
