/**
 * `rel template`'s command line, shared by the oclif command and the fast path (src/fast/template.ts): helm's
 * optional-value flags, the flags helm template accepts that change nothing when rendering offline, the few that
 * do something rel cannot, and the mapping to TemplateOptions.
 */
import { existsSync } from 'node:fs';
import type { TemplateOptions } from './template.js';

/** helm template flags whose value is optional (cobra's NoOptDefVal): bare, they take this value. */
const BARE_VALUE: Record<string, string> = { '--wait': 'watcher', '--dry-run': 'client', '--server-side': 'true' };

/** Rewrites bare optional-value flags (`--wait` → `--wait=watcher`) and returns helm's warnings for them. */
export function helmTemplateArgv(argv: string[]): { argv: string[]; warnings: string } {
  const out: string[] = [];
  let warnings = '';
  let rest = false;
  for (const a of argv) {
    if (rest || a === '--') {
      rest = true;
      out.push(a);
      continue;
    }
    const v = BARE_VALUE[a];
    if (v === undefined) {
      out.push(a);
      continue;
    }
    if (a === '--dry-run') warnings += `level=WARN msg="--dry-run is deprecated and should be replaced with '--dry-run=client'"\n`;
    out.push(`${a}=${v}`);
  }
  return { argv: out, warnings };
}

/**
 * Flags `helm template` accepts that have no effect on what it prints for a local chart (release-record, wait,
 * cluster-connection and repository options). rel accepts them so that helm command lines work unchanged.
 */
export const NO_EFFECT_BOOLEANS = [
  'create-namespace', 'dependency-update', 'devel', 'disable-openapi-validation', 'force-conflicts', 'force-replace',
  'hide-notes', 'insecure-skip-tls-verify', 'kube-insecure-skip-tls-verify', 'pass-credentials', 'plain-http',
  'render-subchart-notes', 'replace', 'rollback-on-failure', 'take-ownership', 'wait-for-jobs',
] as const;
export const NO_EFFECT_STRINGS = [
  'burst-limit', 'qps', 'cert-file', 'key-file', 'keyring', 'color', 'colour', 'content-cache', 'description',
  'kube-apiserver', 'kube-as-user', 'kube-ca-file', 'kube-context', 'kube-tls-server-name', 'kube-token', 'kubeconfig',
  'password', 'username', 'registry-config', 'repository-cache', 'repository-config', 'server-side', 'timeout',
  'version', 'wait',
] as const;
export const NO_EFFECT_MULTIPLE = ['kube-as-group', 'labels', 'post-renderer-args'] as const;

type Flags = Record<string, string | boolean | string[] | undefined>;

/** Turns parsed arguments and flags into TemplateOptions, or helm's error text for what rel cannot do. */
export function templateInput(args: string[], flags: Flags): { options: TemplateOptions } | { error: string } {
  const str = (k: string) => flags[k] as string | undefined;
  const list = (k: string) => flags[k] as string[] | undefined;
  const bool = (k: string) => Boolean(flags[k]);
  if (args.length === 0) return { error: '"rel template" requires at least 1 argument\n\nUsage:  rel template [NAME] [CHART] [flags]' };
  if (args.length > 2) return { error: `expected at most two arguments, unexpected arguments: ${args.slice(2).join(', ')}` };
  const [releaseName, chart] = args.length === 2 ? [args[0], args[1]!] : [undefined, args[0]!];

  const dryRun = str('dry-run');
  if (dryRun !== undefined && !['client', 'true', 'false', 'none', 'server'].includes(dryRun)) {
    return { error: `invalid dry-run value (${JSON.stringify(dryRun)}). Must be "none", "server", or "client"` };
  }
  if (dryRun === 'server' || bool('validate')) {
    const what = dryRun === 'server' ? '--dry-run=server' : '--validate';
    return { error: `${what} needs a cluster, and rel template renders offline (lookup returns nothing): use "rel deploy --dry-run=server" or "rel diff" to render against a cluster` };
  }
  const caFile = str('ca-file');
  if (caFile !== undefined && !existsSync(caFile)) {
    return { error: `missing registry client: can't create TLS config for client: can't read CA file: "${caFile}": open ${caFile}: no such file or directory` };
  }
  const certFile = str('cert-file');
  const keyFile = str('key-file');
  if (certFile !== undefined && keyFile !== undefined) {
    for (const [what, f] of [['cert', certFile], ['key', keyFile]] as const) {
      if (!existsSync(f)) return { error: `missing registry client: can't create TLS config for client: unable to read ${what} file: "${f}": open ${f}: no such file or directory` };
    }
  }
  const color = str('color') ?? str('colour');
  if (color !== undefined && !['never', 'auto', 'always'].includes(color)) {
    return { error: `invalid color mode ${JSON.stringify(color)}: must be one of: never, auto, always` };
  }
  const postRenderer = str('post-renderer');
  if (postRenderer !== undefined) {
    return { error: `invalid argument "${postRenderer}" for "--post-renderer" flag: rel runs no post-renderer plugins; pipe the output of rel template to the program instead` };
  }
  if (str('repo') !== undefined) {
    return { error: 'rel template renders a local chart (a folder or a .tgz): fetch it first (helm pull CHART --repo URL) and pass its path' };
  }
  if (bool('verify')) {
    return { error: chart.endsWith('.tgz') || chart.endsWith('.tar.gz') ? 'rel does not check chart provenance (.prov files): run "helm verify" on the archive first' : 'unpacked charts cannot be verified' };
  }
  return {
    options: {
      releaseName,
      chart,
      namespace: str('namespace'),
      valueFiles: list('values'),
      set: list('set'),
      setString: list('set-string'),
      setFile: list('set-file'),
      setJson: list('set-json'),
      setLiteral: list('set-literal'),
      kubeVersion: str('kube-version'),
      apiVersions: list('api-versions'),
      includeCrds: bool('include-crds'),
      skipCrds: bool('skip-crds'),
      skipTests: bool('skip-tests'),
      disableHooks: bool('no-hooks'),
      showOnly: list('show-only'),
      outputDir: str('output-dir'),
      useReleaseName: bool('release-name'),
      isUpgrade: bool('is-upgrade'),
      nameTemplate: str('name-template'),
      generateName: bool('generate-name'),
      skipSchemaValidation: bool('skip-schema-validation'),
      enableDns: bool('enable-dns'),
      debug: bool('debug'),
    },
  };
}
