"use client";
import { useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { RangeName } from "@/lib/domain/dashboards/range";
import { bucketTooltipLabel, COUNT_AXIS, minBarOf, TIME_MARGIN, timeAxis } from "./chart-props";
import { LEGEND_PROPS } from "./chart-text";

export interface BarSeries {
  key: string;
  label: string;
  color: string;
}

/**
 * Counts per time bucket as bars, one per series (stacked when `stackId` is
 * given). A bar opens `hrefOf(point)` when that gives a link; `children`
 * (e.g. ReferenceLines) go inside the chart.
 */
export function BucketBars<P extends { bucket: string }>({
  series,
  range,
  bars,
  hrefOf,
  stackId,
  marginTop = TIME_MARGIN.top,
  children,
}: {
  series: readonly P[];
  range: RangeName;
  bars: readonly BarSeries[];
  hrefOf: (point: P) => string | null;
  stackId?: string;
  marginTop?: number;
  children?: ReactNode;
}) {
  const router = useRouter();
  const clickable = series.some((p) => hrefOf(p) !== null);
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={[...series]} margin={{ ...TIME_MARGIN, top: marginTop }} barCategoryGap="12%" barGap={1}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis {...timeAxis(range)} />
        <YAxis {...COUNT_AXIS} />
        <Tooltip labelFormatter={bucketTooltipLabel} />
        <Legend {...LEGEND_PROPS} itemSorter={null} />
        {bars.map((s) => (
          <Bar
            key={s.key}
            dataKey={s.key}
            name={s.label}
            fill={s.color}
            stackId={stackId}
            minPointSize={minBarOf(series, s.key)}
            cursor={clickable ? "pointer" : undefined}
            onClick={(item: { payload?: unknown }) => {
              const point = item.payload as P | undefined;
              const href = point && hrefOf(point);
              if (href) router.push(href);
            }}
          />
        ))}
        {children}
      </BarChart>
    </ResponsiveContainer>
  );
}
