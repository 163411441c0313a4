/**
 * Child process behind the template function `lookup` (see src/actions/render-release.ts):
 * reads {kubeconfig, apiVersion, kind, namespace, name} on stdin, prints {ok, value|error}.
 * An empty name lists; a missing object is an empty map, as in helm.
 */
import * as k8s from '@kubernetes/client-node';
import { allowPlainHttp } from './client.js';

let input = '';
process.stdin.on('data', (c) => (input += c));
process.stdin.on('end', () => {
  void main().then(
    (value) => process.stdout.write(JSON.stringify({ ok: true, value })),
    (e: unknown) => process.stdout.write(JSON.stringify({ ok: false, error: (e as Error).message })),
  );
});

async function main(): Promise<unknown> {
  const req = JSON.parse(input) as { kubeconfig: string; apiVersion: string; kind: string; namespace: string; name: string };
  const kc = new k8s.KubeConfig();
  kc.loadFromString(req.kubeconfig);
  allowPlainHttp(kc);
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  try {
    if (req.name === '') {
      const list = await api.list(req.apiVersion, req.kind, req.namespace || undefined);
      return { apiVersion: req.apiVersion, kind: `${req.kind}List`, items: list.items, metadata: list.metadata ?? {} };
    }
    return await api.read({ apiVersion: req.apiVersion, kind: req.kind, metadata: { name: req.name, namespace: req.namespace || undefined } });
  } catch (e) {
    if ((e as { code?: number }).code === 404) return {};
    throw e;
  }
}
