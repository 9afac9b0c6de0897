import { formatBound, parseUtcDateTime } from "./audit-explorer";

/**
 * The evidence packet export form (/audit/export) and its download route.
 * Times are UTC, written like the audit explorer's filters: a date
 * ("2026-11-22") or a date and time ("2026-11-22T09:30"). `to` is exclusive;
 * a date alone as `to` means "through the end of that day".
 */
export interface ExportPacketRequest {
  /** Tenant slug. */
  tenant: string;
  /** Profile slug (a profile packet), or undefined (the whole tenant). */
  profile?: string;
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** The form's raw text, echoed back into the form after an error. */
export interface ExportPacketFields {
  tenant: string;
  profile: string;
  from: string;
  to: string;
}

export type ExportPacketParse =
  | { ok: true; request: ExportPacketRequest }
  | { ok: false; message: string; fieldErrors: Partial<Record<keyof ExportPacketFields, string>> };

const SLUG = /^[a-z0-9][a-z0-9-]*$/;
const TIME_HINT = "a UTC date (2026-11-22) or date and time (2026-11-22T09:30)";

const LIMITS: Record<keyof ExportPacketFields, number> = { tenant: 100, profile: 200, from: 40, to: 40 };

/** Raw input (FormData entries, search params or a plain object) → the form's fields as text. */
export function exportPacketFields(raw: Record<string, unknown>): ExportPacketFields {
  const pick = (key: keyof ExportPacketFields) => {
    const value = raw[key];
    const first: unknown = Array.isArray(value) ? value[0] : value;
    return typeof first === "string" ? first.trim().slice(0, LIMITS[key]) : "";
  };
  return { tenant: pick("tenant"), profile: pick("profile"), from: pick("from"), to: pick("to") };
}

/** An upper bound: a date alone means the midnight after it. */
function parseTo(text: string): Date | null {
  const date = parseUtcDateTime(text);
  if (!date) return null;
  return /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? new Date(date.getTime() + 86_400_000) : date;
}

export function parseExportPacket(raw: Record<string, unknown>): ExportPacketParse {
  const fields = exportPacketFields(raw);
  const fieldErrors: Partial<Record<keyof ExportPacketFields, string>> = {};
  if (!fields.tenant) fieldErrors.tenant = "Choose a tenant.";
  else if (!SLUG.test(fields.tenant)) fieldErrors.tenant = "A tenant slug is lower-case letters, digits and hyphens.";
  if (fields.profile && !SLUG.test(fields.profile)) fieldErrors.profile = "A profile slug is lower-case letters, digits and hyphens.";
  const from = fields.from ? parseUtcDateTime(fields.from) : null;
  const to = fields.to ? parseTo(fields.to) : null;
  if (!fields.from) fieldErrors.from = `Enter the start of the range: ${TIME_HINT}.`;
  else if (!from) fieldErrors.from = `From must be ${TIME_HINT}.`;
  if (!fields.to) fieldErrors.to = `Enter the end of the range: ${TIME_HINT}.`;
  else if (!to) fieldErrors.to = `To must be ${TIME_HINT}.`;
  if (from && to && from.getTime() >= to.getTime()) fieldErrors.to = "The time range is empty: To must be after From.";
  const problems = Object.values(fieldErrors);
  if (problems.length > 0 || !from || !to) {
    return { ok: false, message: problems.length === 1 ? problems[0]! : "Some fields need attention.", fieldErrors };
  }
  return { ok: true, request: { tenant: fields.tenant, ...(fields.profile ? { profile: fields.profile } : {}), from, to } };
}

/** A request built in code (Date bounds, e.g. the audit bench): the same checks as the form's. */
export function checkExportRequest(request: { tenant?: unknown; profile?: unknown; from?: unknown; to?: unknown }): ExportPacketParse {
  const fieldErrors: Partial<Record<keyof ExportPacketFields, string>> = {};
  const tenant = typeof request.tenant === "string" ? request.tenant : "";
  const profile = typeof request.profile === "string" ? request.profile : "";
  if (!SLUG.test(tenant) || tenant.length > LIMITS.tenant) fieldErrors.tenant = "A tenant slug is lower-case letters, digits and hyphens.";
  if (profile && (!SLUG.test(profile) || profile.length > LIMITS.profile)) fieldErrors.profile = "A profile slug is lower-case letters, digits and hyphens.";
  const { from, to } = request;
  if (!(from instanceof Date) || Number.isNaN(from.getTime())) fieldErrors.from = "From must be a date.";
  if (!(to instanceof Date) || Number.isNaN(to.getTime())) fieldErrors.to = "To must be a date.";
  else if (from instanceof Date && from.getTime() >= to.getTime()) fieldErrors.to = "The time range is empty: To must be after From.";
  const problems = Object.values(fieldErrors);
  if (problems.length > 0) return { ok: false, message: problems.length === 1 ? problems[0]! : "Some fields need attention.", fieldErrors };
  return { ok: true, request: { tenant, ...(profile ? { profile } : {}), from: from as Date, to: to as Date } };
}

/** The default form: the last seven whole days through today (UTC). */
export function defaultExportFields(now: Date, tenant = ""): ExportPacketFields {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return {
    tenant,
    profile: "",
    from: formatBound(new Date(today.getTime() - 7 * 86_400_000), "from"),
    to: formatBound(new Date(today.getTime() + 86_400_000), "to"),
  };
}

/** "?tenant=acme&from=…&error=…" for sending the form back with its values and a message. */
export function exportFormQuery(fields: ExportPacketFields, error?: string): string {
  const params = new URLSearchParams();
  for (const key of ["tenant", "profile", "from", "to"] as const) if (fields[key]) params.set(key, fields[key]);
  if (error) params.set("error", error.slice(0, 300));
  const text = params.toString();
  return text ? `?${text}` : "";
}
