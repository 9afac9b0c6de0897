/**
 * buildPacket: already-collected, already-scoped data + proofs + a signed
 * checkpoint + the platform private key → one ustar file (Uint8Array).
 * Member names come from format.ts only; nothing user-supplied names a file.
 */
import { sign, type KeyObject } from "node:crypto";
import type { ChainEntry } from "../audit/chain";
import { canonicalize } from "../canonical-json";
import type { SignedCheckpoint } from "../checkpoint";
import { keyIdFor } from "../checkpoint";
import { sha256Hex } from "../hash";
import { rawPublicKey, toPrivateKey } from "../http-signatures/ed25519-keys";
import type { MerkleTree } from "../merkle";
import { firstIssue, KEY_FORMAT, MEMBERS, PACKET_FORMAT, policyMember, ZScope, type Manifest, type PacketScope, type PolicyRef } from "./format";
import { canonicalEntryLine, canonicalProofLine } from "./entry-line";
import { writeTar, type TarMember } from "./tar";

export interface PolicyDocument {
  level: string;
  scopeKey: string;
  tenantId: string | null;
  profileId: string | null;
  version: number;
  /** "sha256:<hex>" of `source` (UTF-8) exactly as stored. */
  hash: string;
  source: string;
}

export interface EarlierCheckpoint {
  checkpoint: SignedCheckpoint;
  /** Consistency proof from this checkpoint's tree to the anchor's. */
  consistency: string[];
  /** Inclusion proof of this checkpoint's head entry in the anchor's tree. */
  headProof: string[];
}

export interface PacketInput {
  scope: PacketScope;
  /** ISO-8601 UTC with milliseconds. */
  createdAt: string;
  /** The scope's entries in ascending seq order, all ≤ checkpoint.seq. */
  entries: readonly ChainEntry[];
  /** proofs[i]: inclusion proof of entries[i] in the checkpoint's tree. */
  proofs: readonly string[][];
  /** The anchor: the signed checkpoint the proofs lead to. */
  checkpoint: SignedCheckpoint;
  /** Inclusion proof of the anchor's head entry (empty for seq 0). */
  headProof: string[];
  earlierCheckpoints?: readonly EarlierCheckpoint[];
  /** Signed notes (C2SP) with witness cosignatures, of the anchor or earlier checkpoints. */
  checkpointNotes?: readonly string[];
  decisions: readonly unknown[];
  approvals: readonly unknown[];
  killSwitches: readonly unknown[];
  /** The scope's canary stage changes whose receipts' entries are in `entries`. */
  stageChanges: readonly unknown[];
  policies: readonly PolicyDocument[];
  registry: unknown;
  privateKey: KeyObject | Uint8Array;
}

export class PacketBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PacketBuildError";
  }
}

/** An audit record as its entries.jsonl line (time as ISO text), without the newline. */
export function entryLine(e: ChainEntry): string {
  return canonicalEntryLine(e, e.hash);
}

function jsonl(values: readonly unknown[]): Uint8Array {
  return Buffer.from(values.map((v) => `${canonicalize(v)}\n`).join(""), "utf8");
}

const json = (value: unknown): Uint8Array => Buffer.from(`${canonicalize(value)}\n`, "utf8");

/** The proofs the packet needs, from one in-memory tree of the whole log (≥ checkpoint.seq leaves). */
export function proofsFor(tree: MerkleTree, checkpoint: { seq: number }, entrySeqs: readonly number[]) {
  const size = checkpoint.seq;
  return {
    proofs: entrySeqs.map((seq) => tree.inclusionProof(seq - 1, size)),
    headProof: size > 0 ? tree.inclusionProof(size - 1, size) : [],
    earlier: (cp: SignedCheckpoint): EarlierCheckpoint => ({
      checkpoint: cp,
      consistency: tree.consistencyProof(cp.seq, size),
      headProof: cp.seq > 0 ? tree.inclusionProof(cp.seq - 1, size) : [],
    }),
  };
}

export function buildPacket(input: PacketInput): Uint8Array {
  const scope = ZScope.safeParse(input.scope);
  if (!scope.success) throw new PacketBuildError(`scope: ${firstIssue(scope.error)}`);
  if (input.proofs.length !== input.entries.length) throw new PacketBuildError("there must be one inclusion proof per entry");
  let last = 0;
  for (const e of input.entries) {
    if (e.seq <= last) throw new PacketBuildError(`entries must be in ascending seq order (seq ${e.seq} after ${last})`);
    if (e.seq > input.checkpoint.seq) throw new PacketBuildError(`entry ${e.seq} is after the checkpoint (seq ${input.checkpoint.seq})`);
    last = e.seq;
  }
  const key = toPrivateKey(input.privateKey);
  const rawPublic = rawPublicKey(key);
  const keyId = keyIdFor(rawPublic);
  if (input.checkpoint.keyId !== keyId) throw new PacketBuildError(`the checkpoint was signed by ${input.checkpoint.keyId}, not by ${keyId}`);

  const members: TarMember[] = [
    { name: MEMBERS.key, data: json({ format: KEY_FORMAT, algorithm: "Ed25519", keyId, publicKey: Buffer.from(rawPublic).toString("base64") }) },
    { name: MEMBERS.checkpoints, data: json({ headProof: input.headProof, earlier: input.earlierCheckpoints ?? [], ...(input.checkpointNotes?.length ? { notes: input.checkpointNotes } : {}) }) },
    { name: MEMBERS.entries, data: Buffer.from(input.entries.map((e) => `${entryLine(e)}\n`).join(""), "utf8") },
    { name: MEMBERS.proofs, data: Buffer.from(input.entries.map((e, i) => `${canonicalProofLine(e.seq, input.proofs[i]!)}\n`).join(""), "utf8") },
    { name: MEMBERS.decisions, data: jsonl(input.decisions) },
    { name: MEMBERS.approvals, data: jsonl(input.approvals) },
    { name: MEMBERS.killSwitches, data: jsonl(input.killSwitches) },
    { name: MEMBERS.stageChanges, data: jsonl(input.stageChanges) },
    { name: MEMBERS.registry, data: json(input.registry ?? null) },
  ];
  const policies: PolicyRef[] = input.policies.map((p, i) => {
    const name = policyMember(i + 1);
    const data = Buffer.from(p.source, "utf8");
    if (`sha256:${sha256Hex(data)}` !== p.hash) throw new PacketBuildError(`policy ${p.scopeKey} v${p.version}: source does not match its hash`);
    members.push({ name, data });
    const { level, scopeKey, tenantId, profileId, version, hash } = p;
    return { member: name, level, scopeKey, tenantId, profileId, version, hash };
  });

  const manifest: Manifest = {
    format: PACKET_FORMAT,
    createdAt: input.createdAt,
    scope: scope.data,
    checkpoint: { ...input.checkpoint },
    entries: { count: input.entries.length, firstSeq: input.entries[0]?.seq ?? null, lastSeq: input.entries.at(-1)?.seq ?? null },
    records: {
      decisions: input.decisions.length,
      approvals: input.approvals.length,
      killSwitches: input.killSwitches.length,
      stageChanges: input.stageChanges.length,
    },
    policies,
    members: members.map((m) => ({ name: m.name, size: m.data.length, sha256: sha256Hex(m.data) })),
  };
  const manifestBytes = Buffer.from(canonicalize(manifest), "utf8");
  const signature = Buffer.from(`${sign(null, manifestBytes, key).toString("base64")}\n`, "ascii");
  const mtime = Math.floor(Date.parse(input.createdAt) / 1000);
  return writeTar([{ name: MEMBERS.manifest, data: manifestBytes }, { name: MEMBERS.signature, data: signature }, ...members], mtime);
}
