/**
 * Proof verification exactly as RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2
 * (consistency) describe it. Inputs are hex; malformed input is simply a
 * proof that does not verify (false), never an exception.
 */
import { checkSize, EMPTY_ROOT_HEX, isHash, isPowerOfTwo, nodeHash } from "./hash";

function validSizes(...sizes: number[]): boolean {
  try {
    for (const s of sizes) checkSize(s, "size");
    return true;
  } catch {
    return false;
  }
}

function validPath(path: readonly unknown[]): path is readonly string[] {
  return Array.isArray(path) && path.length <= 64 && path.every(isHash);
}

const lsb = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);

/** The root an inclusion proof leads to, or null when the proof is malformed for these sizes. */
export function rootFromInclusionProof(leafIndex: number, treeSize: number, leafHashHex: string, path: readonly string[]): string | null {
  if (!validSizes(leafIndex, treeSize) || leafIndex >= treeSize || !isHash(leafHashHex) || !validPath(path)) return null;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(leafHashHex, "hex");
  for (const hex of path) {
    if (sn === 0) return null;
    const p = Buffer.from(hex, "hex");
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r.toString("hex") : null;
}

/** RFC 9162 §2.1.3.2: does `path` prove leaf `leafHashHex` at `leafIndex` in the tree of `treeSize` with `rootHex`? */
export function verifyInclusion(leafIndex: number, treeSize: number, leafHashHex: string, path: readonly string[], rootHex: string): boolean {
  return isHash(rootHex) && rootFromInclusionProof(leafIndex, treeSize, leafHashHex, path) === rootHex;
}

/**
 * RFC 9162 §2.1.4.2: is the tree (newSize, newRoot) an append-only extension
 * of (oldSize, oldRoot)? Equal sizes need an empty proof and equal roots; an
 * old size of 0 needs an empty proof and the empty-tree root.
 */
export function verifyConsistency(oldSize: number, newSize: number, oldRootHex: string, newRootHex: string, proof: readonly string[]): boolean {
  if (!validSizes(oldSize, newSize) || oldSize > newSize || !isHash(oldRootHex) || !isHash(newRootHex) || !validPath(proof)) return false;
  if (oldSize === 0) return proof.length === 0 && oldRootHex === EMPTY_ROOT_HEX;
  if (oldSize === newSize) return proof.length === 0 && oldRootHex === newRootHex;
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(oldSize) ? [oldRootHex, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (lsb(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0]!, "hex");
  let sr = fr;
  for (const hex of path.slice(1)) {
    if (sn === 0) return false;
    const c = Buffer.from(hex, "hex");
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!lsb(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.toString("hex") === oldRootHex && sr.toString("hex") === newRootHex;
}
