/**
 * Kubeconfig files for the sandbox: a cluster/user/context named `rel-sandbox` pointing at the
 * loopback server, written alone or merged into an existing kubeconfig.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';

export const CONTEXT_NAME = 'rel-sandbox';

type Named = { name: string; [k: string]: unknown };
interface KubeConfig {
  apiVersion: string;
  kind: string;
  clusters: Named[];
  users: Named[];
  contexts: Named[];
  'current-context'?: string;
  preferences?: Record<string, unknown>;
  [k: string]: unknown;
}

export function sandboxKubeconfig(url: string, namespace = 'default'): KubeConfig {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CONTEXT_NAME, cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: CONTEXT_NAME, user: { token: 'rel-sandbox' } }],
    contexts: [{ name: CONTEXT_NAME, context: { cluster: CONTEXT_NAME, user: CONTEXT_NAME, namespace } }],
    'current-context': CONTEXT_NAME,
    preferences: {},
  };
}

/**
 * Writes the sandbox context into `file`: a new file, or merged into an existing kubeconfig
 * (replacing an older `rel-sandbox` entry). With `makeCurrent` the context becomes current.
 */
export function writeKubeconfig(file: string, url: string, makeCurrent = true): void {
  const fresh = sandboxKubeconfig(url);
  let cfg: KubeConfig = fresh;
  if (fs.existsSync(file)) {
    const text = fs.readFileSync(file, 'utf8');
    const old = (text.trim() ? YAML.parse(text) : {}) as Partial<KubeConfig>;
    const merge = (list: Named[] | undefined, add: Named) => [...(list ?? []).filter((x) => x.name !== CONTEXT_NAME), add];
    cfg = {
      ...old,
      apiVersion: old.apiVersion ?? 'v1',
      kind: old.kind ?? 'Config',
      clusters: merge(old.clusters, fresh.clusters[0]!),
      users: merge(old.users, fresh.users[0]!),
      contexts: merge(old.contexts, fresh.contexts[0]!),
      'current-context': makeCurrent || !old['current-context'] ? CONTEXT_NAME : old['current-context'],
    };
  }
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, YAML.stringify(cfg), { mode: 0o600 });
}

/** Removes the sandbox entries from a kubeconfig (used by `rel sandbox down`). */
export function removeFromKubeconfig(file: string): void {
  if (!fs.existsSync(file)) return;
  const cfg = YAML.parse(fs.readFileSync(file, 'utf8')) as Partial<KubeConfig> | null;
  if (!cfg) return;
  const drop = (l?: Named[]) => (l ?? []).filter((x) => x.name !== CONTEXT_NAME);
  const next = { ...cfg, clusters: drop(cfg.clusters), users: drop(cfg.users), contexts: drop(cfg.contexts) };
  if (next['current-context'] === CONTEXT_NAME) delete next['current-context'];
  fs.writeFileSync(file, YAML.stringify(next), { mode: 0o600 });
}
