import { readFileSync } from 'node:fs';

/** Versions rel reports and emulates (Helm 4.1.4's defaults when no cluster is asked). */
export const HELM_VERSION = 'v4.1.4';
export const DEFAULT_KUBE_VERSION = 'v1.35.0';

export function versionInfo(): { version: string; helmVersion: string; kubeVersion: string } {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return { version: pkg.version, helmVersion: HELM_VERSION, kubeVersion: DEFAULT_KUBE_VERSION };
}
