/**
 * Checkpoints as C2SP signed notes (c2sp.org/signed-note,
 * c2sp.org/tlog-checkpoint, c2sp.org/tlog-cosignature), the text format
 * transparency-log tooling and witnesses read:
 *
 *     <origin>\n
 *     <tree size, decimal>\n
 *     <root hash, base64>\n
 *     \n
 *     — <key name> <base64(key ID[4] || signature)>\n     (one line per signer)
 *
 * The body (the first three lines, each ending in a newline) is what every
 * signature covers. The log signs it with its Ed25519 key (signature type
 * 0x01, the signed bytes are the body). A witness cosigns it
 * (cosignature/v1, type 0x04): the signature is 8 bytes of big-endian POSIX
 * seconds followed by an Ed25519 signature over
 * "cosignature/v1\ntime <seconds>\n" + body. Key ID = first 4 bytes of
 * SHA-256(name || "\n" || type || 32-byte public key). A verifier key (vkey)
 * is "<name>+<hex key ID>+<base64(type || public key)>".
 *
 * No Node.js-only formats leak in: the signed bytes are exactly the spec's.
 */
import { createHash, sign, verify, type KeyObject } from "node:crypto";
import { publicKeyFromRaw, rawPublicKey, toPrivateKey } from "../http-signatures/ed25519-keys";

export const NOTE_ED25519 = 0x01;
export const COSIGNATURE_V1 = 0x04;
export type NoteKeyType = typeof NOTE_ED25519 | typeof COSIGNATURE_V1;

const DASH = "\u2014 ";
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

export class NoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NoteError";
  }
}

/** A key name: non-empty, no white space, no "+" (signed-note §Keys). */
export function checkKeyName(name: string, what = "key name"): void {
  if (name.length === 0) throw new NoteError(`${what} is empty`);
  if (/[\s+]/u.test(name)) throw new NoteError(`${what} "${name}" contains white space or "+"`);
}

function strictBase64(text: string, what: string): Buffer {
  if (!B64.test(text) || text.length % 4 !== 0) throw new NoteError(`${what} is not base64`);
  const bytes = Buffer.from(text, "base64");
  if (bytes.toString("base64") !== text) throw new NoteError(`${what} is not canonical base64`);
  return bytes;
}

/** SHA-256(name || "\n" || type || public key)[:4]. */
export function noteKeyId(name: string, type: NoteKeyType, publicKey: Uint8Array): Buffer {
  return createHash("sha256").update(name, "utf8").update(Buffer.from([0x0a, type])).update(publicKey).digest().subarray(0, 4);
}

export interface VerifierKey {
  name: string;
  type: NoteKeyType;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Buffer;
  keyId: Buffer;
}

/** The vkey text for a name, type and public key (KeyObject or raw 32 bytes). */
export function verifierKey(name: string, type: NoteKeyType, publicKey: KeyObject | Uint8Array): string {
  checkKeyName(name);
  const raw = Buffer.from(publicKey instanceof Uint8Array ? publicKey : rawPublicKey(publicKey));
  return `${name}+${noteKeyId(name, type, raw).toString("hex")}+${Buffer.concat([Buffer.from([type]), raw]).toString("base64")}`;
}

/** Parse "<name>+<hex id>+<base64(type || key)>"; the id must match the key. */
export function parseVerifierKey(text: string): VerifierKey {
  const parts = text.trim().split("+");
  // The base64 part may itself hold "+": the name and id hold none.
  if (parts.length < 3) throw new NoteError(`verifier key "${text.trim()}" is not <name>+<key id>+<key>`);
  const [name, hex, ...rest] = parts as [string, string, ...string[]];
  checkKeyName(name, "verifier key name");
  if (!/^[0-9a-f]{8}$/.test(hex)) throw new NoteError(`verifier key "${name}" has a key id that is not 8 hex digits`);
  const bytes = strictBase64(rest.join("+"), `verifier key "${name}"`);
  if (bytes.length !== 33) throw new NoteError(`verifier key "${name}" must hold a type byte and a 32-byte Ed25519 key`);
  const type = bytes[0];
  if (type !== NOTE_ED25519 && type !== COSIGNATURE_V1) throw new NoteError(`verifier key "${name}" has type 0x${type!.toString(16).padStart(2, "0")}, not Ed25519 (0x01) or cosignature/v1 (0x04)`);
  const publicKey = Buffer.from(bytes.subarray(1));
  const keyId = noteKeyId(name, type, publicKey);
  if (keyId.toString("hex") !== hex) throw new NoteError(`verifier key "${name}" has key id ${hex}, but its key hashes to ${keyId.toString("hex")}`);
  return { name, type, publicKey, keyId };
}

export interface CheckpointBody {
  origin: string;
  size: number;
  /** RFC 9162 tree root, 64 lower-case hex digits. */
  rootHex: string;
}

/** The checkpoint note's body: origin, size and base64 root, each line ending in "\n". */
export function checkpointBody(cp: CheckpointBody): string {
  checkKeyName(cp.origin, "log origin");
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw new NoteError(`tree size must be a non-negative integer, not ${cp.size}`);
  if (!/^[0-9a-f]{64}$/.test(cp.rootHex)) throw new NoteError("root hash must be 64 lower-case hex digits");
  return `${cp.origin}\n${cp.size}\n${Buffer.from(cp.rootHex, "hex").toString("base64")}\n`;
}

/** Read a checkpoint body back (extension lines after the root are allowed and ignored). */
export function parseCheckpointBody(body: string): CheckpointBody & { extensions: string[] } {
  if (!body.endsWith("\n")) throw new NoteError("checkpoint text must end with a newline");
  const lines = body.slice(0, -1).split("\n");
  if (lines.length < 3) throw new NoteError("checkpoint text needs an origin, a tree size and a root hash line");
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) throw new NoteError("checkpoint origin line is empty");
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) throw new NoteError(`checkpoint tree size "${sizeText}" is not a decimal number`);
  const root = strictBase64(rootText, "checkpoint root hash");
  if (root.length !== 32) throw new NoteError(`checkpoint root hash is ${root.length} bytes, not 32`);
  if (extensions.some((line) => line.length === 0)) throw new NoteError("checkpoint text has an empty extension line");
  return { origin, size: Number(sizeText), rootHex: root.toString("hex"), extensions };
}

export interface NoteSignature {
  name: string;
  /** 8 hex digits. */
  keyId: string;
  /** The signature bytes after the key ID. */
  signature: Buffer;
}

export interface ParsedNote {
  body: string;
  signatures: NoteSignature[];
}

/** Split a signed note into its body and signature lines (at the last blank line). */
export function parseNote(text: string): ParsedNote {
  if (text.includes("\r")) throw new NoteError("signed note contains a carriage return");
  if (!text.endsWith("\n")) throw new NoteError("signed note must end with a newline");
  const split = text.lastIndexOf("\n\n");
  if (split < 0) throw new NoteError("signed note has no blank line before its signatures");
  const body = text.slice(0, split + 1);
  const lines = text.slice(split + 2, -1).split("\n");
  if (lines.length > 100) throw new NoteError("signed note has more than 100 signatures");
  const signatures = lines.map((line, i) => {
    if (!line.startsWith(DASH)) throw new NoteError(`signature line ${i + 1} does not start with "— "`);
    const rest = line.slice(DASH.length);
    const space = rest.indexOf(" ");
    if (space <= 0) throw new NoteError(`signature line ${i + 1} is not "— <name> <signature>"`);
    const name = rest.slice(0, space);
    checkKeyName(name, `signature line ${i + 1}'s key name`);
    const bytes = strictBase64(rest.slice(space + 1), `signature line ${i + 1}`);
    if (bytes.length < 5) throw new NoteError(`signature line ${i + 1} is too short`);
    return { name, keyId: bytes.subarray(0, 4).toString("hex"), signature: Buffer.from(bytes.subarray(4)) };
  });
  return { body, signatures };
}

/** A checkpoint's signed note read in one go: the note and its checkpoint body, or why it is not one. */
export function readCheckpointNote(text: string): { ok: true; note: ParsedNote; body: CheckpointBody & { extensions: string[] } } | { ok: false; reason: string } {
  try {
    const note = parseNote(text);
    return { ok: true, note, body: parseCheckpointBody(note.body) };
  } catch (error) {
    if (error instanceof NoteError) return { ok: false, reason: error.message };
    throw error;
  }
}

export function signatureLine(name: string, keyId: Uint8Array, signature: Uint8Array): string {
  return `${DASH}${name} ${Buffer.concat([keyId, signature]).toString("base64")}\n`;
}

/** A body and its signature lines as one note. */
export function formatNote(body: string, lines: readonly string[]): string {
  if (lines.length === 0) throw new NoteError("a signed note needs at least one signature");
  return `${body}\n${lines.join("")}`;
}

/** The log's signature line over a body (Ed25519, type 0x01); `name` is the log's key name (its origin). */
export function signNote(body: string, name: string, privateKey: KeyObject | Uint8Array): string {
  const key = toPrivateKey(privateKey);
  const sig = sign(null, Buffer.from(body, "utf8"), key);
  return signatureLine(name, noteKeyId(name, NOTE_ED25519, rawPublicKey(key)), sig);
}

/** The bytes a cosignature/v1 signs. */
export function cosignatureMessage(body: string, timestamp: number): Buffer {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new NoteError(`cosignature time must be a non-negative integer, not ${timestamp}`);
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${body}`, "utf8");
}

/** A witness's cosignature line over a checkpoint body, at `timestamp` (POSIX seconds). */
export function cosignNote(body: string, name: string, privateKey: KeyObject | Uint8Array, timestamp: number): string {
  const key = toPrivateKey(privateKey);
  const stamp = Buffer.alloc(8);
  stamp.writeBigUInt64BE(BigInt(timestamp));
  const sig = sign(null, cosignatureMessage(body, timestamp), key);
  return signatureLine(name, noteKeyId(name, COSIGNATURE_V1, rawPublicKey(key)), Buffer.concat([stamp, sig]));
}

export type NoteCheck = { ok: true; timestamp?: number } | { ok: false; reason: string };

/**
 * Check the signature line of `vkey` on a note: found by name and key ID
 * (lines of other keys are ignored, as the spec asks), then verified. A
 * cosignature's timestamp is returned.
 */
export function verifyNoteSignature(note: ParsedNote, vkey: VerifierKey): NoteCheck {
  const id = vkey.keyId.toString("hex");
  const line = note.signatures.find((s) => s.name === vkey.name && s.keyId === id);
  if (!line) return { ok: false, reason: `no signature by ${vkey.name} (key ${id})` };
  const key = publicKeyFromRaw(vkey.publicKey);
  if (vkey.type === NOTE_ED25519) {
    if (line.signature.length !== 64) return { ok: false, reason: `the signature by ${vkey.name} is ${line.signature.length} bytes, not 64` };
    return verify(null, Buffer.from(note.body, "utf8"), key, line.signature) ? { ok: true } : { ok: false, reason: `the signature by ${vkey.name} does not verify` };
  }
  if (line.signature.length !== 72) return { ok: false, reason: `the cosignature by ${vkey.name} is ${line.signature.length} bytes, not 72` };
  const stamp = line.signature.readBigUInt64BE(0);
  if (stamp > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: `the cosignature by ${vkey.name} has an impossible time` };
  const timestamp = Number(stamp);
  const ok = verify(null, cosignatureMessage(note.body, timestamp), key, line.signature.subarray(8));
  return ok ? { ok: true, timestamp } : { ok: false, reason: `the cosignature by ${vkey.name} does not verify` };
}
