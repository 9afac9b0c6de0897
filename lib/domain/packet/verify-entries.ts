/**
 * entries.jsonl + proofs.jsonl + checkpoints.json: every entry's hash is
 * recomputed from its fields, lies in the declared scope and time range, and
 * is proven (RFC 9162 inclusion proof) to be leaf seq−1 of the tree whose
 * root the signed checkpoint states. The anchor's head and every earlier
 * checkpoint are tied to the same tree.
 */
import type { AuditFields } from "../audit/chain";
import { checkpointShapeError, verifyCheckpoint } from "../checkpoint";
import { checkNotes, type PacketNote } from "./verify-witness";
import { auditLeafHash, isHash, verifyConsistency, verifyInclusion } from "../merkle";
import { isRecord, parseJsonMember, splitLines, type VerifyContext } from "./context";
import { canonicalProofLine, recomputeEntry } from "./entry-line";
import { firstIssue, MEMBERS, ZCheckpoints } from "./format";

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const TEXT = ["actorType", "actorId", "action", "resource"] as const;
const NULLABLE = ["tenantId", "profileId", "decision", "requestHash", "resultHash", "traceId"] as const;
const ENTRY_KEYS = 15;

/** The audit fields of a parsed entry line, or why it is malformed. */
function entryFields(v: unknown): { fields: AuditFields & { hash: string } } | { reason: string } {
  if (!isRecord(v)) return { reason: "is not a JSON object" };
  if (Object.keys(v).length !== ENTRY_KEYS || !("data" in v)) return { reason: `must have exactly the ${ENTRY_KEYS} audit fields` };
  if (typeof v.seq !== "number" || !Number.isSafeInteger(v.seq) || v.seq < 1) return { reason: "seq must be a positive integer" };
  if (typeof v.time !== "string" || !ISO_MS.test(v.time) || Number.isNaN(Date.parse(v.time)) || new Date(v.time).toISOString() !== v.time) {
    return { reason: "time must be an ISO-8601 UTC time with milliseconds" };
  }
  for (const k of TEXT) if (typeof v[k] !== "string") return { reason: `${k} must be a string` };
  for (const k of NULLABLE) if (v[k] !== null && typeof v[k] !== "string") return { reason: `${k} must be a string or null` };
  if (!isHash(v.prevHash) || !isHash(v.hash)) return { reason: "prevHash and hash must be 64 lower-case hex digits" };
  return { fields: { ...(v as unknown as AuditFields & { hash: string }), time: new Date(v.time) } };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A proofs.jsonl line: exactly {"path":[hex,…],"seq":n} in canonical form, or null. */
function proofFields(line: string): { seq: number; path: string[] } | null {
  const v = parseJson(line);
  if (!isRecord(v) || Object.keys(v).length !== 2 || typeof v.seq !== "number" || !Number.isSafeInteger(v.seq)) return null;
  if (!Array.isArray(v.path) || v.path.length > 64 || !v.path.every(isHash)) return null;
  const path = v.path as string[];
  return canonicalProofLine(v.seq, path) === line ? { seq: v.seq, path } : null;
}

export interface EntrySummary {
  count: number;
  firstSeq: number | null;
  lastSeq: number | null;
}

export function verifyEntries(ctx: VerifyContext): EntrySummary {
  const summary: EntrySummary = { count: 0, firstSeq: null, lastSeq: null };
  const E = MEMBERS.entries;
  const P = MEMBERS.proofs;
  const entryData = ctx.files.get(E);
  const proofData = ctx.files.get(P);
  if (!entryData || !proofData) return summary;
  const entryLines = splitLines(entryData);
  const proofLines = splitLines(proofData);
  if (!entryLines) ctx.fail(E, "is not UTF-8 JSON Lines (every line ends with a newline)");
  if (!proofLines) ctx.fail(P, "is not UTF-8 JSON Lines (every line ends with a newline)");
  if (!entryLines || !proofLines) return summary;
  const { scope, entries: declared } = ctx.manifest;
  if (entryLines.length !== declared.count) ctx.fail(E, `holds ${entryLines.length} entries but the manifest declares ${declared.count}`);
  if (proofLines.length !== entryLines.length) ctx.fail(P, `holds ${proofLines.length} proofs for ${entryLines.length} entries`);
  const cp = ctx.checkpoint;
  const from = Date.parse(scope.from);
  const to = Date.parse(scope.to);
  let previous = 0;

  entryLines.forEach((line, i) => {
    const parsed = parseJson(line);
    if (parsed === undefined) return ctx.fail(E, `line ${i + 1} is not valid JSON`);
    const shape = entryFields(parsed);
    if ("reason" in shape) return ctx.fail(E, `line ${i + 1}: ${shape.reason}`);
    const entry = shape.fields;
    const at = `entry ${entry.seq} (line ${i + 1})`;
    summary.count += 1;
    summary.firstSeq ??= entry.seq;
    summary.lastSeq = entry.seq;
    if (entry.seq <= previous) ctx.fail(E, `${at} is out of order or repeated (after seq ${previous})`);
    previous = entry.seq;
    const recomputed = recomputeEntry(entry, entry.hash);
    if (recomputed.line !== line) ctx.fail(E, `${at} is not in RFC 8785 canonical form`);
    if (recomputed.hash !== entry.hash) ctx.fail(E, `${at} was altered: its fields do not hash to its hash`);
    if (entry.tenantId !== scope.tenant.id) ctx.fail(E, `${at} belongs to another tenant, outside the packet's scope`);
    else if (scope.profile && entry.profileId !== scope.profile.id) ctx.fail(E, `${at} belongs to another profile, outside the packet's scope`);
    const t = entry.time.getTime();
    if (t < from || t >= to) ctx.fail(E, `${at} at ${entry.time.toISOString()} is outside the time range ${scope.from} – ${scope.to}`);
    if (!cp) return;
    if (entry.seq > cp.seq) return ctx.fail(E, `${at} is after the checkpoint (seq ${cp.seq})`);
    if (entry.seq === cp.seq && entry.hash !== cp.headHash) ctx.fail(E, `${at} is not the checkpoint's head entry`);
    const proofLine = proofLines[i];
    if (proofLine === undefined) return;
    const proof = proofFields(proofLine);
    if (!proof) return ctx.fail(P, `line ${i + 1} is not a proof line ({"path":[hex…],"seq":n} in canonical JSON)`);
    if (proof.seq !== entry.seq) return ctx.fail(P, `line ${i + 1} proves seq ${proof.seq}, not entry ${entry.seq}`);
    const leaf = auditLeafHash(entry.hash).toString("hex");
    if (!verifyInclusion(entry.seq - 1, cp.seq, leaf, proof.path, cp.treeRoot)) {
      ctx.fail(P, `inclusion proof of entry ${entry.seq} does not lead to the checkpoint's tree root`);
    }
  });
  if (summary.firstSeq !== declared.firstSeq || summary.lastSeq !== declared.lastSeq) {
    ctx.fail(E, `spans seq ${summary.firstSeq ?? "-"}..${summary.lastSeq ?? "-"} but the manifest declares ${declared.firstSeq ?? "-"}..${declared.lastSeq ?? "-"}`);
  }
  return summary;
}

/**
 * checkpoints.json: the anchor's head proof and earlier checkpoints
 * (signature, consistency, head), and the witnessed notes of any of them.
 * Returns how many earlier ones, and the notes whose log signature holds.
 */
export function verifyCheckpointsMember(ctx: VerifyContext): { earlier: number; notes: PacketNote[] } {
  const C = MEMBERS.checkpoints;
  const data = ctx.files.get(C);
  const anchor = ctx.checkpoint;
  const none = { earlier: 0, notes: [] };
  if (!data || !anchor) return none;
  const parsed = parseJsonMember(data);
  if (!parsed.ok) {
    ctx.fail(C, parsed.reason);
    return none;
  }
  const doc = ZCheckpoints.safeParse(parsed.value);
  if (!doc.success) {
    ctx.fail(C, firstIssue(doc.error));
    return none;
  }
  const trees = new Map<number, string>([[anchor.seq, anchor.treeRoot]]);
  const headOk = anchor.seq === 0
    ? doc.data.headProof.length === 0
    : verifyInclusion(anchor.seq - 1, anchor.seq, auditLeafHash(anchor.headHash).toString("hex"), doc.data.headProof, anchor.treeRoot);
  if (!headOk) ctx.fail(C, `the checkpoint's head hash is not entry ${anchor.seq} of its tree (head proof fails)`);
  doc.data.earlier.forEach((item, i) => {
    const what = `earlier checkpoint ${i + 1}`;
    const shapeError = checkpointShapeError(item.checkpoint);
    if (shapeError) return ctx.fail(C, `${what}: ${shapeError}`);
    const check = verifyCheckpoint(item.checkpoint, ctx.publicKey);
    if (!check.ok) return ctx.fail(C, `${what}: ${check.reason}`);
    const cp = item.checkpoint as unknown as { seq: number; treeRoot: string; headHash: string };
    if (cp.seq > anchor.seq) return ctx.fail(C, `${what} (seq ${cp.seq}) is later than the packet's checkpoint (seq ${anchor.seq})`);
    if (!verifyConsistency(cp.seq, anchor.seq, cp.treeRoot, anchor.treeRoot, item.consistency)) {
      return ctx.fail(C, `${what} (seq ${cp.seq}) is not consistent with the packet's checkpoint: the log was rewritten or the proof is wrong`);
    }
    trees.set(cp.seq, cp.treeRoot);
    const head = cp.seq === 0
      ? item.headProof.length === 0
      : verifyInclusion(cp.seq - 1, anchor.seq, auditLeafHash(cp.headHash).toString("hex"), item.headProof, anchor.treeRoot);
    if (!head) ctx.fail(C, `${what} (seq ${cp.seq}): its head hash is not entry ${cp.seq} of the log (head proof fails)`);
  });
  return { earlier: doc.data.earlier.length, notes: checkNotes(ctx, doc.data.notes ?? [], trees) };
}
