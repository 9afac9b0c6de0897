import "server-only";
/**
 * Refused privileged attempts leave a trace (the governance model's minimum
 * audit events include the denials). When the pipeline refuses a write —
 * the actor lacks the permission, the job is their own request, the target
 * is outside their scope or does not exist — it appends an `access.denied`
 * audit entry naming the actor, the action attempted, the target and the
 * reason, in a transaction of its own (the refused one rolled back).
 *
 * Rate-limited per actor: at most REFUSALS_LOGGED_PER_MINUTE entries a minute
 * (a RateCounter window, so every replica shares the count); the first one
 * over the limit is logged as `access.denied.suppressed` and the rest of the
 * window is only counted, so a flood cannot grow the log without bound.
 * Recording never turns the refusal into an error: a failure is logged.
 */
import type { Db } from "@/lib/db";
import { appendAudit } from "./audit";
import type { RequestActor } from "./actor";
import { RATE_WINDOW_SEC, windowStart } from "./rate-limit";

export const REFUSALS_LOGGED_PER_MINUTE = 20;
export const ACCESS_DENIED = "access.denied";
export const ACCESS_DENIED_SUPPRESSED = "access.denied.suppressed";

export interface Refusal {
  actor: RequestActor;
  /** The pipeline definition refused (job.vote, killswitch.engage, …). */
  action: string;
  /** What it was aimed at, as the input named it ("job:job_…", "profile:acme-bot"). */
  target: string;
  /** "forbidden" or "not_found". */
  code: string;
  /** The message the actor was shown. */
  reason: string;
  /** The refused resource's tenant, when it was found (never for "not found": that would leak it). */
  tenantId: string | null;
  permission?: string;
}

/** Input fields that name what an action is aimed at, in the order tried. */
const TARGET_FIELDS = ["jobId", "switchId", "profileId", "keyId", "tokenId", "id", "slug", "profile", "tenant", "tenantId", "scope"] as const;

/** "job:job_…" from an action's input: its first identifying field, clipped. */
export function refusalTarget(action: string, input: unknown): string {
  if (input && typeof input === "object") {
    const fields = input as Record<string, unknown>;
    for (const field of TARGET_FIELDS) {
      const value = fields[field];
      if (typeof value === "string" && value) return `${field.replace(/Id$/, "")}:${value.slice(0, 120)}`;
    }
  }
  return action;
}

export async function recordRefusal(prisma: Db, refusal: Refusal, now = new Date()): Promise<void> {
  try {
    await prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRawUnsafe<{ count: number }[]>(
        `INSERT INTO "RateCounter" ("key", "windowStart", "count") VALUES ($1, $2::timestamptz, 1)
         ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = "RateCounter"."count" + 1
         RETURNING "count"`,
        `denied:${refusal.actor.userId}`,
        windowStart(now).toISOString(),
      );
      const count = Number(rows[0]?.count ?? 1);
      if (count > REFUSALS_LOGGED_PER_MINUTE + 1) return;
      const suppressed = count === REFUSALS_LOGGED_PER_MINUTE + 1;
      await appendAudit(tx, {
        actor: { type: "user", id: refusal.actor.userId },
        action: suppressed ? ACCESS_DENIED_SUPPRESSED : ACCESS_DENIED,
        resource: refusal.target,
        tenantId: refusal.tenantId,
        decision: refusal.code === "not_found" ? "NOT_FOUND" : "FORBIDDEN",
        data: {
          attempted: refusal.action,
          reason: refusal.reason.slice(0, 500),
          actor: refusal.actor.email,
          ...(refusal.permission ? { permission: refusal.permission } : {}),
          ...(refusal.actor.tokenId ? { token: refusal.actor.tokenId } : {}),
          ...(suppressed
            ? { note: `more than ${REFUSALS_LOGGED_PER_MINUTE} refusals within ${RATE_WINDOW_SEC} s: the rest of this window is counted, not logged` }
            : {}),
        },
      });
    });
  } catch (error) {
    console.error(`[refusals] could not record a refused ${refusal.action} by ${refusal.actor.email}:`, error);
  }
}
