"use client";
/**
 * Text inside the charts that reads well: category labels cut at a word
 * boundary (the full label in an SVG <title>, shown on hover, and in the
 * table view), and legend text in dark slate rather than the series colour
 * (some palette colours are too light for text on white).
 */
import { truncateLabel } from "@/lib/domain/dashboards/labels";
import { FONT_SIZE } from "./chart-props";

/** Tick text: slate-600 on white, 7.6:1. */
export const TICK_FILL = "#475569";

interface TickProps {
  x?: number | string;
  y?: number | string;
  payload?: { value?: unknown };
}

/** A category tick of a horizontal ranking: the label cut to `chars`, the whole of it in a <title>. */
function RankedTick({ x = 0, y = 0, payload, chars }: TickProps & { chars: number }) {
  const full = String(payload?.value ?? "");
  return (
    <text x={Number(x)} y={Number(y)} dy={4} textAnchor="end" fontSize={FONT_SIZE} fill={TICK_FILL}>
      <title>{full}</title>
      {truncateLabel(full, chars)}
    </text>
  );
}

/** The category axis of a horizontal top-N chart: every label shown, long ones cut at a word boundary. */
export function rankedAxis(dataKey: string, width = 150) {
  const chars = Math.floor(width / 6.2);
  return {
    type: "category" as const,
    dataKey,
    width,
    interval: 0,
    fontSize: FONT_SIZE,
    tick: (props: TickProps) => <RankedTick {...props} chars={chars} />,
  };
}

/** Legend props: 12 px text in slate-700 (the swatch keeps the series colour). */
export const LEGEND_PROPS = {
  wrapperStyle: { fontSize: 12 },
  formatter: (value: unknown) => <span style={{ color: "#334155" }}>{String(value)}</span>,
};
