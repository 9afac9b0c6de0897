import "server-only";
/**
 * Verifies the whole audit chain from the database: entries streamed in
 * pages ordered by seq through verifyChainSegment, then the AuditHead row is
 * compared with the last entry, so a removed tail (truncation) is caught too.
 * Reports the first fault only: every later hash depends on it.
 */
import { GENESIS, verifyChainSegment, describeFault, type AuditRecord, type ChainCursor } from "@/lib/domain/audit/chain";
import type { RawSql } from "@/lib/sql";

export type AuditVerification =
  | { ok: true; entries: number; head: ChainCursor }
  | { ok: false; entries: number; seq: number; reason: string };

/** A row as the driver returns it: timestamps may arrive as strings, JSON as text. */
type Row = Omit<AuditRecord, "time" | "data"> & { time: Date | string; data: unknown };

/** Entries with seq > `after`, in order, as the chain hashes them. */
export async function auditEntriesAfter(sql: Pick<RawSql, "query">, after: number, limit: number): Promise<AuditRecord[]> {
  const rows = await sql.query<Row>(
    `SELECT seq, time, "actorType", "actorId", action, resource, "tenantId"::text AS "tenantId",
            "profileId"::text AS "profileId", decision, "requestHash", "resultHash", "traceId",
            data, "prevHash", hash
       FROM "AuditEntry" WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [after, limit],
  );
  return rows.map((r) => ({
    ...r,
    seq: Number(r.seq),
    time: r.time instanceof Date ? r.time : new Date(r.time),
    data: typeof r.data === "string" ? (JSON.parse(r.data) as unknown) : r.data,
  }));
}

/**
 * Verify from `from` (default: genesis; a cursor the caller already
 * verified, to check only what was appended since) to the chain head.
 */
export async function verifyAuditLog(
  sql: Pick<RawSql, "query">,
  options: { pageSize?: number; from?: ChainCursor } = {},
): Promise<AuditVerification> {
  const pageSize = options.pageSize ?? 5_000;
  let cursor: ChainCursor = options.from ?? GENESIS;
  let entries = 0;
  // The next page is fetched while this one is re-hashed, so the database
  // read and the hashing overlap instead of adding up.
  let next = auditEntriesAfter(sql, cursor.seq, pageSize);
  for (;;) {
    const records = await next;
    if (records.length === 0) break;
    const full = records.length === pageSize;
    next = full ? auditEntriesAfter(sql, records[records.length - 1]!.seq, pageSize) : Promise.resolve([]);
    const result = verifyChainSegment(records, cursor);
    entries += result.checked;
    if (result.fault) {
      next.catch(() => undefined); // not needed any more; never an unhandled rejection
      const seq = result.fault.kind === "gap" ? result.fault.expectedSeq : result.fault.seq;
      return { ok: false, entries, seq, reason: describeFault(result.fault) };
    }
    cursor = result.cursor;
    if (!full) break;
  }

  const heads = await sql.query<{ seq: number; hash: string }>(`SELECT seq, hash FROM "AuditHead" WHERE id = 1`);
  const head = heads[0];
  if (!head) return { ok: false, entries, seq: cursor.seq + 1, reason: "the chain head row is missing" };
  const headSeq = Number(head.seq);
  if (headSeq > cursor.seq) {
    const missing = headSeq === cursor.seq + 1 ? `entry ${headSeq} is` : `entries ${cursor.seq + 1}–${headSeq} are`;
    return { ok: false, entries, seq: cursor.seq + 1, reason: `${missing} missing: the log was truncated (the chain head is at ${headSeq})` };
  }
  if (headSeq < cursor.seq) {
    return { ok: false, entries, seq: headSeq + 1, reason: `entry ${headSeq + 1} is past the chain head (${headSeq}): entries were appended outside the log` };
  }
  if (head.hash !== cursor.hash) {
    return { ok: false, entries, seq: cursor.seq, reason: `entry ${cursor.seq} does not match the chain head hash` };
  }
  return { ok: true, entries, head: cursor };
}
