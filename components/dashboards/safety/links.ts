/**
 * Where a click on the safety dashboard leads: the audit explorer for the
 * matching entries (same tenant, profile and time span) when the actor may
 * read the audit log there, or a profile's event timeline filtered by type.
 * Pure, so the chart handlers and the table anchors build the same links.
 */
import { auditQueryString } from "@/lib/schemas/audit-explorer";

export interface LinkScope {
  tenant?: string | null;
  profile?: string | null;
}

/** `/audit?action=…&tenant=…&profile=…&from=…&to=…` for [from, to). */
export function auditHref(scope: LinkScope, action: string, from: Date, to: Date): string {
  return `/audit${auditQueryString({ action, tenant: scope.tenant ?? undefined, profile: scope.profile ?? undefined, from, to })}`;
}

/** The time span of the bucket starting at `bucket` (ISO). */
export function bucketSpan(bucket: string, bucketSec: number): { from: Date; to: Date } {
  const from = new Date(bucket);
  return { from, to: new Date(from.getTime() + bucketSec * 1000) };
}

/** A profile's event timeline, optionally one event type. */
export function timelineHref(profile: string, type?: string): string {
  return `/profiles/${encodeURIComponent(profile)}${type ? `?type=${encodeURIComponent(type)}` : ""}#events`;
}

/** "42 s", "3.5 min", "2.1 h" — or "—" when there is nothing to measure. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return "—";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}
