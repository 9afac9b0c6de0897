import type { Metadata } from "next";
import { DashboardFilters } from "@/components/dashboards/dashboard-filters";
import { CostDashboard } from "@/components/dashboards/cost/cost-dashboard";
import { EmptyState, PageHeader } from "@/components/ui/section";
import { parseDashboardPageQuery } from "@/lib/schemas/dashboards";
import { requireActor } from "@/lib/server/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Cost" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function CostPage({ searchParams }: Props) {
  const actor = await requireActor();
  const { query, problems } = parseDashboardPageQuery(await searchParams);
  const description = "Model usage and cost by tenant, profile and model, and this month's budgets — times in UTC.";
  if (actor.tenants.length === 0 && !actor.platformAdmin) {
    return (
      <>
        <PageHeader title="Cost" description={description} />
        <EmptyState title="You are not a member of any tenant yet">Cost figures appear here once you are.</EmptyState>
      </>
    );
  }
  return (
    <>
      <PageHeader title="Cost" description={description} />
      <DashboardFilters path="/cost" query={query} tenants={actor.tenants.map((t) => ({ slug: t.slug, name: t.name }))} problems={problems} />
      <CostDashboard query={query} />
    </>
  );
}
