import "server-only";
/**
 * The governance gate as pipeline definitions (lib/server/action.ts):
 *
 * - `canary.promote.plan` (read): the gate's verdict on moving a profile one
 *   stage up, every item met or unmet, before anything is asked of anyone.
 * - `canary.promote`: the same evaluation under the profile's row lock. A
 *   request that fails the gate is refused with every unmet item named, and
 *   a receipt. One that passes becomes a `governance.promote` job in the
 *   approval queue, bound to the hash of {profile, from, to, gate snapshot
 *   hash, rules hash}: L4–L5 need two approvers, the others one, never the
 *   requester (any of their accounts); it expires after a day. The job's
 *   receipt is this action's, so the job passes the integrity recheck like
 *   any host-submitted one.
 * - `canary.rollback`: stopping is always allowed, no approval: the stage
 *   moves to rolled_back with the registered target and a reason, any
 *   pending promotion is void, and the history records it.
 *
 * Votes on `governance.promote` jobs are judged in ./approval.ts.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import type { Tx } from "@/lib/db";
import { minimumApprovals } from "@/lib/domain/approvals";
import { nextStage, type GateResult } from "@/lib/domain/gate";
import { canonicalJob } from "@/lib/domain/jobs";
import type { CanaryStageName } from "@/lib/domain/tiers";
import { defineAction } from "../action";
import type { RequestActor } from "../actor";
import { AppError } from "../errors";
import { tenantScope } from "../profiles";
import { evaluateProfileGate, GATE_PROFILE_SELECT, type GateProfileRow } from "./facts";

export const PROMOTION_TOPIC = "governance.promote";
/** The host and key a console-made governance job is recorded under. */
export const CONSOLE_HOST = "console";
/** How long a promotion waits for its approvals. */
export const PROMOTION_TTL_SEC = 24 * 3600;

const SLUG = z.string().trim().min(1, "Name the profile").max(200);
export const ZPromoteInput = z.strictObject({
  profileSlug: SLUG,
  /** The stage asked for; default the next one. Judged by the gate, not trusted. */
  to: z.string().trim().max(40).optional(),
  origin: z.string().max(200).optional(),
});
export const ZRollbackInput = z.strictObject({
  profileSlug: SLUG,
  reason: z.string().trim().min(1, "Give the reason for the rollback").max(500),
  origin: z.string().max(200).optional(),
});

type ProfileResource = GateProfileRow & { tenantSlug: string };

/** The profile inside the actor's readable scope, locked FOR UPDATE when `tx` is a transaction; null otherwise. */
async function profileInScope(tx: Tx, actor: RequestActor, slug: string, lock: boolean): Promise<ProfileResource | null> {
  const row = await tx.profile.findFirst({
    where: { slug, ...tenantScope(actor) },
    select: { ...GATE_PROFILE_SELECT, tenant: { select: { slug: true } } },
  });
  if (!row) return null;
  if (lock) await tx.$queryRawUnsafe(`SELECT 1 FROM "Profile" WHERE "id" = $1::uuid FOR UPDATE`, row.id);
  const { tenant, ...profile } = row;
  return { ...(profile as GateProfileRow), tenantSlug: tenant.slug };
}

function targetOf(profile: GateProfileRow, to: string | undefined): string {
  return to || nextStage(profile.canaryStage) || "promoted";
}

export interface PromotionPlan {
  profile: string;
  gate: GateResult;
  /** A promotion already waiting for approval, if any (a second request is refused). */
  pending: { id: string; jobId: string; to: string } | null;
}

/** A promotion waiting for its votes: its job still pending and not expired. */
async function pendingPromotion(tx: Tx, profileId: string, now: Date) {
  const requests = await tx.promotionRequest.findMany({ where: { profileId, status: "pending" }, select: { id: true, jobId: true, toStage: true } });
  if (requests.length === 0) return null;
  const live = await tx.job.findFirst({
    where: { id: { in: requests.map((r) => r.jobId) }, status: "PENDING_APPROVAL", expiresAt: { gt: now } },
    select: { id: true },
  });
  const request = live ? requests.find((r) => r.jobId === live.id)! : null;
  return request ? { id: request.id, jobId: request.jobId, to: request.toStage } : null;
}

export const planPromotionAction = defineAction({
  name: "canary.promote.plan",
  input: ZPromoteInput,
  permission: "registry.read",
  resource: (input, tx, actor) => profileInScope(tx, actor, input.profileSlug, false),
  async run(tx, input, _actor, profile): Promise<PromotionPlan> {
    const now = new Date();
    const [gate, pending] = await Promise.all([evaluateProfileGate(tx, profile, targetOf(profile, input.to), now), pendingPromotion(tx, profile.id, now)]);
    return { profile: profile.slug, gate, pending };
  },
});

export type PromotionOutcome =
  | { outcome: "refused"; profile: string; gate: GateResult }
  | { outcome: "requested"; profile: string; gate: GateResult; requestId: string; jobId: string; jobHash: string; approvalsNeeded: number; expiresAt: string };

/** The unmet items, one per line, as a refusal names them. */
export function unmetText(gate: GateResult): string {
  return gate.unmet.map((i) => `- ${i.detail}`).join("\n");
}

export const requestPromotionAction = defineAction({
  name: "canary.promote",
  input: ZPromoteInput,
  permission: "canary.promote",
  resource: (input, tx, actor) => profileInScope(tx, actor, input.profileSlug, true),
  async run(tx, input, actor, profile, { receiptId }): Promise<PromotionOutcome> {
    const now = new Date();
    const target = targetOf(profile, input.to);
    const pending = await pendingPromotion(tx, profile.id, now);
    if (pending) {
      throw new AppError("conflict", `A promotion of ${profile.slug} to ${pending.to} is already waiting for approval (job ${pending.jobId}); decide or let it expire first.`);
    }
    const gate = await evaluateProfileGate(tx, profile, target, now);
    if (!gate.passed) return { outcome: "refused", profile: profile.slug, gate };

    const approvalsNeeded = minimumApprovals(profile.tier, gate.approvalsRequired);
    const body = {
      topic: PROMOTION_TOPIC,
      tenant: profile.tenantSlug,
      profile: profile.slug,
      riskTags: [] as string[],
      labels: { requester: actor.email, from: gate.from, to: target },
      payload: { profile: profile.slug, from: gate.from, to: target, gateSnapshotHash: gate.snapshotHash, rulesHash: gate.snapshot.policyHash },
    };
    const { canonical, jobHash } = canonicalJob(body);
    const jobId = `job_${randomBytes(16).toString("base64url")}`;
    const decisionId = randomUUID();
    const expiresAt = new Date(now.getTime() + PROMOTION_TTL_SEC * 1000);
    await tx.policyDecision.create({
      data: {
        id: decisionId, tenantId: profile.tenantId, profileId: profile.id, jobId, decision: "REQUIRE_APPROVAL",
        ruleIds: [`gate:${target}:${profile.tier}`], reason: `promotion to ${target} needs ${approvalsNeeded} approval${approvalsNeeded === 1 ? "" : "s"} on the gate's evidence`,
        policyHash: gate.snapshot.policyHash ?? "", inputHash: jobHash, approvalsNeeded, ttlSec: PROMOTION_TTL_SEC, createdAt: now,
      },
    });
    await tx.job.create({
      data: {
        id: jobId, tenantId: profile.tenantId, profileId: profile.id, hostId: CONSOLE_HOST, keyId: CONSOLE_HOST, topic: PROMOTION_TOPIC,
        riskTags: [], labels: body.labels, payload: body.payload, canonical, jobHash, status: "PENDING_APPROVAL", decisionId, approvalsNeeded,
        expiresAt, requester: actor.email, requesterIds: [actor.userId, ...(actor.identityIds ?? [])],
        traceId: randomBytes(16).toString("hex"), receiptId, createdAt: now,
      },
    });
    const requestId = `prm_${randomBytes(12).toString("base64url")}`;
    await tx.promotionRequest.create({
      data: {
        id: requestId, profileId: profile.id, tenantId: profile.tenantId, fromStage: gate.from, toStage: target as CanaryStageName,
        requestedBy: actor.userId, snapshotHash: gate.snapshotHash, snapshot: gate.snapshot as object, jobId, status: "pending", createdAt: now,
      },
    });
    return { outcome: "requested", profile: profile.slug, gate, requestId, jobId, jobHash, approvalsNeeded, expiresAt: expiresAt.toISOString() };
  },
  receipt: (input, result, _actor, profile) =>
    result.outcome === "requested"
      ? {
          // The governance job's submit receipt: the integrity recheck finds the hash it was answered here.
          scope: { type: "job", id: result.jobId },
          tenantId: profile.tenantId,
          profileId: profile.id,
          decision: "REQUIRE_APPROVAL",
          request: { jobHash: result.jobHash, keyId: CONSOLE_HOST },
          result: { request: result.requestId, job: result.jobId, gateSnapshotHash: result.gate.snapshotHash },
          summary: { profile: profile.slug, from: result.gate.from, to: result.gate.to, job: result.jobId, approvals: result.approvalsNeeded, gate: "passed" },
        }
      : {
          scope: { type: "profile", id: profile.id },
          tenantId: profile.tenantId,
          profileId: profile.id,
          decision: "REFUSED",
          request: { profile: input.profileSlug, to: result.gate.to, origin: input.origin ?? null },
          result: { gateSnapshotHash: result.gate.snapshotHash, unmet: result.gate.unmet.map((i) => i.id) },
          summary: { profile: profile.slug, from: result.gate.from, to: result.gate.to, gate: "refused", unmet: result.gate.unmet.map((i) => i.detail) },
        },
  revalidate: (input) => [`/profiles/${input.profileSlug}`, `/readiness/${input.profileSlug}`, "/approvals", "/readiness"],
});

export interface RollbackResult {
  profile: string;
  from: CanaryStageName;
  to: "rolled_back";
  target: { endpoint: string; manifestDigest: string };
  voided: string[];
  stageChangeId: string;
}

export const rollbackAction = defineAction({
  name: "canary.rollback",
  input: ZRollbackInput,
  permission: "canary.rollback",
  resource: (input, tx, actor) => profileInScope(tx, actor, input.profileSlug, true),
  async run(tx, input, actor, profile, { receiptId }): Promise<RollbackResult> {
    const missing = [!profile.rollbackEndpoint && "the rollback endpoint", !profile.rollbackManifestDigest && "the rollback manifest digest"].filter(Boolean);
    if (missing.length) {
      throw new AppError("invalid_input", `${profile.slug} has no rollback target: ${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not registered. Add them to the registry manifest first.`);
    }
    if (profile.canaryStage === "rolled_back") throw new AppError("conflict", `${profile.slug} is already rolled back.`);
    const now = new Date();
    const target = { endpoint: profile.rollbackEndpoint, manifestDigest: profile.rollbackManifestDigest };
    await tx.profile.update({ where: { id: profile.id }, data: { canaryStage: "rolled_back" } });
    const voided = await voidPendingPromotions(tx, profile.id, `${profile.slug} was rolled back: ${input.reason}`, now);
    const change = await tx.stageChange.create({
      data: {
        profileId: profile.id, tenantId: profile.tenantId, fromStage: profile.canaryStage, toStage: "rolled_back", kind: "rollback",
        actorType: "user", actorId: actor.userId, reason: input.reason, snapshot: { target }, receiptId, at: now,
      },
    });
    return { profile: profile.slug, from: profile.canaryStage, to: "rolled_back", target, voided, stageChangeId: change.id };
  },
  receipt: (input, result, _actor, profile) => ({
    scope: { type: "profile", id: profile.id },
    tenantId: profile.tenantId,
    profileId: profile.id,
    decision: "ROLLED_BACK",
    request: { profile: input.profileSlug, reason: input.reason, origin: input.origin ?? null },
    result,
    summary: { profile: profile.slug, from: result.from, to: result.to, endpoint: result.target.endpoint, reason: input.reason, voided: result.voided.length },
  }),
  revalidate: (input) => [`/profiles/${input.profileSlug}`, `/readiness/${input.profileSlug}`, "/approvals", "/readiness"],
});

/** Marks the profile's pending promotions void (their jobs REJECTED, so they leave the queue); returns their ids. */
export async function voidPendingPromotions(tx: Tx, profileId: string, reason: string, now: Date): Promise<string[]> {
  const pending = await tx.promotionRequest.findMany({ where: { profileId, status: "pending" }, select: { id: true, jobId: true } });
  if (pending.length === 0) return [];
  await tx.promotionRequest.updateMany({ where: { id: { in: pending.map((p) => p.id) } }, data: { status: "void", voidReason: reason, resolvedAt: now } });
  await tx.job.updateMany({ where: { id: { in: pending.map((p) => p.jobId) }, status: "PENDING_APPROVAL" }, data: { status: "REJECTED", resolvedAt: now } });
  return pending.map((p) => p.id);
}
