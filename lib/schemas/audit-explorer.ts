import { z } from "zod";

/** Entries per page of the audit explorer. */
export const AUDIT_PAGE_SIZE = 50;

/** The tenant filter value selecting platform entries (tenantId null); slugs never start with "_". */
export const PLATFORM_TENANT = "_platform";

/**
 * The explorer's URL parameters. Every filter lives in the address, so a link
 * reproduces the view. Pages are keyset cursors on seq: `before` lists the
 * entries older than that seq (newest first), `after` the ones newer than it.
 */
export interface AuditQuery {
  /** An email (a user), "type:id" (e.g. "host:acme-sandbox-01"), or a bare actor id. */
  actor?: string;
  /** An action, or a prefix of dotted segments ("job" matches "job.submit", "job.vote"). */
  action?: string;
  /** A tenant slug, or PLATFORM_TENANT. */
  tenant?: string;
  profile?: string;
  /** Inclusive lower bound. */
  from?: Date;
  /** Exclusive upper bound. */
  to?: Date;
  trace?: string;
  before?: number;
  after?: number;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?(?:Z|\+00:00)?$/;

/** "2026-11-22" or "2026-11-22T09:30" (UTC) → the instant; null when malformed. */
export function parseUtcDateTime(text: string): Date | null {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = "00", mi = "00", s = "00"] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  // Date.UTC rolls over (Feb 31 → Mar 3): reject instead of guessing.
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  return date;
}

/** A date-only upper bound means "through the end of that day". */
function upperBound(text: string): Date | null {
  const date = parseUtcDateTime(text);
  if (!date) return null;
  return /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? new Date(date.getTime() + 86_400_000) : date;
}

const seq = (name: string) =>
  z.coerce.number({ error: `${name} must be a number` }).int(`${name} must be a whole number`).min(1, `${name} starts at 1`).max(2_147_483_647);

const TEXT_FIELDS = {
  actor: z.string().trim().min(1).max(320, "actor is too long"),
  action: z
    .string()
    .trim()
    .max(100, "action is too long")
    .regex(/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/i, "action must be dotted words, e.g. job.submit"),
  tenant: z.string().trim().min(1).max(100, "tenant is too long"),
  profile: z.string().trim().min(1).max(200, "profile is too long"),
  trace: z.string().trim().min(1).max(200, "trace id is too long"),
  before: seq("before"),
  after: seq("after"),
} as const;

/** Parse search params leniently: a bad value is dropped and reported, never a crash. */
export function parseAuditQuery(raw: Record<string, string | string[] | undefined>): { query: AuditQuery; problems: string[] } {
  const query: AuditQuery = {};
  const problems: string[] = [];
  const text = (key: string): string | undefined => {
    const value = raw[key];
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined || first.trim() === "" ? undefined : first;
  };
  for (const [key, schema] of Object.entries(TEXT_FIELDS)) {
    const value = text(key);
    if (value === undefined) continue;
    const parsed = (schema as z.ZodType).safeParse(value);
    if (parsed.success) (query as Record<string, unknown>)[key] = parsed.data;
    else problems.push(parsed.error.issues[0]?.message ?? `${key} is invalid`);
  }
  const from = text("from");
  if (from !== undefined) {
    const date = parseUtcDateTime(from);
    if (date) query.from = date;
    else problems.push("from must be a UTC date (2026-11-22) or date and time (2026-11-22T09:30)");
  }
  const to = text("to");
  if (to !== undefined) {
    const date = upperBound(to);
    if (date) query.to = date;
    else problems.push("to must be a UTC date (2026-11-22) or date and time (2026-11-22T09:30)");
  }
  if (query.from && query.to && query.from >= query.to) {
    problems.push("the time range is empty: from must be before to");
    delete query.to;
  }
  if (query.before !== undefined && query.after !== undefined) {
    problems.push("use either before or after, not both");
    delete query.after;
  }
  return { query, problems };
}

/** Format a bound back for the URL and the form: a date alone when it is midnight. */
export function formatBound(date: Date, kind: "from" | "to"): string {
  const iso = date.toISOString();
  if (iso.endsWith("T00:00:00.000Z")) {
    // "to" is exclusive: midnight after a day reads back as that day.
    return kind === "to" ? new Date(date.getTime() - 86_400_000).toISOString().slice(0, 10) : iso.slice(0, 10);
  }
  return iso.endsWith(":00.000Z") ? iso.slice(0, 16) : iso.slice(0, 19);
}

/** "?actor=…&tenant=acme&before=120" — empty values left out. */
export function auditQueryString(query: AuditQuery): string {
  const params = new URLSearchParams();
  for (const key of ["actor", "action", "tenant", "profile"] as const) {
    const value = query[key];
    if (value) params.set(key, value);
  }
  if (query.from) params.set("from", formatBound(query.from, "from"));
  if (query.to) params.set("to", formatBound(query.to, "to"));
  if (query.trace) params.set("trace", query.trace);
  if (query.before !== undefined) params.set("before", String(query.before));
  if (query.after !== undefined) params.set("after", String(query.after));
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function hasAuditFilters(query: AuditQuery): boolean {
  return Boolean(query.actor || query.action || query.tenant || query.profile || query.from || query.to || query.trace);
}
