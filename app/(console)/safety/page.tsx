import type { Metadata } from "next";
import { DashboardPage } from "@/components/dashboards/dashboard-page";
import { SafetyDashboard } from "@/components/dashboards/safety/safety-dashboard";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Safety" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SafetyPage({ searchParams }: Props) {
  return (
    <DashboardPage
      title="Safety"
      description="Policy decisions, denied tools and egress, approvals, redactions and kill switches — times in UTC."
      path="/safety"
      searchParams={await searchParams}
      Dashboard={SafetyDashboard}
    />
  );
}
