import "server-only";
/**
 * What the jobs API answers (docs/jobs.md): the job, its decision record and
 * its approvals so far. Shared by POST /api/v1/jobs, GET /api/v1/jobs/{id},
 * the demo seed and `cellgate agent job`.
 */
import type { JobStatus } from "@/lib/domain/jobs";
import type { Constraints, DecisionKind } from "@/lib/domain/policy/types";
import type { ReceiptView } from "@/lib/server/audit";

/** The stored PolicyDecision, as hosts see it. */
export interface DecisionRecord {
  id: string;
  decision: DecisionKind;
  ruleIds: string[];
  reason: string;
  policyHash: string;
  inputHash: string;
  constraints: Constraints | null;
  approvalsNeeded: number | null;
  ttlSec: number | null;
  createdAt: string;
}

export interface JobView {
  id: string;
  status: JobStatus;
  jobHash: string;
  topic: string;
  tenant: string;
  profile: string;
  decision: DecisionRecord;
  approvals: { needed: number; approved: number };
  /** Pending jobs only: when the job expires if nobody decides it. */
  expiresAt: string | null;
  createdAt: string;
  resolvedAt: string | null;
  /** The id of the job.submit receipt. */
  receiptId: string;
}

/** POST answers also carry the full receipt of the submission. */
export interface SubmittedJobView extends JobView {
  receipt: ReceiptView;
}

/** A row of the decision-record query (raw SQL, both backends). */
export interface DecisionRow {
  decisionId: string;
  decision: string;
  ruleIds: string[];
  reason: string;
  policyHash: string;
  inputHash: string;
  constraints: unknown;
  decisionApprovals: number | null;
  ttlSec: number | null;
  decisionCreatedAt: Date | string;
}

export function iso(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

function parseJsonColumn(value: unknown): unknown {
  return typeof value === "string" ? JSON.parse(value) : value;
}

export function decisionRecord(row: DecisionRow): DecisionRecord {
  return {
    id: row.decisionId,
    decision: row.decision as DecisionKind,
    ruleIds: row.ruleIds,
    reason: row.reason,
    policyHash: row.policyHash,
    inputHash: row.inputHash,
    constraints: (parseJsonColumn(row.constraints) as Constraints | null) ?? null,
    approvalsNeeded: row.decisionApprovals === null ? null : Number(row.decisionApprovals),
    ttlSec: row.ttlSec === null ? null : Number(row.ttlSec),
    createdAt: iso(row.decisionCreatedAt)!,
  };
}

/** Maps a policy decision to the status a new job gets. */
export function statusFor(decision: DecisionKind): JobStatus {
  switch (decision) {
    case "ALLOW":
    case "ALLOW_WITH_CONSTRAINTS":
      return "ALLOWED";
    case "REQUIRE_APPROVAL":
      return "PENDING_APPROVAL";
    case "THROTTLE":
      return "THROTTLED";
    case "DENY":
      return "DENIED";
  }
}
