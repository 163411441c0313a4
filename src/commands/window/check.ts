import { Command, Flags } from '@oclif/core';
import { evaluationJson, explainBlocked, fmtTime, localizeTimes, render, resolveWindowInput, windowFlags } from '../../windows/cli.js';
import { EXIT_OUTSIDE_WINDOW, type Operation, checkOperation } from '../../windows/wait.js';

export default class WindowCheck extends Command {
  static override summary = 'Tell whether a deploy (or rollback/promotion) would be allowed now or at a given time.';
  static override description = `Reads the maintenance windows of rel.yaml, layered the way rel deploy layers them (defaults < environment < release < release-in-environment), and checks them at the given time.
Exits 0 when the operation is allowed and 4 when a deny window, a freeze or the lack of an open allow window blocks it, exactly like a refused deploy; the output names what blocks it and when the next window opens.
Rollbacks are allowed outside windows unless policy.rollback is "window".`;
  static override examples = [
    '<%= config.bin %> window check --env prod',
    '<%= config.bin %> window check --env prod --at 2026-01-06T02:30:00+08:00',
    '<%= config.bin %> window check --env prod --at +2h --op promote -o json',
    'if <%= config.bin %> window check --env prod; then echo open; else echo "closed (exit $?)"; fi',
  ];

  static override flags = {
    ...windowFlags,
    op: Flags.string({ description: 'operation to check', options: ['deploy', 'rollback', 'promote'], default: 'deploy' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(WindowCheck);
    const { tz, at, loaded } = resolveWindowInput(this, flags);
    const ev = checkOperation(loaded.spec, flags.op as Operation, at);
    if (flags.output !== 'table') {
      this.log(render(flags.output, { ...evaluationJson(ev), operation: flags.op, env: flags.env ?? null, exitCode: ev.allowed ? 0 : EXIT_OUTSIDE_WINDOW }));
    } else {
      const when = flags.at === undefined ? 'now' : `at ${fmtTime(at, tz)}`;
      const what = `${flags.op}${flags.env ? ` to ${flags.env}` : ''}`;
      if (ev.allowed) {
        this.log(`${what} is allowed ${when}: ${localizeTimes(ev.reason, tz)}`);
      } else {
        this.log(`${what} is NOT allowed ${when}:`);
        for (const line of explainBlocked(ev, tz)) this.log(`  ${line}`);
      }
    }
    if (!ev.allowed) this.exit(EXIT_OUTSIDE_WINDOW);
  }
}
