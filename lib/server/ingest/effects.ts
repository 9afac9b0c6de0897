import "server-only";
/**
 * What newly inserted events change, inside the ingest transaction. Only
 * events that were actually inserted (not duplicates) get here, so a
 * redelivered batch changes nothing twice. "Latest wins" everywhere: an
 * event older than what the profile already shows does not roll it back.
 */
import type { Tx } from "@/lib/db";
import { computeHealth } from "@/lib/domain/ingest";

export interface StoredEvent {
  /** IngestEvent.id (uuid). */
  rowId: string;
  eventId: string;
  type: string;
  profileId: string;
  tenantId: string;
  occurredAt: Date;
  /** Already redacted. */
  attributes: Record<string, unknown>;
}

const HEALTH_REPORTS = ["healthy", "degraded", "down"] as const;
type Reported = (typeof HEALTH_REPORTS)[number];

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
function date(value: unknown): Date | undefined {
  if (typeof value !== "string" && !(value instanceof Date)) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The newest event per profile among `events` (ties: the later one in the batch). */
function latestPerProfile(events: StoredEvent[]): Map<string, StoredEvent> {
  const latest = new Map<string, StoredEvent>();
  for (const e of events) {
    const seen = latest.get(e.profileId);
    if (!seen || e.occurredAt.getTime() >= seen.occurredAt.getTime()) latest.set(e.profileId, e);
  }
  return latest;
}

async function applyHeartbeats(tx: Tx, events: StoredEvent[], now: Date): Promise<void> {
  for (const beat of latestPerProfile(events).values()) {
    const profile = await tx.profile.findUnique({ where: { id: beat.profileId }, select: { heartbeatIntervalSec: true } });
    if (!profile) continue;
    const interval = num(beat.attributes.intervalSec);
    const intervalSec = interval !== undefined && Number.isInteger(interval) && interval > 0 ? interval : profile.heartbeatIntervalSec;
    const status = str(beat.attributes.status);
    const reported = HEALTH_REPORTS.includes(status as Reported) ? (status as Reported) : undefined;
    const health = computeHealth({ lastHeartbeatAt: beat.occurredAt, intervalSec, reported, now });
    // conditional on the row itself, so a concurrent newer beat is never rolled back
    await tx.profile.updateMany({
      where: { id: beat.profileId, OR: [{ lastHeartbeatAt: null }, { lastHeartbeatAt: { lte: beat.occurredAt } }] },
      data: { lastHeartbeatAt: beat.occurredAt, lastSeenAt: beat.occurredAt, heartbeatIntervalSec: intervalSec, health },
    });
  }
}

async function applyUnitStates(tx: Tx, events: StoredEvent[]): Promise<void> {
  for (const e of latestPerProfile(events).values()) {
    await tx.$executeRaw`
      UPDATE "Profile" SET "unitState" = ${e.type === "service.start" ? "running" : "stopped"}, "unitStateAt" = ${e.occurredAt}
      WHERE "id" = ${e.profileId}::uuid AND ("unitStateAt" IS NULL OR "unitStateAt" <= ${e.occurredAt})`;
  }
}

async function applyEvidence(tx: Tx, events: StoredEvent[]): Promise<void> {
  for (const e of events) {
    const item = str(e.attributes.item);
    const passed = e.attributes.passed;
    if (!item || typeof passed !== "boolean") continue;
    const observedAt = date(e.attributes.observedAt) ?? e.occurredAt;
    const { item: _item, passed: _passed, observedAt: _observed, detail: nested, ...rest } = e.attributes;
    // Typed fields (durationSec, digest, reason…) stay at the top level of the
    // stored detail; a nested `detail` object from the host adds to them.
    const detail =
      typeof nested === "object" && nested !== null && !Array.isArray(nested)
        ? { ...rest, ...(nested as Record<string, unknown>) }
        : nested === undefined
          ? rest
          : { ...rest, detail: nested };
    await tx.$executeRaw`
      INSERT INTO "ProfileEvidence" ("profileId", "item", "passed", "observedAt", "detail", "eventId")
      VALUES (${e.profileId}::uuid, ${item}, ${passed}, ${observedAt}, ${JSON.stringify(detail)}::jsonb, ${e.rowId}::uuid)
      ON CONFLICT ("profileId", "item") DO UPDATE
        SET "passed" = EXCLUDED."passed", "observedAt" = EXCLUDED."observedAt", "detail" = EXCLUDED."detail", "eventId" = EXCLUDED."eventId"
        WHERE "ProfileEvidence"."observedAt" <= EXCLUDED."observedAt"`;
  }
}

async function applyCosts(tx: Tx, events: StoredEvent[]): Promise<void> {
  const rows = events.flatMap((e) => {
    const model = str(e.attributes.model);
    const tokensIn = num(e.attributes.tokensIn);
    const tokensOut = num(e.attributes.tokensOut);
    const cost = num(e.attributes.cost);
    if (!model || tokensIn === undefined || tokensOut === undefined || cost === undefined) return [];
    return [{
      tenantId: e.tenantId,
      profileId: e.profileId,
      eventId: e.rowId,
      occurredAt: e.occurredAt,
      model,
      tokensIn: Math.trunc(tokensIn),
      tokensOut: Math.trunc(tokensOut),
      cost: cost.toFixed(6),
    }];
  });
  if (rows.length > 0) await tx.costRecord.createMany({ data: rows });
}

export async function applyEffects(tx: Tx, inserted: StoredEvent[], now: Date): Promise<void> {
  const ofType = (...types: string[]) => inserted.filter((e) => types.includes(e.type));
  await applyHeartbeats(tx, ofType("health.heartbeat"), now);
  await applyUnitStates(tx, ofType("service.start", "service.stop"));
  await applyEvidence(tx, ofType("canary.evidence"));
  await applyCosts(tx, ofType("cost.usage"));
}
