"use client";
/**
 * The safety dashboard's figures, fetched from /api/dashboards/safety for the
 * range and scope in the URL. One alert when the scope cannot be read (e.g. a
 * tenant that is not yours: the same answer as one that does not exist),
 * else headline figures and the charts, each with its table view.
 */
import type { SafetyDashboard as Data } from "@/app/api/dashboards/safety/route";
import { useDashboard } from "@/components/dashboards/use-dashboard";
import type { DashboardQuery } from "@/lib/schemas/dashboards";
import { ApprovalsChart, DeniedEventsChart, RedactionsChart } from "./activity-charts";
import { DecisionsChart, DenyRulesChart } from "./decision-charts";
import { KillSwitchList } from "./kill-switch-list";
import { RefusalList } from "./refusal-list";
import { formatDuration, type LinkScope } from "./links";
import { DashboardAlert, Figure } from "../figure";

export interface ChartProps {
  data: Data | undefined;
  range: DashboardQuery["range"];
  bucketSec: number;
  /** The window [from, to) as ISO strings (empty while the first answer loads). */
  from: string;
  to: string;
  scope: LinkScope;
  loading: boolean;
}

const n = (value: number | undefined) => (value === undefined ? "…" : value.toLocaleString("en-US"));

export function SafetyDashboard({ query }: { query: DashboardQuery }) {
  const { data: response, error, isPending, isFetching } = useDashboard<Data>("safety", query);
  if (error) return <DashboardAlert message={error.message} />;
  const data = response?.data;
  // The audit explorer filters by tenant slug: a profile's tenant when only the profile was chosen.
  const scope: LinkScope = { tenant: response?.tenant?.slug ?? response?.profile?.tenantSlug ?? null, profile: response?.profile?.slug ?? null };
  const props: ChartProps = { data, range: response?.range ?? query.range, bucketSec: response?.bucketSec ?? 3600, from: response?.from ?? "", to: response?.to ?? "", scope, loading: isPending || isFetching };
  const decisions = data ? Object.values(data.decisions.totals).reduce((a, b) => a + b, 0) : undefined;
  const latency = data?.approvals.latency;
  return (
    <div className="space-y-4" aria-busy={isFetching || undefined} data-testid="safety-dashboard">
      <dl className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        <Figure label="Decisions" value={n(decisions)} />
        <Figure label="Denied" value={n(data?.decisions.totals.DENY)} hint="policy decisions" />
        <Figure label="Tool / egress denied" value={data ? `${n(data.deniedEvents.totals.tool)} / ${n(data.deniedEvents.totals.egress)}` : "…"} hint="host events" />
        <Figure label="Pending approvals" value={n(latency?.pending)} hint="waiting now" />
        <Figure label="Approval latency" value={latency ? `${formatDuration(latency.p50Sec)} / ${formatDuration(latency.p95Sec)}` : "…"} hint={`p50 / p95 of ${n(latency?.decided)} decided`} />
        <Figure label="Secrets redacted" value={n(data?.redactions.totals.redactions)} hint={`in ${n(data?.redactions.totals.events)} events`} />
      </dl>
      <DecisionsChart {...props} />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <DenyRulesChart {...props} />
        <DeniedEventsChart {...props} />
        <ApprovalsChart {...props} />
        <RedactionsChart {...props} />
      </div>
      <KillSwitchList {...props} />
      <RefusalList {...props} />
    </div>
  );
}
