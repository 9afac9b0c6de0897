import { dashboardRoute } from "@/lib/server/dashboards/route";
import { safetyDashboard } from "@/lib/server/dashboards/safety";

export type { SafetyDashboard } from "@/lib/server/dashboards/safety";

export const dynamic = "force-dynamic";
export const GET = dashboardRoute("safety", safetyDashboard);
