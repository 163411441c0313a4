/**
 * `rel sandbox`: an embedded Kubernetes-API-compatible server with controllers, for kubectl, helm
 * and rel itself when no cluster is at hand. `startSandbox` wires the store, the API semantics, the
 * controllers and the HTTP server together.
 *
 * Reading cluster objects from other modules (e.g. the traffic simulator):
 *   const sb = await startSandbox({ port: 0 });
 *   sb.cluster.store.list('networking.k8s.io/ingresses', 'default').items   // plain JSON objects
 *   sb.cluster.store.watch('apps/deployments', undefined, undefined, (ev) => ...)
 *   sb.cluster.kind('apps/v1', 'Deployment')  // → ResourceType (resourceKey(t) = 'apps/deployments')
 */
import * as http from 'node:http';
import { Cluster } from './api.js';
import { Controllers, type ControllerOptions } from './controllers/index.js';
import { ResourceRegistry, builtinResourceTypes } from './resources.js';
import { SandboxServer, type ServerOptions } from './server.js';
import { ObjectStore } from './store.js';
import { loadFieldModels, preloadValidators } from './validate.js';

export { Cluster } from './api.js';
export { ObjectStore } from './store.js';
export type { KubeObject, StoreEvent, ListResult, Watch } from './store.js';
export { resourceKey, apiVersionOf, type ResourceType } from './resources.js';
export { SandboxServer, type FaultConfig } from './server.js';
export { FAIL_ANNOTATION, NODE_NAME, type PodRunner, type PodProcess } from './controllers/index.js';
export { localKubelet, sandboxToken, type LocalKubeletOptions } from './controllers/local-kubelet.js';
export { writeKubeconfig, sandboxKubeconfig, CONTEXT_NAME } from './kubeconfig.js';

export interface SandboxOptions extends ControllerOptions {
  port?: number;
  host?: string;
  /** directory where objects persist as JSON (a restart keeps them) */
  stateDir?: string;
  /** run without controllers (objects stay as written) */
  controllers?: boolean;
  bookmarkIntervalMs?: number;
  extraRoutes?: ServerOptions['extraRoutes'];
}

export interface Sandbox {
  cluster: Cluster;
  server: SandboxServer;
  controllers?: Controllers;
  port: number;
  url: string;
  /** adds an HTTP route handler (e.g. the traffic module's /metrics) in front of the API */
  addRoute(handler: (req: http.IncomingMessage, res: http.ServerResponse) => boolean | Promise<boolean>): void;
  stop(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const store = new ObjectStore();
  if (opts.stateDir) store.persistTo(opts.stateDir);
  const cluster = new Cluster(store, new ResourceRegistry(builtinResourceTypes()));
  await Promise.all([preloadValidators(cluster.registry.all()), loadFieldModels()]);
  const routes: ((req: http.IncomingMessage, res: http.ServerResponse) => boolean | Promise<boolean>)[] = [];
  if (opts.extraRoutes) routes.push(opts.extraRoutes);
  const server = new SandboxServer(cluster, {
    bookmarkIntervalMs: opts.bookmarkIntervalMs,
    log: opts.log,
    extraRoutes: async (req, res) => {
      for (const r of routes) if (await r(req, res)) return true;
      return false;
    },
  });
  let controllers: Controllers | undefined;
  if (opts.controllers !== false) {
    controllers = new Controllers(cluster, opts);
    await controllers.start();
  }
  const host = opts.host ?? '127.0.0.1';
  const port = await server.listen(opts.port ?? 0, host);
  const url = `http://${host}:${port}`;
  return {
    cluster,
    server,
    controllers,
    port,
    url,
    addRoute: (h) => routes.push(h),
    async stop() {
      controllers?.stop();
      await server.close();
      store.flush();
    },
  };
}
