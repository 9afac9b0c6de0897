import type { Metadata } from "next";
import { DashboardPage } from "@/components/dashboards/dashboard-page";
import { CostDashboard } from "@/components/dashboards/cost/cost-dashboard";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Cost" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function CostPage({ searchParams }: Props) {
  return (
    <DashboardPage
      title="Cost"
      description="Model usage and cost by tenant, profile and model, and this month's budgets — times in UTC."
      path="/cost"
      searchParams={await searchParams}
      Dashboard={CostDashboard}
    />
  );
}
