/**
 * The audit chain: every entry's hash covers its own fields and the previous
 * entry's hash, so changing, removing, inserting or reordering any entry
 * breaks every later link.
 *
 * hash(n) = SHA-256( JCS({ seq, time, actorType, actorId, action, resource,
 *                          tenantId, profileId, decision, requestHash,
 *                          resultHash, traceId, data, prevHash }) )
 * with `time` as an ISO-8601 UTC string with milliseconds and absent optional
 * fields as null. Sequence numbers start at 1 and have no gaps; entry 1's
 * prevHash is GENESIS_HASH.
 */
import { canonicalHash, sha256Hex } from "../hash";
import { canonicalAuditEntry } from "./canonical";

export { canonicalAuditEntry };

export const GENESIS_HASH = "0".repeat(64);

export interface AuditFields {
  seq: number;
  time: Date;
  actorType: string;
  actorId: string;
  action: string;
  resource: string;
  tenantId: string | null;
  profileId: string | null;
  decision: string | null;
  requestHash: string | null;
  resultHash: string | null;
  traceId: string | null;
  data: unknown;
  prevHash: string;
}

export interface AuditRecord extends AuditFields {
  hash: string;
}

/**
 * Fields as hashed, where `time` may already be the ISO text
 * (`Date.prototype.toISOString` form): verification reads it back from the
 * database in that form and never builds a Date.
 */
export type ChainFields = Omit<AuditFields, "time"> & { time: Date | string };

/** An entry as verification reads it: its hashed fields and stored hash. */
export type ChainEntry = ChainFields & { hash: string };

export function hashAuditEntry(fields: ChainFields): string {
  return sha256Hex(canonicalAuditEntry(fields));
}

/**
 * An audit leaf: a record committed with the change it describes, before the
 * sequencer gives it a place in the chain. Its hash binds its id and content
 * (everything an entry hashes except `seq` and `prevHash`, which only the
 * sequencer knows):
 *
 * leafHash = SHA-256( JCS({ id, time, actorType, actorId, action, resource,
 *                           tenantId, profileId, decision, requestHash,
 *                           resultHash, traceId, data }) )
 */
export type LeafFields = Omit<ChainFields, "seq" | "prevHash"> & { id: string };

export function hashAuditLeaf(leaf: LeafFields): string {
  return canonicalHash({
    id: leaf.id,
    time: typeof leaf.time === "string" ? leaf.time : leaf.time.toISOString(),
    actorType: leaf.actorType,
    actorId: leaf.actorId,
    action: leaf.action,
    resource: leaf.resource,
    tenantId: leaf.tenantId,
    profileId: leaf.profileId,
    decision: leaf.decision,
    requestHash: leaf.requestHash,
    resultHash: leaf.resultHash,
    traceId: leaf.traceId,
    data: leaf.data ?? null,
  });
}

export type ChainFault =
  | { kind: "gap"; seq: number; expectedSeq: number }
  | { kind: "prev-hash"; seq: number; expected: string; found: string }
  | { kind: "hash"; seq: number; expected: string; found: string };

export interface ChainCursor {
  /** Sequence number of the last verified entry (0 before the first). */
  seq: number;
  /** Hash of the last verified entry (GENESIS_HASH before the first). */
  hash: string;
}

export const GENESIS: ChainCursor = { seq: 0, hash: GENESIS_HASH };

/**
 * Verify entries that follow `cursor`, in order. Returns the new cursor and
 * the first fault found (verification stops there: every later hash depends
 * on the broken one).
 */
export function verifyChainSegment(
  entries: Iterable<ChainEntry>,
  cursor: ChainCursor,
): { cursor: ChainCursor; fault: ChainFault | null; checked: number } {
  let { seq, hash } = cursor;
  let checked = 0;
  for (const entry of entries) {
    const expectedSeq = seq + 1;
    if (entry.seq !== expectedSeq) {
      return { cursor: { seq, hash }, fault: { kind: "gap", seq: entry.seq, expectedSeq }, checked };
    }
    if (entry.prevHash !== hash) {
      return {
        cursor: { seq, hash },
        fault: { kind: "prev-hash", seq: entry.seq, expected: hash, found: entry.prevHash },
        checked,
      };
    }
    const recomputed = hashAuditEntry(entry);
    if (recomputed !== entry.hash) {
      return {
        cursor: { seq, hash },
        fault: { kind: "hash", seq: entry.seq, expected: recomputed, found: entry.hash },
        checked,
      };
    }
    seq = entry.seq;
    hash = entry.hash;
    checked += 1;
  }
  return { cursor: { seq, hash }, fault: null, checked };
}

export function describeFault(fault: ChainFault): string {
  switch (fault.kind) {
    case "gap":
      return `entry ${fault.expectedSeq} is missing (next entry found is ${fault.seq})`;
    case "prev-hash":
      return `entry ${fault.seq} does not link to entry ${fault.seq - 1} (prevHash ${short(fault.found)}, expected ${short(fault.expected)})`;
    case "hash":
      return `entry ${fault.seq} was altered (stored hash ${short(fault.found)}, contents hash to ${short(fault.expected)})`;
  }
}

function short(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 16)}…` : hash;
}
