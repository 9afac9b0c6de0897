/**
 * The props every dashboard chart shares, spread into Recharts' own
 * components (`<XAxis {...timeAxis(range)} />`): time buckets on the x axis,
 * counts or amounts on the y axis, ranked categories for top-N bars.
 */
import type { RangeName } from "@/lib/domain/dashboards/range";
import { bucketLabel, bucketTick } from "./buckets";

export const FONT_SIZE = 11;
/** Axis text colour: slate-600 on white, 7.6:1 (Recharts' default grey is lighter). */
const TICK = { fill: "#475569" };

/** Margins of a chart over time, and of a horizontal top-N bar chart. */
export const TIME_MARGIN = { top: 8, right: 8, bottom: 0, left: 0 };
export const RANKED_MARGIN = { top: 4, right: 16, bottom: 0, left: 8 };

/** The x axis of a series over time buckets (`bucket`: ISO start). */
export function timeAxis(range: RangeName) {
  return { dataKey: "bucket", tickFormatter: (b: string) => bucketTick(b, range), minTickGap: 12, fontSize: FONT_SIZE, tick: TICK };
}

/** Whole-count ticks (the x axis of a top-N chart); COUNT_AXIS is the y axis of a series. */
export const COUNT_TICKS = { allowDecimals: false, fontSize: FONT_SIZE, tick: TICK };
export const COUNT_AXIS = { ...COUNT_TICKS, width: 40 };

/** Ticks labelled by `tickFormatter` (dollars, compact token counts); valueAxis adds the y axis width. */
export function valueTicks(tickFormatter: (value: number) => string) {
  return { fontSize: FONT_SIZE, tickFormatter, tick: TICK };
}
export function valueAxis(tickFormatter: (value: number) => string, width = 56) {
  return { ...valueTicks(tickFormatter), width };
}

/** Bars for non-zero values never shrink to a hairline: at least this many pixels long. */
export const MIN_BAR = 3;

/**
 * Recharts' `minPointSize` for the `key` series of `rows`: MIN_BAR where the
 * row's own value is non-zero, nothing where it is zero (Recharts hands the
 * callback the top of the stack, not the segment's value, hence the lookup).
 */
export function minBarOf<R extends object>(rows: readonly R[], key: string) {
  return (_top: number | null | undefined, index: number) => (Number((rows[index] as Record<string, unknown> | undefined)?.[key] ?? 0) > 0 ? MIN_BAR : 0);
}

/** The tooltip title of a time bucket: "2026-11-20 11:00 UTC". */
export const bucketTooltipLabel = (bucket: unknown) => bucketLabel(String(bucket));
