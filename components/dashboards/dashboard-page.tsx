import { holdsAnywhere } from "@/lib/authz";
import type { ComponentType } from "react";
import { EmptyState, PageHeader } from "@/components/ui/section";
import { parseDashboardPageQuery, type DashboardQuery } from "@/lib/schemas/dashboards";
import { requireActor } from "@/lib/server/session";
import { DashboardFilters } from "./dashboard-filters";

/**
 * A dashboard page: header, range and scope filters from the address (bad
 * values ignored and said so), then the client dashboard that fetches its
 * figures; someone in no tenant yet gets a plain explanation instead.
 */
export async function DashboardPage({
  title,
  description,
  path,
  searchParams,
  Dashboard,
}: {
  title: string;
  description: string;
  path: string;
  searchParams: Record<string, string | string[] | undefined>;
  Dashboard: ComponentType<{ query: DashboardQuery }>;
}) {
  const actor = await requireActor();
  const { query, problems } = parseDashboardPageQuery(searchParams);
  if (!holdsAnywhere(actor, "registry.read")) {
    return (
      <>
        <PageHeader title={title} description={description} />
        <EmptyState title="You are not a member of any tenant yet">{title} figures appear here once you are.</EmptyState>
      </>
    );
  }
  return (
    <>
      <PageHeader title={title} description={description} />
      <DashboardFilters path={path} query={query} tenants={actor.tenants.map((t) => ({ slug: t.slug, name: t.name }))} problems={problems} />
      <Dashboard query={query} />
    </>
  );
}
