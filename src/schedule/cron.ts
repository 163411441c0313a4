/**
 * Turns a window's cron schedule (croner syntax, as rel.yaml accepts it) into one a Kubernetes CronJob
 * accepts (5 standard fields or a macro). Kubernetes' parser has no `L`, `W` or `#`; where rel can, it widens
 * the schedule (the job then runs more often and `rel run-scheduled` skips the runs outside the window), and
 * says so in the result's `note`.
 */
export interface KubeCron {
  schedule: string;
  /** True when the CronJob runs more often than the window opens; run-scheduled skips the extra runs. */
  widened: boolean;
  note?: string;
}

const MACROS: Record<string, string> = {
  '@yearly': '@yearly',
  '@annually': '@yearly',
  '@monthly': '@monthly',
  '@weekly': '@weekly',
  '@daily': '@daily',
  '@midnight': '@daily',
  '@hourly': '@hourly',
};

export class CronConversionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronConversionError';
  }
}

/** Converts one window schedule; throws CronConversionError when Kubernetes cannot express even a wider one. */
export function toKubeCron(schedule: string): KubeCron {
  const s = schedule.trim();
  if (s.startsWith('@')) {
    const m = MACROS[s.toLowerCase()];
    if (!m) throw new CronConversionError(`cron macro ${JSON.stringify(s)} has no Kubernetes equivalent`);
    return { schedule: m, widened: false };
  }
  const fields = s.split(/\s+/);
  if (fields.length !== 5) throw new CronConversionError(`cron schedule ${JSON.stringify(s)} must have 5 fields for a Kubernetes CronJob`);
  const [min, hour, dom, mon, dow] = fields as [string, string, string, string, string];
  const notes: string[] = [];
  let newDom = dom;
  let newDow = dow;
  if (/[LW]/i.test(dom)) {
    if (/^L$/i.test(dom) || /^L-\d+$/i.test(dom)) {
      // Last day of the month (or N days before it) is always within the 22nd..31st.
      newDom = /^L$/i.test(dom) ? '28-31' : '1-31';
      notes.push(`day-of-month "${dom}" runs on days ${newDom}`);
    } else if (/^\d+W$/i.test(dom) || /^LW$/i.test(dom)) {
      newDom = '*';
      notes.push(`day-of-month "${dom}" (nearest weekday) runs every day`);
    } else {
      throw new CronConversionError(`day-of-month "${dom}" of ${JSON.stringify(s)} cannot be written for a Kubernetes CronJob`);
    }
  }
  if (/[L#]/i.test(dow)) {
    const parts = dow.split(',').map((p) => {
      const m = /^([0-7]|[a-z]{3})(?:#[1-5]|L)$/i.exec(p);
      if (m) return m[1]!;
      if (/[L#]/i.test(p)) throw new CronConversionError(`day-of-week "${dow}" of ${JSON.stringify(s)} cannot be written for a Kubernetes CronJob`);
      return p;
    });
    newDow = parts.join(',');
    notes.push(`day-of-week "${dow}" runs every ${newDow === '*' ? 'day' : `week on ${newDow}`}`);
  }
  for (const [name, f] of [['minute', min], ['hour', hour], ['month', mon]] as const) {
    if (/[LW#]/i.test(f)) throw new CronConversionError(`${name} field "${f}" of ${JSON.stringify(s)} cannot be written for a Kubernetes CronJob`);
  }
  const out = [min, hour, newDom, mon, newDow].join(' ');
  return notes.length
    ? { schedule: out, widened: true, note: `${notes.join('; ')}; rel run-scheduled skips the runs outside the window` }
    : { schedule: out, widened: false };
}
