import "server-only";
/**
 * What newly inserted events change, inside the ingest transaction. Only
 * events that were actually inserted (not duplicates) get here, so a
 * redelivered batch changes nothing twice. "Latest wins" everywhere: an
 * event older than what the profile already shows does not roll it back.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { computeHealth } from "@/lib/domain/ingest";
import { env } from "@/lib/env";
import { writeReceipt } from "../audit";
import { enqueueWebhook } from "../webhooks/outbox";
import type { RawSql } from "@/lib/sql";

/** The ingest transaction's connection (RawSql.transaction). */
export type EffectsSql = Pick<RawSql, "query">;

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

function validInterval(beat: Pick<StoredEvent, "attributes">): number | undefined {
  const interval = num(beat.attributes.intervalSec);
  return interval !== undefined && Number.isInteger(interval) && interval > 0 ? interval : undefined;
}

async function applyHeartbeats(sql: EffectsSql, events: StoredEvent[], now: Date): Promise<void> {
  const beats = [...latestPerProfile(events).values()];
  if (beats.length === 0) return;
  // The stored interval is needed only for beats that do not report their own.
  const missing = beats.filter((beat) => validInterval(beat) === undefined).map((beat) => beat.profileId);
  const stored = new Map<string, number>();
  if (missing.length > 0) {
    const rows = await sql.query<{ id: string; heartbeatIntervalSec: number }>(
      `SELECT "id"::text AS "id", "heartbeatIntervalSec" FROM "Profile" WHERE "id" = ANY($1::uuid[])`,
      [missing],
    );
    for (const row of rows) stored.set(row.id, Number(row.heartbeatIntervalSec));
  }
  const params: unknown[] = [new Date().toISOString()]; // updatedAt, as Prisma's @updatedAt would set it
  const tuples: string[] = [];
  for (const beat of beats) {
    const intervalSec = validInterval(beat) ?? stored.get(beat.profileId);
    if (intervalSec === undefined) continue; // no such profile
    const status = str(beat.attributes.status);
    const reported = HEALTH_REPORTS.includes(status as Reported) ? (status as Reported) : undefined;
    const health = computeHealth({ lastHeartbeatAt: beat.occurredAt, intervalSec, reported, now });
    const base = params.length;
    params.push(beat.profileId, beat.occurredAt.toISOString(), intervalSec, health);
    tuples.push(`($${base + 1}::uuid, $${base + 2}::timestamptz, $${base + 3}::int, $${base + 4}::text)`);
  }
  if (tuples.length === 0) return;
  // One statement; conditional on the row itself, so a concurrent newer beat is never rolled back.
  await sql.query(
    `UPDATE "Profile" p
     SET "lastHeartbeatAt" = v.at, "lastSeenAt" = v.at, "heartbeatIntervalSec" = v.interval,
         "health" = v.health::"Health", "updatedAt" = $1::timestamptz
     FROM (VALUES ${tuples.join(", ")}) AS v(id, at, interval, health)
     WHERE p."id" = v.id AND (p."lastHeartbeatAt" IS NULL OR p."lastHeartbeatAt" <= v.at)`,
    params,
  );
}

/** A heartbeat the ingest statement may apply itself (see heartbeatCandidates). */
export interface HeartbeatCandidate {
  ord: number;
  eventId: string;
  profileId: string;
  at: string;
  interval: number;
  health: string;
}

/**
 * Every heartbeat of a batch with what it would set, for the ingest statement
 * to apply in the same round trip: per profile the newest one among those
 * actually inserted (ties: the later one in the batch), exactly as
 * applyHeartbeats. Null when a beat does not report its interval (the stored
 * one must be read first): then applyEffects handles heartbeats.
 */
export function heartbeatCandidates(
  events: Array<Pick<StoredEvent, "eventId" | "type" | "profileId" | "occurredAt" | "attributes">>,
  now: Date,
): HeartbeatCandidate[] | null {
  const out: HeartbeatCandidate[] = [];
  for (const [ord, e] of events.entries()) {
    if (e.type !== "health.heartbeat") continue;
    const intervalSec = validInterval(e);
    if (intervalSec === undefined) return null;
    const status = str(e.attributes.status);
    const reported = HEALTH_REPORTS.includes(status as Reported) ? (status as Reported) : undefined;
    const health = computeHealth({ lastHeartbeatAt: e.occurredAt, intervalSec, reported, now });
    out.push({ ord, eventId: e.eventId, profileId: e.profileId, at: e.occurredAt.toISOString(), interval: intervalSec, health });
  }
  return out;
}

/**
 * The CTE (to follow `inserted`, which RETURNs "eventId") applying the
 * candidates in json parameter `$param`, `$updatedAt` for updatedAt.
 */
export function heartbeatCte(param: number, updatedAt: number): string {
  return `beats AS (
       UPDATE "Profile" p
       SET "lastHeartbeatAt" = v.at, "lastSeenAt" = v.at, "heartbeatIntervalSec" = v.interval,
           "health" = v.health::"Health", "updatedAt" = $${updatedAt}::timestamptz
       FROM (
         SELECT DISTINCT ON (b."profileId") b."profileId", b.at, b.interval, b.health
         FROM json_to_recordset($${param}::json) AS b(ord int, "eventId" text, "profileId" uuid, at timestamptz, interval int, health text)
         WHERE b."eventId" IN (SELECT "eventId" FROM inserted)
         ORDER BY b."profileId", b.at DESC, b.ord DESC
       ) v
       WHERE p."id" = v."profileId" AND (p."lastHeartbeatAt" IS NULL OR p."lastHeartbeatAt" <= v.at)
     )`;
}

async function applyUnitStates(sql: EffectsSql, events: StoredEvent[]): Promise<void> {
  for (const e of latestPerProfile(events).values()) {
    await sql.query(
      `UPDATE "Profile" SET "unitState" = $1, "unitStateAt" = $2::timestamptz
       WHERE "id" = $3::uuid AND ("unitStateAt" IS NULL OR "unitStateAt" <= $2::timestamptz)`,
      [e.type === "service.start" ? "running" : "stopped", e.occurredAt.toISOString(), e.profileId],
    );
  }
}

/** Failing evidence of these items takes a limited or promoted profile out of the canary at once. */
export const DEMOTING_ITEMS: ReadonlySet<string> = new Set(["secrets_not_logged", "egress_enforced", "cross_profile_read_denied", "intended_digest"]);
const DEMOTABLE_STAGES = new Set(["limited", "promoted"]);

/**
 * The gate holds after promotion: a fresh failing observation of a demoting
 * item (secrets logged, egress not enforced, cross-profile read allowed, a
 * running digest other than the registered one) moves a limited or promoted
 * profile to rolled_back, with a StageChange, a system receipt, its pending
 * promotions void and a webhook message — in the ingest transaction.
 */
export async function demoteOnFailure(
  sql: EffectsSql,
  e: { profileId: string; tenantId: string; eventId: string },
  observation: { item: string; passed: boolean; detail: Record<string, unknown> },
  now: Date,
): Promise<void> {
  const { item, passed, detail } = observation;
  if (!DEMOTING_ITEMS.has(item)) return;
  const [profile] = await sql.query<{ slug: string; stage: string; artifactDigest: string }>(
    `SELECT "slug", "canaryStage"::text AS "stage", "artifactDigest" FROM "Profile" WHERE "id" = $1::uuid FOR UPDATE`,
    [e.profileId],
  );
  if (!profile || !DEMOTABLE_STAGES.has(profile.stage)) return;
  const drift = item === "intended_digest" && passed && typeof detail.digest === "string" && detail.digest !== profile.artifactDigest;
  if (passed && !drift) return;
  const said = [detail.reason, detail.detail].find((v): v is string => typeof v === "string" && v.trim() !== "");
  const why = drift ? `running ${String(detail.digest)}, not the registered digest` : (said?.slice(0, 200) ?? "reported failing");
  const reason = `${item} failing: ${why}`;
  const receiptId = `rcpt_${randomBytes(12).toString("base64url")}`;
  await sql.query(`UPDATE "Profile" SET "canaryStage" = 'rolled_back' WHERE "id" = $1::uuid`, [e.profileId]);
  const voided = await sql.query<{ id: string; jobId: string }>(
    `UPDATE "PromotionRequest" SET "status" = 'void', "voidReason" = $2, "resolvedAt" = $3::timestamptz
      WHERE "profileId" = $1::uuid AND "status" = 'pending' RETURNING "id", "jobId"`,
    [e.profileId, `automatically demoted: ${reason}`, now.toISOString()],
  );
  if (voided.length > 0) {
    await sql.query(
      `UPDATE "Job" SET "status" = 'REJECTED', "resolvedAt" = $2::timestamptz WHERE "id" = ANY($1::text[]) AND "status" = 'PENDING_APPROVAL'`,
      [`{${voided.map((v) => v.jobId).join(",")}}`, now.toISOString()],
    );
  }
  await sql.query(
    `INSERT INTO "StageChange" ("id", "profileId", "tenantId", "fromStage", "toStage", "kind", "actorType", "actorId", "reason", "snapshot", "receiptId", "at")
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4::"CanaryStage", 'rolled_back', 'demotion', 'system', 'gate', $5, $6::jsonb, $7, $8::timestamptz)`,
    [randomUUID(), e.profileId, e.tenantId, profile.stage, reason, JSON.stringify({ item, passed, event: e.eventId, detail }), receiptId, now.toISOString()],
  );
  await writeReceipt(sql, {
    id: receiptId,
    action: "canary.demote",
    actor: { type: "system", id: "gate" },
    scope: { type: "profile", id: e.profileId },
    tenantId: e.tenantId,
    profileId: e.profileId,
    decision: "ROLLED_BACK",
    request: { profile: profile.slug, item, event: e.eventId },
    result: { from: profile.stage, to: "rolled_back", voided: voided.map((v) => v.id) },
    summary: { profile: profile.slug, from: profile.stage, to: "rolled_back", item, reason },
  });
  const url = env().CELLGATE_WEBHOOK_URL;
  if (url) {
    const text = `Automatic demotion: ${profile.slug} rolled back from ${profile.stage} (${reason})`;
    await enqueueWebhook(sql, {
      event: "canary.demoted",
      url,
      now,
      payload: { type: "canary.demoted", timestamp: now.toISOString(), data: { profile: profile.slug, from: profile.stage, to: "rolled_back", item, reason, receipt: receiptId }, text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] },
    });
  }
}

async function applyEvidence(sql: EffectsSql, events: StoredEvent[], now: Date): Promise<void> {
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
    const stored = await sql.query<{ profileId: string }>(
      `INSERT INTO "ProfileEvidence" ("profileId", "item", "passed", "observedAt", "detail", "eventId")
       VALUES ($1::uuid, $2, $3::boolean, $4::timestamptz, $5::jsonb, $6::uuid)
       ON CONFLICT ("profileId", "item") DO UPDATE
         SET "passed" = EXCLUDED."passed", "observedAt" = EXCLUDED."observedAt", "detail" = EXCLUDED."detail", "eventId" = EXCLUDED."eventId"
         WHERE "ProfileEvidence"."observedAt" <= EXCLUDED."observedAt"
       RETURNING "profileId"::text AS "profileId"`,
      [e.profileId, item, passed, observedAt.toISOString(), JSON.stringify(detail), e.rowId],
    );
    // Only the observation that became the profile's newest can demote it.
    if (stored.length > 0) await demoteOnFailure(sql, { profileId: e.profileId, tenantId: e.tenantId, eventId: e.eventId }, { item, passed, detail: detail as Record<string, unknown> }, now);
  }
}

/** The newest `tool.allowed` report per profile and tool (drift is judged against the registry when a job is decided). */
async function applyToolReports(sql: EffectsSql, events: StoredEvent[]): Promise<void> {
  // The newest report per (profile, tool) in the batch, then one statement: a batch of tool events is the common case.
  const newest = new Map<string, { profileId: string; tool: string; reportedHash: string | null; detectedAt: string; eventId: string; at: number }>();
  for (const e of events) {
    const tool = str(e.attributes.tool)?.slice(0, 256);
    if (!tool) continue;
    const key = `${e.profileId}\u0000${tool}`;
    const at = e.occurredAt.getTime();
    const seen = newest.get(key);
    if (seen && seen.at > at) continue;
    newest.set(key, { profileId: e.profileId, tool, reportedHash: str(e.attributes.schemaHash) ?? null, detectedAt: e.occurredAt.toISOString(), eventId: e.rowId, at });
  }
  if (newest.size === 0) return;
  await sql.query(
    `INSERT INTO "ToolReport" ("profileId", "tool", "reportedHash", "detectedAt", "eventId")
     SELECT r."profileId", r."tool", r."reportedHash", r."detectedAt", r."eventId"
       FROM json_to_recordset($1::json) AS r("profileId" uuid, "tool" text, "reportedHash" text, "detectedAt" timestamptz, "eventId" uuid)
     ON CONFLICT ("profileId", "tool") DO UPDATE
       SET "reportedHash" = EXCLUDED."reportedHash", "detectedAt" = EXCLUDED."detectedAt", "eventId" = EXCLUDED."eventId"
       WHERE "ToolReport"."detectedAt" <= EXCLUDED."detectedAt"`,
    [JSON.stringify([...newest.values()].map(({ at: _at, ...row }) => row))],
  );
}

/** A host reporting a rollback directive carried out: its time and duration go on that stage change (once). */
async function applyRollbacksExecuted(sql: EffectsSql, events: StoredEvent[]): Promise<void> {
  for (const e of events) {
    const id = str(e.attributes.rollback);
    if (!id) continue;
    await sql.query(
      `UPDATE "StageChange" SET "executedAt" = $3::timestamptz, "executionSec" = $4
        WHERE "id" = $1::uuid AND "profileId" = $2::uuid AND "executedAt" IS NULL`,
      [id, e.profileId, e.occurredAt.toISOString(), num(e.attributes.durationSec) ?? null],
    );
  }
}

async function applyCosts(sql: EffectsSql, events: StoredEvent[]): Promise<void> {
  const rows = events.flatMap((e) => {
    const model = str(e.attributes.model);
    const tokensIn = num(e.attributes.tokensIn);
    const tokensOut = num(e.attributes.tokensOut);
    const cost = num(e.attributes.cost);
    if (!model || tokensIn === undefined || tokensOut === undefined || cost === undefined) return [];
    return [{
      id: randomUUID(),
      tenantId: e.tenantId,
      profileId: e.profileId,
      eventId: e.rowId,
      occurredAt: e.occurredAt.toISOString(),
      model,
      tokensIn: Math.trunc(tokensIn),
      tokensOut: Math.trunc(tokensOut),
      cost: cost.toFixed(6),
    }];
  });
  if (rows.length === 0) return;
  await sql.query(
    `INSERT INTO "CostRecord" ("id", "tenantId", "profileId", "eventId", "occurredAt", "model", "tokensIn", "tokensOut", "cost")
     SELECT c."id", c."tenantId", c."profileId", c."eventId", c."occurredAt", c."model", c."tokensIn", c."tokensOut", c."cost"
     FROM json_to_recordset($1::json) AS c("id" uuid, "tenantId" uuid, "profileId" uuid, "eventId" uuid, "occurredAt" timestamptz,
       "model" text, "tokensIn" int, "tokensOut" int, "cost" numeric(18, 6))`,
    [JSON.stringify(rows)],
  );
}

export async function applyEffects(
  sql: EffectsSql,
  inserted: StoredEvent[],
  now: Date,
  options: { heartbeatsApplied?: boolean } = {},
): Promise<void> {
  const ofType = (...types: string[]) => inserted.filter((e) => types.includes(e.type));
  if (!options.heartbeatsApplied) await applyHeartbeats(sql, ofType("health.heartbeat"), now);
  await applyUnitStates(sql, ofType("service.start", "service.stop"));
  await applyEvidence(sql, ofType("canary.evidence"), now);
  await applyCosts(sql, ofType("cost.usage"));
  await applyToolReports(sql, ofType("tool.allowed"));
  await applyRollbacksExecuted(sql, ofType("rollback.executed"));
}
