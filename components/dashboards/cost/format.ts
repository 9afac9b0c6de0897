/**
 * Display helpers of the cost dashboard: money, token counts and bucket
 * labels (UTC, like every time in the console). Pure.
 */
import type { RangeName } from "@/lib/domain/dashboards/range";
import { dashboardSearch, type DashboardQuery } from "@/lib/schemas/dashboards";

/** "$1,234.56"; amounts under a cent keep four decimals so they never read as zero. */
export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const small = value !== 0 && Math.abs(value) < 0.01;
  return `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: small ? 4 : 2 })}`;
}

/** "12.3k", "4.5M" for axes; tables show the full number. */
export function compact(value: number): string {
  return value.toLocaleString("en-US", { notation: "compact", maximumFractionDigits: 1 });
}

/** Short axis label of a bucket: time of day for hour and day, date (+ hour) for week and month. */
export function bucketTick(bucket: string, range: RangeName): string {
  const iso = new Date(bucket).toISOString();
  if (range === "hour" || range === "day") return iso.slice(11, 16);
  if (range === "week") return `${iso.slice(5, 10)} ${iso.slice(11, 13)}h`;
  return iso.slice(5, 10);
}

/** "2026-11-20 11:00 UTC" for tooltips and tables. */
export function bucketLabel(bucket: string): string {
  return `${new Date(bucket).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** The cost dashboard narrowed to a tenant or profile, keeping the range. */
export function costHref(query: DashboardQuery, scope: { tenant?: string; profile?: string }): string {
  return `/cost${dashboardSearch({ range: query.range, ...scope })}`;
}

export function profileHref(slug: string): string {
  return `/profiles/${encodeURIComponent(slug)}`;
}
