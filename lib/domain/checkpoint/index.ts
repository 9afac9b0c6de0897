/**
 * Signed checkpoints of the audit log. A checkpoint states the log's size
 * (`seq`, the last sequence number), the hash of entry `seq` (`headHash`),
 * the RFC 9162 tree head over entries 1..seq (`treeRoot`), when it was taken
 * and which platform key signed it. The signature is Ed25519 over the
 * RFC 8785 canonical JSON of the checkpoint WITHOUT its `signature` member
 * (UTF-8 bytes); `format` keeps these bytes distinct from anything else the
 * platform key signs.
 *
 * An empty log has the checkpoint { seq: 0, headHash: GENESIS_HASH,
 * treeRoot: SHA-256("") }.
 */
import { createHash, sign, verify, type KeyObject } from "node:crypto";
import { GENESIS_HASH } from "../audit/chain";
import { canonicalize } from "../canonical-json";
import { rawPublicKey, toPrivateKey, toPublicKey } from "../http-signatures/ed25519-keys";
import { strictBase64 } from "../http-signatures/structured-fields-parse";
import { EMPTY_ROOT_HEX, isHash } from "../merkle";

export const CHECKPOINT_FORMAT = "cellgate.checkpoint.v1";

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  /** Log size: the sequence number of the last entry covered (0 = empty log). */
  seq: number;
  /** Hash of entry `seq` (GENESIS_HASH when seq is 0). */
  headHash: string;
  /** MTH over the leaf hashes of entries 1..seq, hex. */
  treeRoot: string;
  /** ISO-8601 UTC with milliseconds, e.g. 2026-11-22T21:40:00.000Z. */
  time: string;
  /** "platform-" + first 16 hex digits of SHA-256(raw public key). */
  keyId: string;
}

export interface SignedCheckpoint extends Checkpoint {
  /** Base64 (standard alphabet, padded) of the 64-byte Ed25519 signature. */
  signature: string;
}

export type CheckpointInput = Omit<Checkpoint, "format" | "keyId">;

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const KEY_ID = /^platform-[0-9a-f]{16}$/;

/** The platform key id for a raw 32-byte Ed25519 public key. */
export function keyIdFor(rawPublic: Uint8Array): string {
  return `platform-${createHash("sha256").update(rawPublic).digest("hex").slice(0, 16)}`;
}

/** The exact bytes that are signed: canonical JSON of the checkpoint minus `signature`. */
export function checkpointSigningBytes(checkpoint: Checkpoint): Buffer {
  const { format, seq, headHash, treeRoot, time, keyId } = checkpoint;
  return Buffer.from(canonicalize({ format, seq, headHash, treeRoot, time, keyId }), "utf8");
}

/** What is wrong with a checkpoint's shape, or null. Extra members are refused. */
export function checkpointShapeError(value: unknown): string | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "checkpoint is not a JSON object";
  const c = value as Record<string, unknown>;
  const allowed = new Set(["format", "seq", "headHash", "treeRoot", "time", "keyId", "signature"]);
  const extra = Object.keys(c).find((k) => !allowed.has(k));
  if (extra) return `checkpoint has an unknown member "${extra}"`;
  if (c.format !== CHECKPOINT_FORMAT) return `checkpoint format must be "${CHECKPOINT_FORMAT}"`;
  if (typeof c.seq !== "number" || !Number.isSafeInteger(c.seq) || c.seq < 0 || c.seq > 0x7fffffff) return "checkpoint seq must be a non-negative integer";
  if (!isHash(c.headHash)) return "checkpoint headHash must be 64 lower-case hex digits";
  if (!isHash(c.treeRoot)) return "checkpoint treeRoot must be 64 lower-case hex digits";
  if (typeof c.time !== "string" || !ISO_MS.test(c.time) || Number.isNaN(Date.parse(c.time)) || new Date(c.time).toISOString() !== c.time) {
    return "checkpoint time must be an ISO-8601 UTC time with milliseconds";
  }
  if (typeof c.keyId !== "string" || !KEY_ID.test(c.keyId)) return "checkpoint keyId must look like platform-<16 hex digits>";
  if (c.seq === 0 && (c.headHash !== GENESIS_HASH || c.treeRoot !== EMPTY_ROOT_HEX)) return "an empty-log checkpoint must have the genesis head and the empty tree root";
  if ("signature" in c && typeof c.signature !== "string") return "checkpoint signature must be a base64 string";
  return null;
}

/** Sign a checkpoint with the platform key (a private KeyObject or 32-byte seed). */
export function signCheckpoint(input: CheckpointInput, privateKey: KeyObject | Uint8Array): SignedCheckpoint {
  const key = toPrivateKey(privateKey);
  const checkpoint: Checkpoint = { format: CHECKPOINT_FORMAT, ...pick(input), keyId: keyIdFor(rawPublicKey(key)) };
  const problem = checkpointShapeError(checkpoint);
  if (problem) throw new Error(`cannot sign: ${problem}`);
  const signature = sign(null, checkpointSigningBytes(checkpoint), key).toString("base64");
  return { ...checkpoint, signature };
}

function pick(input: CheckpointInput): CheckpointInput {
  return { seq: input.seq, headHash: input.headHash, treeRoot: input.treeRoot, time: input.time };
}

export type CheckpointCheck = { ok: true } | { ok: false; reason: string };

/**
 * Verify a signed checkpoint (parsed JSON) against an Ed25519 public key
 * (KeyObject or raw 32 bytes): shape, key id and signature.
 */
export function verifyCheckpoint(value: unknown, publicKey: KeyObject | Uint8Array): CheckpointCheck {
  const problem = checkpointShapeError(value);
  if (problem) return { ok: false, reason: problem };
  const c = value as SignedCheckpoint;
  if (typeof c.signature !== "string") return { ok: false, reason: "checkpoint is not signed" };
  const key = toPublicKey(publicKey);
  const expectedKeyId = keyIdFor(rawPublicKey(key));
  if (c.keyId !== expectedKeyId) return { ok: false, reason: `checkpoint keyId ${c.keyId} is not the key ${expectedKeyId}` };
  const sig = strictBase64(c.signature);
  if (!sig || sig.length !== 64) return { ok: false, reason: "checkpoint signature is not 64 bytes of base64" };
  if (!verify(null, checkpointSigningBytes(c), key, sig)) return { ok: false, reason: `checkpoint at seq ${c.seq} has a bad signature` };
  return { ok: true };
}
