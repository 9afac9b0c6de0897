import "server-only";
/**
 * The one module that appends to the audit log. An append writes an audit
 * *leaf* (its own id, its content, the content's hash) in the caller's
 * transaction, taking no global lock: it commits or rolls back with the change
 * it records, and concurrent writers never queue on each other. The sequencer
 * (./audit-sequencer.ts) then integrates committed leaves into the hash chain
 * in batches, giving each its gapless sequence number.
 */
import { randomBytes } from "node:crypto";
import { hashAuditLeaf, type LeafFields } from "@/lib/domain/audit/chain";
import { canonicalHash } from "@/lib/domain/hash";
import { afterCommitOnce, queryOn, type Database, type SqlTarget } from "@/lib/db";
import { env } from "@/lib/env";
import { auditSequencer } from "./audit-sequencer";

/** Where an append runs: a Prisma transaction, or a raw-SQL transaction (RawSql.transaction). */
type AuditTarget = SqlTarget;

const run = queryOn;

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

/**
 * What an append returns at once: the leaf's id and hash. `seq` and `hash`
 * (the entry's place and hash in the chain) are null inside the transaction
 * and filled in after it commits, once the sequencer has integrated the leaf;
 * they stay null when the seal wait ran out (the leaf is then "pending seal").
 */
export interface AppendedEntry {
  leafId: string;
  leafHash: string;
  time: Date;
  seq: number | null;
  hash: string | null;
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
 * ONE statement, no lock: insert the leaf and (for writeReceipt) the receipt.
 * After the caller's transaction commits, its after-commit hook waits (at most
 * CELLGATE_AUDIT_SEAL_WAIT_MS) for the sequencer to integrate the leaf and
 * fills in the handle's `seq` and `hash` (and the receipt view's), so by the
 * time the transaction call returns they are normally known.
 */
async function appendEntry(tx: AuditTarget, input: AuditInput, receipt?: ReceiptRow, view?: ReceiptView): Promise<AppendedEntry> {
  const leaf: LeafFields = {
    id: `leaf_${randomBytes(12).toString("base64url")}`,
    time: new Date().toISOString(),
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
  };
  const leafHash = hashAuditLeaf(leaf);
  const params: unknown[] = [
    leaf.id, leaf.time, leaf.actorType, leaf.actorId, leaf.action, leaf.resource,
    leaf.tenantId, leaf.profileId, leaf.decision, leaf.requestHash, leaf.resultHash, leaf.traceId,
    JSON.stringify(leaf.data), leafHash,
  ];
  let receiptCte = "";
  if (receipt) {
    params.push(
      receipt.id, receipt.action, receipt.actorType, receipt.actorId, receipt.scopeType, receipt.scopeId,
      receipt.tenantId, receipt.requestHash, receipt.resultHash, JSON.stringify(receipt.summary), receipt.tokenId,
    );
    receiptCte = `WITH receipt AS (
      INSERT INTO "Receipt" ("id", "action", "actorType", "actorId", "scopeType", "scopeId", "tenantId", "time",
        "requestHash", "resultHash", "leafId", "leafHash", "summary", "tokenId")
      VALUES ($15, $16, $17, $18, $19, $20, $21::uuid, $2::timestamptz, $22, $23, $1, $14, $24::jsonb, $25))
    `;
  }
  await run(
    tx,
    `${receiptCte}INSERT INTO "AuditLeaf" ("id", "time", "actorType", "actorId", "action", "resource", "tenantId", "profileId",
        "decision", "requestHash", "resultHash", "traceId", "data", "leafHash")
      VALUES ($1, $2::timestamptz, $3, $4, $5, $6, $7::uuid, $8::uuid, $9, $10, $11, $12, $13::jsonb, $14)`,
    params,
  );
  const entry: AppendedEntry = { leafId: leaf.id, leafHash, time: new Date(leaf.time as string), seq: null, hash: null };
  afterCommitOnce(SEAL_AFTER_COMMIT, (): Appended[] => [], sealAfterCommit)?.push({ entry, view });
  return entry;
}

interface Appended {
  entry: AppendedEntry;
  view?: ReceiptView;
}

const SEAL_AFTER_COMMIT = Symbol("cellgate.audit.seal-after-commit");

/** After a transaction that appended commits: wait (bounded) for its leaves' seal and fill in their handles. */
async function sealAfterCommit(appended: Appended[], database: Database): Promise<void> {
  const waitMs = sealWaitMs();
  if (waitMs === 0 || appended.length === 0) return; // answer at once: the background tick seals them
  const sealed = await auditSequencer(database.sql).sealed(appended.map((a) => a.entry.leafId), waitMs);
  for (const { entry, view } of appended) {
    const s = sealed.get(entry.leafId);
    if (!s) continue;
    entry.seq = s.seq;
    entry.hash = s.hash;
    if (view) {
      view.auditSeq = s.seq;
      view.auditHash = s.hash;
    }
  }
}

function sealWaitMs(): number {
  try {
    return env().CELLGATE_AUDIT_SEAL_WAIT_MS;
  } catch {
    return 2_000;
  }
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
  /** The entry's sequence number and hash: null while the leaf is pending seal (see AppendedEntry). */
  auditSeq: number | null;
  auditHash: string | null;
  /** The audit leaf written with the receipt, known at once. */
  leafId: string;
  leafHash: string;
  /** The API token used, if any. */
  tokenId: string | null;
}

/**
 * Append the audit entry for a mutation and store its receipt, in the caller's
 * transaction: a Prisma one, or a raw-SQL one (`database.sql.transaction`).
 */
export async function writeReceipt(tx: SqlTarget, input: ReceiptInput): Promise<ReceiptView> {
  const id = input.id ?? `rcpt_${randomBytes(12).toString("base64url")}`;
  const requestHash = canonicalHash(normalizeJson(input.request));
  const resultHash = canonicalHash(normalizeJson(input.result));
  const view: ReceiptView = {
    id,
    action: input.action,
    actor: `${input.actor.type}:${input.actor.id}`,
    scope: `${input.scope.type}:${input.scope.id}`,
    time: "",
    requestHash,
    resultHash,
    auditSeq: null,
    auditHash: null,
    leafId: "",
    leafHash: "",
    tokenId: input.tokenId ?? null,
  };
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
    view,
  );
  view.time = entry.time.toISOString();
  view.leafId = entry.leafId;
  view.leafHash = entry.leafHash;
  return view;
}

/** Round-trip through JSON so what is hashed is exactly what the database stores. */
function normalizeJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null));
}
