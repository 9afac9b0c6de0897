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
import type { Tx } from "@/lib/db";
import { batchHash, ingestContentTypeProblem, parseIngestBody, redactEvent, type IngestEventInput } from "@/lib/domain/ingest";
import { writeReceipt, type ReceiptView } from "@/lib/server/audit";
import type { HostRouteContext } from "@/lib/server/host-auth";
import { applyEffects, type StoredEvent } from "@/lib/server/ingest/effects";
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
  const profiles = await ctx.database.sql.query<{ id: string; slug: string; tenantId: string }>(
    `SELECT p."id", p."slug", p."tenantId" FROM "Profile" p
     JOIN "HostProfile" hp ON hp."profileId" = p."id" AND hp."hostId" = $1
     WHERE p."slug" = ANY($2::text[])`,
    [ctx.host.id, slugs],
  );
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
  const result = await ctx.database.prisma.$transaction(
    async (tx) => storeBatch(tx, ctx, events, bySlug, hash),
    { timeout: 30_000, maxWait: 10_000 },
  );
  return Response.json(result, { status: 202, headers: { "Cache-Control": "no-store" } });
}

async function storeBatch(
  tx: Tx,
  ctx: HostRouteContext,
  events: IngestEventInput[],
  bySlug: Map<string, { id: string; tenantId: string }>,
  hash: string,
): Promise<IngestResult> {
  const batchId = `batch_${randomBytes(12).toString("base64url")}`;
  await tx.ingestBatch.create({
    data: { id: batchId, hostId: ctx.host.id, keyId: ctx.keyId, batchHash: hash, accepted: 0, duplicates: 0, receiptId: "" },
  });

  const prepared = events.map((e) => {
    const profile = bySlug.get(e.profile)!;
    const { event, redactions } = redactEvent(e);
    return { input: event, profile, attributes: event.attributes, summary: redactions };
  });
  const params: unknown[] = [];
  const tuples = prepared.map((p) => {
    const base = params.length;
    params.push(
      randomUUID(),
      ctx.host.id,
      p.input.id,
      batchId,
      p.profile.tenantId,
      p.profile.id,
      p.input.type,
      new Date(p.input.occurredAt).toISOString(),
      p.input.traceId ?? null,
      JSON.stringify(p.attributes),
      p.summary ? JSON.stringify(p.summary) : null,
    );
    const n = (i: number) => `$${base + i}`;
    return `(${n(1)}::uuid, ${n(2)}, ${n(3)}, ${n(4)}, ${n(5)}::uuid, ${n(6)}::uuid, ${n(7)}, ${n(8)}::timestamptz, ${n(9)}, ${n(10)}::jsonb, ${n(11)}::jsonb)`;
  });
  const insertedRows = await tx.$queryRawUnsafe<{ id: string; eventId: string }[]>(
    `INSERT INTO "IngestEvent" ("id", "hostId", "eventId", "batchId", "tenantId", "profileId", "type", "occurredAt", "traceId", "attributes", "redactions")
     VALUES ${tuples.join(", ")}
     ON CONFLICT ("hostId", "eventId") DO NOTHING
     RETURNING "id"::text AS "id", "eventId"`,
    ...params,
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
  await applyEffects(tx, inserted, ctx.now);

  const accepted = inserted.length;
  const duplicates = events.length - accepted;
  const redactedEvents = prepared.filter((p) => p.summary && p.summary.count > 0).length;
  const tenantIds = [...new Set(prepared.map((p) => p.profile.tenantId))];
  const receipt = await writeReceipt(tx, {
    action: "ingest.batch",
    actor: { type: "host", id: ctx.host.id },
    scope: { type: "host", id: ctx.host.id },
    tenantId: tenantIds.length === 1 ? tenantIds[0] : null,
    request: { batchHash: hash, keyId: ctx.keyId, events: events.length },
    result: { batch: batchId, accepted, duplicates },
    summary: { batch: batchId, batchHash: hash, keyId: ctx.keyId, events: events.length, accepted, duplicates, redactedEvents },
  });
  await tx.ingestBatch.update({ where: { id: batchId }, data: { receiptId: receipt.id, accepted, duplicates } });
  return { accepted, duplicates, batch: batchId, receipt };
}
