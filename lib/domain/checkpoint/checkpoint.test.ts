import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GENESIS_HASH } from "../audit/chain";
import { canonicalize } from "../canonical-json";
import { rawPublicKey } from "../http-signatures/ed25519-keys";
import { EMPTY_ROOT_HEX, MerkleTree } from "../merkle";
import { checkpointSigningBytes, keyIdFor, signCheckpoint, verifyCheckpoint, type SignedCheckpoint } from "./index";

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const other = generateKeyPairSync("ed25519");
const hashes = Array.from({ length: 5 }, (_, i) => String(i + 1).repeat(64).slice(0, 64));
const tree = MerkleTree.fromAuditHashes(hashes);
const input = { seq: 5, headHash: hashes[4]!, treeRoot: tree.root(), time: "2026-11-22T21:40:00.000Z" };

describe("checkpoints", () => {
  it("sign over the canonical JSON without the signature, and verify", () => {
    const cp = signCheckpoint(input, privateKey);
    expect(cp.keyId).toBe(keyIdFor(rawPublicKey(publicKey)));
    expect(cp.keyId).toMatch(/^platform-[0-9a-f]{16}$/);
    expect(checkpointSigningBytes(cp).toString()).toBe(
      canonicalize({ format: "cellgate.checkpoint.v1", headHash: input.headHash, keyId: cp.keyId, seq: 5, time: input.time, treeRoot: input.treeRoot }),
    );
    expect(verifyCheckpoint(cp, publicKey)).toEqual({ ok: true });
    expect(verifyCheckpoint(JSON.parse(JSON.stringify(cp)), rawPublicKey(publicKey))).toEqual({ ok: true });
    // The signature is plain Ed25519 over those bytes: any implementation reproduces it.
    expect(sign(null, checkpointSigningBytes(cp), privateKey).toString("base64")).toBe(cp.signature);
  });

  it("accepts a raw 32-byte seed as the signing key", () => {
    const seed = privateKey.export({ format: "der", type: "pkcs8" }).subarray(16);
    expect(signCheckpoint(input, new Uint8Array(seed)).signature).toBe(signCheckpoint(input, privateKey).signature);
  });

  it("fails for every changed field, a wrong key and a bad signature", () => {
    const cp = signCheckpoint(input, privateKey);
    const changed: Array<Partial<SignedCheckpoint>> = [
      { seq: 4 },
      { headHash: hashes[3]! },
      { treeRoot: tree.root(4) },
      { time: "2026-11-22T21:40:00.001Z" },
    ];
    for (const change of changed) {
      const result = verifyCheckpoint({ ...cp, ...change }, publicKey);
      expect(result).toEqual({ ok: false, reason: "checkpoint at seq " + ((change.seq ?? 5) as number) + " has a bad signature" });
    }
    expect(verifyCheckpoint(cp, other.publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/is not the key/) });
    const forged = { ...cp, keyId: keyIdFor(rawPublicKey(other.publicKey)) };
    expect(verifyCheckpoint(forged, other.publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/bad signature/) });
    const sig = Buffer.from(cp.signature, "base64");
    sig[10]! ^= 1;
    expect(verifyCheckpoint({ ...cp, signature: sig.toString("base64") }, publicKey)).toMatchObject({ ok: false });
    expect(verifyCheckpoint({ ...cp, signature: "abc" }, publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/64 bytes/) });
  });

  it("refuses malformed checkpoints with a reason", () => {
    const cp = signCheckpoint(input, privateKey);
    expect(verifyCheckpoint({ ...cp, extra: 1 }, publicKey)).toMatchObject({ reason: expect.stringMatching(/unknown member "extra"/) });
    expect(verifyCheckpoint({ ...cp, seq: -1 }, publicKey)).toMatchObject({ reason: expect.stringMatching(/seq/) });
    expect(verifyCheckpoint({ ...cp, headHash: "AB" }, publicKey)).toMatchObject({ reason: expect.stringMatching(/headHash/) });
    expect(verifyCheckpoint({ ...cp, time: "2026-11-22T21:40:00Z" }, publicKey)).toMatchObject({ reason: expect.stringMatching(/time/) });
    expect(verifyCheckpoint(null, publicKey)).toMatchObject({ reason: "checkpoint is not a JSON object" });
    const { signature: _drop, ...unsigned } = cp;
    expect(verifyCheckpoint(unsigned, publicKey)).toMatchObject({ reason: "checkpoint is not signed" });
    expect(() => signCheckpoint({ ...input, treeRoot: "x" }, privateKey)).toThrow(/treeRoot/);
  });

  it("covers the empty log", () => {
    const cp = signCheckpoint({ seq: 0, headHash: GENESIS_HASH, treeRoot: EMPTY_ROOT_HEX, time: input.time }, privateKey);
    expect(verifyCheckpoint(cp, publicKey)).toEqual({ ok: true });
    expect(() => signCheckpoint({ seq: 0, headHash: hashes[0]!, treeRoot: EMPTY_ROOT_HEX, time: input.time }, privateKey)).toThrow(/empty-log/);
  });
});
