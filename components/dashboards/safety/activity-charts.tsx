"use client";
import { useRouter } from "next/navigation";
import { Bar, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { BucketBars } from "@/components/dashboards/bucket-bars";
import { ChartCard, type TableColumn } from "@/components/dashboards/chart-card";
import { PALETTE } from "@/components/dashboards/palette";
import type { SafetyDashboard } from "@/app/api/dashboards/safety/route";
import type { ChartProps } from "./safety-dashboard";
import { bucketLabel } from "../buckets";
import { auditHref, bucketSpan, timelineHref } from "./links";
import { COUNT_TICKS, minBarOf } from "../chart-props";
import { LEGEND_PROPS, rankedAxis } from "../chart-text";
import { RankedBars } from "../ranked-bars";

type DeniedRow = SafetyDashboard["deniedEvents"]["byProfile"][number];
type ApprovalPoint = SafetyDashboard["approvals"]["series"][number];
type RedactionPoint = SafetyDashboard["redactions"]["series"][number];

const payloadOf = <T,>(item: { payload?: unknown }) => item.payload as T | undefined;

/** `tool.denied` and `egress.denied` host events by profile (top ten); a bar opens that profile's timeline of that type. */
export function DeniedEventsChart({ data, loading }: ChartProps) {
  const router = useRouter();
  const rows = data?.deniedEvents.byProfile ?? [];
  const totals = data?.deniedEvents.totals;
  const columns: TableColumn<DeniedRow>[] = [
    { key: "profile", label: "Profile", value: (r) => r.profile, href: (r) => timelineHref(r.profile) },
    { key: "tenant", label: "Tenant", value: (r) => r.tenant },
    { key: "tool", label: "tool.denied", value: (r) => r.tool, href: (r) => (r.tool ? timelineHref(r.profile, "tool.denied") : null) },
    { key: "egress", label: "egress.denied", value: (r) => r.egress, href: (r) => (r.egress ? timelineHref(r.profile, "egress.denied") : null) },
  ];
  const open = (type: string) => (item: { payload?: unknown }) => {
    const row = payloadOf<DeniedRow>(item);
    if (row) router.push(timelineHref(row.profile, type));
  };
  return (
    <ChartCard
      title="Denied tools and egress by profile"
      description={
        totals && totals.profiles > rows.length
          ? `Top ${rows.length} of ${totals.profiles} profiles. Click a bar for the profile's events.`
          : "Host events by profile. Click a bar for the profile's events."
      }
      rows={rows}
      columns={columns}
      loading={loading}
      empty="No tool.denied or egress.denied events in this range."
    >
      <RankedBars rows={rows}>
        <XAxis type="number" {...COUNT_TICKS} />
        <YAxis {...rankedAxis("profile")} />
        <Tooltip />
        <Legend {...LEGEND_PROPS} itemSorter={null} />
        <Bar dataKey="tool" name="tool.denied" stackId="denied" maxBarSize={28} minPointSize={minBarOf(rows, "tool")} fill={PALETTE[3]} cursor="pointer" onClick={open("tool.denied")} />
        <Bar dataKey="egress" name="egress.denied" stackId="denied" maxBarSize={28} minPointSize={minBarOf(rows, "egress")} fill={PALETTE[0]} cursor="pointer" onClick={open("egress.denied")} />
      </RankedBars>
    </ChartCard>
  );
}

const APPROVAL_SERIES = [
  { key: "requested", label: "Requested", color: PALETTE[1] },
  { key: "approved", label: "Approved", color: PALETTE[2] },
  { key: "rejected", label: "Denied", color: PALETTE[3] },
  { key: "expired", label: "Expired", color: "#64748b" },
] as const;

/** Approvals requested (by creation), approved and denied (by decision), expired (by expiry) per bucket. */
export function ApprovalsChart({ data, range, bucketSec, scope, loading }: ChartProps) {
  const series = data?.approvals.series ?? [];
  const totals = data?.approvals.totals;
  const any = totals ? Object.values(totals).some((v) => v > 0) : false;
  const link = (p: ApprovalPoint) => {
    if (!data?.auditLinks) return null;
    const { from, to } = bucketSpan(p.bucket, bucketSec);
    return auditHref(scope, "job", from, to);
  };
  const columns: TableColumn<ApprovalPoint>[] = [
    { key: "bucket", label: "Bucket start", value: (p) => bucketLabel(p.bucket), href: link },
    ...APPROVAL_SERIES.map((s) => ({ key: s.key, label: s.label, value: (p: ApprovalPoint) => p[s.key] })),
  ];
  const summary = totals
    ? `${totals.requested} requested, ${totals.approved} approved, ${totals.rejected} denied, ${totals.expired} expired`
    : "Requested, approved, denied and expired";
  return (
    <ChartCard
      title="Approvals"
      description={`${summary} (UTC buckets).${data?.auditLinks ? " Click a bar for its audit entries." : ""}`}
      rows={any ? series : []}
      columns={columns}
      loading={loading}
      empty="No approvals in this range."
    >
      <BucketBars series={series} range={range} bars={APPROVAL_SERIES} hrefOf={link} />
    </ChartCard>
  );
}

/** Secret-like values redacted at ingest per bucket, and the events that carried them. */
export function RedactionsChart({ data, range, bucketSec, scope, loading }: ChartProps) {
  const series = data?.redactions.series ?? [];
  const kinds = data?.redactions.kinds ?? [];
  const link = (p: RedactionPoint) => {
    if (scope.profile) return timelineHref(scope.profile);
    if (!data?.auditLinks) return null;
    const { from, to } = bucketSpan(p.bucket, bucketSec);
    return auditHref(scope, "ingest.batch", from, to);
  };
  const columns: TableColumn<RedactionPoint>[] = [
    { key: "bucket", label: "Bucket start", value: (p) => bucketLabel(p.bucket), href: link },
    { key: "redactions", label: "Values redacted", value: (p) => p.redactions },
    { key: "events", label: "Events", value: (p) => p.events },
  ];
  return (
    <ChartCard
      title="Secret redactions"
      description={kinds.length ? `Most redacted: ${kinds.slice(0, 3).map((k) => `${k.kind} (${k.count.toLocaleString("en-US")})`).join(", ")}.` : "Values redacted from host events before storage."}
      rows={(data?.redactions.totals.events ?? 0) > 0 ? series : []}
      columns={columns}
      loading={loading}
      empty="No redactions in this range."
    >
      <BucketBars
        series={series}
        range={range}
        bars={[
          { key: "redactions", label: "Values redacted", color: PALETTE[4] },
          { key: "events", label: "Events", color: PALETTE[5] },
        ]}
        hrefOf={link}
      />
    </ChartCard>
  );
}
