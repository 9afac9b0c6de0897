/**
 * The entries.jsonl line of an audit entry: RFC 8785 canonical JSON of its 14
 * hashed fields plus `hash` (time as ISO text). Written from the chain's
 * fixed-shape canonical text, so building and verifying serialize each entry
 * once: the chain text has member names in JCS order, and `hash` sorts just
 * before `prevHash`. The last `,"prevHash":` in that text is the top-level
 * member (inside `data` it would come earlier, and inside a string value the
 * quotes would be escaped).
 */
import { canonicalAuditEntry, type ChainFields } from "../audit/chain";
import { sha256Hex } from "../hash";

function splice(chainText: string, hash: string): string {
  const at = chainText.lastIndexOf(',"prevHash":');
  return `${chainText.slice(0, at)},"hash":"${hash}"${chainText.slice(at)}`;
}

/** The canonical line (without "\n") for an entry and its stored hash. */
export function canonicalEntryLine(fields: ChainFields, hash: string): string {
  return splice(canonicalAuditEntry(fields), hash);
}

/** The recomputed entry hash and the canonical line the fields must have been written as. */
export function recomputeEntry(fields: ChainFields, storedHash: string): { hash: string; line: string } {
  const text = canonicalAuditEntry(fields);
  return { hash: sha256Hex(text), line: splice(text, storedHash) };
}

/** The canonical proofs.jsonl line (without "\n"). */
export function canonicalProofLine(seq: number, path: readonly string[]): string {
  return `{"path":[${path.map((h) => `"${h}"`).join(",")}],"seq":${seq}}`;
}
