import { Args, Flags } from '@oclif/core';
import { RelCommand, clusterFlags, commonFlags, outputFlag } from '../cli/base.js';
import { formatData } from '../cli/output.js';
import { kubeOptions, releaseContext } from '../actions/context.js';
import { renderStatus, status } from '../actions/inspect.js';
import { parseDuration } from '../cli/duration.js';

export default class Status extends RelCommand {
  static override description = 'Show a release: its revision, the readiness of each resource, the last rollout and its analysis, and the notes.';
  static override examples = ['<%= config.bin %> status shop -n prod', '<%= config.bin %> status shop --revision 3 -o yaml'];
  static override args = { release: Args.string({ description: 'release name', required: true }) };
  static override flags = {
    ...commonFlags,
    ...clusterFlags,
    ...outputFlag,
    revision: Flags.integer({ description: 'Show this revision instead of the newest.' }),
    watch: Flags.boolean({ char: 'w', description: 'Keep showing the release live (step, weights, replicas, latest check values) until the rollout ends; Ctrl-C to stop.', default: false }),
    interval: Flags.string({ description: 'Refresh period with --watch.', default: '2s' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Status);
    const ctx = releaseContext(kubeOptions(flags), () => {});
    const show = (report: Awaited<ReturnType<typeof status>>) =>
      flags.output === 'table' ? renderStatus(report) : formatData(report, flags.output as 'json' | 'yaml');
    if (!flags.watch) return void process.stdout.write(show(await status(ctx, args.release, flags.revision)));
    const period = parseDuration(flags.interval, '--interval');
    let last = '';
    for (;;) {
      const report = await status(ctx, args.release, flags.revision);
      const text = show(report);
      if (text !== last) {
        // On a terminal redraw in place; otherwise print each change once.
        process.stdout.write(process.stdout.isTTY ? `\x1b[2J\x1b[H${new Date().toISOString()}\n${text}` : `--- ${new Date().toISOString()}\n${text}`);
        last = text;
      }
      if (!report.status.startsWith('pending')) return;
      await new Promise((r) => setTimeout(r, period));
    }
  }
}
