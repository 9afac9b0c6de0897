/**
 * The readiness board's address: `/readiness?tenant=<slug>&stage=<stage>`.
 * Lenient like every page: a bad value is dropped and named, never a crash.
 * Pure (no "server-only"): the page and its tests share it.
 */
import { parseDashboardPageQuery } from "@/lib/schemas/dashboards";
import { CANARY_STAGES, type CanaryStageName } from "@/lib/domain/tiers";

export interface ReadinessQuery {
  tenant?: string;
  stage?: CanaryStageName;
}

/** Cards per column on the whole board, and for a single chosen stage. */
export const CARDS_PER_COLUMN = 12;
export const CARDS_ONE_STAGE = 60;

function first(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

export function parseReadinessQuery(raw: Record<string, string | string[] | undefined>): { query: ReadinessQuery; problems: string[] } {
  const tenantOnly = parseDashboardPageQuery({ tenant: raw.tenant });
  const problems = [...tenantOnly.problems];
  const query: ReadinessQuery = {};
  if (tenantOnly.query.tenant) query.tenant = tenantOnly.query.tenant;
  const stage = first(raw.stage);
  if (stage !== undefined) {
    const value = stage.toLowerCase().replace(/-/g, "_");
    if ((CANARY_STAGES as readonly string[]).includes(value)) query.stage = value as CanaryStageName;
    else problems.push(`stage: must be one of ${CANARY_STAGES.join(", ")}`);
  }
  return { query, problems };
}

/** The query string of a readiness address. */
export function readinessSearch(query: ReadinessQuery): string {
  const params = new URLSearchParams();
  if (query.tenant) params.set("tenant", query.tenant);
  if (query.stage) params.set("stage", query.stage);
  const text = params.toString();
  return text ? `?${text}` : "";
}
