import "server-only";
/**
 * One audit entry with every field, for /audit/[seq]: scoped like the list
 * (an entry outside the actor's scope reads exactly like one that does not
 * exist), plus two checks anyone can redo by hand: its stored hash is the
 * hash of its contents, and its prevHash is the previous entry's hash.
 */
import type { Actor } from "@/lib/authz";
import { db, type Db } from "@/lib/db";
import { hashAuditEntry, GENESIS_HASH, type AuditRecord } from "@/lib/domain/audit/chain";
import { Prisma } from "@/lib/generated/prisma/client";
import { auditScope } from "./scope";

export interface AuditEntryDetail extends AuditRecord {
  actorEmail: string | null;
  tenant: { slug: string; name: string } | null;
  profile: string | null;
  /** The receipt stored with this entry, when it recorded a mutation. */
  receiptId: string | null;
  checks: {
    /** The stored hash equals the SHA-256 of the entry's canonical contents. */
    hashMatches: boolean;
    recomputedHash: string;
    /** prevHash equals the hash of entry seq-1 (or the genesis hash for entry 1); null when seq-1 is missing. */
    linksToPrevious: boolean | null;
  };
}

/** An entry as the driver returns it (time may be text), with the names joined for display. */
type RawEntry = Omit<AuditRecord, "time"> & {
  time: Date | string;
  actorEmail: string | null;
  tenantSlug: string | null;
  tenantName: string | null;
  profileSlug: string | null;
  receiptId: string | null;
};

export async function getAuditEntry(actor: Actor, seq: number, options: { prisma?: Db } = {}): Promise<AuditEntryDetail | null> {
  if (!Number.isInteger(seq) || seq < 1 || seq > 2_147_483_647) return null;
  const prisma = options.prisma ?? (await db());
  const rows = await prisma.$queryRaw<RawEntry[]>(Prisma.sql`
    SELECT e.seq, e.time, e."actorType", e."actorId", e.action, e.resource, e."tenantId"::text AS "tenantId",
      e."profileId"::text AS "profileId", e.decision, e."requestHash", e."resultHash", e."traceId", e.data::text AS data,
      e."prevHash", e.hash, u.email AS "actorEmail", t.slug AS "tenantSlug", t.name AS "tenantName", p.slug AS "profileSlug",
      r.id AS "receiptId"
    FROM "AuditEntry" e
    LEFT JOIN "Tenant" t ON t.id = e."tenantId"
    LEFT JOIN "Profile" p ON p.id = e."profileId"
    LEFT JOIN "User" u ON e."actorType" = 'user' AND u.id::text = e."actorId"
    LEFT JOIN "Receipt" r ON r."auditSeq" = e.seq
    WHERE e.seq = ${seq} AND ${auditScope(actor, Prisma.sql`e."tenantId"`)}`);
  const row = rows[0];
  if (!row) return null;

  const record: AuditRecord = {
    seq: Number(row.seq),
    time: new Date(row.time),
    actorType: row.actorType,
    actorId: row.actorId,
    action: row.action,
    resource: row.resource,
    tenantId: row.tenantId,
    profileId: row.profileId,
    decision: row.decision,
    requestHash: row.requestHash,
    resultHash: row.resultHash,
    traceId: row.traceId,
    data: typeof row.data === "string" ? (JSON.parse(row.data) as unknown) : row.data,
    prevHash: row.prevHash,
    hash: row.hash,
  };
  const recomputedHash = hashAuditEntry(record);
  // Only a boolean about the previous entry is revealed, never its contents (it may be out of scope).
  let linksToPrevious: boolean | null = record.prevHash === GENESIS_HASH && record.seq === 1;
  if (record.seq > 1) {
    const previous = await prisma.$queryRaw<{ hash: string }[]>(Prisma.sql`SELECT hash FROM "AuditEntry" WHERE seq = ${record.seq - 1}`);
    linksToPrevious = previous[0] ? previous[0].hash === record.prevHash : null;
  }
  return {
    ...record,
    actorEmail: row.actorEmail,
    tenant: row.tenantSlug && row.tenantName ? { slug: row.tenantSlug, name: row.tenantName } : null,
    profile: row.profileSlug,
    receiptId: row.receiptId,
    checks: { hashMatches: recomputedHash === record.hash, recomputedHash, linksToPrevious },
  };
}
