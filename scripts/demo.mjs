#!/usr/bin/env node
/**
 * `npm run demo`: rel's main job on the embedded sandbox, in about a minute.
 *
 *   1. builds rel if dist/ is missing (installs npm packages first if node_modules/ is missing)
 *   2. starts the sandbox Kubernetes API with simulated ingress-nginx traffic and a real Prometheus
 *   3. deploys the team-registration system (charts/registration, values/registration/dev.yaml) to dev
 *      through the repository's rel.yaml
 *   4. runs a canary of a version that answers 20% of requests with errors: rel sees it in Prometheus
 *      and rolls it back by itself (exit code 3)
 *   5. runs a canary of a healthy version: 10% → 25% → 50% → promoted
 *   6. shows the release history, then stops everything and removes its temporary files.
 *
 * Every rel step is the real command line (`node bin/run.js …`), printed before it runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const say = (line) => console.log(`\n[demo ${elapsed()}] ${line}`);
const fail = (line, code = 1) => {
  console.error(`\n[demo] ${line}`);
  process.exit(code);
};

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) fail(`rel needs Node.js 20.19 or newer (this is ${process.version}).`);

/** Runs a set-up command in the repository, showing its output; stops the demo when it fails. */
function setup(cmd, args) {
  say(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) fail(`"${cmd} ${args.join(' ')}" failed (exit code ${r.status ?? r.signal}); fix the error above and run npm run demo again.`);
}

if (!existsSync(join(root, 'node_modules', '@oclif', 'core'))) setup('npm', ['ci']);
if (!existsSync(join(root, 'dist', 'commands', 'deploy.js')) || !existsSync(join(root, 'oclif.manifest.json'))) {
  say('rel is not built yet: building it');
  setup('npx', ['tsc', '-p', 'tsconfig.build.json']);
  setup('npx', ['oclif', 'manifest']);
}

const dist = (p) => import(pathToFileURL(join(root, 'dist', p)).href);
const { startSandbox, writeKubeconfig } = await dist('sandbox/index.js');
const { TrafficSimulator, storeClusterView, startPrometheus, queryProm } = await dist('sandbox/traffic/index.js');
const { findExecutable, PROMETHEUS_INSTALL_HINT } = await dist('sandbox/traffic/prometheus.js');

if (!findExecutable('prometheus')) {
  fail(`Prometheus is needed for the canary analysis and is not on PATH. Install it, then run npm run demo again:\n\n    ${PROMETHEUS_INSTALL_HINT ?? 'apt-get install -y prometheus'}\n`);
}

const dir = mkdtempSync(join(tmpdir(), 'rel-demo-'));
const kubeconfig = join(dir, 'kubeconfig');
let sandbox;
let traffic;
let prometheus;
const cleanup = async () => {
  traffic?.stop();
  await prometheus?.stop().catch(() => {});
  await sandbox?.stop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
};
process.on('SIGINT', () => cleanup().then(() => process.exit(130)));

/** Runs `rel ARGS` in the repository (rel.yaml there), printing its output indented. Resolves its exit code. */
function rel(args) {
  console.log(`\n  $ rel ${args.map((a) => (/[\s\\*]/.test(a) ? `'${a}'` : a)).join(' ')}`);
  return new Promise((res) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'run.js'), ...args], {
      cwd: root,
      env: { ...process.env, KUBECONFIG: kubeconfig, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const show = (chunk) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) console.log(`    ${line}`);
    };
    child.stdout.on('data', show);
    child.stderr.on('data', show);
    child.on('close', (code) => res(code ?? 1));
  });
}

const HOST = 'registration.dev.example.com';
try {
  say('starting the sandbox: a Kubernetes API on a loopback port, simulated ingress-nginx traffic, Prometheus');
  sandbox = await startSandbox({ port: 0 });
  traffic = new TrafficSimulator(storeClusterView(sandbox.cluster.store));
  sandbox.addRoute(traffic.metricsRoute);
  traffic.start();
  prometheus = await startPrometheus({ scrapeTarget: `${sandbox.url}/metrics` });
  writeKubeconfig(kubeconfig, sandbox.url);
  console.log(`  API server ${sandbox.url}, Prometheus ${prometheus.url}, kubeconfig ${kubeconfig} (context rel-sandbox)`);

  // Faster than rel.yaml's production pace (5-minute steps, 1-minute checks) so the demo takes a minute.
  const fast = ['--step-interval', '6s', '--analysis-interval', '3s', '--failure-limit', '2', '--prometheus-url', prometheus.url];

  say('1/4 deploy the team-registration system to dev (rel.yaml: release "registration", environment "dev")');
  let code = await rel(['deploy', 'registration', '--env', 'dev', '--timeout', '60s']);
  if (code !== 0) throw new Error(`the first deploy failed with exit code ${code}`);

  // Let Prometheus see the stable version's traffic before comparing a canary with it.
  for (let i = 0; i < 40; i++) {
    const r = await queryProm(prometheus.url, `sum(nginx_ingress_controller_requests{host="${HOST}"})`).catch(() => []);
    if ((r[0]?.value ?? 0) > 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`  traffic is flowing through the Ingress for ${HOST}`);

  say('2/4 canary of version 1.1.0 that answers 20% of requests with HTTP 500 (rel.yaml allows at most 5%)');
  code = await rel(['deploy', 'registration', '--env', 'dev', '--set', 'services.app.image.tag=1.1.0', '--set', 'services.app.podAnnotations.sandbox\\.rel\\.dev/error-rate=0.2', ...fast]);
  if (code !== 3) throw new Error(`expected the faulty canary to be rolled back (exit code 3), got exit code ${code}`);
  console.log('  → rolled back automatically (exit code 3); the stable version served all the while');

  say('3/4 canary of a healthy version 1.1.0: 10% → 25% → 50% → promoted');
  code = await rel(['deploy', 'registration', '--env', 'dev', '--set', 'services.app.image.tag=1.1.0', ...fast]);
  if (code !== 0) throw new Error(`the healthy canary failed with exit code ${code}`);
  console.log('  → promoted (exit code 0)');

  say('4/4 the release history (stored like Helm stores it: `helm history registration -n registration` shows the same)');
  await rel(['history', 'registration', '-n', 'registration']);

  say(`done in ${elapsed()}. Next: read the README's quick start, or start a sandbox of your own with "rel sandbox up --prometheus" and try the commands there.`);
} catch (e) {
  await cleanup();
  fail(`demo failed: ${e.message}`);
}
await cleanup();
process.exit(0);
