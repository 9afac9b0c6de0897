import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GENESIS_HASH, hashAuditEntry, type AuditRecord } from "../audit/chain";
import { signCheckpoint } from "../checkpoint";
import { rawPublicKey } from "../http-signatures/ed25519-keys";
import { auditLeafHash, MerkleTree, rootFromInclusionProof } from "../merkle";
import { auditLeafHashHex, rootFromInclusionProofAsync, verifyReceiptEvidence, type ReceiptEvidence } from "./index";

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const publicKeyB64 = Buffer.from(rawPublicKey(publicKey)).toString("base64");

/** A chain of `n` entries as the console writes them; entry k carries receipt rcpt_test_k. */
function chain(n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq += 1) {
    const fields = {
      seq,
      time: new Date(Date.UTC(2026, 11, 3, 12, 0, seq)),
      actorType: "user",
      actorId: "8a0e0c55-2f1b-4b1e-9a59-6c7a2d3e4f10",
      action: "job.vote",
      resource: `job:job_${seq}`,
      tenantId: "5b2d7a0e-1c3f-4e5a-8b6c-7d8e9f0a1b2c",
      profileId: null,
      decision: seq % 2 ? "approve" : null,
      requestHash: "a".repeat(64),
      resultHash: "b".repeat(64),
      traceId: seq % 3 ? `trace-${seq}` : null,
      data: { receipt: `rcpt_test_${seq}`, note: "looks right «ü»", n: seq },
      prevHash,
    };
    const hash = hashAuditEntry(fields);
    out.push({ ...fields, hash });
    prevHash = hash;
  }
  return out;
}

function evidenceFor(entries: AuditRecord[], seq: number, treeSize: number | null): ReceiptEvidence {
  const entry = entries[seq - 1]!;
  const tree = MerkleTree.fromAuditHashes(entries.map((e) => e.hash));
  const seal =
    treeSize === null
      ? null
      : {
          checkpoint: signCheckpoint(
            { seq: treeSize, headHash: entries[treeSize - 1]!.hash, treeRoot: tree.root(treeSize), time: "2026-12-03T12:05:00.000Z" },
            privateKey,
          ),
          leafIndex: seq - 1,
          treeSize,
          proof: tree.inclusionProof(seq - 1, treeSize),
        };
  return {
    receipt: { id: `rcpt_test_${seq}`, auditSeq: seq, auditHash: entry.hash, requestHash: entry.requestHash!, resultHash: entry.resultHash! },
    entry: { ...entry, time: entry.time.toISOString() },
    seal: JSON.parse(JSON.stringify(seal)) as ReceiptEvidence["seal"],
    platformKey: seal ? { keyId: seal.checkpoint.keyId, publicKey: publicKeyB64 } : null,
  };
}

const states = (r: Awaited<ReturnType<typeof verifyReceiptEvidence>>) => Object.fromEntries(r.steps.map((s) => [s.id, s.state]));

describe("verifying a receipt with Web Crypto", () => {
  const entries = chain(11);

  it("computes the same leaf hashes and proof roots as the Node Merkle code, for every index and size", async () => {
    const tree = MerkleTree.fromAuditHashes(entries.map((e) => e.hash));
    for (let size = 1; size <= entries.length; size += 1) {
      for (let index = 0; index < size; index += 1) {
        const leaf = auditLeafHash(entries[index]!.hash).toString("hex");
        expect(await auditLeafHashHex(entries[index]!.hash)).toBe(leaf);
        const proof = tree.inclusionProof(index, size);
        expect(await rootFromInclusionProofAsync(index, size, leaf, proof)).toBe(rootFromInclusionProof(index, size, leaf, proof));
        expect(await rootFromInclusionProofAsync(index, size, leaf, proof)).toBe(tree.root(size));
      }
    }
  });

  it("passes every step for an intact entry sealed by a later checkpoint", async () => {
    const result = await verifyReceiptEvidence(evidenceFor(entries, 4, 11));
    expect(states(result)).toEqual({ "entry-hash": "pass", receipt: "pass", inclusion: "pass", signature: "pass" });
    expect(result).toMatchObject({ ok: true, sealed: true });
  });

  it("also checks the head when the checkpoint ends at the entry", async () => {
    const result = await verifyReceiptEvidence(evidenceFor(entries, 7, 7));
    expect(states(result)).toEqual({ "entry-hash": "pass", receipt: "pass", inclusion: "pass", head: "pass", signature: "pass" });
    expect(result.ok).toBe(true);
  });

  it("passes but is not sealed while no checkpoint covers the entry", async () => {
    const result = await verifyReceiptEvidence(evidenceFor(entries, 11, null));
    expect(states(result)).toEqual({ "entry-hash": "pass", receipt: "pass", inclusion: "skipped" });
    expect(result).toMatchObject({ ok: true, sealed: false });
  });

  it("fails when the entry's contents were changed (the note), and its inclusion with it", async () => {
    const evidence = evidenceFor(entries, 4, 11);
    evidence.entry.data = { ...(evidence.entry.data as object), note: "approved by someone else" };
    const result = await verifyReceiptEvidence(evidence);
    expect(states(result)["entry-hash"]).toBe("fail");
    expect(result.ok).toBe(false);
  });

  it("fails when entry and stored hash were both replaced (the proof no longer reaches the signed root)", async () => {
    const evidence = evidenceFor(entries, 4, 11);
    evidence.entry.data = { ...(evidence.entry.data as object), note: "rewritten" };
    const { hash: _hash, ...fields } = evidence.entry;
    evidence.entry.hash = hashAuditEntry(fields);
    evidence.receipt.auditHash = evidence.entry.hash;
    const result = await verifyReceiptEvidence(evidence);
    expect(states(result)).toMatchObject({ "entry-hash": "pass", receipt: "pass", inclusion: "fail" });
    expect(result.ok).toBe(false);
  });

  it("fails when the receipt names another entry or other hashes", async () => {
    const evidence = evidenceFor(entries, 4, 11);
    evidence.receipt.resultHash = "c".repeat(64);
    evidence.receipt.id = "rcpt_other";
    const result = await verifyReceiptEvidence(evidence);
    expect(result.steps.find((s) => s.id === "receipt")).toMatchObject({ state: "fail", detail: "They differ in: result hash, receipt id." });
  });

  it("fails on a tampered proof, a wrong leaf index, or a forged checkpoint root", async () => {
    const proof = evidenceFor(entries, 4, 11);
    proof.seal!.proof[0] = "0".repeat(64);
    expect(states(await verifyReceiptEvidence(proof)).inclusion).toBe("fail");

    const index = evidenceFor(entries, 4, 11);
    index.seal!.leafIndex = 4;
    expect(states(await verifyReceiptEvidence(index)).inclusion).toBe("fail");

    const forged = evidenceFor(entries, 4, 11);
    forged.seal!.checkpoint.treeRoot = "1".repeat(64);
    const result = await verifyReceiptEvidence(forged);
    expect(states(result)).toMatchObject({ inclusion: "fail", signature: "fail" });
  });

  it("fails a signature by another key under the platform key's id, and skips a checkpoint of another key id", async () => {
    const evidence = evidenceFor(entries, 4, 11);
    const other = generateKeyPairSync("ed25519");
    evidence.platformKey = { keyId: evidence.seal!.checkpoint.keyId, publicKey: Buffer.from(rawPublicKey(other.publicKey)).toString("base64") };
    expect(states(await verifyReceiptEvidence(evidence)).signature).toBe("fail");

    const rotated = evidenceFor(entries, 4, 11);
    rotated.platformKey = { keyId: "platform-0000000000000000", publicKey: publicKeyB64 };
    const result = await verifyReceiptEvidence(rotated);
    expect(states(result).signature).toBe("skipped");
    expect(result).toMatchObject({ ok: true, sealed: false });
  });
});
