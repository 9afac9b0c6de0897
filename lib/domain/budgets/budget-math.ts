/**
 * Monthly cost budgets: the calendar month (UTC) a spend belongs to, the
 * state of a budget (ok, at or past 80 %, at or past 100 %), a linear
 * projection of the month's spend from the month so far, and the burn-down
 * (budget remaining at the end of each day). Pure: the caller passes the clock.
 */

/** Alert thresholds, percent of the monthly budget. */
export const BUDGET_THRESHOLDS = [80, 100] as const;
export type BudgetThreshold = (typeof BUDGET_THRESHOLDS)[number];

export type BudgetState = "ok" | "warning" | "exceeded";

export const BUDGET_STATE_LABELS: Record<BudgetState, string> = {
  ok: "Under 80 %",
  warning: "At or over 80 %",
  exceeded: "At or over 100 %",
};

const DAY_MS = 86_400_000;
/** The projection never extrapolates from less than this much of the month (a few minutes of spend would explode). */
const MIN_ELAPSED_MS = 3_600_000;

export interface MonthWindow {
  /** First instant of the month, UTC (inclusive). */
  start: Date;
  /** First instant of the next month, UTC (exclusive). */
  end: Date;
  days: number;
}

export function monthWindow(now: Date): MonthWindow {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { start, end, days: Math.round((end.getTime() - start.getTime()) / DAY_MS) };
}

/** Percent of the budget spent (0 when there is no positive budget). */
export function percentUsed(spend: number, budget: number): number {
  return budget > 0 ? (spend / budget) * 100 : 0;
}

export function budgetState(spend: number, budget: number): BudgetState {
  const pct = percentUsed(spend, budget);
  if (pct >= 100) return "exceeded";
  if (pct >= 80) return "warning";
  return "ok";
}

/** Thresholds the spend has reached (what the checker alerts on). */
export function thresholdsReached(spend: number, budget: number): BudgetThreshold[] {
  if (!(budget > 0)) return [];
  return BUDGET_THRESHOLDS.filter((t) => spend * 100 >= budget * t);
}

/** End-of-month spend if the month continues at its month-to-date rate. */
export function projectedMonthSpend(spend: number, now: Date): number {
  const month = monthWindow(now);
  const elapsed = Math.min(Math.max(now.getTime() - month.start.getTime(), MIN_ELAPSED_MS), month.end.getTime() - month.start.getTime());
  return (spend * (month.end.getTime() - month.start.getTime())) / elapsed;
}

export interface BurnDownPoint {
  /** The day, YYYY-MM-DD (UTC). */
  day: string;
  /** Budget left at the end of the day; null for days still to come. */
  remaining: number | null;
  /** Budget left if spending were even over the month. */
  ideal: number;
  /** Budget left at the projected rate; null for days already over. */
  projected: number | null;
}

/**
 * One point per day of `now`'s month. `daily` are the month's spends grouped
 * by day (any order; days without spend may be missing).
 */
export function burnDown(budget: number, daily: readonly { day: Date; spend: number }[], now: Date): BurnDownPoint[] {
  const month = monthWindow(now);
  const byDay = new Map<number, number>();
  for (const d of daily) byDay.set(d.day.getTime(), (byDay.get(d.day.getTime()) ?? 0) + d.spend);
  const today = Math.floor((now.getTime() - month.start.getTime()) / DAY_MS);
  const spentSoFar = [...byDay].reduce((sum, [t, v]) => (t >= month.start.getTime() && t < month.end.getTime() ? sum + v : sum), 0);
  const dailyRate = (projectedMonthSpend(spentSoFar, now) - spentSoFar) / Math.max((month.end.getTime() - now.getTime()) / DAY_MS, 1e-9);
  const points: BurnDownPoint[] = [];
  let cumulative = 0;
  for (let i = 0; i < month.days; i++) {
    const dayStart = month.start.getTime() + i * DAY_MS;
    cumulative += byDay.get(dayStart) ?? 0;
    const dayEnd = dayStart + DAY_MS;
    const projectedSpend = spentSoFar + dailyRate * Math.max(0, (dayEnd - now.getTime()) / DAY_MS);
    points.push({
      day: new Date(dayStart).toISOString().slice(0, 10),
      remaining: i <= today ? round2(budget - cumulative) : null,
      ideal: round2(budget * (1 - (i + 1) / month.days)),
      projected: i >= today ? round2(budget - projectedSpend) : null,
    });
  }
  return points;
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
