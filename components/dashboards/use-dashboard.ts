"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { dashboardSearch, type DashboardQuery } from "@/lib/schemas/dashboards";

/** What every dashboard route handler answers (lib/server/dashboards/route.ts). */
export interface DashboardResponse<T> {
  range: DashboardQuery["range"];
  from: string;
  to: string;
  bucketSec: number;
  tenant: { slug: string; name: string } | null;
  profile: { slug: string; tenantSlug: string } | null;
  data: T;
}

/** A problem+json answer, surfaced to the page as a readable message. */
export class DashboardError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function fetchDashboard<T>(path: string, query: DashboardQuery): Promise<DashboardResponse<T>> {
  const response = await fetch(`${path}${dashboardSearch(query)}`, { headers: { Accept: "application/json" }, cache: "no-store" });
  if (!response.ok) {
    const problem = (await response.json().catch(() => null)) as { detail?: string; title?: string } | null;
    throw new DashboardError(response.status, problem?.detail ?? problem?.title ?? `The dashboard answered ${response.status}.`);
  }
  return (await response.json()) as DashboardResponse<T>;
}

/** Fetch `/api/dashboards/<name>` for the query in the URL; the previous figures stay up while a new range loads. */
export function useDashboard<T>(name: string, query: DashboardQuery) {
  return useQuery({
    queryKey: ["dashboard", name, query.range, query.tenant ?? null, query.profile ?? null],
    queryFn: () => fetchDashboard<T>(`/api/dashboards/${name}`, query),
    placeholderData: keepPreviousData,
    retry: (count, error) => !(error instanceof DashboardError && error.status < 500) && count < 1,
  });
}
