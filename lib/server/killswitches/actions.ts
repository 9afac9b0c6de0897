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
    const updated = await tx.killSwitch.updateMany({
      where: { id: sw.id, releasedAt: null },
      data: { releasedAt: now, releasedBy: actor.userId, releaseReason: input.reason, releaseReceiptId: receiptId },
    });
    if (updated.count !== 1) throw new AppError("conflict", "This switch was released by someone else a moment ago; nothing was changed.");
    return { id: sw.id, releasedAt: now.toISOString(), receiptId };
  },
  receipt: (input, result, _actor, sw) => ({
    scope: receiptScope(sw),
    tenantId: sw.tenantId,
    profileId: sw.profileId,
    request: { id: input.id, reason: input.reason },
    result: { id: result.id, releasedAt: result.releasedAt },
    summary: { switch: result.id, released: sw.scope, reason: input.reason },
  }),
  revalidate: [KILL_SWITCHES_PATH, "/", "/profiles"],
});
