import { z } from "zod";
import { RANGES, type RangeName } from "@/lib/domain/dashboards/range";
import { SLUG_PATTERN } from "@/lib/domain/registry/manifest-schema";

/**
 * Every dashboard's address: `?range=hour|day|week|month&tenant=<slug>&profile=<slug>`.
 * The pages keep these in the URL; the route handlers take the same parameters.
 */
export interface DashboardQuery {
  range: RangeName;
  tenant?: string;
  profile?: string;
}

export const DEFAULT_RANGE: RangeName = "day";

const slug = (name: string) =>
  z.string().trim().regex(SLUG_PATTERN, `${name} must be a slug (lower-case letters, digits and hyphens)`);

const schema = z.object({
  range: z.enum(RANGES, { error: `range must be one of ${RANGES.join(", ")}` }).default(DEFAULT_RANGE),
  tenant: slug("tenant").optional(),
  profile: slug("profile").optional(),
});

export type DashboardQueryResult = { ok: true; query: DashboardQuery } | { ok: false; errors: { field: string; message: string }[] };

function first(value: string | string[] | null | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === null || v === undefined || v.trim() === "" ? undefined : v;
}

/** Strict parse for the route handlers: a bad value is a 400 naming the field. */
export function parseDashboardQuery(params: URLSearchParams | Record<string, string | string[] | undefined>): DashboardQueryResult {
  const get = (key: string) => first(params instanceof URLSearchParams ? params.get(key) : params[key]);
  const parsed = schema.safeParse({ range: get("range"), tenant: get("tenant"), profile: get("profile") });
  if (parsed.success) return { ok: true, query: parsed.data };
  return { ok: false, errors: parsed.error.issues.map((issue) => ({ field: issue.path.join(".") || "query", message: issue.message })) };
}

/** The query string of a dashboard address (default range left out). */
export function dashboardSearch(query: Partial<DashboardQuery>): string {
  const params = new URLSearchParams();
  if (query.range && query.range !== DEFAULT_RANGE) params.set("range", query.range);
  if (query.tenant) params.set("tenant", query.tenant);
  if (query.profile) params.set("profile", query.profile);
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Lenient parse for the pages: each bad value is dropped and reported, never a crash. */
export function parseDashboardPageQuery(raw: Record<string, string | string[] | undefined>): { query: DashboardQuery; problems: string[] } {
  const result = parseDashboardQuery(raw);
  if (result.ok) return { query: result.query, problems: [] };
  const bad = new Set(result.errors.map((e) => e.field));
  const kept = Object.fromEntries(Object.entries(raw).filter(([key]) => !bad.has(key)));
  const retry = parseDashboardQuery(kept);
  return { query: retry.ok ? retry.query : { range: DEFAULT_RANGE }, problems: result.errors.map((e) => `${e.field}: ${e.message}`) };
}
