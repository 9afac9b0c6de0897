/**
 * The registry view's URL filters, parsed and printed without I/O. A link
 * (`/profiles?tenant=acme&ring=3&sort=ring&dir=desc&page=2`) reproduces a
 * view exactly; anything invalid is dropped with a readable message instead
 * of failing the page.
 */
import {
  CANARY_STAGES,
  HEALTH_STATES,
  TIERS,
  type CanaryStageName,
  type HealthState,
  type TierName,
} from "@/lib/domain/tiers";

export const SORT_KEYS = ["slug", "ring", "tier", "health", "stage", "owner", "lastSeen", "updated"] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = "asc" | "desc";
export const PAGE_SIZES = [10, 25, 50, 100] as const;
export type PageSize = (typeof PAGE_SIZES)[number];
export const DEFAULT_PAGE_SIZE: PageSize = 25;
const MAX_TEXT = 100;

export interface RegistryFilters {
  tenant?: string;
  ring?: number;
  tier?: TierName;
  health?: HealthState;
  stage?: CanaryStageName;
  owner?: string;
  q?: string;
}

export interface RegistryQuery extends RegistryFilters {
  sort: SortKey;
  dir: SortDir;
  page: number;
  size: PageSize;
}

export interface ParsedRegistryQuery {
  query: RegistryQuery;
  /** Human-readable reasons for parameters that were ignored. */
  problems: string[];
}

export type SearchParamsInput = Record<string, string | string[] | undefined> | URLSearchParams;

export const DEFAULT_QUERY: RegistryQuery = { sort: "slug", dir: "asc", page: 1, size: DEFAULT_PAGE_SIZE };

function first(params: SearchParamsInput, key: string): string | undefined {
  const raw = params instanceof URLSearchParams ? (params.get(key) ?? undefined) : params[key];
  const value = Array.isArray(raw) ? raw[0] : raw;
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function oneOf<T extends string>(values: readonly T[], value: string): T | undefined {
  return (values as readonly string[]).includes(value) ? (value as T) : undefined;
}

export function parseRegistryQuery(params: SearchParamsInput): ParsedRegistryQuery {
  const problems: string[] = [];
  const query: RegistryQuery = { ...DEFAULT_QUERY };

  const tenant = first(params, "tenant");
  if (tenant !== undefined) {
    if (/^[a-z0-9][a-z0-9-]{0,62}$/.test(tenant)) query.tenant = tenant;
    else problems.push(`Tenant "${clip(tenant)}" is not a valid tenant slug.`);
  }

  const ring = first(params, "ring");
  if (ring !== undefined) {
    if (/^[0-5]$/.test(ring)) query.ring = Number(ring);
    else problems.push(`Ring "${clip(ring)}" must be a number from 0 to 5.`);
  }

  const tier = first(params, "tier");
  if (tier !== undefined) {
    const value = oneOf(TIERS, tier.toUpperCase());
    if (value) query.tier = value;
    else problems.push(`Tier "${clip(tier)}" must be one of ${TIERS.join(", ")}.`);
  }

  const health = first(params, "health");
  if (health !== undefined) {
    const value = oneOf(HEALTH_STATES, health.toLowerCase());
    if (value) query.health = value;
    else problems.push(`Health "${clip(health)}" must be one of ${HEALTH_STATES.join(", ")}.`);
  }

  const stage = first(params, "stage");
  if (stage !== undefined) {
    const value = oneOf(CANARY_STAGES, stage.toLowerCase().replace(/-/g, "_"));
    if (value) query.stage = value;
    else problems.push(`Canary stage "${clip(stage)}" must be one of ${CANARY_STAGES.join(", ")}.`);
  }

  for (const key of ["owner", "q"] as const) {
    const value = first(params, key);
    if (value === undefined) continue;
    if (value.length > MAX_TEXT) problems.push(`${key === "q" ? "Search" : "Owner"} is longer than ${MAX_TEXT} characters.`);
    else query[key] = value;
  }

  const sort = first(params, "sort");
  if (sort !== undefined) {
    const value = oneOf(SORT_KEYS, sort);
    if (value) query.sort = value;
    else problems.push(`Cannot sort by "${clip(sort)}"; use one of ${SORT_KEYS.join(", ")}.`);
  }

  const dir = first(params, "dir");
  if (dir !== undefined) {
    if (dir === "asc" || dir === "desc") query.dir = dir;
    else problems.push(`Direction "${clip(dir)}" must be asc or desc.`);
  }

  const page = first(params, "page");
  if (page !== undefined) {
    if (/^\d{1,6}$/.test(page) && Number(page) >= 1) query.page = Number(page);
    else problems.push(`Page "${clip(page)}" must be a whole number of at least 1.`);
  }

  const size = first(params, "size");
  if (size !== undefined) {
    const value = PAGE_SIZES.find((s) => String(s) === size);
    if (value) query.size = value;
    else problems.push(`Page size "${clip(size)}" must be one of ${PAGE_SIZES.join(", ")}.`);
  }

  return { query, problems };
}

/** The query string for a view; defaults are left out so links stay short. */
export function registryQueryString(query: Partial<RegistryQuery>): string {
  const params = new URLSearchParams();
  const filters: (keyof RegistryFilters)[] = ["tenant", "ring", "tier", "health", "stage", "owner", "q"];
  for (const key of filters) {
    const value = query[key];
    if (value !== undefined && value !== "") params.set(key, String(value));
  }
  if (query.sort && query.sort !== DEFAULT_QUERY.sort) params.set("sort", query.sort);
  if (query.dir && query.dir !== DEFAULT_QUERY.dir) params.set("dir", query.dir);
  if (query.page && query.page > 1) params.set("page", String(query.page));
  if (query.size && query.size !== DEFAULT_QUERY.size) params.set("size", String(query.size));
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** The link behind a column header: first click ascending, then toggles. */
export function sortLink(query: RegistryQuery, key: SortKey): string {
  const dir: SortDir = query.sort === key && query.dir === "asc" ? "desc" : "asc";
  return registryQueryString({ ...query, sort: key, dir, page: 1 });
}

export function hasFilters(query: RegistryFilters): boolean {
  return [query.tenant, query.ring, query.tier, query.health, query.stage, query.owner, query.q].some(
    (v) => v !== undefined,
  );
}

export function pageCount(total: number, size: number): number {
  return Math.max(1, Math.ceil(total / size));
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
