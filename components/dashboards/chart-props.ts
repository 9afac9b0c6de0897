/**
 * The props every dashboard chart shares, spread into Recharts' own
 * components (`<XAxis {...timeAxis(range)} />`): time buckets on the x axis,
 * counts or amounts on the y axis, ranked categories for top-N bars.
 */
import type { RangeName } from "@/lib/domain/dashboards/range";
import { bucketLabel, bucketTick } from "./buckets";

const FONT_SIZE = 11;

/** Margins of a chart over time, and of a horizontal top-N bar chart. */
export const TIME_MARGIN = { top: 8, right: 8, bottom: 0, left: 0 };
export const RANKED_MARGIN = { top: 4, right: 16, bottom: 0, left: 8 };

/** The x axis of a series over time buckets (`bucket`: ISO start). */
export function timeAxis(range: RangeName) {
  return { dataKey: "bucket", tickFormatter: (b: string) => bucketTick(b, range), minTickGap: 12, fontSize: FONT_SIZE };
}

/** Whole-count ticks (the x axis of a top-N chart); COUNT_AXIS is the y axis of a series. */
export const COUNT_TICKS = { allowDecimals: false, fontSize: FONT_SIZE };
export const COUNT_AXIS = { ...COUNT_TICKS, width: 40 };

/** Ticks labelled by `tickFormatter` (dollars, compact token counts); valueAxis adds the y axis width. */
export function valueTicks(tickFormatter: (value: number) => string) {
  return { fontSize: FONT_SIZE, tickFormatter };
}
export function valueAxis(tickFormatter: (value: number) => string, width = 56) {
  return { ...valueTicks(tickFormatter), width };
}

/** The category axis of a horizontal top-N chart: every label shown, long ones cut with an ellipsis. */
export function rankedAxis(dataKey: string, width = 150) {
  const chars = Math.floor(width / 6.2);
  return {
    type: "category" as const,
    dataKey,
    width,
    interval: 0,
    fontSize: FONT_SIZE,
    tickFormatter: (label: string) => (label.length > chars ? `${label.slice(0, chars - 1)}…` : label),
  };
}

/** The tooltip title of a time bucket: "2026-11-20 11:00 UTC". */
export const bucketTooltipLabel = (bucket: unknown) => bucketLabel(String(bucket));
