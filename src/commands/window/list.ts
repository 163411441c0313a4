import { Command, Flags } from '@oclif/core';
import { formatDuration } from '../../windows/duration.js';
import { fmtRange, fmtTime, occurrenceJson, periodJson, render, resolveWindowInput, specJson, windowFlags } from '../../windows/cli.js';
import { allowedPeriods, windowsBetween } from '../../windows/engine.js';

export default class WindowList extends Command {
  static override summary = 'List the maintenance windows, freezes and the resulting allowed periods.';
  static override description = `Shows the allow and deny windows and freezes that apply (defaults.windows < environments.<env>.windows < releases[].windows < releases[].environments.<env>.windows in rel.yaml, as rel deploy layers them), the window policy, and every occurrence in the coming --days, followed by the periods in which deploys are actually allowed (allow windows minus deny windows and freezes).`;
  static override examples = [
    '<%= config.bin %> window list --env prod',
    '<%= config.bin %> window list --env prod --days 60 --tz Asia/Shanghai',
    '<%= config.bin %> window list --env prod --at 2026-12-01 -o yaml',
  ];

  static override flags = {
    ...windowFlags,
    days: Flags.integer({ description: 'how many days from --at to list occurrences for', default: 14, min: 1, max: 400 }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(WindowList);
    const { tz, at, loaded } = resolveWindowInput(this, flags);
    const spec = loaded.spec;
    const to = new Date(at.getTime() + flags.days * 86_400_000);
    const occurrences = windowsBetween(spec, at, to);
    const allowed = allowedPeriods(spec, at, to);
    if (flags.output !== 'table') {
      this.log(
        render(flags.output, {
          env: flags.env ?? null,
          release: loaded.release ?? null,
          sources: loaded.sources,
          from: at.toISOString(),
          to: to.toISOString(),
          ...specJson(spec),
          occurrences: occurrences.map(occurrenceJson),
          allowed: allowed.map((p) => periodJson(p)),
        }),
      );
      return;
    }
    const where = loaded.sources.length ? loaded.sources.join(' < ') : 'no windows section of rel.yaml';
    this.log(`maintenance windows${flags.env ? ` for ${flags.env}` : ''}${loaded.release ? ` (release ${loaded.release})` : ''} from ${where}`);
    if (!spec.allow.length && !spec.deny.length && !spec.freezes.length) {
      this.log('  none configured: deploys are allowed at any time');
      return;
    }
    const rows: string[][] = [];
    for (const w of [...spec.allow, ...spec.deny]) {
      const extra = w.every ? `every ${w.every.text} from ${w.anchor}` : '';
      rows.push([w.kind, w.name ?? `${w.kind}[${w.index}]`, `"${w.schedule}"`, formatDuration(w.durationMs), w.timeZone, extra]);
    }
    for (const line of table(rows)) this.log(`  ${line}`);
    const freezeRows = spec.freezes.map((f) => ['freeze', f.name ?? `freezes[${f.index}]`, fmtRange(new Date(f.start), new Date(f.end), tz), f.reason]);
    for (const line of table(freezeRows)) this.log(`  ${line}`);
    const p = spec.policy;
    this.log(
      `policy: rollbacks ${p.rollback === 'always' ? 'allowed at any time' : 'need a window'}; a canary still running ${p.closeMargin} before the window closes is ${
        p.canaryAtClose === 'rollback' ? 'rolled back' : p.canaryAtClose === 'pause' ? 'paused' : 'left to finish'
      }`,
    );
    this.log('');
    this.log(`from ${fmtTime(at, tz)} to ${fmtTime(to, tz)}:`);
    if (!occurrences.length) this.log('  no window or freeze occurs');
    for (const line of table(occurrences.map((o) => [o.kind, o.label, fmtRange(o.start, o.end, tz)]))) this.log(`  ${line}`);
    this.log('');
    this.log('deploys allowed:');
    if (!allowed.length) this.log('  never in this period');
    for (const a of allowed) this.log(`  ${fmtRange(a.start, a.end, tz)}${a.name !== undefined ? `  "${a.name}"` : ''}`);
  }
}

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}
