/**
 * An in-memory Merkle tree (RFC 9162 §2.1) over a fixed array of leaf hashes,
 * answering tree heads, inclusion proofs and consistency proofs for ANY tree
 * size up to the number of leaves.
 *
 * Built once in O(n) hashes: level 0 holds the leaf hashes and level l holds
 * the roots of the complete, aligned subtrees of 2^l leaves. Every subtree the
 * RFC's recursive definitions ask for is either such a complete aligned block
 * (one array lookup) or splits into O(log n) of them, so a proof costs
 * O(log n) lookups plus at most O(log n) hashes, not a rebuild of the tree.
 */
import { auditLeafHash, checkSize, isPowerOfTwo, MerkleError, nodeHash, splitPoint, EMPTY_ROOT_HEX } from "./hash";

export class MerkleTree {
  private readonly levels: Buffer[][];
  private readonly partial = new Map<string, Buffer>();

  private constructor(leafHashes: Buffer[]) {
    checkSize(leafHashes.length, "number of leaves");
    this.levels = [leafHashes];
    let level = leafHashes;
    while (level.length > 1) {
      const next: Buffer[] = new Array(Math.floor(level.length / 2));
      for (let i = 0; i < next.length; i += 1) next[i] = nodeHash(level[2 * i]!, level[2 * i + 1]!);
      this.levels.push(next);
      level = next;
    }
  }

  /** From leaf hashes (each already SHA-256(0x00 || leaf), 32 bytes). */
  static fromLeafHashes(leafHashes: readonly Uint8Array[]): MerkleTree {
    return new MerkleTree(
      leafHashes.map((h, i) => {
        if (h.length !== 32) throw new MerkleError(`leaf hash ${i} is ${h.length} bytes, not 32`);
        return Buffer.from(h);
      }),
    );
  }

  /** From audit entry hashes (hex) in sequence order: leaf index = seq − 1. */
  static fromAuditHashes(entryHashes: readonly string[]): MerkleTree {
    return new MerkleTree(entryHashes.map((h) => auditLeafHash(h)));
  }

  get size(): number {
    return this.levels[0]!.length;
  }

  /** MTH(D[0:size]) as hex. */
  root(size = this.size): string {
    this.checkTreeSize(size);
    return size === 0 ? EMPTY_ROOT_HEX : this.subtree(0, size).toString("hex");
  }

  /** The leaf hash at `index` (hex). */
  leaf(index: number): string {
    this.checkIndex(index, this.size);
    return this.levels[0]![index]!.toString("hex");
  }

  /** PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), hex, leaf side first. */
  inclusionProof(index: number, size = this.size): string[] {
    this.checkTreeSize(size);
    this.checkIndex(index, size);
    const out: Buffer[] = [];
    this.path(index, 0, size, out);
    return out.map((h) => h.toString("hex"));
  }

  /**
   * PROOF(oldSize, D[0:newSize]) (RFC 9162 §2.1.4.1), hex. Empty when
   * oldSize is 0 or equals newSize.
   */
  consistencyProof(oldSize: number, newSize = this.size): string[] {
    this.checkTreeSize(newSize);
    checkSize(oldSize, "old tree size");
    if (oldSize > newSize) throw new MerkleError(`old tree size ${oldSize} is larger than new tree size ${newSize}`);
    if (oldSize === 0 || oldSize === newSize) return [];
    const out: Buffer[] = [];
    this.subproof(oldSize, 0, newSize, true, out);
    return out.map((h) => h.toString("hex"));
  }

  /** MTH(D[start:end]), end > start. */
  private subtree(start: number, end: number): Buffer {
    const n = end - start;
    if (isPowerOfTwo(n) && start % n === 0) {
      const level = Math.log2(n);
      return this.levels[level]![start / n]!;
    }
    // Not a complete block: one of the O(log n) right-edge subtrees of some
    // tree size. Cached, so many proofs against one size hash them once.
    const key = `${start}:${end}`;
    const cached = this.partial.get(key);
    if (cached) return cached;
    const k = splitPoint(n);
    const hash = nodeHash(this.subtree(start, start + k), this.subtree(start + k, end));
    if (this.partial.size >= 100_000) this.partial.clear();
    this.partial.set(key, hash);
    return hash;
  }

  /** Appends PATH(m, D[start:end]) to out; m is relative to start. */
  private path(m: number, start: number, end: number, out: Buffer[]): void {
    const n = end - start;
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      this.path(m, start, start + k, out);
      out.push(this.subtree(start + k, end));
    } else {
      this.path(m - k, start + k, end, out);
      out.push(this.subtree(start, start + k));
    }
  }

  /** Appends SUBPROOF(m, D[start:end], b) to out. */
  private subproof(m: number, start: number, end: number, b: boolean, out: Buffer[]): void {
    const n = end - start;
    if (m === n) {
      if (!b) out.push(this.subtree(start, end));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      this.subproof(m, start, start + k, b, out);
      out.push(this.subtree(start + k, end));
    } else {
      this.subproof(m - k, start + k, end, false, out);
      out.push(this.subtree(start, start + k));
    }
  }

  private checkTreeSize(size: number): void {
    checkSize(size, "tree size");
    if (size > this.size) throw new MerkleError(`tree size ${size} is larger than the ${this.size} leaves known`);
  }

  private checkIndex(index: number, size: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new MerkleError(`leaf index ${index} is outside a tree of size ${size}`);
    }
  }
}
