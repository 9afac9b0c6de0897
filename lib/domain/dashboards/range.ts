/**
 * Dashboard time windows: a range (hour, day, week, month) ending now, cut
 * into fixed buckets aligned to the Unix epoch so that SQL's
 * `date_bin(bucket, t, 'epoch')` and these functions agree on every edge.
 * Pure: the caller passes the clock.
 */
export const RANGES = ["hour", "day", "week", "month"] as const;
export type RangeName = (typeof RANGES)[number];

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const RANGE_SPEC: Record<RangeName, { label: string; spanSec: number; bucketSec: number }> = {
  hour: { label: "Last hour", spanSec: HOUR, bucketSec: 5 * MINUTE },
  day: { label: "Last 24 hours", spanSec: DAY, bucketSec: HOUR },
  week: { label: "Last 7 days", spanSec: 7 * DAY, bucketSec: 6 * HOUR },
  month: { label: "Last 30 days", spanSec: 30 * DAY, bucketSec: DAY },
};

export interface RangeWindow {
  range: RangeName;
  /** Inclusive. */
  from: Date;
  /** Exclusive; the end of the bucket that holds `now`. */
  to: Date;
  bucketSec: number;
  /** `date_bin` interval text for this bucket, e.g. "3600 seconds". */
  bucketInterval: string;
}

export function isRange(value: string): value is RangeName {
  return (RANGES as readonly string[]).includes(value);
}

/** The window of `range` whose last bucket contains `now`. */
export function rangeWindow(range: RangeName, now: Date): RangeWindow {
  const { spanSec, bucketSec } = RANGE_SPEC[range];
  const bucketMs = bucketSec * 1000;
  const to = new Date((Math.floor(now.getTime() / bucketMs) + 1) * bucketMs);
  return { range, from: new Date(to.getTime() - spanSec * 1000), to, bucketSec, bucketInterval: `${bucketSec} seconds` };
}

/** Start of every bucket in the window, oldest first. */
export function bucketStarts(window: RangeWindow): Date[] {
  const out: Date[] = [];
  for (let t = window.from.getTime(); t < window.to.getTime(); t += window.bucketSec * 1000) out.push(new Date(t));
  return out;
}

/** The start of the bucket holding `time` (what `date_bin(bucket, time, 'epoch')` answers). */
export function bucketOf(window: RangeWindow, time: Date): Date {
  const bucketMs = window.bucketSec * 1000;
  return new Date(Math.floor(time.getTime() / bucketMs) * bucketMs);
}

/**
 * Dense series from sparse grouped rows: one point per bucket, with every
 * key present (0 where SQL returned no row). Rows outside the window are ignored.
 */
export function denseSeries<K extends string>(
  window: RangeWindow,
  keys: readonly K[],
  rows: readonly { bucket: Date; key: string; value: number }[],
): Array<{ bucket: string } & Record<K, number>> {
  const index = new Map<number, Record<string, number>>();
  for (const start of bucketStarts(window)) index.set(start.getTime(), Object.fromEntries(keys.map((k) => [k, 0])));
  for (const row of rows) {
    const point = index.get(row.bucket.getTime());
    const current = point?.[row.key];
    if (point && current !== undefined) point[row.key] = current + row.value;
  }
  return [...index].map(([t, values]) => ({ bucket: new Date(t).toISOString(), ...values }) as { bucket: string } & Record<K, number>);
}

/** Widths of the pre-counted rollups (EventRollup), in seconds. */
export const ROLLUP_WIDTHS = { d: 86_400, h: 3_600 } as const;
export type RollupWidth = keyof typeof ROLLUP_WIDTHS;

/**
 * The widest rollup whose buckets tile the window and each of its chart
 * buckets exactly (both edges and the bucket size whole multiples of the
 * width, from the epoch), so a sum over rollup rows equals the raw count; null
 * when none does (the hour range's 5-minute buckets: read the raw rows).
 */
export function rollupWidth(window: RangeWindow): RollupWidth | null {
  for (const width of ["d", "h"] as const) {
    const ms = ROLLUP_WIDTHS[width] * 1000;
    if (window.bucketSec % ROLLUP_WIDTHS[width] === 0 && window.from.getTime() % ms === 0 && window.to.getTime() % ms === 0) return width;
  }
  return null;
}
