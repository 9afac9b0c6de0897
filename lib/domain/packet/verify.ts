/**
 * verifyPacket: offline verification of an evidence packet with nothing but
 * its bytes (and optionally a pinned platform public key). Every problem is
 * collected, each naming the member it concerns; `ok` only when there is none.
 */
import { createHash, verify, type KeyObject } from "node:crypto";
import { verifyCheckpoint, keyIdFor, type SignedCheckpoint } from "../checkpoint";
import { publicKeyFromRaw, rawPublicKey, toPublicKey } from "../http-signatures/ed25519-keys";
import { strictBase64 } from "../http-signatures/structured-fields-parse";
import { parseCanonical, parseJsonMember, utf8, VerifyContext, type PacketFailure } from "./context";
import { firstIssue, MEMBERS, PACKET_FORMAT, REQUIRED_MEMBERS, ZManifest, ZPlatformKey, type Manifest } from "./format";
import { readTar, TarError } from "./tar";
import { verifyCheckpointsMember, verifyEntries, type EntrySummary } from "./verify-entries";
import { requireWitnesses, type WitnessCoverage } from "./verify-witness";
import { verifySignedSwitches, verifySignedVotes } from "./verify-passkeys";
import { verifyPolicies, verifyRecords, verifyRegistry, type RecordCounts } from "./verify-records";

export type { PacketFailure } from "./context";

export interface PacketSummary {
  createdAt: string;
  scope: Manifest["scope"];
  keyId: string;
  publicKey: string;
  /** True when the packet's key was checked against a pinned key. */
  pinned: boolean;
  checkpoint: { seq: number; treeRoot: string; headHash: string; time: string } | null;
  earlierCheckpoints: number;
  /** Witness cosignature lines the packet's checkpoint notes carry (name and key ID; verified only for `witnessKeys`). */
  cosigners: Array<{ name: string; keyId: string; treeSize: number }>;
  /** For each witness key required: the tree it cosigned (present only when witness keys were given). */
  witnessed?: WitnessCoverage[];
  entries: EntrySummary;
  records: RecordCounts;
  /** Votes signed with a passkey whose assertion verified offline. */
  signedVotes: number;
  /** Kill-switch engages and releases signed with a passkey, verified offline. */
  signedSwitches: number;
  policies: number;
  members: number;
}

export interface PacketVerification {
  ok: boolean;
  summary: PacketSummary | null;
  failures: PacketFailure[];
}

export interface VerifyOptions {
  /** The platform public key to require: KeyObject, raw 32 bytes, or base64 of them. */
  pinnedPublicKey?: KeyObject | Uint8Array | string;
  /** Witness verifier keys (C2SP vkeys, cosignature/v1): each must have cosigned a tree holding every entry. */
  witnessKeys?: readonly string[];
}

const fatal = (failures: PacketFailure[]): PacketVerification => ({ ok: false, summary: null, failures });

export function verifyPacket(bytes: Uint8Array, options: VerifyOptions = {}): PacketVerification {
  let members;
  try {
    members = readTar(bytes);
  } catch (error) {
    if (error instanceof TarError) return fatal([{ message: `not a well-formed packet archive: ${error.message}` }]);
    throw error;
  }
  const failures: PacketFailure[] = [];
  const files = new Map<string, Uint8Array>();
  for (const m of members) {
    if (files.has(m.name)) failures.push({ member: m.name, message: "appears more than once in the archive" });
    else files.set(m.name, m.data);
  }
  if (members[0]?.name !== MEMBERS.manifest || members[1]?.name !== MEMBERS.signature) {
    failures.push({ message: `the archive must start with ${MEMBERS.manifest} and ${MEMBERS.signature}` });
  }
  const manifestBytes = files.get(MEMBERS.manifest);
  if (!manifestBytes) return fatal([...failures, { member: MEMBERS.manifest, message: "is missing" }]);
  const manifestText = utf8(manifestBytes);
  const parsed = manifestText === null ? ({ ok: false, reason: "is not valid UTF-8" } as const) : parseCanonical(manifestText);
  if (!parsed.ok) return fatal([...failures, { member: MEMBERS.manifest, message: parsed.reason }]);
  const shaped = ZManifest.safeParse(parsed.value);
  if (!shaped.success) return fatal([...failures, { member: MEMBERS.manifest, message: `is not a ${PACKET_FORMAT} manifest: ${firstIssue(shaped.error)}` }]);
  const manifest = shaped.data;

  // The key: the pinned one when given (the packet's own key must equal it), else the packet's.
  const own = packetKey(files.get(MEMBERS.key));
  if ("reason" in own) failures.push({ member: MEMBERS.key, message: own.reason });
  let key: KeyObject;
  if (options.pinnedPublicKey !== undefined) {
    const pin = options.pinnedPublicKey;
    key = typeof pin === "string" ? publicKeyFromRaw(pin) : toPublicKey(pin);
    const pinnedId = keyIdFor(rawPublicKey(key));
    if ("key" in own && own.keyId !== pinnedId) {
      failures.push({ member: MEMBERS.key, message: `the packet is signed with key ${own.keyId}, not the pinned key ${pinnedId}` });
    }
  } else if ("key" in own) {
    key = own.key;
  } else {
    return fatal(failures);
  }
  const keyId = keyIdFor(rawPublicKey(key));

  const sigText = utf8(files.get(MEMBERS.signature) ?? new Uint8Array(0)) ?? "";
  const sig = sigText.endsWith("\n") ? strictBase64(sigText.slice(0, -1)) : null;
  if (!files.has(MEMBERS.signature)) failures.push({ member: MEMBERS.signature, message: "is missing" });
  else if (!sig || sig.length !== 64) failures.push({ member: MEMBERS.signature, message: "is not a base64 Ed25519 signature followed by a newline" });
  else if (!verify(null, manifestBytes, key, sig)) {
    failures.push({ member: MEMBERS.manifest, message: `is not signed by key ${keyId}: ${MEMBERS.signature} does not verify (the manifest or its signature was changed, or another key signed it)` });
  }

  checkMembers(manifest, files, failures);
  const check = verifyCheckpoint(manifest.checkpoint, key);
  if (!check.ok) failures.push({ member: MEMBERS.manifest, message: `checkpoint: ${check.reason}` });
  const anchor = check.ok ? (manifest.checkpoint as unknown as SignedCheckpoint) : null;

  const ctx = new VerifyContext(files, manifest, key, anchor);
  const entries = verifyEntries(ctx);
  const { earlier: earlierCheckpoints, notes } = verifyCheckpointsMember(ctx);
  const witnessed = options.witnessKeys?.length ? requireWitnesses(ctx, notes, options.witnessKeys, entries.lastSeq ?? 0) : undefined;
  const logName = notes[0]?.origin;
  const cosigners = notes.flatMap((n) => n.note.signatures.filter((s) => s.name !== logName).map((s) => ({ name: s.name, keyId: s.keyId, treeSize: n.size })));
  const records = verifyRecords(ctx);
  const signedVotes = verifySignedVotes(ctx);
  const signedSwitches = verifySignedSwitches(ctx);
  const policies = verifyPolicies(ctx);
  verifyRegistry(ctx);
  failures.push(...ctx.finish());

  const summary: PacketSummary = {
    createdAt: manifest.createdAt,
    scope: manifest.scope,
    keyId,
    publicKey: Buffer.from(rawPublicKey(key)).toString("base64"),
    pinned: options.pinnedPublicKey !== undefined,
    checkpoint: anchor ? { seq: anchor.seq, treeRoot: anchor.treeRoot, headHash: anchor.headHash, time: anchor.time } : null,
    earlierCheckpoints,
    cosigners,
    ...(witnessed ? { witnessed } : {}),
    entries,
    records,
    signedVotes,
    signedSwitches,
    policies,
    members: members.length,
  };
  return { ok: failures.length === 0, summary, failures };
}

function packetKey(data: Uint8Array | undefined): { key: KeyObject; keyId: string } | { reason: string } {
  if (!data) return { reason: "is missing" };
  const parsed = parseJsonMember(data);
  if (!parsed.ok) return { reason: parsed.reason };
  const doc = ZPlatformKey.safeParse(parsed.value);
  if (!doc.success) return { reason: firstIssue(doc.error) };
  let key: KeyObject;
  try {
    key = publicKeyFromRaw(doc.data.publicKey);
  } catch (error) {
    return { reason: (error as Error).message };
  }
  const keyId = keyIdFor(rawPublicKey(key));
  if (keyId !== doc.data.keyId) return { reason: `keyId ${doc.data.keyId} does not belong to the public key (${keyId})` };
  return { key, keyId };
}

/** Every listed member present with its size and hash; nothing unlisted; the required ones listed. */
function checkMembers(manifest: Manifest, files: Map<string, Uint8Array>, failures: PacketFailure[]): void {
  const listed = new Set<string>();
  for (const ref of manifest.members) {
    if (listed.has(ref.name) || ref.name === MEMBERS.manifest || ref.name === MEMBERS.signature) {
      failures.push({ member: ref.name, message: "is listed twice (or is the manifest or its signature) in the manifest" });
      continue;
    }
    listed.add(ref.name);
    const data = files.get(ref.name);
    if (!data) {
      failures.push({ member: ref.name, message: "is listed in the manifest but missing from the packet" });
      continue;
    }
    if (data.length !== ref.size) failures.push({ member: ref.name, message: `is ${data.length} bytes, the manifest says ${ref.size}` });
    const digest = createHash("sha256").update(data).digest("hex");
    if (digest !== ref.sha256) failures.push({ member: ref.name, message: "its SHA-256 does not match the manifest: the file was changed" });
  }
  for (const name of files.keys()) {
    if (name !== MEMBERS.manifest && name !== MEMBERS.signature && !listed.has(name)) {
      failures.push({ member: name, message: "is in the packet but not listed in the manifest" });
    }
  }
  // stage-changes.jsonl is required once the manifest declares its count (packets from before the gate have neither).
  const required = manifest.records.stageChanges === undefined ? REQUIRED_MEMBERS : [...REQUIRED_MEMBERS, MEMBERS.stageChanges];
  for (const name of required) if (!listed.has(name)) failures.push({ member: name, message: "is required but not listed in the manifest" });
}
