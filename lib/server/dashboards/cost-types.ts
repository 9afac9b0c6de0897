/**
 * What `GET /api/dashboards/cost` answers in `data` (types only, shared by
 * the loader and the client components). Money is USD as numbers rounded to
 * cents for display (except `costPerJob`, to the tenth of a cent); tokens are
 * input + output tokens.
 */
import type { BudgetState, BurnDownPoint } from "@/lib/domain/budgets/budget-math";

export const COST_DIMENSIONS = ["tenant", "profile", "model"] as const;
export type CostDimension = (typeof COST_DIMENSIONS)[number];

/** One line of a series chart; `id` is the key of its values in each point. */
export interface SeriesKey {
  id: string;
  label: string;
}

export interface CostSeries {
  /** Top spenders of the window, then "(other)" when there are more. */
  keys: SeriesKey[];
  /** One point per bucket: `{ bucket, [key.id]: value }`. */
  cost: Array<{ bucket: string } & Record<string, number | string>>;
  tokens: Array<{ bucket: string } & Record<string, number | string>>;
}

export interface TopSpender {
  profile: string;
  tenant: string;
  cost: number;
  tokens: number;
  /** Percent of the window's cost. */
  share: number;
}

export interface BudgetRow {
  scope: "tenant" | "profile";
  /** Tenant slug, or profile slug. */
  slug: string;
  tenant: string;
  budget: number;
  spend: number;
  percent: number;
  projected: number;
  state: BudgetState;
}

export interface BudgetAlertRow {
  id: string;
  scope: "tenant" | "profile";
  slug: string;
  tenant: string;
  threshold: number;
  spend: number;
  budget: number;
  createdAt: string;
}

export interface CostDashboard {
  totals: { cost: number; tokensIn: number; tokensOut: number; records: number };
  byTenant: CostSeries;
  byProfile: CostSeries;
  byModel: CostSeries;
  topSpenders: TopSpender[];
  /** Cost in the range ÷ jobs created in the range with status ALLOWED or APPROVED (null when there are none). */
  costPerJob: { jobs: number; cost: number; perJob: number | null };
  budgets: {
    /** YYYY-MM, the calendar month (UTC) budgets apply to. */
    month: string;
    monthStart: string;
    rows: BudgetRow[];
    /** All budgets in scope (rows may be capped). */
    total: number;
    /** The budget whose burn-down is drawn: the scope's profile or tenant budget, else the most used. */
    burnDown: { scope: "tenant" | "profile"; slug: string; budget: number; points: BurnDownPoint[] } | null;
    alerts: BudgetAlertRow[];
  };
}
