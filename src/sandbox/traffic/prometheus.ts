/**
 * Runs the real Prometheus (Debian package `prometheus`, 2.x) on loopback, scraping the sandbox every second,
 * and a tiny PromQL client for tests. The analysis metric provider of rel lives elsewhere.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

export const PROMETHEUS_INSTALL_HINT = 'apt-get install -y prometheus';

export interface StartPrometheusOptions {
  /** Full URL of the metrics endpoint to scrape, e.g. http://127.0.0.1:8080/metrics. */
  scrapeTarget: string;
  /** Port for Prometheus's own web/API listener on 127.0.0.1; default: a free port. */
  port?: number;
  /** TSDB directory; default: a new temporary directory removed by stop(). */
  dataDir?: string;
  /** Path of the prometheus binary; default: `prometheus` on PATH. */
  binary?: string;
  /** Scrape and rule-evaluation interval in seconds. Default 1. */
  intervalSeconds?: number;
  /** How long to wait for /-/ready, ms. Default 30000. */
  readyTimeoutMs?: number;
}

export interface RunningPrometheus {
  /** Base URL, e.g. http://127.0.0.1:9091 (no trailing slash). */
  url: string;
  port: number;
  dataDir: string;
  configFile: string;
  pid: number | undefined;
  /** Stops Prometheus (SIGTERM, then SIGKILL after 5 s) and removes the temporary directories it created. */
  stop(): Promise<void>;
}

/** Finds an executable on PATH (or checks an explicit path). */
export function findExecutable(name: string): string | undefined {
  const candidates = name.includes('/') ? [name] : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, fsConstants.X_OK);
      return c;
    } catch {
      /* try the next one */
    }
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The generated prometheus.yml for one scrape target. */
export function prometheusConfig(scrapeTarget: string, intervalSeconds = 1): string {
  let u: URL;
  try {
    u = new URL(scrapeTarget);
  } catch {
    throw new Error(`scrape target "${scrapeTarget}" is not a URL; expected something like http://127.0.0.1:8080/metrics`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`scrape target "${scrapeTarget}" must be an http:// or https:// URL`);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  const job: Record<string, unknown> = {
    job_name: 'rel-sandbox',
    scheme: u.protocol.slice(0, -1),
    metrics_path: u.pathname || '/metrics',
    scrape_interval: `${intervalSeconds}s`,
    scrape_timeout: `${intervalSeconds}s`,
    static_configs: [{ targets: [`${u.hostname}:${port}`] }],
  };
  if (u.search) {
    const params: Record<string, string[]> = {};
    for (const [k, v] of u.searchParams) (params[k] ??= []).push(v);
    job.params = params;
  }
  return stringify({ global: { scrape_interval: `${intervalSeconds}s`, evaluation_interval: `${intervalSeconds}s` }, scrape_configs: [job] });
}

/** Starts Prometheus on 127.0.0.1 and resolves when /-/ready answers 200. */
export async function startPrometheus(opts: StartPrometheusOptions): Promise<RunningPrometheus> {
  const binary = findExecutable(opts.binary ?? 'prometheus');
  if (!binary) {
    throw new Error(
      `the prometheus binary was not found${opts.binary ? ` at ${opts.binary}` : ' on PATH'}. ` +
        `Install it with: ${PROMETHEUS_INSTALL_HINT} (Debian/Ubuntu), or put a Prometheus 2.x binary on PATH.`,
    );
  }
  const interval = opts.intervalSeconds ?? 1;
  const config = prometheusConfig(opts.scrapeTarget, interval);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'rel-prometheus-'));
  const dataDir = opts.dataDir ?? path.join(workDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const configFile = path.join(workDir, 'prometheus.yml');
  writeFileSync(configFile, config);
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;

  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1d',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    stderr = (stderr + d).slice(-8000);
  });
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });
  const killOnExit = (): void => {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  };
  process.once('exit', killOnExit);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitPromise;
      clearTimeout(t);
    }
    rmSync(workDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (spawnError || exited) {
      await stop();
      const why = spawnError ? spawnError.message : `exited with ${exited?.code !== null ? `code ${exited?.code}` : `signal ${exited?.signal}`}`;
      throw new Error(`prometheus (${binary}) failed to start on 127.0.0.1:${port}: ${why}${stderr ? `\n${lastLines(stderr, 10)}` : ''}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready at ${url}/-/ready within ${(opts.readyTimeoutMs ?? 30_000) / 1000} s${stderr ? `\n${lastLines(stderr, 10)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, port, dataDir, configFile, pid: child.pid, stop };
}

function lastLines(s: string, n: number): string {
  return s.trimEnd().split('\n').slice(-n).join('\n');
}

export interface PromSample {
  metric: Record<string, string>;
  value: number;
  /** Unix seconds. */
  timestamp: number;
}

/**
 * Instant PromQL query (GET /api/v1/query). Vector and scalar results become samples (a scalar has no labels);
 * NaN and ±Inf come back as JS NaN/±Infinity.
 */
export async function queryProm(url: string, promql: string, time?: Date | number): Promise<PromSample[]> {
  const q = new URL('/api/v1/query', url.endsWith('/') ? url : `${url}/`);
  q.searchParams.set('query', promql);
  if (time !== undefined) q.searchParams.set('time', String(time instanceof Date ? time.getTime() / 1000 : time));
  let res: Response;
  try {
    res = await fetch(q, { signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new Error(`cannot reach Prometheus at ${url}: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`);
  }
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`Prometheus at ${url} answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  if (body?.status !== 'success') throw new Error(`PromQL query failed (${res.status} ${body?.errorType ?? ''}): ${body?.error ?? text.slice(0, 200)}\n  query: ${promql}`);
  const data = body.data;
  const num = (v: string): number => (v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v));
  if (data.resultType === 'vector') return (data.result as any[]).map((r) => ({ metric: r.metric ?? {}, timestamp: Number(r.value[0]), value: num(r.value[1]) }));
  if (data.resultType === 'scalar') return [{ metric: {}, timestamp: Number(data.result[0]), value: num(data.result[1]) }];
  throw new Error(`queryProm handles vector and scalar results; the query returned a ${data.resultType}: ${promql}`);
}
