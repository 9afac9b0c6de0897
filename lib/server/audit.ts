import "server-only";
/**
 * The one module that appends to the audit log. Appends take the chain head
 * row FOR UPDATE inside the caller's transaction, so concurrent writers in any
 * number of processes queue up: sequence numbers stay gapless and the chain
 * never forks. The entry commits or rolls back with the change it records.
 */
import { randomBytes } from "node:crypto";
import { hashAuditEntry, type AuditFields } from "@/lib/domain/audit/chain";
import { canonicalHash } from "@/lib/domain/hash";
import type { Tx } from "@/lib/db";
import type { RawSql } from "@/lib/sql";

/** Where an append runs: a Prisma transaction, or a raw-SQL transaction (RawSql.transaction). */
type AuditTarget = Tx | Pick<RawSql, "query">;

function run<T>(target: AuditTarget, text: string, params: unknown[]): Promise<T[]> {
  if ("$queryRawUnsafe" in target) return (target as Tx).$queryRawUnsafe<T[]>(text, ...params);
  return (target as Pick<RawSql, "query">).query<T>(text, params);
}

export type ActorType = "user" | "host" | "cli" | "system";

export interface AuditActor {
  type: ActorType;
  id: string;
}

export interface AuditInput {
  actor: AuditActor;
  action: string;
  resource: string;
  tenantId?: string | null;
  profileId?: string | null;
  decision?: string | null;
  requestHash?: string | null;
  resultHash?: string | null;
  traceId?: string | null;
  /** Already redacted: never put secrets here. */
  data?: unknown;
}

export interface AppendedEntry {
  seq: number;
  hash: string;
  time: Date;
}

/** The receipt row stored by the same statement as its audit entry. */
interface ReceiptRow {
  id: string;
  action: string;
  actorType: string;
  actorId: string;
  scopeType: string;
  scopeId: string;
  tenantId: string | null;
  requestHash: string;
  resultHash: string;
  summary: unknown;
  tokenId: string | null;
}

/**
 * Lock the head, then ONE statement: insert the entry, advance the head and
 * (for writeReceipt) insert the receipt. Two round trips under the head lock,
 * which the caller's commit releases.
 */
async function appendEntry(tx: AuditTarget, input: AuditInput, receipt?: ReceiptRow): Promise<AppendedEntry> {
  const heads = await run<{ seq: number; hash: string }>(tx, `SELECT seq, hash FROM "AuditHead" WHERE id = 1 FOR UPDATE`, []);
  const head = heads[0];
  if (!head) throw new Error("audit head row is missing: migrations not applied?");

  const fields: AuditFields = {
    seq: head.seq + 1,
    time: new Date(),
    actorType: input.actor.type,
    actorId: input.actor.id,
    action: input.action,
    resource: input.resource,
    tenantId: input.tenantId ?? null,
    profileId: input.profileId ?? null,
    decision: input.decision ?? null,
    requestHash: input.requestHash ?? null,
    resultHash: input.resultHash ?? null,
    traceId: input.traceId ?? null,
    data: normalizeJson(input.data ?? {}),
    prevHash: head.hash,
  };
  const hash = hashAuditEntry(fields);
  const params: unknown[] = [
    fields.seq, fields.time.toISOString(), fields.actorType, fields.actorId, fields.action, fields.resource,
    fields.tenantId, fields.profileId, fields.decision, fields.requestHash, fields.resultHash, fields.traceId,
    JSON.stringify(fields.data), fields.prevHash, hash,
  ];
  let receiptCte = "";
  if (receipt) {
    params.push(
      receipt.id, receipt.action, receipt.actorType, receipt.actorId, receipt.scopeType, receipt.scopeId,
      receipt.tenantId, receipt.requestHash, receipt.resultHash, JSON.stringify(receipt.summary), receipt.tokenId,
    );
    receiptCte = `, receipt AS (
      INSERT INTO "Receipt" ("id", "action", "actorType", "actorId", "scopeType", "scopeId", "tenantId", "time",
        "requestHash", "resultHash", "auditSeq", "auditHash", "summary", "tokenId")
      VALUES ($16, $17, $18, $19, $20, $21, $22::uuid, $2::timestamptz, $23, $24, $1::int, $15, $25::jsonb, $26))`;
  }
  await run(
    tx,
    `WITH entry AS (
      INSERT INTO "AuditEntry" ("seq", "time", "actorType", "actorId", "action", "resource", "tenantId", "profileId",
        "decision", "requestHash", "resultHash", "traceId", "data", "prevHash", "hash")
      VALUES ($1::int, $2::timestamptz, $3, $4, $5, $6, $7::uuid, $8::uuid, $9, $10, $11, $12, $13::jsonb, $14, $15)
    )${receiptCte}
    UPDATE "AuditHead" SET seq = $1::int, hash = $15 WHERE id = 1`,
    params,
  );
  return { seq: fields.seq, hash, time: fields.time };
}

export async function appendAudit(tx: AuditTarget, input: AuditInput): Promise<AppendedEntry> {
  return appendEntry(tx, input);
}

export interface ReceiptInput {
  action: string;
  actor: AuditActor;
  scope: { type: "platform" | "tenant" | "profile" | "host" | "job" | "user"; id: string };
  tenantId?: string | null;
  profileId?: string | null;
  traceId?: string | null;
  /** The policy decision or vote the entry records (ALLOW, DENY, approve, …), when there is one. */
  decision?: string | null;
  request: unknown;
  result: unknown;
  /** Short, human-readable facts shown on /receipts (no secrets). */
  summary: Record<string, unknown>;
  /** The receipt id when the caller must know it before the receipt is written (default: a fresh `rcpt_…`). */
  id?: string;
  /** The API token the actor used, when the change came through one (the CLI): named in the receipt and its entry. */
  tokenId?: string | null;
}

export interface ReceiptView {
  id: string;
  action: string;
  actor: string;
  scope: string;
  time: string;
  requestHash: string;
  resultHash: string;
  auditSeq: number;
  auditHash: string;
  /** The API token used, if any. */
  tokenId: string | null;
}

/**
 * Append the audit entry for a mutation and store its receipt, in the caller's
 * transaction: a Prisma one, or a raw-SQL one (`database.sql.transaction`).
 */
export async function writeReceipt(tx: Tx | Pick<RawSql, "query">, input: ReceiptInput): Promise<ReceiptView> {
  const id = input.id ?? `rcpt_${randomBytes(12).toString("base64url")}`;
  const requestHash = canonicalHash(normalizeJson(input.request));
  const resultHash = canonicalHash(normalizeJson(input.result));
  const entry = await appendEntry(
    tx,
    {
      actor: input.actor,
      action: input.action,
      resource: `${input.scope.type}:${input.scope.id}`,
      tenantId: input.tenantId,
      profileId: input.profileId,
      decision: input.decision,
      requestHash,
      resultHash,
      traceId: input.traceId,
      data: { receipt: id, ...(input.tokenId ? { token: input.tokenId } : {}), ...input.summary },
    },
    {
      id,
      action: input.action,
      actorType: input.actor.type,
      actorId: input.actor.id,
      scopeType: input.scope.type,
      scopeId: input.scope.id,
      tenantId: input.tenantId ?? null,
      requestHash,
      resultHash,
      summary: normalizeJson(input.summary),
      tokenId: input.tokenId ?? null,
    },
  );
  return {
    id,
    action: input.action,
    actor: `${input.actor.type}:${input.actor.id}`,
    scope: `${input.scope.type}:${input.scope.id}`,
    time: entry.time.toISOString(),
    requestHash,
    resultHash,
    auditSeq: entry.seq,
    auditHash: entry.hash,
    tokenId: input.tokenId ?? null,
  };
}

/** Round-trip through JSON so what is hashed is exactly what the database stores. */
function normalizeJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null));
}
