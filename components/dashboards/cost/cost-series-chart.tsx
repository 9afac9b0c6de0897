"use client";
import { useState } from "react";
import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartCard, type TableColumn } from "@/components/dashboards/chart-card";
import { seriesColor } from "@/components/dashboards/palette";
import type { CostDashboard, CostDimension, CostSeries } from "@/app/api/dashboards/cost/route";
import type { RangeName } from "@/lib/domain/dashboards/range";
import { bucketLabel } from "../buckets";
import { compact, usd } from "./format";
import { bucketTooltipLabel, TIME_MARGIN, timeAxis, valueAxis } from "../chart-props";
import { LEGEND_PROPS } from "../chart-text";

/** The label the loader gives the folded rest (lib/server/dashboards/cost.ts OTHER_LABEL). */
const OTHER = "(other)";
const DIMENSION_LABELS: Record<CostDimension, string> = { tenant: "Tenant", profile: "Profile", model: "Model" };
const METRIC_LABELS = { cost: "Cost (USD)", tokens: "Tokens" } as const;
type Metric = keyof typeof METRIC_LABELS;
type Point = CostSeries["cost"][number];

function Toggle<T extends string>({ label, options, value, onChange }: { label: string; options: Record<T, string>; value: T; onChange: (v: T) => void }) {
  return (
    <div role="group" aria-label={label} className="flex overflow-hidden rounded-md border border-slate-300 text-xs">
      {(Object.keys(options) as T[]).map((option) => (
        <button
          key={option}
          type="button"
          aria-pressed={value === option}
          onClick={() => onChange(option)}
          className={`px-2 py-1 font-medium ${value === option ? "bg-indigo-600 text-white" : "bg-white text-slate-700 hover:bg-slate-100"}`}
        >
          {options[option]}
        </button>
      ))}
    </div>
  );
}

/**
 * Cost or tokens per bucket, stacked by tenant, profile or model: the
 * range's top spenders and the rest as "(other)". The table view lists the
 * same points, one column per series.
 */
export function CostSeriesChart({ data, range, loading }: { data: CostDashboard | undefined; range: RangeName; loading: boolean }) {
  const [dimension, setDimension] = useState<CostDimension>("tenant");
  const [metric, setMetric] = useState<Metric>("cost");
  const series = data ? { tenant: data.byTenant, profile: data.byProfile, model: data.byModel }[dimension] : undefined;
  const points = series?.[metric] ?? [];
  const keys = series?.keys ?? [];
  const format = (v: number) => (metric === "cost" ? usd(v) : v.toLocaleString("en-US"));
  const columns: TableColumn<Point>[] = [
    { key: "bucket", label: "Bucket start", value: (p) => bucketLabel(p.bucket) },
    ...keys.map((k) => ({ key: k.id, label: k.label, value: (p: Point) => (metric === "cost" ? usd(Number(p[k.id])) : Number(p[k.id])) })),
  ];
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-3 text-xs text-slate-600">
        <span>By</span>
        <Toggle label="Group cost by" options={DIMENSION_LABELS} value={dimension} onChange={setDimension} />
        <span>Show</span>
        <Toggle label="Metric" options={METRIC_LABELS} value={metric} onChange={setMetric} />
      </div>
      <ChartCard
        title={`${METRIC_LABELS[metric]} by ${DIMENSION_LABELS[dimension].toLowerCase()}`}
        description={`Per bucket (UTC), stacked by ${DIMENSION_LABELS[dimension].toLowerCase()}: the highest-cost ones of the range${keys.some((k) => k.label === OTHER) ? `, the rest as “${OTHER}”` : ""}. Tokens are input + output.`}
        rows={keys.length ? points : []}
        columns={columns}
        loading={loading}
        empty="No model usage in this range."
      >
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={points} margin={TIME_MARGIN}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis {...timeAxis(range)} />
            <YAxis {...valueAxis((v) => (metric === "cost" ? `$${compact(v)}` : compact(v)))} />
            <Tooltip labelFormatter={bucketTooltipLabel} formatter={(v) => format(Number(v))} />
            <Legend {...LEGEND_PROPS} />
            {keys.map((k, i) => (
              <Area
                key={k.id}
                type="linear"
                dataKey={k.id}
                name={k.label}
                stackId="cost"
                stroke={seriesColor(i)}
                fill={seriesColor(i)}
                fillOpacity={0.35}
                isAnimationActive={false}
              />
            ))}
          </AreaChart>
        </ResponsiveContainer>
      </ChartCard>
    </div>
  );
}
