import "server-only";
/**
 * Votes on `governance.promote` jobs (lib/server/approvals/vote.ts calls
 * these for that topic). Before a vote is taken the gate is evaluated again:
 * if the evidence changed since the request (an item failed or aged, a
 * switch was engaged, the stage moved), the request is void — its job
 * leaves the queue as REJECTED with the reason, in a transaction of its
 * own — and the vote is refused saying why. The approval that completes the
 * quorum moves the stage in the same transaction as the vote, with a
 * StageChange naming the snapshot it was approved on; a deny closes the
 * request.
 */
import type { Db, Tx } from "@/lib/db";
import { AppError } from "../errors";
import { appendAudit } from "../audit";
import { PROMOTION_TOPIC, unmetText, voidPendingPromotions } from "./actions";
import { evaluateProfileGate, GATE_PROFILE_SELECT } from "./facts";

export function isGovernanceJob(topic: string): boolean {
  return topic === PROMOTION_TOPIC;
}

interface Staleness {
  requestId: string;
  why: string;
}

/** Why the promotion behind job `jobId` may no longer be approved (null: it still stands on its evidence). */
async function staleness(prisma: Db | Tx, jobId: string, now: Date): Promise<Staleness | null> {
  const request = await prisma.promotionRequest.findUnique({ where: { jobId } });
  if (!request) return { requestId: "?", why: "the promotion request behind this job is missing" };
  if (request.status !== "pending") return { requestId: request.id, why: `the promotion request is ${request.status}${request.voidReason ? `: ${request.voidReason}` : ""}` };
  const profile = await prisma.profile.findUniqueOrThrow({ where: { id: request.profileId }, select: GATE_PROFILE_SELECT });
  if (profile.canaryStage !== request.fromStage) return { requestId: request.id, why: `the profile moved to ${profile.canaryStage} since the request` };
  const gate = await evaluateProfileGate(prisma, profile, request.toStage, now);
  if (!gate.passed) return { requestId: request.id, why: `the gate no longer passes:\n${unmetText(gate)}` };
  if (gate.snapshotHash !== request.snapshotHash) return { requestId: request.id, why: "the evidence changed since the request (its snapshot hash differs); ask for a new promotion" };
  return null;
}

/**
 * Outside the vote's transaction: a promotion whose evidence changed is made
 * void (recorded, its job closed) and the vote refused with the reason.
 */
export async function refuseStalePromotion(prisma: Db, job: { id: string; tenantId: string; profileId: string; jobHash: string }): Promise<void> {
  const now = new Date();
  const stale = await staleness(prisma, job.id, now);
  if (!stale) return;
  await prisma.$transaction(async (tx) => {
    const request = await tx.promotionRequest.findUnique({ where: { jobId: job.id } });
    if (request?.status === "pending") {
      await voidPendingPromotions(tx, job.profileId, stale.why, now);
      await appendAudit(tx, {
        actor: { type: "system", id: "gate" },
        action: "canary.promote.void",
        resource: `job:${job.id}`,
        tenantId: job.tenantId,
        profileId: job.profileId,
        decision: "VOID",
        requestHash: job.jobHash.replace(/^sha256:/, ""),
        data: { request: request.id, job: job.id, why: stale.why },
      });
    }
  });
  throw new AppError("conflict", `This promotion can no longer be approved: ${stale.why}`);
}

/** Inside the vote's transaction, under the job's row lock: the same check, refusing without writing. */
export async function assertPromotionStands(tx: Tx, jobId: string): Promise<void> {
  const stale = await staleness(tx, jobId, new Date());
  if (stale) throw new AppError("conflict", `This promotion can no longer be approved: ${stale.why}`);
}

/** After the vote is stored: the approval that completes the quorum moves the stage; a deny closes the request. */
export async function settlePromotion(
  tx: Tx,
  jobId: string,
  status: "PENDING_APPROVAL" | "APPROVED" | "REJECTED",
  voter: { userId: string },
  receiptId: string,
): Promise<void> {
  if (status === "PENDING_APPROVAL") return;
  const now = new Date();
  const request = await tx.promotionRequest.findUniqueOrThrow({ where: { jobId } });
  if (status === "REJECTED") {
    await tx.promotionRequest.update({ where: { id: request.id }, data: { status: "rejected", resolvedAt: now } });
    return;
  }
  await tx.profile.update({ where: { id: request.profileId }, data: { canaryStage: request.toStage } });
  await tx.promotionRequest.update({ where: { id: request.id }, data: { status: "approved", resolvedAt: now } });
  await tx.stageChange.create({
    data: {
      profileId: request.profileId, tenantId: request.tenantId, fromStage: request.fromStage, toStage: request.toStage, kind: "promotion",
      actorType: "user", actorId: voter.userId, reason: `promotion approved (request ${request.id}, job ${jobId})`,
      snapshotHash: request.snapshotHash, snapshot: request.snapshot as object, receiptId, at: now,
    },
  });
}
