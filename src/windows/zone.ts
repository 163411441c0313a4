/**
 * Wall-clock <-> instant conversion in IANA zones (luxon's tz data), with rel's DST rules:
 *
 * - A wall-clock time that does not exist (it falls in the hour skipped when clocks go forward) maps to the
 *   moment the clocks jump, i.e. the first valid wall-clock time after the gap (02:30 -> 03:00 in New York).
 * - A wall-clock time that happens twice (the repeated hour when clocks go back) maps to its FIRST
 *   occurrence only (the earlier instant, still on summer time).
 * Both rules mirror what classic cron does: a start in the skipped hour runs when the clocks jump, and a
 * start in the repeated hour runs once.
 */
import { IANAZone } from 'luxon';

const DAY = 86_400_000;

const zoneCache = new Map<string, IANAZone>();

/** The luxon zone for an IANA name, or undefined when the name is unknown. "UTC" is accepted. */
export function getZone(name: string): IANAZone | undefined {
  let z = zoneCache.get(name);
  if (z) return z;
  if (!IANAZone.isValidZone(name)) return undefined;
  z = IANAZone.create(name);
  zoneCache.set(name, z);
  return z;
}

function zone(name: string): IANAZone {
  const z = getZone(name);
  if (!z) throw new Error(`unknown time zone ${JSON.stringify(name)}`);
  return z;
}

/**
 * Per zone and UTC day: the offset when it is the same at both ends of the day, or null when the offset
 * changes during that day (then every lookup asks the tz data). Asking Intl (through luxon) is slow, and
 * window arithmetic asks for offsets thousands of times. This assumes an offset never changes and changes
 * back within one UTC day, which holds for the tz database.
 */
const dayOffsets = new Map<string, Map<number, number | null>>();

/** Offset of `zoneName` from UTC at instant `ms`, in milliseconds. */
export function offsetAt(zoneName: string, ms: number): number {
  let days = dayOffsets.get(zoneName);
  if (!days) {
    days = new Map();
    dayOffsets.set(zoneName, days);
  }
  const day = Math.floor(ms / DAY);
  let cached = days.get(day);
  if (cached === undefined) {
    const z = zone(zoneName);
    const a = z.offset(day * DAY);
    const b = z.offset((day + 1) * DAY - 1);
    cached = a === b ? a * 60_000 : null;
    if (days.size > 100_000) days.clear();
    days.set(day, cached);
  }
  return cached ?? zone(zoneName).offset(ms) * 60_000;
}

/** Local wall-clock time at instant `ms`, encoded as "the same digits read as UTC" milliseconds. */
export function toWall(zoneName: string, ms: number): number {
  return ms + offsetAt(zoneName, ms);
}

/** The instant a wall-clock time (encoded as UTC milliseconds) happens in the zone, with the DST rules above. */
export function fromWall(zoneName: string, wall: number): number {
  const offsets = new Set<number>([
    offsetAt(zoneName, wall - DAY),
    offsetAt(zoneName, wall),
    offsetAt(zoneName, wall + DAY),
  ]);
  let best: number | undefined;
  for (const off of offsets) {
    const instant = wall - off;
    if (offsetAt(zoneName, instant) === off && (best === undefined || instant < best)) best = instant;
  }
  if (best !== undefined) return best;
  // In a gap: find the transition instant T (offset changes from smaller to larger) near wall.
  const sorted = [...offsets].sort((a, b) => a - b);
  const small = sorted[0]!;
  const large = sorted[sorted.length - 1]!;
  let lo = wall - large; // offset here is still the smaller one
  let hi = wall - small; // offset here is already the larger one
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(zoneName, mid) === small) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Days since 1970-01-01 of the wall-clock date. */
export function wallDay(wall: number): number {
  return Math.floor(wall / DAY);
}
