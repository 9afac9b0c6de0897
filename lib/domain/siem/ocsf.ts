/**
 * Audit entries as OCSF events (Open Cybersecurity Schema Framework, 1.3.0),
 * for the SIEM export (docs/siem-export.md). Pure: no I/O.
 *
 * Three classes, chosen per action family:
 *   - Authentication (3002): sign-in, sign-out, revoked sessions.
 *   - Detection Finding (2004): integrity alarms, refused access, budget alerts.
 *   - API Activity (6003): every other action (the console's mutations and
 *     its audited reads), with the policy decision as a security-control
 *     disposition where the entry records one.
 *
 * Every event keeps the whole hashed entry in `unmapped` (seq, hash, prevHash,
 * the receipt id, and each hashed field verbatim), so a receiver can re-hash
 * every entry and re-link the chain without asking the console.
 */
import type { ChainEntry } from "@/lib/domain/audit/chain";

export const OCSF_VERSION = "1.3.0";

type ClassKey = "authentication" | "detection_finding" | "api_activity";

const CLASSES: Record<ClassKey, { uid: number; name: string; categoryUid: number; categoryName: string }> = {
  authentication: { uid: 3002, name: "Authentication", categoryUid: 3, categoryName: "Identity & Access Management" },
  detection_finding: { uid: 2004, name: "Detection Finding", categoryUid: 2, categoryName: "Findings" },
  api_activity: { uid: 6003, name: "API Activity", categoryUid: 6, categoryName: "Application Activity" },
};

const SEVERITIES = ["Unknown", "Informational", "Low", "Medium", "High", "Critical", "Fatal"] as const;
export type SeverityId = 1 | 2 | 3 | 4 | 5 | 6;

/** The hashed fields of an entry, verbatim (time as its ISO text), plus the receipt id when the entry has one. */
export type OcsfUnmapped = Omit<ChainEntry, "time"> & { time: string; receipt: string | null };

export interface OcsfEvent {
  class_uid: number;
  class_name: string;
  category_uid: number;
  category_name: string;
  activity_id: number;
  activity_name: string;
  type_uid: number;
  type_name: string;
  severity_id: SeverityId;
  severity: string;
  status_id: 0 | 1 | 2;
  status: "Unknown" | "Success" | "Failure";
  time: number;
  message: string;
  metadata: {
    version: string;
    uid: string;
    sequence: number;
    event_code: string;
    log_name: "audit";
    original_time: string;
    correlation_uid?: string;
    tenant_uid?: string;
    profiles?: string[];
    product: { name: "Cellgate"; vendor_name: "Cellgate"; version: string };
  };
  actor: { user: OcsfUser };
  [key: string]: unknown;
  unmapped: OcsfUnmapped;
}

interface OcsfUser {
  uid: string;
  type_id: 1 | 3 | 99;
  type: "User" | "System" | "Other";
}

interface Mapped {
  cls: ClassKey;
  activityId: number;
  activityName: string;
  severityId: SeverityId;
  statusId: 0 | 1 | 2;
  extra: Record<string, unknown>;
}

/** The class family an action belongs to (see docs/siem-export.md). */
export function ocsfClassOf(action: string): ClassKey {
  if (action.startsWith("auth.sign_in.") || action === "auth.sign_out" || action === "auth.session.revoked") return "authentication";
  if (action === "job.integrity_alarm" || action.startsWith("access.denied") || action === "budget.alert") return "detection_finding";
  return "api_activity";
}

const FAILED_DECISIONS = new Set(["DENY", "FORBIDDEN", "NOT_FOUND", "REJECTED"]);

function statusOf(decision: string | null): 0 | 1 | 2 {
  if (decision === null) return 1;
  return FAILED_DECISIONS.has(decision) ? 2 : 1;
}

/** API Activity's activity_id from the action's verb (its last dotted part). */
export function apiActivityOf(action: string): { id: number; name: string } {
  const parts = action.split(".");
  const verb = parts[parts.length - 1]!;
  const first = parts.length > 1 ? parts[parts.length - 2]! : "";
  const pick = (v: string) => {
    if (/^(submit|create|create_service|add|engage|apply|export|seed|cosign|vote|approve|promote|checkpoint|note|start)$/.test(v)) return { id: 1, name: "Create" };
    if (/^(read|whoami|verify|consistency|plan)$/.test(v)) return { id: 2, name: "Read" };
    if (/^(sync|synced|rotate|release|auto_release|demote|rollback|expired|stop)$/.test(v)) return { id: 3, name: "Update" };
    if (/^(revoke|void)$/.test(v)) return { id: 4, name: "Delete" };
    return null;
  };
  return pick(verb) ?? pick(first) ?? { id: 99, name: "Other" };
}

/** Policy decisions as the security_control profile's disposition. */
const DISPOSITIONS: Record<string, { id: number; name: string }> = {
  ALLOW: { id: 1, name: "Allowed" },
  ALLOW_WITH_CONSTRAINTS: { id: 1, name: "Allowed" },
  DENY: { id: 2, name: "Blocked" },
  REQUIRE_APPROVAL: { id: 99, name: "Require approval" },
  THROTTLE: { id: 99, name: "Throttle" },
};

function mapEntry(entry: ChainEntry): Mapped {
  const cls = ocsfClassOf(entry.action);
  if (cls === "authentication") {
    const logon = entry.action.startsWith("auth.sign_in.");
    const failed = entry.action === "auth.sign_in.failed";
    return {
      cls,
      activityId: logon ? 1 : 2,
      activityName: logon ? "Logon" : "Logoff",
      severityId: failed ? 2 : 1,
      statusId: failed ? 2 : 1,
      extra: { user: { uid: subjectOf(entry.resource, "user") ?? entry.actorId } },
    };
  }
  if (cls === "detection_finding") {
    const severityId: SeverityId = entry.action === "job.integrity_alarm" ? 4 : entry.action === "budget.alert" ? 2 : 3;
    const title =
      entry.action === "job.integrity_alarm"
        ? `Stored job ${entry.resource} no longer matches its hash`
        : entry.action === "budget.alert"
          ? `Budget threshold crossed for ${entry.resource}`
          : `Access refused on ${entry.resource}`;
    return {
      cls,
      activityId: 1,
      activityName: "Create",
      severityId,
      statusId: 1,
      extra: {
        finding_info: { uid: entry.hash, title, types: [entry.action], analytic: { name: entry.action, type_id: 1, type: "Rule" } },
        resources: [resourceOf(entry.resource)],
      },
    };
  }
  const activity = apiActivityOf(entry.action);
  const disposition = entry.action === "job.submit" && entry.decision ? DISPOSITIONS[entry.decision] : undefined;
  return {
    cls,
    activityId: activity.id,
    activityName: activity.name,
    severityId: 1,
    statusId: statusOf(entry.decision),
    extra: {
      api: { operation: entry.action, service: { name: "cellgate" } },
      resources: [resourceOf(entry.resource)],
      ...(disposition ? { disposition_id: disposition.id, disposition: disposition.name } : {}),
    },
  };
}

function subjectOf(resource: string, type: string): string | null {
  return resource.startsWith(`${type}:`) ? resource.slice(type.length + 1) : null;
}

function resourceOf(resource: string): { uid: string; type: string } {
  const colon = resource.indexOf(":");
  return colon > 0 ? { uid: resource.slice(colon + 1), type: resource.slice(0, colon) } : { uid: resource, type: "other" };
}

function actorOf(entry: ChainEntry): OcsfUser {
  if (entry.actorType === "user" || entry.actorType === "cli") return { uid: entry.actorId, type_id: 1, type: "User" };
  if (entry.actorType === "host" || entry.actorType === "system") return { uid: entry.actorId, type_id: 3, type: "System" };
  return { uid: entry.actorId, type_id: 99, type: "Other" };
}

/** The receipt id of an entry written with a receipt (writeReceipt puts it in data.receipt). */
export function receiptIdOf(data: unknown): string | null {
  if (data && typeof data === "object" && !Array.isArray(data)) {
    const receipt = (data as Record<string, unknown>).receipt;
    if (typeof receipt === "string") return receipt;
  }
  return null;
}

export function toOcsf(entry: ChainEntry, productVersion: string): OcsfEvent {
  const m = mapEntry(entry);
  const c = CLASSES[m.cls];
  const time = typeof entry.time === "string" ? entry.time : entry.time.toISOString();
  const disposition = "disposition_id" in m.extra;
  return {
    class_uid: c.uid,
    class_name: c.name,
    category_uid: c.categoryUid,
    category_name: c.categoryName,
    activity_id: m.activityId,
    activity_name: m.activityName,
    type_uid: c.uid * 100 + m.activityId,
    type_name: `${c.name}: ${m.activityName}`,
    severity_id: m.severityId,
    severity: SEVERITIES[m.severityId],
    status_id: m.statusId,
    status: m.statusId === 2 ? "Failure" : m.statusId === 1 ? "Success" : "Unknown",
    time: Date.parse(time),
    message: `${entry.action} ${entry.resource} by ${entry.actorType}:${entry.actorId}${entry.decision ? ` (${entry.decision})` : ""}`,
    metadata: {
      version: OCSF_VERSION,
      uid: entry.hash,
      sequence: entry.seq,
      event_code: entry.action,
      log_name: "audit",
      original_time: time,
      ...(entry.traceId ? { correlation_uid: entry.traceId } : {}),
      ...(entry.tenantId ? { tenant_uid: entry.tenantId } : {}),
      ...(disposition ? { profiles: ["security_control"] } : {}),
      product: { name: "Cellgate", vendor_name: "Cellgate", version: productVersion },
    },
    actor: { user: actorOf(entry) },
    ...m.extra,
    unmapped: {
      seq: entry.seq,
      hash: entry.hash,
      prevHash: entry.prevHash,
      receipt: receiptIdOf(entry.data),
      time,
      actorType: entry.actorType,
      actorId: entry.actorId,
      action: entry.action,
      resource: entry.resource,
      tenantId: entry.tenantId,
      profileId: entry.profileId,
      decision: entry.decision,
      requestHash: entry.requestHash,
      resultHash: entry.resultHash,
      traceId: entry.traceId,
      data: entry.data ?? null,
    },
  };
}

/** The chain entry an OCSF event carries (what a receiver re-hashes). */
export function entryFromOcsf(event: Pick<OcsfEvent, "unmapped">): ChainEntry {
  const { receipt: _receipt, ...entry } = event.unmapped;
  return entry;
}

/** JSON with every non-ASCII character escaped (\uXXXX): the same value, pure ASCII on the wire. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
