/**
 * The JCS text of an audit entry, with no Node.js imports, so the browser's
 * receipt verifier (lib/domain/receipt-verify) hashes exactly what the server
 * hashes. lib/domain/audit/chain.ts re-exports it.
 */
import { canonicalize, jsonString } from "../canonical-json";

/** An entry's hashed fields; `time` is a Date or its `toISOString()` text. */
export interface CanonicalAuditFields {
  seq: number;
  time: Date | string;
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

/**
 * The JCS text of an entry, written out for its fixed shape: the member names
 * below are already in RFC 8785 order (UTF-16 code units), so only `data`
 * goes through the general canonicalizer. Equal, byte for byte, to
 * `canonicalize({...})` of the same fields (tested), and several times faster,
 * which is what lets verification keep up with large logs.
 */
export function canonicalAuditEntry(fields: CanonicalAuditFields): string {
  const time = typeof fields.time === "string" ? fields.time : fields.time.toISOString();
  return (
    `{"action":${jsonString(fields.action)},"actorId":${jsonString(fields.actorId)},"actorType":${jsonString(fields.actorType)}` +
    `,"data":${canonicalize(fields.data ?? null)},"decision":${nullable(fields.decision)}` +
    `,"prevHash":${jsonString(fields.prevHash)},"profileId":${nullable(fields.profileId)}` +
    `,"requestHash":${nullable(fields.requestHash)},"resource":${jsonString(fields.resource)}` +
    `,"resultHash":${nullable(fields.resultHash)},"seq":${canonicalize(fields.seq)}` +
    `,"tenantId":${nullable(fields.tenantId)},"time":${jsonString(time)}` +
    `,"traceId":${nullable(fields.traceId)}}`
  );
}

function nullable(value: string | null): string {
  return value === null ? "null" : jsonString(value);
}

