import { costDashboard } from "@/lib/server/dashboards/cost";
import { dashboardRoute } from "@/lib/server/dashboards/route";

export type { BudgetAlertRow, BudgetRow, CostDashboard, CostDimension, CostSeries, TopSpender } from "@/lib/server/dashboards/cost-types";

export const dynamic = "force-dynamic";
export const GET = dashboardRoute("cost", costDashboard);
