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

export async function appendAudit(tx: Tx, input: AuditInput): Promise<AppendedEntry> {
  const heads = await tx.$queryRaw<{ seq: number; hash: string }[]>`
    SELECT seq, hash FROM "AuditHead" WHERE id = 1 FOR UPDATE`;
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
  await tx.auditEntry.create({ data: { ...fields, data: fields.data as object, hash } });
  await tx.$executeRaw`UPDATE "AuditHead" SET seq = ${fields.seq}, hash = ${hash} WHERE id = 1`;
  return { seq: fields.seq, hash, time: fields.time };
}

export interface ReceiptInput {
  action: string;
  actor: AuditActor;
  scope: { type: "platform" | "tenant" | "profile" | "host" | "job" | "user"; id: string };
  tenantId?: string | null;
  profileId?: string | null;
  traceId?: string | null;
  request: unknown;
  result: unknown;
  /** Short, human-readable facts shown on /receipts (no secrets). */
  summary: Record<string, unknown>;
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
}

/** Append the audit entry for a mutation and store its receipt, in the caller's transaction. */
export async function writeReceipt(tx: Tx, input: ReceiptInput): Promise<ReceiptView> {
  const id = `rcpt_${randomBytes(12).toString("base64url")}`;
  const requestHash = canonicalHash(normalizeJson(input.request));
  const resultHash = canonicalHash(normalizeJson(input.result));
  const entry = await appendAudit(tx, {
    actor: input.actor,
    action: input.action,
    resource: `${input.scope.type}:${input.scope.id}`,
    tenantId: input.tenantId,
    profileId: input.profileId,
    requestHash,
    resultHash,
    traceId: input.traceId,
    data: { receipt: id, ...input.summary },
  });
  await tx.receipt.create({
    data: {
      id,
      action: input.action,
      actorType: input.actor.type,
      actorId: input.actor.id,
      scopeType: input.scope.type,
      scopeId: input.scope.id,
      tenantId: input.tenantId ?? null,
      time: entry.time,
      requestHash,
      resultHash,
      auditSeq: entry.seq,
      auditHash: entry.hash,
      summary: normalizeJson(input.summary) as object,
    },
  });
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
  };
}

/** Round-trip through JSON so what is hashed is exactly what the database stores. */
function normalizeJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null));
}
