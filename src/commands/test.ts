import { Args, Flags } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags } from '../cli/base.js';
import { parseDuration } from '../cli/duration.js';
import { UserError } from '../cli/errors.js';
import { kubeOptions, releaseContext } from '../actions/context.js';
import { getRevision } from '../actions/inspect.js';
import { hooksFor } from '../release/hooks.js';
import { runHooks } from '../release/operations.js';

export default class Test extends RelCommand {
  static override description = "Run a release's test hooks (helm.sh/hook: test) and report each one; the results are recorded with the revision as helm does.";
  static override examples = ['<%= config.bin %> test shop -n prod'];
  static override args = { release: Args.string({ description: 'release name', required: true }) };
  static override flags = { ...commonFlags, ...clusterFlags, timeout: Flags.string({ description: 'Time to wait for each test (Go duration).', default: '5m' }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Test);
    const ctx = releaseContext(kubeOptions(flags), (l) => process.stderr.write(`${l}\n`));
    const rls = await getRevision(ctx, args.release);
    if (rls.info.status !== 'deployed') throw new UserError(`release "${args.release}" is ${rls.info.status}, not deployed: nothing to test`);
    const tests = hooksFor(rls.hooks ?? [], 'test');
    if (tests.length === 0) return void this.log(`release "${args.release}" has no tests`);
    try {
      await runHooks(ctx, rls, 'test', parseDuration(flags.timeout, '--timeout'));
    } finally {
      await ctx.storage.update(rls); // keeps last_run of each test hook
      for (const h of tests) this.log(`TEST SUITE: ${h.name}\nLast Started: ${h.last_run.started_at ?? ''}\nLast Completed: ${h.last_run.completed_at ?? ''}\nPhase: ${h.last_run.phase}\n`);
    }
  }
}
