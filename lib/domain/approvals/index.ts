/**
 * The approval state machine, as a pure function of the job, the votes so far
 * and the new vote. The server calls it inside the transaction that holds the
 * job row locked, so two approvers acting at once see each other's vote.
 *
 * - Only a pending job that has not expired takes votes.
 * - The vote binds to the hash the approver was shown; a different hash means
 *   the job changed since they opened it, and the vote is refused.
 * - Nobody votes on a request made by them or by another of their accounts.
 * - One vote per approver. One deny rejects the job; it is approved once
 *   `approvalsNeeded` distinct approvers have approved.
 */
import { effectiveStatus, type JobStatus } from "@/lib/domain/jobs";

export const VOTES = ["approve", "deny"] as const;
export type Vote = (typeof VOTES)[number];

export interface VoteInput {
  job: {
    status: JobStatus;
    expiresAt: Date | null;
    approvalsNeeded: number;
    jobHash: string;
    requesterIds: readonly string[];
  };
  votes: ReadonlyArray<{ userId: string; vote: Vote }>;
  voter: { userId: string; identityIds?: readonly string[] };
  vote: Vote;
  seenHash: string;
  now: Date;
}

export type VoteRefusal = "not_pending" | "expired" | "changed" | "own_request" | "already_voted";

export type VoteOutcome =
  | { ok: true; status: "PENDING_APPROVAL" | "APPROVED" | "REJECTED"; approvals: number; approvalsNeeded: number }
  | { ok: false; code: VoteRefusal; message: string };

/**
 * The words the console shows for job statuses. One pair for the approvers'
 * decision everywhere (buttons, statuses, votes, queue, trace): Approve /
 * Approved and Deny / Denied, the vote's own values. The wire status of a job
 * approvers denied stays REJECTED (docs/jobs.md); DENIED is the policy's
 * refusal at submission, so it reads "Denied by policy".
 */
export const JOB_STATUS_LABELS: Readonly<Record<JobStatus, string>> = {
  PENDING_APPROVAL: "Pending approval",
  APPROVED: "Approved",
  REJECTED: "Denied",
  EXPIRED: "Expired",
  ALLOWED: "Allowed",
  DENIED: "Denied by policy",
  THROTTLED: "Throttled",
};

/** How a status reads in a sentence ("This job is already denied"); the words the console shows for REJECTED are Deny/Denied. */
const STATUS_WORDS: Partial<Record<JobStatus, string>> = {
  APPROVED: "already approved",
  REJECTED: "already denied",
  EXPIRED: "expired",
  ALLOWED: "allowed by policy and needs no approval",
  DENIED: "denied by policy",
  THROTTLED: "throttled",
};

const EXPIRED_REFUSAL = "This job expired before it was decided; it can no longer be approved or denied.";

/** Why a job in this (effective) status takes no vote; null while it is pending. */
export function closedToVotes(status: JobStatus): string | null {
  if (status === "PENDING_APPROVAL") return null;
  if (status === "EXPIRED") return EXPIRED_REFUSAL;
  return `This job is ${STATUS_WORDS[status] ?? status.toLowerCase()}; it can no longer be approved or denied.`;
}

export function castVote(input: VoteInput): VoteOutcome {
  const status = effectiveStatus(input.job, input.now);
  if (status === "EXPIRED") return { ok: false, code: "expired", message: EXPIRED_REFUSAL };
  if (status !== "PENDING_APPROVAL") {
    return { ok: false, code: "not_pending", message: `This job is ${STATUS_WORDS[status] ?? status.toLowerCase()}; nothing was changed.` };
  }
  if (input.seenHash !== input.job.jobHash) {
    return {
      ok: false,
      code: "changed",
      message: "This job changed since you opened it. Reload the page and read it again before deciding.",
    };
  }
  const mine = new Set([input.voter.userId, ...(input.voter.identityIds ?? [])]);
  if (input.job.requesterIds.some((id) => mine.has(id))) {
    return { ok: false, code: "own_request", message: "You cannot approve or deny a job requested on your behalf." };
  }
  if (input.votes.some((v) => mine.has(v.userId))) {
    return { ok: false, code: "already_voted", message: "You have already voted on this job." };
  }
  const needed = Math.max(1, input.job.approvalsNeeded);
  if (input.vote === "deny") return { ok: true, status: "REJECTED", approvals: countApprovals(input.votes), approvalsNeeded: needed };
  const approvals = countApprovals(input.votes) + 1;
  return { ok: true, status: approvals >= needed ? "APPROVED" : "PENDING_APPROVAL", approvals, approvalsNeeded: needed };
}

function countApprovals(votes: VoteInput["votes"]): number {
  return votes.filter((v) => v.vote === "approve").length;
}

/** Approvers needed for a profile's tier when the policy asks for fewer (L4–L5: two distinct approvers). */
export function minimumApprovals(tier: string, policyApprovals: number | null | undefined): number {
  const floor = tier === "L4" || tier === "L5" ? 2 : 1;
  return Math.max(floor, policyApprovals ?? 1);
}
