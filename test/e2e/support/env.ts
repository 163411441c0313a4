import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Sandbox, startSandbox, writeKubeconfig } from '../../../src/sandbox/index.js';
import { type RunningPrometheus, TrafficSimulator, startPrometheus, storeClusterView } from '../../../src/sandbox/traffic/index.js';

export const root = resolve(import.meta.dirname, '../../..');
export const helmBin = join(root, '.cache/tools/helm');
export const kubectlBin = join(root, '.cache/tools/kubectl');
const run = promisify(execFile);

export interface TestCluster {
  sandbox: Sandbox;
  kubeconfig: string;
  dir: string;
  env: NodeJS.ProcessEnv;
  prometheus?: RunningPrometheus;
  traffic?: TrafficSimulator;
  helm(...args: string[]): Promise<string>;
  kubectl(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** A sandbox on a free loopback port with its own kubeconfig and isolated helm home. */
export async function testCluster(opts: { traffic?: boolean; prometheus?: boolean; requestsPerSecond?: number } = {}): Promise<TestCluster> {
  const sandbox = await startSandbox({ port: 0 });
  let traffic: TrafficSimulator | undefined;
  let prometheus: RunningPrometheus | undefined;
  if (opts.traffic || opts.prometheus) {
    traffic = new TrafficSimulator(storeClusterView(sandbox.cluster.store as never), opts.requestsPerSecond === undefined ? undefined : { requestsPerSecond: opts.requestsPerSecond });
    sandbox.addRoute(traffic.metricsRoute);
    traffic.start();
  }
  if (opts.prometheus) prometheus = await startPrometheus({ scrapeTarget: `${sandbox.url}/metrics` });
  const dir = mkdtempSync(join(tmpdir(), 'rel-e2e-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, sandbox.url);
  const env = {
    ...process.env,
    KUBECONFIG: kubeconfig,
    HELM_DATA_HOME: join(dir, 'helm-data'),
    HELM_CONFIG_HOME: join(dir, 'helm-config'),
    HELM_CACHE_HOME: join(dir, 'helm-cache'),
  };
  const tool = (bin: string) => async (...args: string[]) => {
    try {
      const { stdout } = await run(bin, args, { env, maxBuffer: 32 * 1024 * 1024 });
      return stdout;
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`${bin.split('/').pop()} ${args.join(' ')} failed: ${err.stderr || err.message}`);
    }
  };
  return {
    sandbox,
    kubeconfig,
    dir,
    env,
    prometheus,
    traffic,
    helm: tool(helmBin),
    kubectl: tool(kubectlBin),
    stop: async () => {
      traffic?.stop();
      await prometheus?.stop();
      await sandbox.stop();
    },
  };
}
