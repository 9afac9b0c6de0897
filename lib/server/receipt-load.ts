import "server-only";
/**
 * Everything /receipts/<id> shows, in one read: the receipt, the audit entry
 * that records it, the checkpoint that seals it (the first signed checkpoint
 * whose size covers the entry's seq) with an RFC 9162 inclusion proof against
 * it, and the platform public key, so the browser can verify all of it.
 *
 * Who may read a receipt: its own actor (as /receipts lists), and whoever may
 * read its audit entry (audit.read in the entry's tenant; platform entries
 * only platform admins). Anyone else gets null, exactly as for an unknown id.
 */
import { scopeFor, type Actor } from "@/lib/authz";
import { scopedSql } from "@/lib/authz/where";
import { db, type Db } from "@/lib/db";
import { MerkleTree } from "@/lib/domain/merkle";
import type { ReceiptEvidence } from "@/lib/domain/receipt-verify";
import { CHECKPOINT_FORMAT } from "@/lib/domain/checkpoint";
import { Prisma } from "@/lib/generated/prisma/client";
import { prismaQuery } from "@/lib/sql";
import { leafHashesUpTo } from "./checkpoints";
import { getPlatformKey } from "./platform-key";

const RECEIPT_ID = /^rcpt_[A-Za-z0-9_-]{4,64}$/;

export interface ReceiptSealView {
  checkpoint: NonNullable<ReceiptEvidence["seal"]>["checkpoint"];
  leafIndex: number;
  treeSize: number;
  proof: string[];
}

export interface ReceiptPage {
  receipt: {
    id: string;
    action: string;
    actor: string;
    actorEmail: string | null;
    scope: string;
    tenant: string | null;
    time: Date;
    requestHash: string;
    resultHash: string;
    auditSeq: number;
    auditHash: string;
    tokenId: string | null;
    summary: Record<string, unknown>;
  };
  entry: ReceiptEvidence["entry"] & { profile: string | null };
  /** The actor may open /audit/<seq> (audit.read over the entry). */
  mayOpenEntry: boolean;
  /** Null while no checkpoint covers the entry. */
  seal: ReceiptSealView | null;
  /** What the browser's Verify checks (the same data as above). */
  evidence: ReceiptEvidence;
}

interface Row {
  id: string;
  action: string;
  actorType: string;
  actorId: string;
  actorEmail: string | null;
  scopeType: string;
  scopeId: string;
  rTime: Date | string;
  requestHash: string;
  resultHash: string;
  auditSeq: number;
  auditHash: string;
  tokenId: string | null;
  summary: unknown;
  seq: number;
  time: Date | string;
  eActorType: string;
  eActorId: string;
  eAction: string;
  resource: string;
  tenantId: string | null;
  profileId: string | null;
  decision: string | null;
  eRequestHash: string | null;
  eResultHash: string | null;
  traceId: string | null;
  data: string;
  prevHash: string;
  hash: string;
  tenantSlug: string | null;
  profileSlug: string | null;
  mayAudit: boolean;
}

interface CheckpointRow {
  seq: number;
  headHash: string;
  treeRoot: string;
  time: Date | string;
  keyId: string;
  signature: string;
}

const iso = (t: Date | string) => (t instanceof Date ? t : new Date(t)).toISOString();

export async function loadReceipt(actor: Actor, id: string, options: { prisma?: Db } = {}): Promise<ReceiptPage | null> {
  if (!RECEIPT_ID.test(id)) return null;
  const prisma = options.prisma ?? (await db());
  const own = [actor.userId, ...(actor.identityIds ?? [])];
  const auditScope = scopedSql(scopeFor(actor, "audit.read"), Prisma.sql`e."tenantId"`);
  const rows = await prisma.$queryRaw<Row[]>(Prisma.sql`
    SELECT r.id, r.action, r."actorType", r."actorId", u.email AS "actorEmail", r."scopeType", r."scopeId", r.time AS "rTime",
      r."requestHash", r."resultHash", r."auditSeq", r."auditHash", r."tokenId", r.summary,
      e.seq, e.time, e."actorType" AS "eActorType", e."actorId" AS "eActorId", e.action AS "eAction", e.resource,
      e."tenantId"::text AS "tenantId", e."profileId"::text AS "profileId", e.decision, e."requestHash" AS "eRequestHash",
      e."resultHash" AS "eResultHash", e."traceId", e.data::text AS data, e."prevHash", e.hash,
      t.slug AS "tenantSlug", p.slug AS "profileSlug", (${auditScope}) AS "mayAudit"
    FROM "Receipt" r
    JOIN "AuditEntry" e ON e.seq = r."auditSeq"
    LEFT JOIN "Tenant" t ON t.id = e."tenantId"
    LEFT JOIN "Profile" p ON p.id = e."profileId"
    LEFT JOIN "User" u ON r."actorType" = 'user' AND u.id::text = r."actorId"
    WHERE r.id = ${id}
      AND ((r."actorType" = 'user' AND r."actorId" = ANY(${own}::text[])) OR ${auditScope})`);
  const row = rows[0];
  if (!row) return null;
  const seq = Number(row.seq);

  const entry: ReceiptPage["entry"] = {
    seq,
    time: iso(row.time),
    actorType: row.eActorType,
    actorId: row.eActorId,
    action: row.eAction,
    resource: row.resource,
    tenantId: row.tenantId,
    profileId: row.profileId,
    decision: row.decision,
    requestHash: row.eRequestHash,
    resultHash: row.eResultHash,
    traceId: row.traceId,
    data: JSON.parse(row.data) as unknown,
    prevHash: row.prevHash,
    hash: row.hash,
    profile: row.profileSlug,
  };
  const receipt: ReceiptPage["receipt"] = {
    id: row.id,
    action: row.action,
    actor: `${row.actorType}:${row.actorId}`,
    actorEmail: row.actorEmail,
    scope: `${row.scopeType}:${row.scopeId}`,
    tenant: row.tenantSlug,
    time: new Date(iso(row.rTime)),
    requestHash: row.requestHash,
    resultHash: row.resultHash,
    auditSeq: Number(row.auditSeq),
    auditHash: row.auditHash,
    tokenId: row.tokenId,
    summary: row.summary && typeof row.summary === "object" && !Array.isArray(row.summary) ? (row.summary as Record<string, unknown>) : {},
  };
  const [seal, key] = await Promise.all([sealFor(prisma, seq), getPlatformKey()]);
  const { profile: _profile, ...hashed } = entry;
  return {
    receipt,
    entry,
    mayOpenEntry: Boolean(row.mayAudit),
    seal,
    evidence: {
      receipt: { id: receipt.id, auditSeq: receipt.auditSeq, auditHash: receipt.auditHash, requestHash: receipt.requestHash, resultHash: receipt.resultHash },
      entry: hashed,
      seal,
      platformKey: { keyId: key.keyId, publicKey: key.publicKeyBase64 },
    },
  };
}

/** The first checkpoint whose size covers entry `seq`, with the entry's inclusion proof against its tree; null when none does yet. */
export async function sealFor(prisma: Db, seq: number): Promise<ReceiptSealView | null> {
  const rows = await prisma.$queryRaw<CheckpointRow[]>(Prisma.sql`
    SELECT seq, "headHash", "treeRoot", time, "keyId", signature FROM "AuditCheckpoint"
    WHERE seq >= ${seq} ORDER BY seq, id LIMIT 1`);
  const cp = rows[0];
  if (!cp) return null;
  const treeSize = Number(cp.seq);
  // Only entry hashes (never contents) of the other entries go into the proof.
  const tree = MerkleTree.fromAuditHashes(await leafHashesUpTo(prismaQuery(prisma), treeSize));
  return {
    checkpoint: { format: CHECKPOINT_FORMAT, seq: treeSize, headHash: cp.headHash, treeRoot: cp.treeRoot, time: iso(cp.time), keyId: cp.keyId, signature: cp.signature },
    leafIndex: seq - 1,
    treeSize,
    proof: tree.inclusionProof(seq - 1, treeSize),
  };
}

/** A receipt whose audit leaf is not sealed into the chain yet: what /receipts/<id> shows until it is. */
export interface PendingReceiptPage {
  id: string;
  action: string;
  actor: string;
  scope: string;
  time: Date;
  requestHash: string;
  resultHash: string;
  leafId: string;
  leafHash: string;
}

/** The same reader rule as loadReceipt (own receipts, or audit.read in the receipt's tenant), for a receipt pending seal. */
export async function loadPendingReceipt(actor: Actor, id: string, options: { prisma?: Db } = {}): Promise<PendingReceiptPage | null> {
  if (!RECEIPT_ID.test(id)) return null;
  const prisma = options.prisma ?? (await db());
  const own = [actor.userId, ...(actor.identityIds ?? [])];
  const auditScope = scopedSql(scopeFor(actor, "audit.read"), Prisma.sql`r."tenantId"`);
  const rows = await prisma.$queryRaw<Array<Omit<PendingReceiptPage, "actor" | "scope" | "time"> & { actorType: string; actorId: string; scopeType: string; scopeId: string; time: Date | string }>>(Prisma.sql`
    SELECT r.id, r.action, r."actorType", r."actorId", r."scopeType", r."scopeId", r.time, r."requestHash", r."resultHash", r."leafId", r."leafHash"
    FROM "Receipt" r
    WHERE r.id = ${id} AND r."auditSeq" IS NULL AND r."leafId" IS NOT NULL
      AND ((r."actorType" = 'user' AND r."actorId" = ANY(${own}::text[])) OR ${auditScope})`);
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    action: row.action,
    actor: `${row.actorType}:${row.actorId}`,
    scope: `${row.scopeType}:${row.scopeId}`,
    time: new Date(iso(row.time)),
    requestHash: row.requestHash,
    resultHash: row.resultHash,
    leafId: row.leafId,
    leafHash: row.leafHash,
  };
}
