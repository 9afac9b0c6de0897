export { auditLeafHash, EMPTY_ROOT_HEX, hashFromHex, isHash, leafHash, MerkleError, nodeHash } from "./hash";
export { MerkleTree } from "./tree";
export { rootFromInclusionProof, verifyConsistency, verifyInclusion } from "./verify";
export { MerkleFrontier, type FrontierState } from "./frontier";
