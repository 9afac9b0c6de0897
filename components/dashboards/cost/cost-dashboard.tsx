"use client";
/**
 * The cost dashboard's figures, fetched from /api/dashboards/cost for the
 * range and scope in the URL: headline figures, cost and tokens over time,
 * top spenders, and this month's budgets with burn-down and alerts. A scope
 * the actor cannot read shows one alert (the same as one that does not exist).
 */
import type { CostDashboard as Data } from "@/app/api/dashboards/cost/route";
import { useDashboard } from "@/components/dashboards/use-dashboard";
import type { DashboardQuery } from "@/lib/schemas/dashboards";
import { BudgetAlerts, BudgetTable, BurnDownChart } from "./budget-panels";
import { CostSeriesChart } from "./cost-series-chart";
import { usd } from "./format";
import { TopSpendersChart } from "./top-spenders-chart";
import { DashboardAlert, Figure } from "../figure";

const plural = (n: number, noun: string) => `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;

export function CostDashboard({ query }: { query: DashboardQuery }) {
  const { data: response, error, isPending, isFetching } = useDashboard<Data>("cost", query);
  if (error) return <DashboardAlert message={error.message} />;
  const data = response?.data;
  const loading = isPending || isFetching;
  const range = response?.range ?? query.range;
  const tokens = data ? data.totals.tokensIn + data.totals.tokensOut : undefined;
  const over = data?.budgets.rows.filter((r) => r.state !== "ok").length;
  return (
    <div className="space-y-4" aria-busy={isFetching || undefined} data-testid="cost-dashboard">
      <dl className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <Figure label="Cost" value={data ? usd(data.totals.cost) : "…"} hint={data ? `${data.totals.records.toLocaleString("en-US")} usage records` : undefined} testId="figure-cost" />
        <Figure label="Tokens" value={tokens === undefined ? "…" : tokens.toLocaleString("en-US")} hint={data ? `${data.totals.tokensIn.toLocaleString("en-US")} in / ${data.totals.tokensOut.toLocaleString("en-US")} out` : undefined} />
        <Figure
          label="Cost per job that ran"
          value={data ? usd(data.costPerJob.perJob) : "…"}
          hint={data ? `cost in range ÷ ${plural(data.costPerJob.jobs, "job")} submitted in range and ALLOWED or APPROVED` : undefined}
          testId="figure-cost-per-job"
        />
        <Figure
          label="Budgets at ≥ 80 %"
          value={over === undefined ? "…" : data!.budgets.total === 0 ? "none set" : `${over} of ${data!.budgets.total}`}
          hint="this calendar month (UTC)"
        />
      </dl>
      <CostSeriesChart data={data} range={range} loading={loading} />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <TopSpendersChart data={data} loading={loading} />
        <BurnDownChart data={data} loading={loading} />
      </div>
      <BudgetTable data={data} query={query} loading={loading} />
      <BudgetAlerts alerts={data?.budgets.alerts ?? []} query={query} />
    </div>
  );
}
