/**
 * Running the sandbox for people: in the foreground (`rel sandbox serve`) with synthetic traffic,
 * /metrics and optionally a real Prometheus; in the background (`up`/`down`/`status`) with a pid
 * and state file in the state directory; and `fault`, which sets the simulated app's behaviour on a
 * Deployment's pod template.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { versionInfo } from '../version.js';
import { FAIL_ANNOTATION } from './controllers/index.js';
import { localKubelet } from './controllers/local-kubelet.js';
import { type Sandbox, startSandbox } from './index.js';
import { CONTEXT_NAME, removeFromKubeconfig, writeKubeconfig } from './kubeconfig.js';

export const ERROR_RATE_ANNOTATION = 'sandbox.rel.dev/error-rate';
export const LATENCY_ANNOTATION = 'sandbox.rel.dev/latency-ms';

/** The state directory: --state-dir, else $REL_SANDBOX_DIR, else ~/.rel/sandbox. */
export function defaultStateDir(): string {
  return process.env.REL_SANDBOX_DIR || path.join(os.homedir(), '.rel', 'sandbox');
}

/** The kubeconfig the sandbox context goes into: the first $KUBECONFIG entry, else ~/.kube/config. */
export function defaultKubeconfig(): string {
  const env = process.env.KUBECONFIG?.split(path.delimiter).find((p) => p.trim());
  return env || path.join(os.homedir(), '.kube', 'config');
}

export interface ServeOptions {
  port?: number;
  host?: string;
  stateDir?: string;
  /** write (merge) a kubeconfig with the rel-sandbox context here */
  kubeconfigOut?: string;
  /** synthetic traffic through Ingresses/HTTPRoutes, with /metrics (default true) */
  traffic?: boolean;
  /** requests per second per host */
  rps?: number;
  /** start a real Prometheus scraping /metrics (needs the prometheus binary) */
  prometheus?: boolean;
  /**
   * Run pods of the rel image as real `rel` processes on this machine (the local kubelet), so that
   * `rel deploy --detach` and `rel schedule` Jobs work on the sandbox (default true).
   */
  relPods?: boolean;
  /** The images that count as rel's (default: relImages(), the image --detach uses by default). */
  relImages?: string[];
  log?: (line: string) => void;
}

/** The rel images the sandbox runs for real by default: `rel:<version>` and $REL_IMAGE (what --detach and rel schedule use). */
export function relImages(env: NodeJS.ProcessEnv = process.env): string[] {
  return [...new Set([`rel:${versionInfo().version}`, ...(env.REL_IMAGE?.trim() ? [env.REL_IMAGE.trim()] : [])])];
}

/** This rel's executable (bin/run.js of the package the sandbox runs from). */
function relExecutable(): string {
  return fileURLToPath(new URL('../../bin/run.js', import.meta.url));
}

export interface RunningSandbox {
  sandbox: Sandbox;
  url: string;
  prometheusUrl?: string;
  /** Images whose pods run as real rel processes (empty when --no-rel-pods). */
  relImages: string[];
  stop(): Promise<void>;
}

interface StateFile {
  pid: number;
  url: string;
  port: number;
  kubeconfig?: string;
  prometheusUrl?: string;
  startedAt: string;
}

const STATE_FILE = 'sandbox.json';

/**
 * Starts the sandbox with traffic and metrics (the traffic module in ./traffic/) and, if asked, a
 * Prometheus. Writes `sandbox.json` in the state directory while it runs.
 */
export async function serveSandbox(o: ServeOptions = {}): Promise<RunningSandbox> {
  const log = o.log ?? (() => {});
  const sandbox = await startSandbox({ port: o.port ?? 0, host: o.host, stateDir: o.stateDir ? path.join(o.stateDir, 'state') : undefined, log });
  const stops: (() => Promise<void> | void)[] = [];
  let prometheusUrl: string | undefined;
  let runsRelImages: string[] = [];
  try {
    if (o.relPods !== false && sandbox.controllers) {
      const bin = relExecutable();
      if (!fs.existsSync(bin)) {
        log(`pods of the rel image are simulated: ${bin} not found`);
      } else {
        const images = o.relImages ?? relImages();
        const match = new Set(images);
        // The Job's pod gets a scratch HOME of its own (its emptyDir); this one is for images that do not set one.
        const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rel-sandbox-pods-'));
        stops.push(() => fs.rmSync(home, { recursive: true, force: true }));
        sandbox.controllers.setPodRunner(
          localKubelet({
            match: (img) => match.has(img),
            entrypoint: [process.execPath, bin],
            apiUrl: sandbox.url,
            env: { PATH: process.env.PATH, HOME: home },
            log: (pod, line) => log(`pod ${pod}: ${line}`),
          }),
        );
        runsRelImages = images;
      }
    }
    if (o.traffic !== false || o.prometheus) {
      // the traffic simulator and metrics live in ./traffic (optional at run time)
      const traffic = await import('./traffic/index.js').catch(() => undefined);
      if (!traffic) {
        log('traffic simulation is not available in this build; /metrics is not served');
      } else {
        const sim = new traffic.TrafficSimulator(traffic.storeClusterView(sandbox.cluster.store), { requestsPerSecond: o.rps });
        sandbox.addRoute(sim.metricsRoute);
        sim.start();
        stops.push(() => sim.stop());
        if (o.prometheus) {
          try {
            const prom = await traffic.startPrometheus({ scrapeTarget: `${sandbox.url}/metrics` });
            prometheusUrl = prom.url;
            stops.push(() => prom.stop());
          } catch (e) {
            log(`Prometheus not started: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
      }
    }
  } catch (e) {
    await sandbox.stop();
    throw e;
  }
  if (o.kubeconfigOut) writeKubeconfig(o.kubeconfigOut, sandbox.url);
  if (o.stateDir) {
    fs.mkdirSync(o.stateDir, { recursive: true });
    writeState(o.stateDir, { pid: process.pid, url: sandbox.url, port: sandbox.port, kubeconfig: o.kubeconfigOut, prometheusUrl, startedAt: new Date().toISOString() });
  }
  return {
    sandbox,
    url: sandbox.url,
    prometheusUrl,
    relImages: runsRelImages,
    async stop() {
      for (const s of stops.reverse()) await s();
      await sandbox.stop();
      if (o.stateDir) {
        const cur = readState(o.stateDir);
        if (cur?.pid === process.pid) fs.rmSync(path.join(o.stateDir, STATE_FILE), { force: true });
      }
    },
  };
}

function writeState(dir: string, s: StateFile): void {
  const file = path.join(dir, STATE_FILE);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(s, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

function readState(dir: string): StateFile | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, STATE_FILE), 'utf8')) as StateFile;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function healthy(url: string): Promise<boolean> {
  try {
    const r = await fetch(`${url}/sandbox/health`, { signal: AbortSignal.timeout(2000) });
    return r.ok;
  } catch {
    return false;
  }
}

export interface SandboxStatus {
  running: boolean;
  pid?: number;
  url?: string;
  prometheusUrl?: string;
  kubeconfig?: string;
  stateDir: string;
  startedAt?: string;
}

export async function sandboxStatus(stateDir = defaultStateDir()): Promise<SandboxStatus> {
  const s = readState(stateDir);
  if (!s || !alive(s.pid) || !(await healthy(s.url))) return { running: false, stateDir };
  return { running: true, pid: s.pid, url: s.url, prometheusUrl: s.prometheusUrl, kubeconfig: s.kubeconfig, stateDir, startedAt: s.startedAt };
}

export interface UpOptions {
  stateDir?: string;
  port?: number;
  kubeconfig?: string;
  prometheus?: boolean;
  /** false: pods of the rel image are simulated (`serve --no-rel-pods`) */
  relPods?: boolean;
  /** the command that runs `rel sandbox serve` (default: this rel executable) */
  command?: string[];
  timeoutMs?: number;
}

/** Starts `rel sandbox serve` in the background unless one runs already; returns its status. */
export async function sandboxUp(o: UpOptions = {}): Promise<SandboxStatus & { started: boolean; log: string }> {
  const stateDir = o.stateDir ?? defaultStateDir();
  const logFile = path.join(stateDir, 'sandbox.log');
  const cur = await sandboxStatus(stateDir);
  if (cur.running) return { ...cur, started: false, log: logFile };
  fs.mkdirSync(stateDir, { recursive: true });
  const kubeconfig = o.kubeconfig ?? defaultKubeconfig();
  const cmd = o.command ?? [process.execPath, process.argv[1]!];
  const args = [...cmd.slice(1), 'sandbox', 'serve', '--state-dir', stateDir, '--kubeconfig-out', kubeconfig, '--port', String(o.port ?? 0), ...(o.prometheus ? ['--prometheus'] : []), ...(o.relPods === false ? ['--no-rel-pods'] : [])];
  const out = fs.openSync(logFile, 'a');
  const child = spawn(cmd[0]!, args, { detached: true, stdio: ['ignore', out, out], env: process.env });
  child.unref();
  fs.closeSync(out);
  fs.writeFileSync(path.join(stateDir, 'sandbox.pid'), String(child.pid));
  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    const st = await sandboxStatus(stateDir);
    if (st.running && st.pid === child.pid) return { ...st, started: true, log: logFile };
    if (child.exitCode !== null || !alive(child.pid!)) break;
    await new Promise((r) => setTimeout(r, 150));
  }
  const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
  throw new Error(`the sandbox did not start within ${Math.round((o.timeoutMs ?? 30_000) / 1000)}s; its log (${logFile}) ends with:\n${tail}`);
}

/** Stops a background sandbox and removes its kubeconfig context. Returns false if none ran. */
export async function sandboxDown(stateDir = defaultStateDir(), kubeconfig?: string): Promise<boolean> {
  const s = readState(stateDir);
  const pidFile = path.join(stateDir, 'sandbox.pid');
  const pid = s?.pid ?? (fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) : undefined);
  let stopped = false;
  if (pid && alive(pid)) {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
    stopped = true;
  }
  fs.rmSync(path.join(stateDir, STATE_FILE), { force: true });
  fs.rmSync(pidFile, { force: true });
  const kc = kubeconfig ?? s?.kubeconfig;
  if (kc) removeFromKubeconfig(kc);
  return stopped;
}

export interface FaultSettings {
  errorRate?: number;
  latencyMs?: number;
  fail?: 'crash' | 'unready' | 'image-pull' | 'none';
}

/** The annotation changes (null = remove) for fault settings; validates them. */
export function faultAnnotations(f: FaultSettings): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (f.errorRate !== undefined) {
    if (!Number.isFinite(f.errorRate) || f.errorRate < 0 || f.errorRate > 1) throw new Error(`--error-rate must be between 0 and 1 (a share of requests), got ${f.errorRate}`);
    out[ERROR_RATE_ANNOTATION] = f.errorRate === 0 ? null : String(f.errorRate);
  }
  if (f.latencyMs !== undefined) {
    if (!Number.isFinite(f.latencyMs) || f.latencyMs < 0) throw new Error(`--latency-ms must be a number of milliseconds ≥ 0, got ${f.latencyMs}`);
    out[LATENCY_ANNOTATION] = f.latencyMs === 0 ? null : String(f.latencyMs);
  }
  if (f.fail !== undefined) {
    if (!['crash', 'unready', 'image-pull', 'none'].includes(f.fail)) throw new Error(`--fail must be one of crash, unready, image-pull, none; got ${f.fail}`);
    out[FAIL_ANNOTATION] = f.fail === 'none' ? null : f.fail;
  }
  if (!Object.keys(out).length) throw new Error('nothing to change: give --error-rate, --latency-ms or --fail');
  return out;
}

/**
 * Patches a Deployment's pod template annotations on the sandbox at `url` (a merge patch, so a
 * rollout follows like for any template change). Returns the annotations now set.
 */
export async function setDeploymentFaults(url: string, namespace: string, name: string, f: FaultSettings): Promise<Record<string, string>> {
  const annotations = faultAnnotations(f);
  const res = await fetch(`${url}/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(name)}?fieldManager=rel-sandbox-fault`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/merge-patch+json' },
    body: JSON.stringify({ spec: { template: { metadata: { annotations } } } }),
  });
  const body = (await res.json()) as { message?: string; spec?: { template?: { metadata?: { annotations?: Record<string, string> } } } };
  if (!res.ok) throw new Error(`cannot set faults on deployment ${namespace}/${name}: ${body.message ?? res.statusText}`);
  const all = body.spec?.template?.metadata?.annotations ?? {};
  return Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('sandbox.rel.dev/')));
}

export { CONTEXT_NAME };
