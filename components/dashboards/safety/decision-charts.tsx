"use client";
import { useRouter } from "next/navigation";
import { Bar, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { BucketBars } from "@/components/dashboards/bucket-bars";
import { ChartCard, type TableColumn } from "@/components/dashboards/chart-card";
import { DECISION_COLORS } from "@/components/dashboards/palette";
import type { SafetyDashboard } from "@/app/api/dashboards/safety/route";
import type { ChartProps } from "./safety-dashboard";
import { bucketLabel } from "../buckets";
import { auditHref, bucketSpan } from "./links";
import { COUNT_TICKS, MIN_BAR } from "../chart-props";
import { rankedAxis } from "../chart-text";
import { RankedBars } from "../ranked-bars";

/** Same order as lib/server/dashboards/safety.ts DECISION_TYPES (a client file must not import the server module). */
const DECISIONS = ["ALLOW", "ALLOW_WITH_CONSTRAINTS", "REQUIRE_APPROVAL", "THROTTLE", "DENY"] as const;
const DECISION_LABELS: Record<(typeof DECISIONS)[number], string> = {
  ALLOW: "Allow",
  ALLOW_WITH_CONSTRAINTS: "Allow with constraints",
  REQUIRE_APPROVAL: "Require approval",
  THROTTLE: "Throttle",
  DENY: "Deny",
};

type DecisionPoint = SafetyDashboard["decisions"]["series"][number];
type DenyRow = SafetyDashboard["denies"]["top"][number];

/**
 * Decisions by type per bucket, stacked, with kill-switch engagements and
 * releases as vertical markers on the same time axis. A bar opens the audit
 * entries of that bucket (job submissions carry the decision).
 */
export function DecisionsChart({ data, range, bucketSec, scope, loading }: ChartProps) {
  const series = data?.decisions.series ?? [];
  const total = data ? Object.values(data.decisions.totals).reduce((a, b) => a + b, 0) : 0;
  const link = (point: DecisionPoint) => {
    if (!data?.auditLinks) return null;
    const { from, to } = bucketSpan(point.bucket, bucketSec);
    return auditHref(scope, "job.submit", from, to);
  };
  const columns: TableColumn<DecisionPoint>[] = [
    { key: "bucket", label: "Bucket start", value: (p) => bucketLabel(p.bucket), href: link },
    ...DECISIONS.map((d) => ({ key: d, label: DECISION_LABELS[d], value: (p: DecisionPoint) => p[d] })),
  ];
  const markers = data?.killSwitches ?? [];
  return (
    <ChartCard
      title="Decisions over time"
      description={
        <>
          Policy decisions per bucket (UTC) by type
          {markers.length ? "; dashed lines: kill switches engaged (red) or released (green)" : ""}
          {data?.auditLinks ? ". Click a bar for its audit entries." : "."}
        </>
      }
      rows={total > 0 || markers.length > 0 ? series : []}
      columns={columns}
      loading={loading}
      empty="No policy decisions in this range."
    >
      <BucketBars
        series={series}
        range={range}
        bars={DECISIONS.map((d) => ({ key: d, label: DECISION_LABELS[d], color: DECISION_COLORS[d] }))}
        hrefOf={link}
        stackId="decisions"
        marginTop={16}
      >
        {markers.map((m) => (
          <ReferenceLine
            key={`${m.id}-${m.kind}`}
            x={m.bucket}
            // The marker sits over its day's bar: clicks go through to the bar.
            className="pointer-events-none"
            stroke={m.kind === "engaged" ? "#D55E00" : "#009E73"}
            strokeDasharray="4 3"
            strokeWidth={2}
            label={{ value: m.kind === "engaged" ? "⏻" : "↺", position: "top", fontSize: 12 }}
          />
        ))}
      </BucketBars>
    </ChartCard>
  );
}

/** DENY decisions by deciding rule and reason, the top ten; a bar opens the window's job submissions in the audit log. */
export function DenyRulesChart({ data, from, to, scope, loading }: ChartProps) {
  const router = useRouter();
  const rows = data?.denies.top ?? [];
  const shown = rows.reduce((a, r) => a + r.count, 0);
  const other = (data?.denies.total ?? 0) - shown;
  const link = () => {
    if (!data?.auditLinks) return null;
    return auditHref(scope, "job.submit", new Date(from), new Date(to));
  };
  const columns: TableColumn<DenyRow>[] = [
    { key: "rule", label: "Rule", value: (r) => r.rule, href: link },
    { key: "reason", label: "Reason", value: (r) => r.reason },
    { key: "count", label: "Denies", value: (r) => r.count },
  ];
  return (
    <ChartCard
      title="Denies by rule"
      description={`Deciding rule and reason, top ${rows.length || 10}${other > 0 ? `; ${other.toLocaleString("en-US")} more in other rules` : ""}.`}
      rows={rows}
      columns={columns}
      loading={loading}
      empty="No denied decisions in this range."
    >
      <RankedBars rows={rows}>
        <XAxis type="number" {...COUNT_TICKS} />
        <YAxis {...rankedAxis("rule")} />
        <Tooltip formatter={(value, _name, item) => [value, (item?.payload as DenyRow | undefined)?.reason ?? "Denies"]} />
        <Bar
          dataKey="count"
          name="Denies"
          maxBarSize={28}
          minPointSize={MIN_BAR}
          fill={DECISION_COLORS.DENY}
          cursor={data?.auditLinks ? "pointer" : undefined}
          onClick={() => {
            const href = link();
            if (href) router.push(href);
          }}
        />
      </RankedBars>
    </ChartCard>
  );
}
