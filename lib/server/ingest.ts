import "server-only";
/**
 * POST /api/v1/ingest behind hostRoute (signature, nonce, rate already
 * checked): Content-Type, parse + validate (lib/domain/ingest, all or
 * nothing), every profile bound to the host, then ONE transaction: the
 * batch, its events (idempotent per host and event id), their effects, and
 * one receipt + audit entry. 202 only after that commit.
 *
 * An all-duplicate batch (a host redelivering after a lost answer) is still
 * recorded: a batch row and a receipt with accepted 0, so every 202 carries
 * a receipt the host can keep; nothing else changes.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { batchHash, ingestContentTypeProblem, parseIngestBody, redactEvent, type IngestEventInput } from "@/lib/domain/ingest";
import { writeReceipt, type ReceiptView } from "@/lib/server/audit";
import type { HostRouteContext } from "@/lib/server/host-auth";
import { applyEffects, heartbeatCandidates, heartbeatCte, type EffectsSql, type StoredEvent } from "@/lib/server/ingest/effects";
import { problemResponse, problemType } from "@/lib/server/problem";

export const INGEST_MAX_BODY_BYTES = 1024 * 1024;

export interface IngestResult {
  accepted: number;
  duplicates: number;
  batch: string;
  receipt: ReceiptView;
}

export async function handleIngest(ctx: HostRouteContext): Promise<Response> {
  const mediaType = ingestContentTypeProblem(ctx.request.headers.get("content-type"));
  if (mediaType) return problemResponse(mediaType.status, mediaType.problem);
  const parsed = parseIngestBody(ctx.body, { now: ctx.now });
  if (!parsed.ok) return problemResponse(parsed.status, parsed.problem);
  const events = parsed.batch.events;
  const slugs = [...new Set(events.map((e) => e.profile))];
  // The host's bound profiles were read by hostRoute with its key (one query).
  const profiles = ctx.host.profiles;
  const bySlug = new Map(profiles.map((p) => [p.slug, p]));
  const unbound = slugs.filter((slug) => !bySlug.has(slug));
  if (unbound.length > 0) {
    return problemResponse(403, {
      type: problemType("profile-not-bound"),
      title: "Profile not bound to this host",
      detail: `this host is not bound to: ${unbound.join(", ")}`,
      profiles: unbound,
    });
  }

  const hash = batchHash(parsed.batch);
  // Raw SQL on one connection (no ORM work per statement): the same pool / PGlite as Prisma.
  const result = await ctx.database.sql.transaction(async (sql) => storeBatch(sql, ctx, events, bySlug, hash));
  return Response.json(result, { status: 202, headers: { "Cache-Control": "no-store" } });
}

async function storeBatch(
  sql: EffectsSql,
  ctx: HostRouteContext,
  events: IngestEventInput[],
  bySlug: Map<string, { id: string; tenantId: string }>,
  hash: string,
): Promise<IngestResult> {
  const batchId = `batch_${randomBytes(12).toString("base64url")}`;
  const receiptId = `rcpt_${randomBytes(12).toString("base64url")}`;

  const prepared = events.map((e) => {
    const profile = bySlug.get(e.profile)!;
    const { event, redactions } = redactEvent(e);
    return { input: event, profile, attributes: event.attributes, summary: redactions };
  });
  // The events travel as ONE json parameter (no per-value parameter handling),
  // unpacked by json_to_recordset; the batch row comes with its final counts
  // and receipt id in the same statement (foreign keys are checked at its end).
  const rows = prepared.map((p) => ({
    id: randomUUID(),
    eventId: p.input.id,
    tenantId: p.profile.tenantId,
    profileId: p.profile.id,
    type: p.input.type,
    occurredAt: new Date(p.input.occurredAt).toISOString(),
    traceId: p.input.traceId ?? null,
    attributes: p.attributes,
    redactions: p.summary,
  }));
  // Heartbeats ride along in the same statement when each reports its interval.
  const beats = heartbeatCandidates(
    prepared.map((p) => ({ eventId: p.input.id, type: p.input.type, profileId: p.profile.id, occurredAt: new Date(p.input.occurredAt), attributes: p.attributes })),
    ctx.now,
  );
  const withBeats = beats !== null && beats.length > 0;
  const insertedRows = await sql.query<{ id: string; eventId: string }>(
    `WITH inserted AS (
       INSERT INTO "IngestEvent" ("id", "hostId", "eventId", "batchId", "tenantId", "profileId", "type", "occurredAt", "traceId", "attributes", "redactions")
       SELECT e."id", $2, e."eventId", $1, e."tenantId", e."profileId", e."type", e."occurredAt", e."traceId", e."attributes", e."redactions"
       FROM json_to_recordset($6::json) AS e("id" uuid, "eventId" text, "tenantId" uuid, "profileId" uuid, "type" text,
         "occurredAt" timestamptz, "traceId" text, "attributes" jsonb, "redactions" jsonb)
       ON CONFLICT ("hostId", "eventId") DO NOTHING
       RETURNING "id", "eventId"
     ), batch AS (
       INSERT INTO "IngestBatch" ("id", "hostId", "keyId", "batchHash", "accepted", "duplicates", "receiptId")
       SELECT $1, $2, $3, $4, count(*)::int, $7::int - count(*)::int, $5 FROM inserted
     )${withBeats ? `, ${heartbeatCte(8, 9)}` : ""}
     SELECT "id"::text AS "id", "eventId" FROM inserted`,
    [
      batchId, ctx.host.id, ctx.keyId, hash, receiptId, JSON.stringify(rows), prepared.length,
      ...(withBeats ? [JSON.stringify(beats), new Date().toISOString()] : []),
    ],
  );
  const rowIds = new Map(insertedRows.map((r) => [r.eventId, r.id]));
  const inserted: StoredEvent[] = [];
  const taken = new Set<string>();
  for (const p of prepared) {
    const rowId = rowIds.get(p.input.id);
    if (!rowId || taken.has(p.input.id)) continue; // duplicate (earlier batch or earlier in this one)
    taken.add(p.input.id);
    inserted.push({
      rowId,
      eventId: p.input.id,
      type: p.input.type,
      profileId: p.profile.id,
      tenantId: p.profile.tenantId,
      occurredAt: new Date(p.input.occurredAt),
      attributes: p.attributes,
    });
  }
  await applyEffects(sql, inserted, ctx.now, { heartbeatsApplied: beats !== null });

  const accepted = inserted.length;
  const duplicates = events.length - accepted;
  const redactedEvents = prepared.filter((p) => p.summary && p.summary.count > 0).length;
  const tenantIds = [...new Set(prepared.map((p) => p.profile.tenantId))];
  // Last, right before the commit: the audit head lock is held only for the append.
  const receipt = await writeReceipt(sql, {
    id: receiptId,
    action: "ingest.batch",
    actor: { type: "host", id: ctx.host.id },
    scope: { type: "host", id: ctx.host.id },
    tenantId: tenantIds.length === 1 ? tenantIds[0] : null,
    request: { batchHash: hash, keyId: ctx.keyId, events: events.length },
    result: { batch: batchId, accepted, duplicates },
    summary: { batch: batchId, batchHash: hash, keyId: ctx.keyId, events: events.length, accepted, duplicates, redactedEvents },
  });
  return { accepted, duplicates, batch: batchId, receipt };
}
