import "server-only";
/**
 * The safety dashboard (`/safety`, `GET /api/dashboards/safety`): what policy
 * decided over the window, which rules denied most, which profiles hit denied
 * tools and egress, how approvals went and how long they took, how many
 * secrets ingest redacted, and when kill switches were engaged or released.
 * All figures come from grouped SQL (safety-queries.ts), scoped to the
 * actor's tenants; the series are made dense here (zero buckets filled).
 */
import { coversScope, scopeFor } from "@/lib/authz";
import { bucketOf, denseSeries } from "@/lib/domain/dashboards/range";
import type { DashboardLoader } from "./load";
import {
  approvalBuckets,
  approvalLatency,
  decisionBuckets,
  deniedEventsByProfile,
  killSwitchActivity,
  redactionFigures,
  refusedAttempts,
  topDenyRules,
  type ApprovalLatency,
  type DeniedByProfileRow,
  type DenyRuleRow,
  type KillSwitchRow,
  type RefusalRow,
} from "./safety-queries";

export const DECISION_TYPES = ["ALLOW", "ALLOW_WITH_CONSTRAINTS", "REQUIRE_APPROVAL", "THROTTLE", "DENY"] as const;
export type DecisionType = (typeof DECISION_TYPES)[number];
export const APPROVAL_KEYS = ["requested", "approved", "rejected", "expired"] as const;
export type ApprovalKey = (typeof APPROVAL_KEYS)[number];
export const REDACTION_KEYS = ["events", "redactions"] as const;

export interface KillSwitchMarker {
  id: string;
  kind: "engaged" | "released";
  /** ISO time of the engagement or release. */
  at: string;
  /** The bucket (ISO start) the marker falls in, for the chart's time axis. */
  bucket: string;
  scope: string;
  /** "global", "tenant acme", "profile acme-ticket-triage", "capability shell (acme)". */
  target: string;
  tenant: string | null;
  profile: string | null;
  reason: string;
}

export interface SafetyDashboard {
  decisions: {
    series: Array<{ bucket: string } & Record<DecisionType, number>>;
    totals: Record<DecisionType, number>;
  };
  denies: { top: DenyRuleRow[]; total: number };
  deniedEvents: { byProfile: DeniedByProfileRow[]; totals: { tool: number; egress: number; profiles: number } };
  approvals: {
    series: Array<{ bucket: string } & Record<ApprovalKey, number>>;
    totals: Record<ApprovalKey, number>;
    latency: ApprovalLatency;
  };
  redactions: {
    series: Array<{ bucket: string; events: number; redactions: number }>;
    totals: { events: number; redactions: number };
    kinds: { kind: string; count: number }[];
  };
  killSwitches: KillSwitchMarker[];
  /** Refused privileged attempts in the window (access.denied audit entries): the newest, and how many in all. */
  refusals: { rows: Array<Omit<RefusalRow, "time"> & { time: string }>; total: number };
  /** May the actor open the audit explorer for this scope (links from the charts)? */
  auditLinks: boolean;
}

function totals<K extends string>(keys: readonly K[], series: readonly Record<K, number>[]): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const point of series) for (const k of keys) out[k] += point[k];
  return out;
}

function target(row: KillSwitchRow): string {
  switch (row.scope) {
    case "global":
      return "global";
    case "tenant":
      return `tenant ${row.tenant ?? "?"}`;
    case "profile":
      return `profile ${row.profile ?? "?"}`;
    default:
      return `capability ${row.capability ?? "?"} (${row.profile ?? row.tenant ?? "?"})`;
  }
}

export const safetyDashboard: DashboardLoader<SafetyDashboard> = async ({ database, actor, scope, now }) => {
  const sql = database.sql;
  const [decisionRows, denies, deniedEvents, approvalRows, latency, redacted, switches, refusals] = await Promise.all([
    decisionBuckets(sql, scope),
    topDenyRules(sql, scope),
    deniedEventsByProfile(sql, scope),
    approvalBuckets(sql, scope, now),
    approvalLatency(sql, scope, now),
    redactionFigures(sql, scope),
    killSwitchActivity(sql, scope, now),
    refusedAttempts(sql, scope),
  ]);
  const { window } = scope;
  const decisionSeries = denseSeries(window, DECISION_TYPES, decisionRows);
  const approvalSeries = denseSeries(window, APPROVAL_KEYS, approvalRows);
  const redactionSeries = denseSeries(window, REDACTION_KEYS, redacted.buckets);

  const inWindow = (t: Date) => t >= window.from && t < window.to;
  const markers: KillSwitchMarker[] = [];
  for (const row of switches) {
    const base = { id: row.id, scope: row.scope, target: target(row), tenant: row.tenant, profile: row.profile };
    if (inWindow(row.engagedAt)) {
      markers.push({ ...base, kind: "engaged", at: row.engagedAt.toISOString(), bucket: bucketOf(window, row.engagedAt).toISOString(), reason: row.reason });
    }
    if (row.releasedAt && inWindow(row.releasedAt)) {
      markers.push({
        ...base, kind: "released", at: row.releasedAt.toISOString(), bucket: bucketOf(window, row.releasedAt).toISOString(),
        reason: row.releaseReason ?? "released automatically",
      });
    }
  }
  markers.sort((a, b) => b.at.localeCompare(a.at) || a.id.localeCompare(b.id));

  const auditLinks =
coversScope(scopeFor(actor, "audit.read"), scope.tenants);

  return {
    decisions: { series: decisionSeries, totals: totals(DECISION_TYPES, decisionSeries) },
    denies: { top: denies.rows, total: denies.total },
    deniedEvents: { byProfile: deniedEvents.rows, totals: deniedEvents.totals },
    approvals: { series: approvalSeries, totals: totals(APPROVAL_KEYS, approvalSeries), latency },
    redactions: { series: redactionSeries, totals: totals(REDACTION_KEYS, redactionSeries), kinds: redacted.kinds },
    killSwitches: markers,
    // Who tried what is audit data: listed for those who may read the audit log here; the others see the count.
    refusals: { total: refusals.total, rows: auditLinks ? refusals.rows.map((r) => ({ ...r, time: r.time.toISOString() })) : [] },
    auditLinks,
  };
};
