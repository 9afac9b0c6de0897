import "server-only";
import { redactString } from "@/lib/domain/ingest/redact-patterns";
/**
 * Approve or deny a job. One transaction: the job row is locked FOR UPDATE
 * (inside the actor's job.read tenants, else "not found"), the pipeline checks
 * `job.approve` against the job's tenant and requesters, then `castVote`
 * decides on the votes as they are under that lock. Two approvers acting at
 * once are serialized by the lock: exactly one outcome, and the other sees
 * why their vote was not taken. Each vote writes one receipt (the pipeline's).
 * A job covered by a kill switch in force cannot be approved (it can still be
 * denied).
 */
import { isEmptyScope, type Actor } from "@/lib/authz";
import { scopedSql } from "@/lib/authz/where";
import type { Db, Tx } from "@/lib/db";
import type { IntegrityProblem } from "@/lib/domain/jobs/integrity";
import { castVote, type Vote } from "@/lib/domain/approvals";
import { effectiveRiskTags, type JobStatus } from "@/lib/domain/jobs";
import { Prisma } from "@/lib/generated/prisma/client";
import { ZVoteOnJobInput } from "@/lib/schemas/approvals";
import { switchesCovering } from "../killswitches/effects";
import { defineAction } from "../action";
import { AppError } from "../errors";
import { INTEGRITY_VOTE_REFUSAL, jobIntegrity, raiseIntegrityAlarm, type IntegrityJob } from "./integrity";
import { jobTenants } from "./queue";
import { killSwitchApprovalRefusal } from "./vote-standing";
import { assertPromotionStands, isGovernanceJob, refuseStalePromotion, settlePromotion } from "../canary/approval";
import { checkVoteProof, passkeyRequirement, proofMissing, type PasskeyProof } from "../passkeys";
import type { DecisionEvidence } from "@/lib/domain/passkeys";

interface LockedJob {
  id: string;
  tenantId: string;
  profileId: string;
  status: JobStatus;
  expiresAt: Date | null;
  approvalsNeeded: number;
  jobHash: string;
  requesterIds: string[];
  traceId: string;
}

/** The job row, locked until the transaction ends, or null outside the actor's job.read tenants. */
export async function lockJob(tx: Tx, actor: Actor, jobId: string): Promise<LockedJob | null> {
  const tenants = jobTenants(actor);
  if (isEmptyScope(tenants)) return null;
  const scope = Prisma.sql`AND ${scopedSql(tenants, Prisma.sql`"tenantId"`)}`;
  const rows = await tx.$queryRaw<LockedJob[]>(Prisma.sql`
    SELECT id, "tenantId"::text AS "tenantId", "profileId"::text AS "profileId", status::text AS status,
      "expiresAt", "approvalsNeeded", "jobHash", "requesterIds", "traceId"
    FROM "Job" WHERE id = ${jobId} ${scope}
    FOR UPDATE`);
  const row = rows[0];
  if (!row) return null;
  return { ...row, expiresAt: row.expiresAt ? new Date(row.expiresAt) : null };
}

/** Refuses an approval while a kill switch in force covers the job (a deny is always allowed). */
async function refuseUnderKillSwitch(tx: Tx, job: LockedJob): Promise<void> {
  const row = await tx.job.findUnique({ where: { id: job.id }, select: { topic: true, riskTags: true, consoleTags: true } });
  if (!row) return;
  const now = new Date();
  const switches = await switchesCovering(tx, { tenantId: job.tenantId, profileId: job.profileId, topic: row.topic, riskTags: effectiveRiskTags(row) }, now);
  const first = switches[0];
  if (!first) return;
  throw new AppError("conflict", killSwitchApprovalRefusal(first));
}

/** The job row; throws the integrity refusal instead when it no longer matches its hash (after `onAlarm`, if given). */
async function refuseUnlessIntact(
  prisma: Db | Tx,
  jobId: string,
  onAlarm?: (job: IntegrityJob, problems: IntegrityProblem[]) => Promise<void>,
): Promise<IntegrityJob | null> {
  const row = await prisma.job.findUnique({ where: { id: jobId } });
  if (!row) return null;
  const problems = await jobIntegrity(prisma, row);
  if (problems.length === 0) return row;
  await onAlarm?.(row, problems);
  throw new AppError("conflict", INTEGRITY_VOTE_REFUSAL);
}

/**
 * The vote's passkey evidence: checked when the voter sent a proof, and
 * required (refused without one) for jobs of the passkey tier and promotions.
 */
async function passkeyEvidence(
  tx: Tx,
  input: { vote: Vote; seenHash: string; passkey?: unknown },
  userId: string,
  job: LockedJob,
  governance: boolean,
): Promise<DecisionEvidence | null> {
  if (input.passkey) {
    return checkVoteProof(tx, input.passkey as PasskeyProof, { actor: userId, jobId: job.id, jobHash: job.jobHash, vote: input.vote });
  }
  const [profile, row] = await Promise.all([
    tx.profile.findUnique({ where: { id: job.profileId }, select: { tier: true } }),
    tx.job.findUnique({ where: { id: job.id }, select: { passkeyRequired: true } }),
  ]);
  const required = passkeyRequirement({ tier: profile?.tier ?? "L5", governance, policy: row?.passkeyRequired === true });
  if (!required) return null;
  throw await proofMissing(tx, userId, required, "vote again");
}

export interface VoteResult {
  jobId: string;
  vote: Vote;
  /** The job's status after this vote. */
  status: "PENDING_APPROVAL" | "APPROVED" | "REJECTED";
  approvals: number;
  approvalsNeeded: number;
  receiptId: string;
  /** The credential that signed the vote, or null when none was needed. */
  passkey: string | null;
}

type JobResource = LockedJob & { requesterIds: readonly string[] };

const REFUSAL_CODES = {
  not_pending: "conflict",
  expired: "conflict",
  changed: "conflict",
  already_voted: "conflict",
  own_request: "forbidden",
} as const;

export const voteOnJobAction = defineAction({
  name: "job.vote",
  input: ZVoteOnJobInput,
  permission: "job.approve",
  resource: async (input, tx, actor): Promise<JobResource | null> => lockJob(tx, actor, input.jobId),
  // The integrity recheck, before the vote's transaction: a mismatch raises the alarm (its own transaction) and refuses.
  async prepare(_input, actor, job, { database }) {
    const row = await refuseUnlessIntact(database.prisma, job.id, async (row, problems) => {
      await raiseIntegrityAlarm(database.prisma, row, problems, { type: "user", id: actor.userId });
    });
    // A promotion whose evidence changed since the request is void (recorded), and the vote refused saying why.
    if (row && isGovernanceJob(row.topic)) await refuseStalePromotion(database.prisma, row);
  },
  async run(tx, input, actor, job, { receiptId }): Promise<VoteResult> {
    // … and again under the row lock, so nothing changed in between is voted on.
    const row = await refuseUnlessIntact(tx, job.id);
    const governance = row !== null && isGovernanceJob(row.topic);
    if (governance) await assertPromotionStands(tx, job.id);
    const votes = await tx.jobVote.findMany({ where: { jobId: job.id }, select: { userId: true, vote: true } });
    const outcome = castVote({
      job,
      votes: votes.map((v) => ({ userId: v.userId, vote: v.vote === "deny" ? "deny" : "approve" })),
      voter: { userId: actor.userId, identityIds: actor.identityIds },
      vote: input.vote,
      seenHash: input.seenHash,
      now: new Date(),
    });
    if (!outcome.ok) throw new AppError(REFUSAL_CODES[outcome.code], outcome.message);
    if (input.vote === "approve") await refuseUnderKillSwitch(tx, job);
    const evidence = await passkeyEvidence(tx, input, actor.userId, job, governance);

    await tx.jobVote.create({
      data: {
        jobId: job.id,
        userId: actor.userId,
        vote: input.vote,
        note: input.note,
        seenHash: input.seenHash,
        receiptId,
        ...(evidence ? { passkey: evidence as unknown as Prisma.InputJsonValue, passkeyNonce: evidence.statement.nonce } : {}),
      },
    });
    if (outcome.status !== "PENDING_APPROVAL") {
      // Guarded by the status we read under the lock: never overwrite an outcome.
      const updated = await tx.job.updateMany({
        where: { id: job.id, status: "PENDING_APPROVAL" },
        data: { status: outcome.status, resolvedAt: new Date() },
      });
      if (updated.count !== 1) throw new AppError("conflict", "This job was decided by someone else a moment ago; nothing was changed.");
    }
    // The approval completing a promotion's quorum moves the stage in this same transaction.
    if (governance) await settlePromotion(tx, job.id, outcome.status, actor, receiptId);
    return {
      jobId: job.id,
      vote: input.vote,
      status: outcome.status,
      approvals: outcome.approvals,
      approvalsNeeded: outcome.approvalsNeeded,
      receiptId,
      passkey: evidence ? evidence.credential.id : null,
    };
  },
  receipt: (input, result, _actor, job) => ({
    scope: { type: "job", id: job.id },
    tenantId: job.tenantId,
    profileId: job.profileId,
    // The vote joins the job's trace: request → decision → approvals.
    traceId: job.traceId,
    request: { jobId: input.jobId, vote: input.vote, note: input.note, seenHash: input.seenHash },
    result: { status: result.status, approvals: result.approvals, approvalsNeeded: result.approvalsNeeded },
    summary: {
      job: job.id,
      vote: input.vote,
      // The vote's audit entry shows its note, with secret-like values redacted as in ingest.
      note: redactString(input.note).value,
      jobHash: job.jobHash,
      status: result.status,
      approvals: `${result.approvals}/${result.approvalsNeeded}`,
      ...(result.passkey ? { signedWithPasskey: result.passkey } : {}),
    },
  }),
  revalidate: (input) => ["/approvals", `/approvals/${input.jobId}`],
});
