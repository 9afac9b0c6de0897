import "server-only";
/**
 * Verifies the whole audit chain from the database: entries streamed in
 * pages ordered by seq through verifyChainSegment, then the AuditHead row is
 * compared with the last entry, so a removed tail (truncation) is caught too.
 * Reports the first fault only: every later hash depends on it.
 */
import { GENESIS, verifyChainSegment, describeFault, type AuditRecord, type ChainCursor, type ChainFault } from "@/lib/domain/audit/chain";
import type { RawSql } from "@/lib/sql";

export type AuditVerification =
  | { ok: true; entries: number; head: ChainCursor }
  | { ok: false; entries: number; seq: number; reason: string };

/** A row as the driver returns it: timestamps may arrive as strings, JSON as text. */
type Row = Omit<AuditRecord, "time" | "data"> & { time: Date | string; data: unknown };

/** Entries with seq > `after` (and ≤ `upTo`, when given), in order, as the chain hashes them. */
export async function auditEntriesAfter(sql: Pick<RawSql, "query">, after: number, limit: number, upTo?: number): Promise<AuditRecord[]> {
  const rows = await sql.query<Row>(
    `SELECT seq, time, "actorType", "actorId", action, resource, "tenantId"::text AS "tenantId",
            "profileId"::text AS "profileId", decision, "requestHash", "resultHash", "traceId",
            data, "prevHash", hash
       FROM "AuditEntry" WHERE seq > $1 ${upTo === undefined ? "" : "AND seq <= $3"} ORDER BY seq LIMIT $2`,
    upTo === undefined ? [after, limit] : [after, limit, upTo],
  );
  return rows.map((r) => ({
    ...r,
    seq: Number(r.seq),
    time: r.time instanceof Date ? r.time : new Date(r.time),
    data: typeof r.data === "string" ? (JSON.parse(r.data) as unknown) : r.data,
  }));
}

/** What walking a stretch of the chain found. */
export interface ChainWalk {
  /** The first entry read (null: none), for stitching stretches walked apart. */
  first: { seq: number; prevHash: string } | null;
  /** The last entry that verified (the starting cursor when none did). */
  cursor: ChainCursor;
  checked: number;
  fault: ChainFault | null;
}

/**
 * Re-hash and link the entries after `from.seq` (up to `upTo`, when given) in
 * pages. With `anchored`, the walk starts from the first entry's own prevHash
 * instead of `from.hash`, and the caller checks that link (a stretch verified
 * apart from the one before it).
 */
export async function walkChain(
  sql: Pick<RawSql, "query">,
  from: ChainCursor,
  options: { pageSize?: number; upTo?: number; anchored?: boolean } = {},
): Promise<ChainWalk> {
  const pageSize = options.pageSize ?? 5_000;
  let cursor = from;
  let first: ChainWalk["first"] = null;
  let checked = 0;
  // The next page is fetched while this one is re-hashed, so the database
  // read and the hashing overlap instead of adding up.
  let next = auditEntriesAfter(sql, cursor.seq, pageSize, options.upTo);
  for (;;) {
    const records = await next;
    if (records.length === 0) break;
    const full = records.length === pageSize;
    next = full ? auditEntriesAfter(sql, records[records.length - 1]!.seq, pageSize, options.upTo) : Promise.resolve([]);
    if (!first) {
      first = { seq: records[0]!.seq, prevHash: records[0]!.prevHash };
      if (options.anchored) cursor = { seq: first.seq - 1, hash: first.prevHash };
    }
    const result = verifyChainSegment(records, cursor);
    checked += result.checked;
    cursor = result.cursor;
    if (result.fault) {
      next.catch(() => undefined); // not needed any more; never an unhandled rejection
      return { first, cursor, checked, fault: result.fault };
    }
    if (!full) break;
  }
  return { first, cursor, checked, fault: null };
}

/** The sequence number a fault is reported at. */
export function faultSeq(fault: ChainFault): number {
  return fault.kind === "gap" ? fault.expectedSeq : fault.seq;
}

/**
 * Verify from `from` (default: genesis; a cursor the caller already
 * verified, to check only what was appended since) to the chain head.
 */
export async function verifyAuditLog(
  sql: Pick<RawSql, "query">,
  options: { pageSize?: number; from?: ChainCursor } = {},
): Promise<AuditVerification> {
  const walk = await walkChain(sql, options.from ?? GENESIS, { pageSize: options.pageSize });
  if (walk.fault) return { ok: false, entries: walk.checked, seq: faultSeq(walk.fault), reason: describeFault(walk.fault) };
  return checkHead(sql, walk.cursor, walk.checked);
}

/** The AuditHead row must name exactly the last verified entry. */
async function checkHead(sql: Pick<RawSql, "query">, cursor: ChainCursor, entries: number): Promise<AuditVerification> {
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
