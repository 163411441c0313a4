import { type KubeOptions, Kube } from '../kube/client.js';
import type { ReleaseContext } from '../release/operations.js';
import { KubeRecordDriver } from '../storage/kube-records.js';
import { MemoryDriver } from '../storage/memory.js';
import type { Driver } from '../storage/driver.js';
import { Storage } from '../storage/storage.js';

export interface ClusterFlags {
  kubeconfig?: string;
  'kube-context'?: string;
  namespace?: string;
}

export function kubeOptions(flags: ClusterFlags, overrides: Partial<KubeOptions> = {}): KubeOptions {
  return {
    kubeconfig: overrides.kubeconfig ?? flags.kubeconfig,
    context: overrides.context ?? flags['kube-context'],
    namespace: overrides.namespace ?? flags.namespace,
  };
}

/** The storage driver named by HELM_DRIVER (secret, the default; configmap; memory), as helm chooses it. */
export function driverFor(kube: Kube, namespace: string | undefined): Driver {
  const name = (process.env.HELM_DRIVER ?? 'secret').toLowerCase();
  switch (name) {
    case 'configmap':
    case 'configmaps':
      return new KubeRecordDriver('ConfigMap', kube.recordApi('ConfigMap', namespace));
    case 'memory':
      return new MemoryDriver();
    default:
      return new KubeRecordDriver('Secret', kube.recordApi('Secret', namespace));
  }
}

/** Cluster, storage and logging for one release command. `allNamespaces` reads records everywhere. */
export function releaseContext(opts: KubeOptions, log: (line: string) => void, allNamespaces = false): ReleaseContext {
  const kube = Kube.load(opts);
  const storage = new Storage(driverFor(kube, allNamespaces ? undefined : kube.namespace));
  return { kube, storage, namespace: kube.namespace, log };
}
