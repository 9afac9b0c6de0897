import "server-only";
import { fenceEngage } from "./fence";
/**
 * Engaging and releasing kill switches, through the one mutation pipeline.
 * Permission by scope: a global switch needs `killswitch.global` on the
 * platform ({tenantId: null}); every other scope `killswitch.scoped` on its
 * tenant. Each change writes one receipt; releasing never deletes the row.
 */
import { randomBytes } from "node:crypto";
import { readableTenantIds, type Actor, type Resource } from "@/lib/authz";
import type { Tx } from "@/lib/db";
import { describeSwitch, isExpiredUnrecorded, type KillSwitchScope } from "@/lib/domain/killswitch";
import { Prisma } from "@/lib/generated/prisma/client";
import { ZEngageKillSwitchInput, ZReleaseKillSwitchInput } from "@/lib/schemas/killswitches";
import { defineAction, type ActionPermission } from "../action";
import { AppError } from "../errors";
import { inForceWhere, receiptScope } from "./effects";
import { killSwitchDecision } from "./permission";
import { resolveTarget, type ResolvedTarget } from "./target";

export const KILL_SWITCHES_PATH = "/kill-switches";

/** Global switches (tenantId null) need killswitch.global; the rest killswitch.scoped on their tenant. */
export const KILL_SWITCH_PERMISSION: ActionPermission = {
  name: "killswitch",
  check: (actor, resource) => killSwitchDecision(actor, resource.tenantId),
};

export function newKillSwitchId(): string {
  return `ks_${randomBytes(12).toString("base64url")}`;
}

function newReceiptId(): string {
  return `rcpt_${randomBytes(12).toString("base64url")}`;
}

export interface EngageResult {
  id: string;
  scope: KillSwitchScope;
  description: string;
  engagedAt: string;
  autoReleaseAt: string | null;
  receiptId: string;
}

export const engageKillSwitchAction = defineAction({
  name: "killswitch.engage",
  input: ZEngageKillSwitchInput,
  permission: KILL_SWITCH_PERMISSION,
  resource: (input, tx, actor): Promise<ResolvedTarget | null> => resolveTarget(tx, actor, input),
  async run(tx, input, actor, target): Promise<EngageResult> {
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
    const id = newKillSwitchId();
    const receiptId = newReceiptId();
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
      },
    });
    return {
      id,
      scope: target.scope,
      description: describeSwitch({ scope: target.scope, tenant: target.tenantSlug, profile: target.profileSlug, capability: target.capability }),
      engagedAt: row.engagedAt.toISOString(),
      autoReleaseAt: row.autoReleaseAt?.toISOString() ?? null,
      receiptId,
    };
  },
  receipt: (input, result, _actor, target) => ({
    id: result.receiptId,
    scope: receiptScope(target),
    tenantId: target.tenantId,
    profileId: target.profileId,
    request: {
      scope: input.scope, tenant: input.tenant ?? null, profile: input.profile ?? null, capability: input.capability ?? null,
      reason: input.reason, autoReleaseMinutes: input.autoReleaseMinutes ?? null,
    },
    result: { id: result.id, engagedAt: result.engagedAt, autoReleaseAt: result.autoReleaseAt },
    summary: { switch: result.id, engaged: result.description, reason: input.reason, ...(result.autoReleaseAt ? { autoReleaseAt: result.autoReleaseAt } : {}) },
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
  const tenants = readableTenantIds(actor);
  const scope =
    tenants === "all" ? Prisma.empty : Prisma.sql`AND (scope = 'global' OR "tenantId" = ANY(${[...tenants]}::uuid[]))`;
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
}

export const releaseKillSwitchAction = defineAction({
  name: "killswitch.release",
  input: ZReleaseKillSwitchInput,
  permission: KILL_SWITCH_PERMISSION,
  resource: (input, tx, actor) => lockSwitch(tx, actor, input.id),
  async run(tx, input, actor, sw): Promise<ReleaseResult> {
    const now = new Date();
    if (sw.releasedAt) {
      const by = sw.releasedBy === "system" ? "automatically" : "by someone else";
      throw new AppError("conflict", `This switch was already released ${by} at ${sw.releasedAt.toISOString()}; nothing was changed.`);
    }
    if (isExpiredUnrecorded(sw, now)) {
      throw new AppError("conflict", `This switch already released itself at ${sw.autoReleaseAt!.toISOString()}; nothing was changed.`);
    }
    const receiptId = newReceiptId();
    const updated = await tx.killSwitch.updateMany({
      where: { id: sw.id, releasedAt: null },
      data: { releasedAt: now, releasedBy: actor.userId, releaseReason: input.reason, releaseReceiptId: receiptId },
    });
    if (updated.count !== 1) throw new AppError("conflict", "This switch was released by someone else a moment ago; nothing was changed.");
    return { id: sw.id, releasedAt: now.toISOString(), receiptId };
  },
  receipt: (input, result, _actor, sw) => ({
    id: result.receiptId,
    scope: receiptScope(sw),
    tenantId: sw.tenantId,
    profileId: sw.profileId,
    request: { id: input.id, reason: input.reason },
    result: { id: result.id, releasedAt: result.releasedAt },
    summary: { switch: result.id, released: sw.scope, reason: input.reason },
  }),
  revalidate: [KILL_SWITCHES_PATH, "/", "/profiles"],
});
