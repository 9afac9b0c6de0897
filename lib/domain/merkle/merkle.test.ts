import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { auditLeafHash, EMPTY_ROOT_HEX, leafHash, MerkleError, MerkleTree, verifyConsistency, verifyInclusion } from "./index";

const sha = (...parts: Uint8Array[]) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};

/** MTH straight from the RFC 9162 §2.1.1 definition (no shared code with the tree). */
function referenceRoot(leaves: Buffer[]): string {
  const mth = (d: Buffer[]): Buffer => {
    if (d.length === 0) return sha();
    if (d.length === 1) return sha(Buffer.from([0]), d[0]!);
    let k = 1;
    while (k * 2 < d.length) k *= 2;
    return sha(Buffer.from([1]), mth(d.slice(0, k)), mth(d.slice(k)));
  };
  return mth(leaves).toString("hex");
}

const LEAVES = Array.from({ length: 64 }, (_, i) => sha(Buffer.from(`leaf ${i}`)));
const tree = MerkleTree.fromLeafHashes(LEAVES.map((l) => leafHash(l)));

function flipBit(hex: string, bit: number): string {
  const b = Buffer.from(hex, "hex");
  b[Math.floor(bit / 8) % 32]! ^= 1 << bit % 8;
  return b.toString("hex");
}

describe("Merkle tree heads", () => {
  it("match the reference definition for every size 0..64", () => {
    for (let n = 0; n <= 64; n += 1) expect(tree.root(n)).toBe(referenceRoot(LEAVES.slice(0, n)));
  });

  it("uses the entry hash bytes as an audit entry's leaf", () => {
    const entryHash = "ab".repeat(32);
    expect(auditLeafHash(entryHash).toString("hex")).toBe(sha(Buffer.from([0]), Buffer.from(entryHash, "hex")).toString("hex"));
    expect(MerkleTree.fromAuditHashes([entryHash]).root()).toBe(auditLeafHash(entryHash).toString("hex"));
  });

  it("refuses bad sizes, indexes and hashes with clear errors", () => {
    expect(() => tree.root(65)).toThrow(/larger than the 64 leaves/);
    expect(() => tree.inclusionProof(5, 5)).toThrow(/outside a tree of size 5/);
    expect(() => tree.consistencyProof(9, 8)).toThrow(/larger than new tree size/);
    expect(() => MerkleTree.fromAuditHashes(["XYZ"])).toThrow(MerkleError);
    expect(MerkleTree.fromLeafHashes([]).root()).toBe(EMPTY_ROOT_HEX);
  });
});

describe("inclusion proofs, every size 1..64 and every index", () => {
  it("verify, and fail for a wrong index, size, leaf or root", () => {
    for (let n = 1; n <= 64; n += 1) {
      const root = tree.root(n);
      for (let i = 0; i < n; i += 1) {
        const proof = tree.inclusionProof(i, n);
        const leaf = tree.leaf(i);
        expect(verifyInclusion(i, n, leaf, proof, root)).toBe(true);
        if (n > 1) expect(verifyInclusion((i + 1) % n, n, leaf, proof, root)).toBe(false);
        // (The same path can also fit a larger size with the SAME root; the signed
        // checkpoint binds size and root together, so only the pair matters.)
        if (n < 64) expect(verifyInclusion(i, n + 1, leaf, proof, tree.root(n + 1))).toBe(false);
        expect(verifyInclusion(i, n, tree.leaf((i + 1) % 64), proof, root)).toBe(false);
        expect(verifyInclusion(i, n, leaf, proof, tree.root(n === 64 ? 63 : n + 1))).toBe(false);
        expect(verifyInclusion(i, n, leaf, [...proof, leaf], root)).toBe(false);
        if (proof.length > 0) expect(verifyInclusion(i, n, leaf, proof.slice(1), root)).toBe(false);
      }
    }
  });

  it("fail when any single bit of the proof, the leaf or the root flips", () => {
    for (const [i, n] of [[0, 1], [5, 13], [12, 13], [31, 64], [63, 64], [40, 47]] as const) {
      const proof = tree.inclusionProof(i, n);
      const leaf = tree.leaf(i);
      const root = tree.root(n);
      for (let bit = 0; bit < 256; bit += 1) {
        expect(verifyInclusion(i, n, flipBit(leaf, bit), proof, root)).toBe(false);
        expect(verifyInclusion(i, n, leaf, proof, flipBit(root, bit))).toBe(false);
        proof.forEach((_, k) => {
          const bad = proof.map((h, j) => (j === k ? flipBit(h, bit) : h));
          expect(verifyInclusion(i, n, leaf, bad, root)).toBe(false);
        });
      }
    }
  });

  it("treat malformed input as not verifying", () => {
    const proof = tree.inclusionProof(3, 10);
    expect(verifyInclusion(3, 10, tree.leaf(3), [...proof.slice(0, -1), "zz"], tree.root(10))).toBe(false);
    expect(verifyInclusion(-1, 10, tree.leaf(3), proof, tree.root(10))).toBe(false);
    expect(verifyInclusion(3, 10, tree.leaf(3).toUpperCase(), proof, tree.root(10))).toBe(false);
  });
});

describe("consistency proofs, every pair of sizes up to 64", () => {
  it("verify, and fail for wrong sizes or roots", () => {
    for (let n = 1; n <= 64; n += 1) {
      for (let m = 0; m <= n; m += 1) {
        const proof = tree.consistencyProof(m, n);
        expect(verifyConsistency(m, n, tree.root(m), tree.root(n), proof)).toBe(true);
        if (m > 0 && m < n) {
          expect(verifyConsistency(m, n, m > 1 ? tree.root(m - 1) : EMPTY_ROOT_HEX, tree.root(n), proof)).toBe(false);
          expect(verifyConsistency(m, n, tree.root(m), tree.root(n - 1), proof)).toBe(false);
          if (n < 64) expect(verifyConsistency(m, n + 1, tree.root(m), tree.root(n + 1), proof)).toBe(false);
          expect(verifyConsistency(m, n, tree.root(m), tree.root(n), proof.slice(0, -1))).toBe(false);
        }
      }
    }
  });

  it("fail when any single bit of the proof or either root flips", () => {
    for (const [m, n] of [[1, 2], [3, 7], [4, 7], [6, 8], [13, 64], [33, 47]] as const) {
      const proof = tree.consistencyProof(m, n);
      for (let bit = 0; bit < 256; bit += 1) {
        expect(verifyConsistency(m, n, flipBit(tree.root(m), bit), tree.root(n), proof)).toBe(false);
        expect(verifyConsistency(m, n, tree.root(m), flipBit(tree.root(n), bit), proof)).toBe(false);
        proof.forEach((_, k) => {
          const bad = proof.map((h, j) => (j === k ? flipBit(h, bit) : h));
          expect(verifyConsistency(m, n, tree.root(m), tree.root(n), bad)).toBe(false);
        });
      }
    }
  });

  it("rejects a shrinking log and a rewritten history", () => {
    expect(verifyConsistency(8, 7, tree.root(8), tree.root(7), [])).toBe(false);
    const other = MerkleTree.fromLeafHashes([...LEAVES.slice(0, 4).map((l) => leafHash(l)), leafHash(Buffer.from("x")), ...LEAVES.slice(5, 10).map((l) => leafHash(l))]);
    expect(verifyConsistency(6, 10, tree.root(6), other.root(10), other.consistencyProof(6, 10))).toBe(false);
  });
});
