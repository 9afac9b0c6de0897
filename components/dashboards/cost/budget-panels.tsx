"use client";
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartCard, DataTable, type TableColumn } from "@/components/dashboards/chart-card";
import { PALETTE } from "@/components/dashboards/palette";
import { Badge, type Tone } from "@/components/ui/badge";
import { Section } from "@/components/ui/section";
import type { BudgetAlertRow, BudgetRow, CostDashboard } from "@/app/api/dashboards/cost/route";
import { BUDGET_STATE_LABELS, type BudgetState, type BurnDownPoint } from "@/lib/domain/budgets/budget-math";
import type { DashboardQuery } from "@/lib/schemas/dashboards";
import { compact, costHref, usd } from "./format";
import { TIME_MARGIN, valueAxis } from "../chart-props";
import { LEGEND_PROPS } from "../chart-text";

const STATE_TONES: Record<BudgetState, Tone> = { ok: "green", warning: "amber", exceeded: "red" };

export function monthLabel(month: string): string {
  const [year, m] = month.split("-").map(Number);
  return new Date(Date.UTC(year ?? 1970, (m ?? 1) - 1, 1)).toLocaleString("en-US", { month: "long", year: "numeric", timeZone: "UTC" });
}

function budgetScope(row: { scope: "tenant" | "profile"; slug: string; tenant: string }) {
  return row.scope === "tenant" ? { tenant: row.slug } : { tenant: row.tenant, profile: row.slug };
}

/** Every budget in scope this month: spend so far, share used, linear projection to month end, and state. */
export function BudgetTable({ data, query, loading }: { data: CostDashboard | undefined; query: DashboardQuery; loading: boolean }) {
  const budgets = data?.budgets;
  const rows = budgets?.rows ?? [];
  const columns: TableColumn<BudgetRow>[] = [
    { key: "budget-of", label: "Budget of", value: (r) => `${r.scope} ${r.slug}`, href: (r) => costHref(query, budgetScope(r)) },
    { key: "tenant", label: "Tenant", value: (r) => r.tenant },
    { key: "spend", label: "Spent so far", value: (r) => usd(r.spend) },
    { key: "budget", label: "Monthly budget", value: (r) => usd(r.budget) },
    { key: "percent", label: "Used", value: (r) => `${r.percent} %` },
    { key: "projected", label: "Projected month end", value: (r) => usd(r.projected) },
    { key: "state", label: "State", value: (r) => BUDGET_STATE_LABELS[r.state] },
  ];
  return (
    <Section
      title={budgets ? `Budgets — ${monthLabel(budgets.month)} (UTC)` : "Budgets"}
      description={
        <>
          Calendar month to date, whatever the range above; projections continue the month-to-date rate. Budgets are set in the registry manifest.
          {budgets && budgets.total > rows.length ? ` Showing the ${rows.length} most used of ${budgets.total}.` : ""}
        </>
      }
    >
      {loading && !budgets ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="text-sm text-slate-500">No budgets in this scope. Add `budget: {"{ monthlyUsd: … }"}` to a tenant or profile in the registry manifest.</p>
      ) : (
        <div data-testid="budget-table">
          <ul className="mb-3 grid grid-cols-1 gap-2 sm:grid-cols-2 xl:grid-cols-3">
            {rows.slice(0, 6).map((r) => (
              <li key={`${r.scope}:${r.slug}`} className="rounded-md border border-slate-200 px-3 py-2 text-sm">
                <div className="flex items-center justify-between gap-2">
                  <a href={costHref(query, budgetScope(r))} className="truncate font-medium text-sky-700 hover:underline">
                    {r.slug}
                  </a>
                  <Badge tone={STATE_TONES[r.state]}>{BUDGET_STATE_LABELS[r.state]}</Badge>
                </div>
                <div className="mt-1 h-2 overflow-hidden rounded bg-slate-100" aria-hidden>
                  <div className={`h-full ${r.state === "exceeded" ? "bg-rose-600" : r.state === "warning" ? "bg-amber-500" : "bg-emerald-600"}`} style={{ width: `${Math.min(r.percent, 100)}%` }} />
                </div>
                <p className="mt-1 text-xs text-slate-600">
                  {r.scope === "tenant" ? "Tenant" : `Profile of ${r.tenant}`}: {usd(r.spend)} of {usd(r.budget)} ({r.percent} %), projected {usd(r.projected)}
                </p>
              </li>
            ))}
          </ul>
          <DataTable caption="Budgets this month" rows={rows} columns={columns} />
        </div>
      )}
    </Section>
  );
}

const atLeastZero = (v: number | null) => (v === null ? null : Math.max(0, v));
const SERIES_KEYS: Record<string, keyof BurnDownPoint> = { Remaining: "remaining", Projected: "projected", "Even-spend ideal": "ideal" };

/** The tooltip's value: the day's own (possibly negative) amount, not the floored one drawn. */
function actual(row: { actual: BurnDownPoint } | undefined, series: string): number | null {
  const key = SERIES_KEYS[series];
  const value = key && row ? row.actual[key] : null;
  return typeof value === "number" ? value : null;
}

/** Budget remaining at the end of each day of the month: actual, even-spend ideal, and projected. */
export function BurnDownChart({ data, loading }: { data: CostDashboard | undefined; loading: boolean }) {
  const burn = data?.budgets.burnDown;
  const points = burn?.points ?? [];
  // The chart's axis starts at zero ("budget used up"): an overspent day is drawn at zero, the table gives the amount over.
  const floored = points.map((p) => ({ ...p, remaining: atLeastZero(p.remaining), projected: atLeastZero(p.projected), ideal: atLeastZero(p.ideal), actual: p }));
  const money = (v: number | null) => (v === null ? "—" : usd(v));
  const columns: TableColumn<BurnDownPoint>[] = [
    { key: "day", label: "Day (UTC)", value: (p) => p.day },
    { key: "remaining", label: "Remaining", value: (p) => money(p.remaining) },
    { key: "ideal", label: "Even-spend ideal", value: (p) => money(p.ideal) },
    { key: "projected", label: "Projected", value: (p) => money(p.projected) },
  ];
  return (
    <ChartCard
      title={burn ? `Burn-down: ${burn.scope} ${burn.slug}` : "Burn-down"}
      description={burn ? `Monthly budget ${usd(burn.budget)}: what is left at the end of each day, down to zero when it is used up (the table shows how far over).` : "Pick a tenant or profile with a budget."}
      rows={points}
      columns={columns}
      loading={loading}
      empty="No budget in this scope."
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={floored} margin={TIME_MARGIN}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} minTickGap={12} fontSize={11} />
          <YAxis {...valueAxis((v) => `$${compact(v)}`)} domain={[0, "auto"]} allowDataOverflow />
          <Tooltip formatter={(_v, name, item) => money(actual(item?.payload as { actual: BurnDownPoint } | undefined, String(name)))} />
          <Legend {...LEGEND_PROPS} />
          <ReferenceLine y={0} stroke="#000000" strokeWidth={1} label={{ value: "budget used up", position: "insideBottomLeft", fontSize: 10 }} />
          <Line type="linear" dataKey="remaining" name="Remaining" stroke={PALETTE[0]} strokeWidth={2} dot={false} connectNulls={false} isAnimationActive={false} />
          <Line type="linear" dataKey="projected" name="Projected" stroke={PALETTE[4]} strokeDasharray="2 3" strokeWidth={2} dot={false} isAnimationActive={false} />
          <Line type="linear" dataKey="ideal" name="Even-spend ideal" stroke="#64748b" strokeDasharray="6 4" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

/** The month's alerts (80 % and 100 %), newest first; the same ones the webhook received. */
export function BudgetAlerts({ alerts, query }: { alerts: readonly BudgetAlertRow[]; query: DashboardQuery }) {
  return (
    <Section title="Budget alerts this month" description="Raised once per budget and threshold by the budget checker, and sent to the webhook when one is set.">
      {alerts.length === 0 ? (
        <p className="text-sm text-slate-500">No budget alerts this month.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" aria-label="Budget alerts">
          {alerts.map((a) => (
            <li key={a.id} className="flex flex-wrap items-center gap-2 py-1.5">
              <Badge tone={a.threshold >= 100 ? "red" : "amber"}>{a.threshold} %</Badge>
              <a href={costHref(query, budgetScope(a))} className="font-medium text-sky-700 hover:underline">
                {a.scope} {a.slug}
              </a>
              <span className="text-slate-600">
                {usd(a.spend)} of {usd(a.budget)}
                {a.scope === "profile" ? ` (tenant ${a.tenant})` : ""}
              </span>
              <time dateTime={a.createdAt} className="ml-auto text-xs text-slate-500">
                {a.createdAt.slice(0, 16).replace("T", " ")} UTC
              </time>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
