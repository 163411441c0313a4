/**
 * A "local kubelet" for the sandbox, which has no container runtime: pods whose image matches run as a
 * child process on this machine (e.g. the rel image as `node bin/run.js <container args>`), the way a kubelet
 * would start them:
 *
 *   - a temporary root folder per pod holds the service-account files (token, ca.crt, namespace under
 *     var/run/secrets/kubernetes.io/serviceaccount) and the Secret/ConfigMap/emptyDir volumes at their
 *     mountPath; arguments and env values naming a mountPath are rewritten to the folder;
 *   - the environment is the container's env (value, secretKeyRef, configMapKeyRef, fieldRef name/namespace)
 *     plus KUBERNETES_SERVICE_HOST/PORT for the sandbox, REL_SERVICEACCOUNT_PREFIX (the root folder, read by
 *     src/schedule/incluster.ts) and REL_KUBERNETES_SERVICE_SCHEME=http (the sandbox serves plain HTTP);
 *   - the exit code completes (0) or fails the pod; with terminationMessagePolicy FallbackToLogsOnError a
 *     failure's message is the end of the output, as a kubelet does;
 *   - deleting the pod sends SIGTERM, then SIGKILL after the grace period (at most 10 s here);
 *   - a container with securityContext.readOnlyRootFilesystem gets HOME and TMPDIR at a folder that does not
 *     exist (unless its env sets them, e.g. to an emptyDir), so a program that writes outside its volumes fails
 *     here as it would on a read-only root (this machine cannot make the folder truly read-only for root).
 *
 * The token is `sandbox-token:NAMESPACE:SERVICEACCOUNT:POD`: the sandbox does not check it, but a test can
 * tell a pod's requests apart by it (Sandbox.addRoute sees every request).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../store.js';
import type { PodProcess, PodRunner } from './index.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const SA_DIR = 'var/run/secrets/kubernetes.io/serviceaccount';

export interface LocalKubeletOptions {
  /** Which images run as a process (others keep the simulated behaviour). */
  match: (image: string) => boolean;
  /** The image's entrypoint on this machine, e.g. [process.execPath, '/path/to/bin/run.js']; the container's args follow. */
  entrypoint: string[];
  /** The sandbox's URL (what KUBERNETES_SERVICE_HOST/PORT point at). */
  apiUrl: string;
  /** More environment (e.g. PATH, HOME); the pod's env wins. */
  env?: NodeJS.ProcessEnv;
  /** Every output line of a pod (its "logs"). */
  log?: (pod: string, line: string) => void;
}

/** The bearer token the local kubelet gives a pod's service account. */
export const sandboxToken = (namespace: string, serviceAccount: string, pod: string) => `sandbox-token:${namespace}:${serviceAccount}:${pod}`;

export function localKubelet(opts: LocalKubeletOptions): PodRunner {
  const api = new URL(opts.apiUrl);
  return (pod, get) => {
    const spec = pod.spec as Obj;
    const containers = (spec.containers ?? []) as Obj[];
    if (containers.length !== 1 || !opts.match(String(containers[0]!.image ?? ''))) return undefined;
    const c = containers[0]!;
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name!;
    const root = mkdtempSync(join(tmpdir(), 'rel-kubelet-'));
    try {
      return start(pod, c, ns, name, root, get);
    } catch (e) {
      rmSync(root, { recursive: true, force: true });
      throw e;
    }
  };

  function start(pod: KubeObject, c: Obj, ns: string, name: string, root: string, get: Parameters<PodRunner>[1]): PodProcess {
    const spec = pod.spec as Obj;
    const sa = spec.serviceAccountName ?? 'default';
    if (spec.automountServiceAccountToken !== false) {
      const dir = join(root, SA_DIR);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'token'), sandboxToken(ns, sa, name));
      writeFileSync(join(dir, 'ca.crt'), '# the sandbox serves plain HTTP: no CA\n');
      writeFileSync(join(dir, 'namespace'), ns);
    }
    // Volumes at root + mountPath.
    const volumes = new Map(((spec.volumes ?? []) as Obj[]).map((v) => [v.name, v]));
    const mounts: string[] = [];
    for (const m of (c.volumeMounts ?? []) as Obj[]) {
      const v = volumes.get(m.name);
      if (!v) continue;
      const dir = join(root, m.mountPath);
      mkdirSync(dir, { recursive: true });
      mounts.push(m.mountPath);
      const files: Record<string, Buffer> = {};
      if (v.secret) {
        const s = get('/secrets', ns, v.secret.secretName);
        if (!s && !v.secret.optional) throw new Error(`secret ${ns}/${v.secret.secretName} not found for volume ${v.name}`);
        for (const [k, val] of Object.entries((s?.data ?? {}) as Record<string, string>)) files[k] = Buffer.from(val, 'base64');
      } else if (v.configMap) {
        const cm = get('/configmaps', ns, v.configMap.name);
        if (!cm && !v.configMap.optional) throw new Error(`configmap ${ns}/${v.configMap.name} not found for volume ${v.name}`);
        for (const [k, val] of Object.entries((cm?.data ?? {}) as Record<string, string>)) files[k] = Buffer.from(val);
        for (const [k, val] of Object.entries((cm?.binaryData ?? {}) as Record<string, string>)) files[k] = Buffer.from(val, 'base64');
      }
      for (const [k, b] of Object.entries(files)) writeFileSync(join(dir, k), b);
    }
    mounts.sort((a, b) => b.length - a.length);
    const mapPath = (s: string) => {
      for (const mp of mounts) {
        const re = new RegExp(`(^|=)${mp.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|/)`);
        if (re.test(s)) return s.replace(re, (_m, pre: string) => `${pre}${join(root, mp)}`);
      }
      return s;
    };
    const env: NodeJS.ProcessEnv = {
      ...(opts.env ?? {}),
      KUBERNETES_SERVICE_HOST: api.hostname,
      KUBERNETES_SERVICE_PORT: api.port || (api.protocol === 'https:' ? '443' : '80'),
      REL_SERVICEACCOUNT_PREFIX: root,
      REL_KUBERNETES_SERVICE_SCHEME: api.protocol.replace(':', ''),
      HOSTNAME: name,
    };
    if ((c.securityContext as Obj | undefined)?.readOnlyRootFilesystem === true) {
      const ro = join(root, 'read-only-root-filesystem');
      env.HOME = ro;
      env.TMPDIR = ro;
    }
    for (const e of (c.env ?? []) as Obj[]) {
      const from = e.valueFrom as Obj | undefined;
      if (!from) env[e.name] = mapPath(String(e.value ?? ''));
      else if (from.secretKeyRef) {
        const v = (get('/secrets', ns, from.secretKeyRef.name)?.data as Record<string, string> | undefined)?.[from.secretKeyRef.key];
        if (v !== undefined) env[e.name] = Buffer.from(v, 'base64').toString();
      } else if (from.configMapKeyRef) {
        const v = (get('/configmaps', ns, from.configMapKeyRef.name)?.data as Record<string, string> | undefined)?.[from.configMapKeyRef.key];
        if (v !== undefined) env[e.name] = v;
      } else if (from.fieldRef?.fieldPath === 'metadata.name') env[e.name] = name;
      else if (from.fieldRef?.fieldPath === 'metadata.namespace') env[e.name] = ns;
    }
    const args = ((c.args ?? []) as string[]).map(mapPath);
    const [cmd, ...pre] = opts.entrypoint;
    const child = spawn(cmd!, [...pre, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const onData = (buf: Buffer) => {
      for (const line of buf.toString().split('\n')) {
        if (!line) continue;
        tail.push(line);
        if (tail.length > 80) tail.shift();
        opts.log?.(`${ns}/${name}`, line);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    let killTimer: NodeJS.Timeout | undefined;
    const exited = new Promise<{ exitCode: number; message?: string }>((resolve) => {
      child.once('error', (e) => {
        rmSync(root, { recursive: true, force: true });
        resolve({ exitCode: 128, message: `cannot start ${cmd}: ${e.message}` });
      });
      child.once('exit', (code, signal) => {
        if (killTimer) clearTimeout(killTimer);
        rmSync(root, { recursive: true, force: true });
        const exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 1);
        const message = exitCode !== 0 && c.terminationMessagePolicy === 'FallbackToLogsOnError' ? tail.join('\n').slice(-2048) : undefined;
        resolve({ exitCode, message });
      });
    });
    return {
      exited,
      kill: () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const grace = Math.min(10, Number(spec.terminationGracePeriodSeconds ?? 30)) * 1000;
        killTimer = setTimeout(() => child.kill('SIGKILL'), grace);
        killTimer.unref();
      },
    };
  }
}
