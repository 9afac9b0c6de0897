import "server-only";
/**
 * Witnessed checkpoints: every stored checkpoint as a C2SP signed note (the
 * log's origin, tree size, root; signed by the platform key under the origin
 * as key name, plus every cosignature witnesses posted for it), RFC 9162
 * consistency proofs between tree sizes, and storing a witness's
 * cosignature once it verifies against the checkpoint the console signed.
 */
import { checkpointBody, COSIGNATURE_V1, formatNote, NOTE_ED25519, NoteError, parseVerifierKey, readCheckpointNote, signNote, verifierKey, verifyNoteSignature } from "@/lib/domain/checkpoint/note";
import { MerkleTree } from "@/lib/domain/merkle";
import { queryOn, type SqlTarget } from "@/lib/db";
import { env } from "@/lib/env";
import type { RawSql } from "@/lib/sql";
import { AppError } from "../errors";
import { getPlatformKey, type PlatformKey } from "../platform-key";
import { leafHashesUpTo, type StoredCheckpoint } from "../checkpoints";

type Query = Pick<RawSql, "query" | "kind">;

/** The log's origin line (CELLGATE_LOG_ORIGIN, else NEXTAUTH_URL's host + "/audit"). */
export function logOrigin(): string {
  const settings = env();
  if (settings.CELLGATE_LOG_ORIGIN) return settings.CELLGATE_LOG_ORIGIN;
  const host = settings.NEXTAUTH_URL ? new URL(settings.NEXTAUTH_URL).host : "localhost";
  return `${host}/audit`;
}

/** The log's verifier key: what a witness pins (type 0x01, the origin as key name). */
export function logVerifierKey(key: Pick<PlatformKey, "publicKeyBase64">, origin = logOrigin()): string {
  return verifierKey(origin, NOTE_ED25519, Buffer.from(key.publicKeyBase64, "base64"));
}

export interface StoredCosignature {
  checkpointId: number;
  witnessName: string;
  keyId: string;
  vkey: string;
  /** POSIX seconds. */
  timestamp: number;
  line: string;
}

interface CosignatureRow {
  checkpointId: number;
  witnessName: string;
  keyId: string;
  vkey: string;
  timestamp: string | number | bigint;
  line: string;
}

const COSIG_COLUMNS = `"checkpointId", "witnessName", "keyId", vkey, "timestamp", line`;

function toCosignature(row: CosignatureRow): StoredCosignature {
  return { ...row, checkpointId: Number(row.checkpointId), timestamp: Number(row.timestamp) };
}

/** The cosignatures stored for these checkpoints, by checkpoint id (oldest first). */
export async function cosignaturesFor(sql: Query, checkpointIds: readonly number[]): Promise<Map<number, StoredCosignature[]>> {
  const out = new Map<number, StoredCosignature[]>();
  if (checkpointIds.length === 0) return out;
  const rows = await sql.query<CosignatureRow>(
    `SELECT ${COSIG_COLUMNS} FROM "CheckpointCosignature" WHERE "checkpointId" = ANY($1::int[]) ORDER BY id`,
    [checkpointIds],
  );
  for (const row of rows.map(toCosignature)) out.set(row.checkpointId, [...(out.get(row.checkpointId) ?? []), row]);
  return out;
}

/** For each witness, the latest checkpoint (by id) it cosigned with seq ≤ `maxSeq`: their ids. */
export async function latestWitnessedCheckpointIds(sql: Query, maxSeq: number): Promise<number[]> {
  const rows = await sql.query<{ id: number }>(
    `SELECT DISTINCT ON (c.vkey) c."checkpointId" AS id
       FROM "CheckpointCosignature" c JOIN "AuditCheckpoint" a ON a.id = c."checkpointId"
      WHERE a.seq <= $1 ORDER BY c.vkey, c."checkpointId" DESC`,
    [maxSeq],
  );
  return [...new Set(rows.map((r) => Number(r.id)))];
}

/** The signed note of a checkpoint: body, the log's signature, then the cosignatures given. */
export function checkpointNote(cp: Pick<StoredCheckpoint, "seq" | "treeRoot" | "keyId">, key: PlatformKey, cosignatures: readonly Pick<StoredCosignature, "line">[] = [], origin = logOrigin()): string {
  if (cp.keyId !== key.keyId) {
    throw new AppError("conflict", `Checkpoint at seq ${cp.seq} was signed by ${cp.keyId}, not by the platform key in use (${key.keyId}): take a new checkpoint.`);
  }
  const body = checkpointBody({ origin, size: cp.seq, rootHex: cp.treeRoot });
  return formatNote(body, [signNote(body, origin, key.privateKey), ...cosignatures.map((c) => `${c.line}\n`)]);
}

/** The latest checkpoint's note with its cosignatures, or null when none was taken yet. */
export async function noteOf(sql: Query, cp: StoredCheckpoint): Promise<string> {
  const key = await getPlatformKey();
  const cosigs = await cosignaturesFor(sql, [cp.id]);
  return checkpointNote(cp, key, cosigs.get(cp.id) ?? []);
}

/** RFC 9162 consistency proof (hex) from tree size `from` to `to`, both within the log. */
export async function consistencyProof(sql: Query, from: number, to: number): Promise<string[]> {
  if (from > to) throw new AppError("invalid_input", `from (${from}) must not be larger than to (${to}).`, { from: ["must not be larger than to"] });
  const [head] = await sql.query<{ seq: number }>(`SELECT seq FROM "AuditHead" WHERE id = 1`);
  const size = Number(head?.seq ?? 0);
  if (to > size) throw new AppError("not_found", `The audit log has ${size} entries; there is no tree of size ${to}.`);
  const tree = MerkleTree.fromAuditHashes(await leafHashesUpTo(sql, to));
  return tree.consistencyProof(from, to);
}

export interface CosignInput {
  /** The checkpoint note with the witness's cosignature line (other lines may be there too). */
  note: string;
  /** The witness's verifier key (cosignature/v1, type 0x04). */
  vkey: string;
}

export interface RecordedCosignature {
  checkpoint: { id: number; seq: number; treeRoot: string };
  witness: string;
  keyId: string;
  timestamp: number;
  /** False: this witness had already cosigned this checkpoint (the first cosignature is kept). */
  created: boolean;
}

/**
 * Verify a witness's cosignature against a checkpoint this console signed
 * (same origin, a stored checkpoint of that size and root) and store it.
 * Refusals say what does not match; nothing is stored then.
 */
export async function recordCosignature(tx: SqlTarget, input: CosignInput): Promise<RecordedCosignature> {
  let vkey;
  try {
    vkey = parseVerifierKey(input.vkey);
  } catch (error) {
    if (error instanceof NoteError) throw new AppError("invalid_input", error.message, { vkey: [error.message] });
    throw error;
  }
  const read = readCheckpointNote(input.note);
  if (!read.ok) throw new AppError("invalid_input", read.reason, { note: [read.reason] });
  const { note, body } = read;
  if (vkey.type !== COSIGNATURE_V1) throw new AppError("invalid_input", `The witness key ${vkey.name} is not a cosignature/v1 key (type 0x04).`, { vkey: ["must be a cosignature/v1 key"] });
  const origin = logOrigin();
  if (body.origin !== origin) throw new AppError("invalid_input", `The checkpoint is of log "${body.origin}", not of this console's log "${origin}".`, { note: ["another log's checkpoint"] });
  const checked = verifyNoteSignature(note, vkey);
  if (!checked.ok) throw new AppError("invalid_input", `Cosignature refused: ${checked.reason}.`, { note: [checked.reason] });
  const rows = await queryOn<{ id: number; seq: number; treeRoot: string }>(
    tx,
    `SELECT id, seq, "treeRoot" FROM "AuditCheckpoint" WHERE seq = $1 AND "treeRoot" = $2 ORDER BY id DESC LIMIT 1`,
    [body.size, body.rootHex],
  );
  const cp = rows[0];
  if (!cp) {
    throw new AppError("conflict", `This console never signed a checkpoint of size ${body.size} with root ${body.rootHex.slice(0, 16)}…: nothing was stored.`);
  }
  const idHex = vkey.keyId.toString("hex");
  const line = note.signatures.find((s) => s.name === vkey.name && s.keyId === idHex)!;
  const text = `\u2014 ${line.name} ${Buffer.concat([vkey.keyId, line.signature]).toString("base64")}`;
  const inserted = await queryOn<CosignatureRow>(
    tx,
    `INSERT INTO "CheckpointCosignature" ("checkpointId", "witnessName", "keyId", vkey, "timestamp", line)
     VALUES ($1::int, $2, $3, $4, $5::bigint, $6) ON CONFLICT ("checkpointId", vkey) DO NOTHING RETURNING ${COSIG_COLUMNS}`,
    [Number(cp.id), vkey.name, idHex, input.vkey.trim(), checked.timestamp!, text],
  );
  return {
    checkpoint: { id: Number(cp.id), seq: Number(cp.seq), treeRoot: cp.treeRoot },
    witness: vkey.name,
    keyId: idHex,
    timestamp: checked.timestamp!,
    created: inserted.length === 1,
  };
}
