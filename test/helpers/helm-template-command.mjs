// A stand-in for rel's template command that runs the real helm, for checking the conformance
// harness itself: REL_CONFORMANCE_COMMAND=$PWD/test/helpers/helm-template-command.mjs npx vitest run test/conformance
// must report every case identical (random cases by shape, since helm's own runs differ).
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const helm = process.env.HELM_BIN ?? join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), '.cache/tools/helm');

export default class HelmTemplate {
  static async run(argv) {
    const r = spawnSync(helm, ['template', ...argv], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, TZ: 'UTC' } });
    if (r.error) throw r.error;
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    if (r.status !== 0) throw Object.assign(new Error('helm template failed'), { oclif: { exit: r.status ?? 1 } });
  }
}
