import type { Metadata } from "next";
import { DashboardFilters } from "@/components/dashboards/dashboard-filters";
import { SafetyDashboard } from "@/components/dashboards/safety/safety-dashboard";
import { EmptyState, PageHeader } from "@/components/ui/section";
import { parseDashboardPageQuery } from "@/lib/schemas/dashboards";
import { requireActor } from "@/lib/server/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Safety" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SafetyPage({ searchParams }: Props) {
  const actor = await requireActor();
  const { query, problems } = parseDashboardPageQuery(await searchParams);
  const description = "Policy decisions, denied tools and egress, approvals, redactions and kill switches — times in UTC.";
  if (actor.tenants.length === 0 && !actor.platformAdmin) {
    return (
      <>
        <PageHeader title="Safety" description={description} />
        <EmptyState title="You are not a member of any tenant yet">Safety figures appear here once you are.</EmptyState>
      </>
    );
  }
  return (
    <>
      <PageHeader title="Safety" description={description} />
      <DashboardFilters path="/safety" query={query} tenants={actor.tenants.map((t) => ({ slug: t.slug, name: t.name }))} problems={problems} />
      <SafetyDashboard query={query} />
    </>
  );
}
