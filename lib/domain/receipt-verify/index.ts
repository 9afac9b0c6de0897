/**
 * Verifying one receipt from what its page shows, with nothing but Web Crypto
 * (SHA-256, and Ed25519 where the browser has it), so it runs the same in the
 * browser and in Node: no Node.js imports here.
 *
 * 1. the audit entry's contents hash to its stored hash (the entry covers its
 *    prevHash, so this is the entry's link in the chain);
 * 2. the receipt names that entry (seq, hash, request and result hashes, id);
 * 3. when a checkpoint seals it: the RFC 9162 inclusion proof leads from the
 *    entry's leaf, SHA-256(0x00 || entry hash), to the checkpoint's tree root;
 *    a checkpoint ending at this entry also names it as its head;
 * 4. the checkpoint's Ed25519 signature by the platform key.
 */
import { canonicalize } from "../canonical-json";
import { canonicalAuditEntry, type CanonicalAuditFields } from "../audit/canonical";

export interface EvidenceCheckpoint {
  format: string;
  seq: number;
  headHash: string;
  treeRoot: string;
  time: string;
  keyId: string;
  signature: string;
}

export interface ReceiptEvidence {
  receipt: { id: string; auditSeq: number; auditHash: string; requestHash: string; resultHash: string };
  /** The entry's hashed fields (time as ISO text) and its stored hash. */
  entry: CanonicalAuditFields & { time: string; hash: string };
  /** The first checkpoint covering the entry and the inclusion proof against it; null while none does. */
  seal: { checkpoint: EvidenceCheckpoint; leafIndex: number; treeSize: number; proof: string[] } | null;
  /** The platform public key the console signs with (raw 32 bytes, base64) and its id. */
  platformKey: { keyId: string; publicKey: string } | null;
}

export type StepState = "pass" | "fail" | "skipped";

export interface VerifyStep {
  id: "entry-hash" | "receipt" | "inclusion" | "head" | "signature";
  label: string;
  state: StepState;
  detail: string;
}

export interface VerifyResult {
  /** Every step that ran passed (skipped steps do not fail it). */
  ok: boolean;
  /** The entry is proven inside a signed checkpoint (inclusion and signature both passed). */
  sealed: boolean;
  steps: VerifyStep[];
}

const HEX_64 = /^[0-9a-f]{64}$/;

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error("Web Crypto is not available here (a secure context is needed)");
  return s;
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

function base64ToBytes(b64: string): Uint8Array {
  const text = atob(b64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) out[i] = text.charCodeAt(i);
  return out;
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest("SHA-256", bytes as BufferSource));
}

export async function sha256HexOf(text: string): Promise<string> {
  return bytesToHex(await sha256(new TextEncoder().encode(text)));
}

function concat(prefix: number, ...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(1 + parts.reduce((n, p) => n + p.length, 0));
  out[0] = prefix;
  let at = 1;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** RFC 9162 leaf hash of an audit entry: SHA-256(0x00 || entry hash bytes), hex. */
export async function auditLeafHashHex(entryHashHex: string): Promise<string> {
  return bytesToHex(await sha256(concat(0x00, hexToBytes(entryHashHex))));
}

/** RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or null when malformed for these sizes. */
export async function rootFromInclusionProofAsync(leafIndex: number, treeSize: number, leafHex: string, path: readonly string[]): Promise<string | null> {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) return null;
  if (!HEX_64.test(leafHex) || path.length > 64 || !path.every((p) => HEX_64.test(p))) return null;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = hexToBytes(leafHex);
  for (const hex of path) {
    if (sn === 0) return null;
    const p = hexToBytes(hex);
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(concat(0x01, p, r));
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await sha256(concat(0x01, r, p));
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? bytesToHex(r) : null;
}

/** The bytes the platform key signs for a checkpoint: JCS of it without `signature`. */
export function checkpointSigningText(c: EvidenceCheckpoint): string {
  const { format, seq, headHash, treeRoot, time, keyId } = c;
  return canonicalize({ format, seq, headHash, treeRoot, time, keyId });
}

const short = (hex: string) => (hex.length > 16 ? `${hex.slice(0, 16)}…` : hex);

async function signatureStep(seal: NonNullable<ReceiptEvidence["seal"]>, key: ReceiptEvidence["platformKey"]): Promise<VerifyStep> {
  const label = "Checkpoint signed by the platform key";
  if (!key) return { id: "signature", label, state: "skipped", detail: "The console did not give its platform key." };
  if (seal.checkpoint.keyId !== key.keyId) {
    return { id: "signature", label, state: "skipped", detail: `Signed by ${seal.checkpoint.keyId}, not the current platform key ${key.keyId}; check it with that key.` };
  }
  let publicKey: CryptoKey;
  try {
    publicKey = await subtle().importKey("raw", base64ToBytes(key.publicKey) as BufferSource, { name: "Ed25519" }, false, ["verify"]);
  } catch {
    return { id: "signature", label, state: "skipped", detail: "This browser cannot check Ed25519 signatures; `npx cellgate audit verify` does." };
  }
  let signature: Uint8Array;
  try {
    signature = base64ToBytes(seal.checkpoint.signature);
  } catch {
    return { id: "signature", label, state: "fail", detail: "The signature is not base64." };
  }
  const ok = await subtle().verify({ name: "Ed25519" }, publicKey, signature as BufferSource, new TextEncoder().encode(checkpointSigningText(seal.checkpoint)) as BufferSource);
  return ok
    ? { id: "signature", label, state: "pass", detail: `Ed25519 signature by ${key.keyId} is valid.` }
    : { id: "signature", label, state: "fail", detail: `The signature does not verify with ${key.keyId}.` };
}

export async function verifyReceiptEvidence(evidence: ReceiptEvidence): Promise<VerifyResult> {
  const { receipt, entry, seal } = evidence;
  const steps: VerifyStep[] = [];

  const { hash: storedHash, ...fields } = entry;
  const recomputed = await sha256HexOf(canonicalAuditEntry(fields));
  steps.push(
    recomputed === storedHash
      ? { id: "entry-hash", label: "Audit entry hashes to its stored hash", state: "pass", detail: `SHA-256 of entry #${entry.seq}'s canonical JSON (with its previous hash) is ${short(recomputed)}.` }
      : { id: "entry-hash", label: "Audit entry hashes to its stored hash", state: "fail", detail: `Entry #${entry.seq}'s contents hash to ${short(recomputed)}, not the stored ${short(storedHash)}: it was changed.` },
  );

  const data = entry.data && typeof entry.data === "object" && !Array.isArray(entry.data) ? (entry.data as Record<string, unknown>) : {};
  const mismatches = [
    receipt.auditSeq !== entry.seq ? "audit sequence number" : null,
    receipt.auditHash !== storedHash ? "audit hash" : null,
    receipt.requestHash !== entry.requestHash ? "request hash" : null,
    receipt.resultHash !== entry.resultHash ? "result hash" : null,
    data.receipt !== receipt.id ? "receipt id" : null,
  ].filter((m): m is string => m !== null);
  steps.push(
    mismatches.length === 0
      ? { id: "receipt", label: "Receipt matches its audit entry", state: "pass", detail: "Sequence number, hash, request and result hashes and receipt id agree." }
      : { id: "receipt", label: "Receipt matches its audit entry", state: "fail", detail: `They differ in: ${mismatches.join(", ")}.` },
  );

  let sealed = false;
  if (!seal) {
    steps.push({ id: "inclusion", label: "Included in a signed checkpoint", state: "skipped", detail: "Not yet in a checkpoint: checkpoints are taken every few minutes." });
  } else {
    const { checkpoint } = seal;
    const leaf = await auditLeafHashHex(storedHash);
    const root =
      seal.leafIndex === entry.seq - 1 && seal.treeSize === checkpoint.seq ? await rootFromInclusionProofAsync(seal.leafIndex, seal.treeSize, leaf, seal.proof) : null;
    const included = root !== null && root === checkpoint.treeRoot;
    steps.push(
      included
        ? { id: "inclusion", label: "Included in a signed checkpoint", state: "pass", detail: `The ${seal.proof.length}-hash inclusion proof leads to checkpoint #${checkpoint.seq}'s tree root ${short(checkpoint.treeRoot)}.` }
        : { id: "inclusion", label: "Included in a signed checkpoint", state: "fail", detail: `The inclusion proof leads to ${root ? short(root) : "no root"}, not checkpoint #${checkpoint.seq}'s tree root ${short(checkpoint.treeRoot)}.` },
    );
    if (checkpoint.seq === entry.seq) {
      steps.push(
        checkpoint.headHash === storedHash
          ? { id: "head", label: "Checkpoint head is this entry", state: "pass", detail: "The checkpoint ends at this entry and names its hash." }
          : { id: "head", label: "Checkpoint head is this entry", state: "fail", detail: `The checkpoint ends at #${checkpoint.seq} with head ${short(checkpoint.headHash)}, not this entry's hash.` },
      );
    }
    const signature = await signatureStep(seal, evidence.platformKey);
    steps.push(signature);
    sealed = included && signature.state === "pass";
  }
  return { ok: steps.every((s) => s.state !== "fail"), sealed, steps };
}
