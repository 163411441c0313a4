/**
 * Cluster access from inside a pod: the service account's token, CA and namespace (client-node's
 * loadFromCluster), written out as a kubeconfig file so every part of rel (Kube.load, runDeploy, the lookup
 * child process) uses it like any other kubeconfig. The token file is referenced, not copied, so a rotated
 * token is picked up.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';

export const SERVICEACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** True inside a Kubernetes pod (the API server's address is in the environment). */
export function inCluster(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT);
}

/**
 * Writes a kubeconfig for the pod's service account into `dir` and returns its path, context and namespace.
 * `pathPrefix` is prepended to the service-account paths (default: $REL_SERVICEACCOUNT_PREFIX, set by the
 * sandbox's local kubelet to a temporary folder). $REL_KUBERNETES_SERVICE_SCHEME=http makes the server URL
 * plain HTTP (the sandbox; a real API server always serves HTTPS).
 */
export function writeInClusterKubeconfig(dir: string, pathPrefix = process.env.REL_SERVICEACCOUNT_PREFIX ?? ''): { file: string; context: string; namespace?: string } {
  if (!inCluster()) {
    throw new Error('not running inside a Kubernetes pod (KUBERNETES_SERVICE_HOST/PORT are not set): pass --kubeconfig to run outside the cluster');
  }
  let kc = new k8s.KubeConfig();
  kc.loadFromCluster(pathPrefix);
  const scheme = process.env.REL_KUBERNETES_SERVICE_SCHEME;
  if (scheme === 'http' || scheme === 'https') {
    const next = new k8s.KubeConfig();
    next.loadFromOptions({
      clusters: kc.clusters.map((c) => ({ ...c, server: c.server.replace(/^https?:/, `${scheme}:`), skipTLSVerify: scheme === 'http' ? true : c.skipTLSVerify })),
      users: kc.users,
      contexts: kc.contexts,
      currentContext: kc.currentContext,
    });
    kc = next;
  }
  const file = join(dir, 'kubeconfig');
  writeFileSync(file, kc.exportConfig(), { mode: 0o600 });
  const ctx = kc.getCurrentContext();
  return { file, context: ctx, namespace: kc.getContextObject(ctx)?.namespace?.trim() || undefined };
}
