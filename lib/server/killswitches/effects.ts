import "server-only";
/**
 * What kill switches do: which switches in force cover a job or a profile,
 * and recording automatic (break-glass) releases. Effects never depend on a
 * sweep having run: "in force" is computed from the row at `now`; the sweep
 * only writes down, once, that a switch ran out (releasedBy "system", with a
 * receipt and audit entry).
 */
import { randomBytes } from "node:crypto";
import type { Db, Tx } from "@/lib/db";
import { prismaQuery, type RawSql } from "@/lib/sql";
import { covers, type CoverTarget, type KillSwitchScope } from "@/lib/domain/killswitch";
import type { KillSwitch, Prisma } from "@/lib/generated/prisma/client";
import { writeReceipt, type ReceiptInput } from "../audit";
import { ENGAGED_COUNT_SQL } from "./fence";
import { SYSTEM_ACTOR } from "./views";

/** Prisma filter: released by nobody and not past the automatic release time. */
export function inForceWhere(now: Date): Prisma.KillSwitchWhereInput {
  return { releasedAt: null, OR: [{ autoReleaseAt: null }, { autoReleaseAt: { gt: now } }] };
}

export interface SwitchInForce {
  id: string;
  scope: KillSwitchScope;
  tenantId: string | null;
  profileId: string | null;
  capability: string | null;
  reason: string;
}

/**
 * JSON array of the switches in force ($3 = now) whose reach may include
 * tenant $1 / profile $2 (global, the tenant's, the profile's), oldest first;
 * `covers` then decides on topic and risk tags.
 */
const IN_FORCE_REACHING_SQL = `COALESCE((SELECT json_agg(json_build_object('id', k.id, 'scope', k.scope::text, 'tenantId', k."tenantId",
      'profileId', k."profileId", 'capability', k.capability, 'reason', k.reason) ORDER BY k."engagedAt", k.id)
    FROM "KillSwitch" k
   WHERE k."releasedAt" IS NULL AND (k."autoReleaseAt" IS NULL OR k."autoReleaseAt" > $3::timestamptz)
     AND (k.scope = 'global' OR (k."tenantId" = $1::uuid AND k."profileId" IS NULL) OR k."profileId" = $2::uuid)), '[]'::json)`;

function covering(inForce: SwitchInForce[] | string, target: CoverTarget): SwitchInForce[] {
  const rows = typeof inForce === "string" ? (JSON.parse(inForce) as SwitchInForce[]) : inForce;
  return rows.filter((sw) => covers(sw, target));
}

/** Switches in force that cover the job (or, without topic/riskTags, the whole profile), oldest first. */
export async function switchesCovering(db: Db | Tx | Pick<RawSql, "query">, target: CoverTarget, now: Date): Promise<SwitchInForce[]> {
  const sql = "query" in db ? db : prismaQuery(db);
  const rows = await sql.query<{ inForce: SwitchInForce[] | string }>(`SELECT ${IN_FORCE_REACHING_SQL} AS "inForce"`, [target.tenantId, target.profileId, now]);
  return covering(rows[0]!.inForce, target);
}

/**
 * The job path's one statement: the fence count (all switch rows, see
 * fence.ts), whether an automatic release is due, and the switches in force
 * covering the job (as switchesCovering). Raw SQL: it runs on every job.
 */
export async function switchStateForJob(
  sql: Pick<RawSql, "query">,
  target: CoverTarget,
  now: Date,
): Promise<{ engaged: number; releaseDue: boolean; covering: SwitchInForce[] }> {
  const rows = await sql.query<{ engaged: string | number; releaseDue: boolean; inForce: SwitchInForce[] | string }>(
    `SELECT (${ENGAGED_COUNT_SQL}) AS engaged,
            EXISTS (SELECT 1 FROM "KillSwitch" WHERE "releasedAt" IS NULL AND "autoReleaseAt" <= $3::timestamptz) AS "releaseDue",
            ${IN_FORCE_REACHING_SQL} AS "inForce"`,
    [target.tenantId, target.profileId, now],
  );
  const row = rows[0]!;
  return { engaged: Number(row.engaged), releaseDue: row.releaseDue, covering: covering(row.inForce, target) };
}

/**
 * switchesCovering for many jobs at once (a page of the approval queue): one
 * read of the switches in force reaching their profiles, then the same
 * `covers` decision per job. Answers one list per target, in their order.
 */
export async function switchesCoveringEach(prisma: Db | Tx, targets: readonly CoverTarget[], now: Date): Promise<SwitchInForce[][]> {
  if (targets.length === 0) return [];
  const rows = await switchesReaching(prisma, targets.map((t) => ({ id: t.profileId, tenantId: t.tenantId })), now);
  const inForce: SwitchInForce[] = rows.map((k) => ({
    id: k.id,
    scope: k.scope as KillSwitchScope,
    tenantId: k.tenantId,
    profileId: k.profileId,
    capability: k.capability,
    reason: k.reason,
  }));
  return targets.map((target) => covering(inForce, target));
}

/** Switches in force whose reach includes any of these profiles (global, their tenants, themselves). */
export async function switchesReaching(
  prisma: Db | Tx,
  profiles: ReadonlyArray<{ id: string; tenantId: string }>,
  now: Date,
): Promise<KillSwitch[]> {
  const tenantIds = [...new Set(profiles.map((p) => p.tenantId))];
  const profileIds = profiles.map((p) => p.id);
  return prisma.killSwitch.findMany({
    where: {
      AND: [
        inForceWhere(now),
        {
          OR: [
            { scope: "global" },
            { tenantId: { in: tenantIds }, profileId: null },
            { profileId: { in: profileIds } },
          ],
        },
      ],
    },
    orderBy: [{ engagedAt: "asc" }, { id: "asc" }],
  });
}

/** The receipt scope of a switch: the platform, its profile, or its tenant. */
export function receiptScope(sw: { scope: KillSwitchScope; tenantId: string | null; profileId: string | null }): ReceiptInput["scope"] {
  if (sw.scope === "global" || !sw.tenantId) return { type: "platform", id: "global" };
  if (sw.profileId) return { type: "profile", id: sw.profileId };
  return { type: "tenant", id: sw.tenantId };
}

async function releaseExpiredIn(tx: Tx, now: Date): Promise<number> {
  const due = await tx.killSwitch.findMany({
    where: { releasedAt: null, autoReleaseAt: { lte: now } },
    orderBy: { autoReleaseAt: "asc" },
    take: 200,
  });
  let released = 0;
  for (const sw of due) {
    const receiptId = `rcpt_${randomBytes(12).toString("base64url")}`;
    const releasedAt = sw.autoReleaseAt!;
    // Guarded: a concurrent sweep or a person releasing it first wins; nothing is recorded twice.
    const updated = await tx.killSwitch.updateMany({
      where: { id: sw.id, releasedAt: null },
      data: { releasedAt, releasedBy: SYSTEM_ACTOR, releaseReason: "automatic release time reached", releaseReceiptId: receiptId },
    });
    if (updated.count !== 1) continue;
    await writeReceipt(tx, {
      id: receiptId,
      action: "killswitch.auto_release",
      actor: { type: "system", id: SYSTEM_ACTOR },
      scope: receiptScope({ scope: sw.scope as KillSwitchScope, tenantId: sw.tenantId, profileId: sw.profileId }),
      tenantId: sw.tenantId,
      profileId: sw.profileId,
      request: { id: sw.id, autoReleaseAt: releasedAt.toISOString() },
      result: { id: sw.id, releasedAt: releasedAt.toISOString(), releasedBy: SYSTEM_ACTOR },
      summary: { switch: sw.id, scope: sw.scope, released: "automatically", at: releasedAt.toISOString() },
    });
    released += 1;
  }
  return released;
}

/**
 * Record every switch whose automatic release time has passed as released by
 * "system" (receipt + audit entry each). Safe to call from any read and
 * concurrently. Runs in `prisma`'s transaction when given one, else its own.
 * Returns how many releases it recorded.
 */
export async function releaseExpiredSwitches(prisma: Db | Tx, now: Date): Promise<number> {
  const pending = await prisma.killSwitch.count({ where: { releasedAt: null, autoReleaseAt: { lte: now } } });
  if (pending === 0) return 0;
  if ("$transaction" in prisma) return (prisma as Db).$transaction((tx) => releaseExpiredIn(tx, now));
  return releaseExpiredIn(prisma, now);
}
