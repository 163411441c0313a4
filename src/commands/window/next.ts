import { Command, Flags } from '@oclif/core';
import { explainBlocked, fmtRange, fmtTime, periodJson, relative, render, resolveWindowInput, windowFlags } from '../../windows/cli.js';
import { type Period, evaluate, nextOpening } from '../../windows/engine.js';

export default class WindowNext extends Command {
  static override summary = 'Show when the next maintenance window opens.';
  static override description = `Prints whether a window is open now (and until when) and the next time(s) deploys become allowed, after deny windows and freezes are taken out of the allow windows.`;
  static override examples = [
    '<%= config.bin %> window next --env prod',
    '<%= config.bin %> window next --env prod --count 5 --tz Europe/Berlin',
    '<%= config.bin %> window next --env prod --at 2026-12-24 -o json',
  ];

  static override flags = {
    ...windowFlags,
    count: Flags.integer({ char: 'n', description: 'how many upcoming openings to show', default: 1, min: 1, max: 50 }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(WindowNext);
    const { tz, at, loaded } = resolveWindowInput(this, flags);
    const spec = loaded.spec;
    const ev = evaluate(spec, at);
    const upcoming: Period[] = [];
    let from = at;
    while (upcoming.length < flags.count) {
      const p = nextOpening(spec, from);
      if (!p || p.openEnded) {
        if (p) upcoming.push(p);
        break;
      }
      upcoming.push(p);
      from = p.end;
    }
    if (flags.output !== 'table') {
      this.log(
        render(flags.output, {
          at: at.toISOString(),
          env: flags.env ?? null,
          openNow: ev.allowed,
          current: ev.allowed ? (periodJson(ev.currentWindow) ?? null) : null,
          next: upcoming.map((p) => periodJson(p)),
        }),
      );
      return;
    }
    const none = !spec.allow.length && !spec.deny.length && !spec.freezes.length;
    if (none) this.log(`no maintenance windows are configured${flags.env ? ` for ${flags.env}` : ''}: deploys are allowed at any time`);
    if (ev.allowed) {
      const cw = ev.currentWindow;
      if (cw && !none) this.log(`open now${cw.name !== undefined ? ` ("${cw.name}")` : ''}: ${cw.openEnded ? 'nothing closes it within the search horizon' : `until ${fmtTime(cw.end, tz)} (${relative(at, cw.end)})`}`);
    } else {
      this.log(`closed at ${fmtTime(at, tz)}:`);
      for (const line of explainBlocked(ev, tz).slice(0, -1)) this.log(`  ${line}`);
    }
    if (!upcoming.length) {
      if (!none) this.log('no window opens within the search horizon (400 days)');
      return;
    }
    this.log(upcoming.length === 1 ? 'next opening:' : 'next openings:');
    for (const p of upcoming) {
      this.log(`  ${fmtRange(p.start, p.end, tz, p.openEnded)}  ${relative(at, p.start)}${p.name !== undefined ? `  "${p.name}"` : ''}`);
    }
  }
}
