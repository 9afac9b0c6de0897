/**
 * Display helpers of the cost dashboard: money, token counts and bucket
 * labels (UTC, like every time in the console). Pure.
 */
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

/** The cost dashboard narrowed to a tenant or profile, keeping the range. */
export function costHref(query: DashboardQuery, scope: { tenant?: string; profile?: string }): string {
  return `/cost${dashboardSearch({ range: query.range, ...scope })}`;
}

export function profileHref(slug: string): string {
  return `/profiles/${encodeURIComponent(slug)}`;
}
