/**
 * The right edge of a growing log's Merkle tree: the roots of its complete
 * subtrees, largest first (one per set bit of the size). Appending a leaf
 * costs O(1) amortized hashes and the tree head costs O(log n), so a
 * checkpointer can keep (or store, ≤ 31 hashes) a frontier and only hash the
 * entries appended since the last checkpoint instead of rebuilding the tree.
 */
import { auditLeafHash, checkSize, EMPTY_ROOT_HEX, hashFromHex, MerkleError, nodeHash } from "./hash";

export interface FrontierState {
  size: number;
  /** Complete-subtree roots, hex, largest (leftmost) first. */
  hashes: string[];
}

export class MerkleFrontier {
  private constructor(
    private count: number,
    private readonly stack: Buffer[],
  ) {}

  static empty(): MerkleFrontier {
    return new MerkleFrontier(0, []);
  }

  /** Resume from a stored state; refuses one whose hash count does not fit its size. */
  static from(state: FrontierState): MerkleFrontier {
    checkSize(state.size, "frontier size");
    const bits = state.size.toString(2).split("").filter((b) => b === "1").length;
    if (state.hashes.length !== bits) throw new MerkleError(`a frontier of size ${state.size} has ${bits} hashes, not ${state.hashes.length}`);
    return new MerkleFrontier(state.size, state.hashes.map((h) => hashFromHex(h, "frontier hash")));
  }

  get size(): number {
    return this.count;
  }

  /** Append one leaf hash (already SHA-256(0x00 || data)). */
  appendLeafHash(leafHash: Uint8Array): void {
    checkSize(this.count + 1, "frontier size");
    let h: Buffer = Buffer.from(leafHash);
    for (let n = this.count; n % 2 === 1; n = Math.floor(n / 2)) h = nodeHash(this.stack.pop()!, h);
    this.stack.push(h);
    this.count += 1;
  }

  /** Append the next audit entry by its hash (hex); it becomes leaf `size`, i.e. seq = size + 1. */
  appendAuditHash(entryHashHex: string): void {
    this.appendLeafHash(auditLeafHash(entryHashHex));
  }

  /** MTH of the leaves appended so far, hex. */
  root(): string {
    if (this.stack.length === 0) return EMPTY_ROOT_HEX;
    let acc = this.stack[this.stack.length - 1]!;
    for (let i = this.stack.length - 2; i >= 0; i -= 1) acc = nodeHash(this.stack[i]!, acc);
    return acc.toString("hex");
  }

  state(): FrontierState {
    return { size: this.count, hashes: this.stack.map((h) => h.toString("hex")) };
  }
}
