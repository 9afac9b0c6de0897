import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MerkleTree } from "../merkle";
import { checkpointBody, formatNote, NOTE_ED25519, parseVerifierKey, signNote, verifierKey } from "./note";
import { checkConsistency, checkFetchedNote, WitnessRefusal, type WitnessState } from "./witness";

const ORIGIN = "console.example/audit";
const log = generateKeyPairSync("ed25519");
const impostor = generateKeyPairSync("ed25519");
const logKey = parseVerifierKey(verifierKey(ORIGIN, NOTE_ED25519, log.publicKey));
const hashes = Array.from({ length: 12 }, (_, i) => (i + 1).toString(16).padStart(64, "0"));
const tree = MerkleTree.fromAuditHashes(hashes);
const forged = MerkleTree.fromAuditHashes(hashes.map((h, i) => (i === 2 ? "f".repeat(64) : h)));

function note(size: number, root = tree.root(size), key = log.privateKey, origin = ORIGIN): string {
  const body = checkpointBody({ origin, size, rootHex: root });
  return formatNote(body, [signNote(body, origin, key)]);
}

function state(size: number, rootHex = tree.root(size)): WitnessState {
  return { origin: ORIGIN, logKey: verifierKey(ORIGIN, NOTE_ED25519, log.publicKey), size, rootHex, cosignedAt: "2026-12-07T00:00:00.000Z" };
}

describe("the witness's decision", () => {
  it("cosigns a first tree, an unchanged one, and a grown one whose proof holds", () => {
    expect(checkFetchedNote(note(5), logKey, null).needs).toEqual({ kind: "first" });
    expect(checkFetchedNote(note(5), logKey, state(5)).needs).toEqual({ kind: "same" });
    const grown = checkFetchedNote(note(12), logKey, state(5));
    expect(grown.needs).toEqual({ kind: "proof", from: 5, fromRoot: tree.root(5) });
    expect(() => checkConsistency(grown, tree.consistencyProof(5, 12))).not.toThrow();
  });

  it("refuses a shrunk log, a changed tree and a failing proof, naming both tree sizes", () => {
    expect(() => checkFetchedNote(note(4), logKey, state(5))).toThrow(new WitnessRefusal("the log's checkpoint has tree size 4, smaller than tree size 5 this witness cosigned: the log was truncated or rewritten"));
    expect(() => checkFetchedNote(note(5, forged.root(5)), logKey, state(5))).toThrow(/tree size 5 now has root .* but had root .*: the log was rewritten/);
    const rewritten = checkFetchedNote(note(12, forged.root(12)), logKey, state(5));
    expect(() => checkConsistency(rewritten, forged.consistencyProof(5, 12))).toThrow("tree size 12 is not consistent with tree size 5 this witness cosigned (the consistency proof fails): the log was rewritten");
    expect(() => checkConsistency(rewritten, [])).toThrow(WitnessRefusal);
  });

  it("refuses a note the pinned key did not sign, or of another log", () => {
    expect(() => checkFetchedNote(note(5, tree.root(5), impostor.privateKey), logKey, state(5))).toThrow(/not signed by the log's pinned key: no signature by console.example\/audit/);
    expect(() => checkFetchedNote(note(5, tree.root(5), log.privateKey, "other.example/audit"), logKey, null)).toThrow(/of log "other.example\/audit", not "console.example\/audit"/);
    const tampered = note(5).replace(/\n5\n/, "\n6\n");
    expect(() => checkFetchedNote(tampered, logKey, state(5))).toThrow(/not signed by the log's pinned key: the signature by console.example\/audit does not verify/);
    expect(() => checkFetchedNote("<html>", logKey, null)).toThrow(/not a signed note/);
  });
});
