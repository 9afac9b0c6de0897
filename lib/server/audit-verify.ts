import "server-only";
/**
 * Verifies the whole audit chain from the database: entries streamed in
 * pages ordered by seq through verifyChainSegment, then the AuditHead row is
 * compared with the last entry, so a removed tail (truncation) is caught too.
 * Reports the first fault only: every later hash depends on it.
 */
import { GENESIS, verifyChainSegment, describeFault, type ChainCursor, type ChainEntry, type ChainFault } from "@/lib/domain/audit/chain";
import type { RawSql } from "@/lib/sql";
import { hashAuditLeaf } from "@/lib/domain/audit/chain";
import { pendingLeaves } from "./audit-sequencer";
import { TIME_TEXT, isoFromWallClock } from "./audit-time";

export { isoFromEraText, isoFromWallClock } from "./audit-time";

export type AuditVerification =
  | { ok: true; entries: number; head: ChainCursor; /** Leaves committed and checked but not yet sealed (absent: none). */ pending?: number }
  | { ok: false; entries: number; seq: number; reason: string; /** The pending leaf at fault, when it is one. */ leaf?: string };

type Reader = Pick<RawSql, "query" | "kind">;

/** The hashed fields and the hash. */
const fields = (time: string) => `seq, ${time} AS time, "actorType", "actorId", action, resource, "tenantId"::text AS "tenantId",
  "profileId"::text AS "profileId", decision, "requestHash", "resultHash", "traceId", data, "prevHash", hash`;
/** The same, by name, in EntryTuple order. */
const NAMES = `seq, time, "actorType", "actorId", action, resource, "tenantId", "profileId", decision, "requestHash", "resultHash", "traceId", data, "prevHash", hash`;

type EntryTuple = [number, string, string, string, string, string, string | null, string | null, string | null, string | null, string | null, string | null, unknown, string, string];

function fromTuple(t: EntryTuple): ChainEntry {
  return {
    seq: t[0], time: isoFromWallClock(t[1]), actorType: t[2], actorId: t[3], action: t[4], resource: t[5], tenantId: t[6],
    profileId: t[7], decision: t[8], requestHash: t[9], resultHash: t[10], traceId: t[11], data: t[12], prevHash: t[13], hash: t[14],
  };
}

/**
 * Entries matching `where` (a condition on AuditEntry's columns over
 * `params`), in seq order, at most `limit`, in the form the chain hashes
 * them. PostgreSQL sends rows (decoded here while the server reads on);
 * PGlite runs in this thread and decodes each row of a result in
 * JavaScript, so it builds one JSON array per page instead, which JSON.parse
 * decodes about 2.5× as fast.
 */
export async function hashedEntries(sql: Reader, where: string, params: readonly unknown[], limit: number): Promise<ChainEntry[]> {
  const time = TIME_TEXT[sql.kind];
  const select = `SELECT ${fields(time.sql)} FROM "AuditEntry" WHERE ${where} ORDER BY seq LIMIT $${params.length + 1}`;
  if (sql.kind === "pglite") {
    const [page] = await sql.query<{ entries: string | null }>(
      `SELECT json_agg(json_build_array(${NAMES}) ORDER BY seq)::text AS entries FROM (${select}) page`,
      [...params, limit],
    );
    return page?.entries ? (JSON.parse(page.entries) as EntryTuple[]).map(fromTuple) : [];
  }
  const rows = await sql.query<ChainEntry & { time: string }>(select, [...params, limit]);
  for (const row of rows) row.time = time.iso(row.time);
  return rows;
}

/** Entries with seq > `after` (and ≤ `upTo`, when given), in order, as the chain hashes them. */
export function chainEntriesAfter(sql: Reader, after: number, limit: number, upTo?: number): Promise<ChainEntry[]> {
  return upTo === undefined ? hashedEntries(sql, "seq > $1", [after], limit) : hashedEntries(sql, "seq > $1 AND seq <= $2", [after, upTo], limit);
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
  sql: Reader,
  from: ChainCursor,
  options: { pageSize?: number; upTo?: number; anchored?: boolean } = {},
): Promise<ChainWalk> {
  const pageSize = options.pageSize ?? 5_000;
  let cursor = from;
  let first: ChainWalk["first"] = null;
  let checked = 0;
  // The next page is fetched while this one is re-hashed, so the database
  // read and the hashing overlap instead of adding up.
  let next = chainEntriesAfter(sql, cursor.seq, pageSize, options.upTo);
  for (;;) {
    const records = await next;
    if (records.length === 0) break;
    const full = records.length === pageSize;
    next = full ? chainEntriesAfter(sql, records[records.length - 1]!.seq, pageSize, options.upTo) : Promise.resolve([]);
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
  sql: Reader,
  options: { pageSize?: number; from?: ChainCursor } = {},
): Promise<AuditVerification> {
  const walk = await walkChain(sql, options.from ?? GENESIS, { pageSize: options.pageSize });
  if (walk.fault) return { ok: false, entries: walk.checked, seq: faultSeq(walk.fault), reason: describeFault(walk.fault) };
  const heads = await sql.query<{ seq: number; hash: string }>(`SELECT seq, hash FROM "AuditHead" WHERE id = 1`);
  const head = heads[0];
  if (!head) return { ok: false, entries: walk.checked, seq: walk.cursor.seq + 1, reason: "the chain head row is missing" };
  let cursor = walk.cursor;
  let entries = walk.checked;
  if (Number(head.seq) > cursor.seq) {
    // Writers kept appending while the walk ran: an entry and the head move
    // in one transaction, so every entry up to the head just read is visible
    // to a read started now. Walk on to it; what is still missing then was
    // removed (a truncation), not merely committed late.
    const rest = await walkChain(sql, cursor, { pageSize: options.pageSize, upTo: Number(head.seq) });
    entries += rest.checked;
    if (rest.fault) return { ok: false, entries, seq: faultSeq(rest.fault), reason: describeFault(rest.fault) };
    cursor = rest.cursor;
  }
  const chain = checkHead(head, cursor, entries);
  if (!chain.ok) return chain;
  const leaves = await verifyPendingLeaves(sql);
  if (leaves.fault) return { ok: false, entries, seq: cursor.seq + 1, reason: leaves.fault.reason, leaf: leaves.fault.leaf };
  return leaves.pending ? { ...chain, pending: leaves.pending } : chain;
}

/**
 * The leaves not yet sealed: each must still hash to its leaf hash, none may
 * also be an entry already, and every receipt pending seal must still have
 * its leaf, with the same hash. Read in one statement (one snapshot), so a
 * leaf the sequencer seals meanwhile is never taken for a missing one.
 */
export async function verifyPendingLeaves(sql: Reader): Promise<{ pending: number; fault: { reason: string; leaf: string } | null }> {
  const [found] = await sql.query<{ twice: string | null; orphan: string | null; mismatched: string | null; repointed: string | null; alarm: string | null }>(
    `SELECT
       (SELECT json_build_array(l.id, e.seq)::text FROM "AuditLeaf" l JOIN "AuditEntry" e ON e."leafId" = l.id LIMIT 1) AS twice,
       (SELECT json_build_array(r.id, r."leafId")::text FROM "Receipt" r
         WHERE r."auditSeq" IS NULL AND r."leafId" IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM "AuditLeaf" l WHERE l.id = r."leafId") LIMIT 1) AS orphan,
       (SELECT json_build_array(r.id, r."leafId")::text FROM "Receipt" r JOIN "AuditLeaf" l ON l.id = r."leafId"
         WHERE r."leafHash" IS DISTINCT FROM l."leafHash" LIMIT 1) AS mismatched,
       (SELECT json_build_array(r.id, r."auditSeq")::text FROM "Receipt" r LEFT JOIN "AuditEntry" e ON e."leafId" = r."leafId"
         WHERE r."leafId" IS NOT NULL AND r."auditSeq" IS NOT NULL
           AND (e.seq IS NULL OR e.seq <> r."auditSeq" OR e.hash IS DISTINCT FROM r."auditHash") LIMIT 1) AS repointed,
       (SELECT json_build_array(a."jobId", a."auditLeafId")::text FROM "IntegrityAlarm" a
         WHERE a."auditLeafId" IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM "AuditLeaf" l WHERE l.id = a."auditLeafId")
           AND NOT EXISTS (SELECT 1 FROM "AuditEntry" e WHERE e."leafId" = a."auditLeafId") LIMIT 1) AS alarm`,
  );
  const first = (text: string | null | undefined) => (text ? (JSON.parse(text) as [string, string | number]) : null);
  const twice = first(found?.twice);
  if (twice) return { pending: 0, fault: { leaf: twice[0], reason: `audit leaf ${twice[0]} is pending but was already sealed as entry ${twice[1]}: a leaf was inserted again` } };
  const orphan = first(found?.orphan);
  if (orphan) return { pending: 0, fault: { leaf: String(orphan[1]), reason: `receipt ${orphan[0]} is pending seal but its audit leaf ${orphan[1]} is missing: a pending leaf was removed` } };
  const mismatch = first(found?.mismatched);
  if (mismatch) return { pending: 0, fault: { leaf: String(mismatch[1]), reason: `receipt ${mismatch[0]} names a different hash than its audit leaf ${mismatch[1]}: the leaf was replaced` } };
  const repointed = first(found?.repointed);
  if (repointed) return { pending: 0, fault: { leaf: String(repointed[0]), reason: `receipt ${repointed[0]} names audit entry ${repointed[1]}, which is not the entry its leaf became: the receipt was re-pointed` } };
  const alarm = first(found?.alarm);
  if (alarm) return { pending: 0, fault: { leaf: String(alarm[1]), reason: `the integrity alarm on job ${alarm[0]} names audit leaf ${alarm[1]}, which is neither pending nor sealed: its record was removed` } };
  let pending = 0;
  for (let batch = await pendingLeaves(sql, LEAF_PAGE, null); batch.length > 0; batch = batch.length === LEAF_PAGE ? await pendingLeaves(sql, LEAF_PAGE, batch[batch.length - 1]!.ord) : []) {
    for (const leaf of batch) {
      if (hashAuditLeaf(leaf) !== leaf.leafHash) {
        return { pending, fault: { leaf: leaf.id, reason: `pending audit leaf ${leaf.id} was altered (its contents no longer hash to its leaf hash)` } };
      }
      pending += 1;
    }
  }
  return { pending, fault: null };
}

const LEAF_PAGE = 5_000;

/** The AuditHead row (read after the walk) must name exactly the last verified entry. */
function checkHead(head: { seq: number; hash: string }, cursor: ChainCursor, entries: number): AuditVerification {
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
