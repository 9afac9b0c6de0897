import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EMPTY_ROOT_HEX, MerkleError, MerkleFrontier, MerkleTree } from "./index";

const hashes = Array.from({ length: 70 }, (_, i) => createHash("sha256").update(`entry ${i}`).digest("hex"));
const tree = MerkleTree.fromAuditHashes(hashes);

describe("Merkle frontier (incremental tree head)", () => {
  it("gives the same tree head as the full tree after every append", () => {
    const frontier = MerkleFrontier.empty();
    expect(frontier.root()).toBe(EMPTY_ROOT_HEX);
    hashes.forEach((h, i) => {
      frontier.appendAuditHash(h);
      expect(frontier.size).toBe(i + 1);
      expect(frontier.root()).toBe(tree.root(i + 1));
    });
  });

  it("resumes from a stored state", () => {
    const first = MerkleFrontier.empty();
    hashes.slice(0, 45).forEach((h) => first.appendAuditHash(h));
    const state = JSON.parse(JSON.stringify(first.state())) as ReturnType<typeof first.state>;
    expect(state.hashes).toHaveLength(4); // 45 = 32 + 8 + 4 + 1
    const resumed = MerkleFrontier.from(state);
    hashes.slice(45).forEach((h) => resumed.appendAuditHash(h));
    expect(resumed.root()).toBe(tree.root(70));
  });

  it("refuses a state whose hashes do not fit its size", () => {
    expect(() => MerkleFrontier.from({ size: 3, hashes: [hashes[0]!] })).toThrow(MerkleError);
    expect(() => MerkleFrontier.from({ size: 1, hashes: ["nothex"] })).toThrow(/frontier hash/);
  });
});
