import "server-only";
import { fenceEngage } from "./fence";
/**
 * Engaging and releasing kill switches, through the one mutation pipeline,
 * with `killswitch.write` on the switch's scope: its tenant, or the platform
 * ({tenantId: null}) for a global switch, which the permission table gives
 * to platform admins only. Each change writes one receipt; releasing never
 * deletes the row.
 */
import { randomBytes } from "node:crypto";
import { scopeFor, type Actor, type Resource } from "@/lib/authz";
import { scopedSql } from "@/lib/authz/where";
import type { Tx } from "@/lib/db";
import { describeSwitch, isExpiredUnrecorded, type KillSwitchScope } from "@/lib/domain/killswitch";
import { Prisma } from "@/lib/generated/prisma/client";
import { ZEngageKillSwitchInput, ZReleaseKillSwitchInput } from "@/lib/schemas/killswitches";
import { z } from "zod";
import type { DecisionEvidence, SwitchStatement } from "@/lib/domain/passkeys";
import { checkSwitchProof, proofMissing, switchPasskeyRequirement, switchRequest, type PasskeyProof } from "../passkeys";
import { defineAction } from "../action";
import { AppError } from "../errors";
import { inForceWhere, receiptScope } from "./effects";
import { resolveTarget, type ResolvedTarget } from "./target";

export const KILL_SWITCHES_PATH = "/kill-switches";

export function newKillSwitchId(): string {
  return `ks_${randomBytes(12).toString("base64url")}`;
}

export interface EngageResult {
  id: string;
  scope: KillSwitchScope;
  description: string;
  engagedAt: string;
  autoReleaseAt: string | null;
  receiptId: string;
  /** The credential that signed the engage, or null. */
  passkey: string | null;
}

/** What an engage's passkey signs: the switch exactly as it will be engaged, with its reason. */
export function engageSpec(target: ResolvedTarget, input: { reason: string; autoReleaseMinutes?: number }): SwitchStatement["switch"] {
  return {
    scope: target.scope,
    tenantId: target.tenantId,
    profileId: target.profileId,
    capability: target.capability,
    reason: input.reason,
    autoReleaseMinutes: input.autoReleaseMinutes ?? null,
  };
}

/** What a release's passkey signs: the switch and the reason. */
export function releaseSpec(id: string, reason: string): SwitchStatement["switch"] {
  return { id, reason };
}

/**
 * The passkey evidence of a switch decision: checked when a proof came with
 * it, and required for tenant-wide and global switches.
 */
async function switchEvidence(
  tx: Tx,
  proof: unknown,
  actorId: string,
  scope: KillSwitchScope,
  action: SwitchStatement["action"],
  spec: SwitchStatement["switch"],
): Promise<DecisionEvidence<SwitchStatement> | null> {
  if (proof) return checkSwitchProof(tx, proof as PasskeyProof<SwitchStatement>, { actor: actorId, action, spec });
  const required = switchPasskeyRequirement(scope);
  if (!required) return null;
  throw await proofMissing(tx, actorId, required, "try again");
}

export const engageKillSwitchAction = defineAction({
  name: "killswitch.engage",
  input: ZEngageKillSwitchInput,
  permission: "killswitch.write",
  resource: (input, tx, actor): Promise<ResolvedTarget | null> => resolveTarget(tx, actor, input),
  async run(tx, input, actor, target, { receiptId }): Promise<EngageResult> {
    // Jobs being decided finish first; jobs decided after this commits see the switch.
    await fenceEngage(tx);
    const now = new Date();
    const same = await tx.killSwitch.findFirst({
      where: {
        AND: [inForceWhere(now), { scope: target.scope, tenantId: target.tenantId, profileId: target.profileId, capability: target.capability }],
      },
      select: { id: true },
    });
    if (same) throw new AppError("conflict", `This switch is already engaged (${same.id}); release it first or engage another.`);
    const evidence = await switchEvidence(tx, input.passkey, actor.userId, target.scope, "killswitch.engage", engageSpec(target, input));
    const id = newKillSwitchId();
    const autoReleaseAt = input.autoReleaseMinutes ? new Date(now.getTime() + input.autoReleaseMinutes * 60_000) : null;
    const row = await tx.killSwitch.create({
      data: {
        id,
        scope: target.scope,
        tenantId: target.tenantId,
        profileId: target.profileId,
        capability: target.capability,
        reason: input.reason,
        engagedBy: actor.userId,
        engagedAt: now,
        autoReleaseAt,
        engageReceiptId: receiptId,
        ...(evidence ? { engagePasskey: evidence as unknown as Prisma.InputJsonValue, engagePasskeyNonce: evidence.statement.nonce } : {}),
      },
    });
    return {
      id,
      scope: target.scope,
      description: describeSwitch({ scope: target.scope, tenant: target.tenantSlug, profile: target.profileSlug, capability: target.capability }),
      engagedAt: row.engagedAt.toISOString(),
      autoReleaseAt: row.autoReleaseAt?.toISOString() ?? null,
      receiptId,
      passkey: evidence?.credential.id ?? null,
    };
  },
  receipt: (input, result, _actor, target) => ({
    scope: receiptScope(target),
    tenantId: target.tenantId,
    profileId: target.profileId,
    request: {
      scope: input.scope, tenant: input.tenant ?? null, profile: input.profile ?? null, capability: input.capability ?? null,
      reason: input.reason, autoReleaseMinutes: input.autoReleaseMinutes ?? null,
    },
    result: { id: result.id, engagedAt: result.engagedAt, autoReleaseAt: result.autoReleaseAt },
    summary: {
      switch: result.id,
      engaged: result.description,
      reason: input.reason,
      ...(result.autoReleaseAt ? { autoReleaseAt: result.autoReleaseAt } : {}),
      ...(result.passkey ? { signedWithPasskey: result.passkey } : {}),
    },
  }),
  revalidate: [KILL_SWITCHES_PATH, "/", "/profiles"],
});

interface LockedSwitch extends Resource {
  id: string;
  scope: KillSwitchScope;
  tenantId: string | null;
  profileId: string | null;
  capability: string | null;
  releasedAt: Date | null;
  releasedBy: string | null;
  autoReleaseAt: Date | null;
}

/** The switch row, locked until the transaction ends; null when the actor may not see it. */
async function lockSwitch(tx: Tx, actor: Actor, id: string): Promise<LockedSwitch | null> {
  const scope = Prisma.sql`AND (scope = 'global' OR ${scopedSql(scopeFor(actor, "registry.read"), Prisma.sql`"tenantId"`)})`;
  const rows = await tx.$queryRaw<LockedSwitch[]>(Prisma.sql`
    SELECT id, scope::text AS scope, "tenantId"::text AS "tenantId", "profileId"::text AS "profileId", capability,
      "releasedAt", "releasedBy", "autoReleaseAt"
    FROM "KillSwitch" WHERE id = ${id} ${scope}
    FOR UPDATE`);
  const row = rows[0];
  if (!row) return null;
  return {
    ...row,
    releasedAt: row.releasedAt ? new Date(row.releasedAt) : null,
    autoReleaseAt: row.autoReleaseAt ? new Date(row.autoReleaseAt) : null,
  };
}

export interface ReleaseResult {
  id: string;
  releasedAt: string;
  receiptId: string;
  /** The credential that signed the release, or null. */
  passkey: string | null;
}

export const releaseKillSwitchAction = defineAction({
  name: "killswitch.release",
  input: ZReleaseKillSwitchInput,
  permission: "killswitch.write",
  resource: (input, tx, actor) => lockSwitch(tx, actor, input.id),
  async run(tx, input, actor, sw, { receiptId }): Promise<ReleaseResult> {
    const now = new Date();
    if (sw.releasedAt) {
      const by = sw.releasedBy === "system" ? "automatically" : "by someone else";
      throw new AppError("conflict", `This switch was already released ${by} at ${sw.releasedAt.toISOString()}; nothing was changed.`);
    }
    if (isExpiredUnrecorded(sw, now)) {
      throw new AppError("conflict", `This switch already released itself at ${sw.autoReleaseAt!.toISOString()}; nothing was changed.`);
    }
    const evidence = await switchEvidence(tx, input.passkey, actor.userId, sw.scope, "killswitch.release", releaseSpec(sw.id, input.reason));
    const updated = await tx.killSwitch.updateMany({
      where: { id: sw.id, releasedAt: null },
      data: {
        releasedAt: now,
        releasedBy: actor.userId,
        releaseReason: input.reason,
        releaseReceiptId: receiptId,
        ...(evidence ? { releasePasskey: evidence as unknown as Prisma.InputJsonValue, releasePasskeyNonce: evidence.statement.nonce } : {}),
      },
    });
    if (updated.count !== 1) throw new AppError("conflict", "This switch was released by someone else a moment ago; nothing was changed.");
    return { id: sw.id, releasedAt: now.toISOString(), receiptId, passkey: evidence?.credential.id ?? null };
  },
  receipt: (input, result, _actor, sw) => ({
    scope: receiptScope(sw),
    tenantId: sw.tenantId,
    profileId: sw.profileId,
    request: { id: input.id, reason: input.reason },
    result: { id: result.id, releasedAt: result.releasedAt },
    summary: { switch: result.id, released: sw.scope, reason: input.reason, ...(result.passkey ? { signedWithPasskey: result.passkey } : {}) },
  }),
  revalidate: [KILL_SWITCHES_PATH, "/", "/profiles"],
});

/**
 * The statement a passkey signs to engage (the target and reason as the
 * form will send them) or release (the switch and reason) a switch:
 * authorized exactly like the decision itself.
 */
export const engageChallengeAction = defineAction({
  name: "killswitch.engage.challenge",
  input: ZEngageKillSwitchInput,
  permission: "killswitch.write",
  resource: (input, tx, actor): Promise<ResolvedTarget | null> => resolveTarget(tx, actor, input),
  run: (tx, input, actor, target) => switchRequest(tx, actor.userId, "killswitch.engage", engageSpec(target, input)),
});

export const releaseChallengeAction = defineAction({
  name: "killswitch.release.challenge",
  input: ZReleaseKillSwitchInput.extend({ passkey: z.undefined().optional() }),
  permission: "killswitch.write",
  resource: (input, tx, actor) => lockSwitch(tx, actor, input.id),
  run: (tx, input, actor, sw) => switchRequest(tx, actor.userId, "killswitch.release", releaseSpec(sw.id, input.reason)),
});
