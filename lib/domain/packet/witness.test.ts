import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkpointBody, COSIGNATURE_V1, cosignNote, formatNote, signNote, verifierKey } from "../checkpoint/note";
import { buildPacket, verifyPacket } from "./index";
import { sampleLog, samplePacketInput } from "./sample";

const ORIGIN = "console.example/audit";
const key = generateKeyPairSync("ed25519").privateKey;
const impostor = generateKeyPairSync("ed25519").privateKey;
const w1 = generateKeyPairSync("ed25519");
const w2 = generateKeyPairSync("ed25519");
const W1 = verifierKey("w1.example/witness", COSIGNATURE_V1, w1.publicKey);
const W2 = verifierKey("w2.example/witness", COSIGNATURE_V1, w2.publicKey);
const log = sampleLog(40, 2);
const input = samplePacketInput(log, key, { seq: 40 });
const earlierSeq = input.earlierCheckpoints![0]!.checkpoint.seq; // 20

/** The note of tree `size` of the sample log, signed by `logKey`, cosigned by the witnesses given. */
function note(size: number, cosigners: Array<[string, typeof w1.privateKey]>, logKey = key, root = log.tree.root(size)): string {
  const body = checkpointBody({ origin: ORIGIN, size, rootHex: root });
  return formatNote(body, [signNote(body, ORIGIN, logKey), ...cosigners.map(([name, k]) => cosignNote(body, name, k, 1_765_000_000))]);
}

const verify = (notes: string[], witnessKeys: string[]) => verifyPacket(buildPacket({ ...input, checkpointNotes: notes }), { witnessKeys });

describe("evidence packets: witness cosignatures", () => {
  it("a witness that cosigned the anchor's tree covers every entry", () => {
    const result = verify([note(40, [["w1.example/witness", w1.privateKey]])], [W1]);
    expect(result.failures).toEqual([]);
    expect(result.summary!.witnessed).toEqual([{ witness: "w1.example/witness", keyId: expect.stringMatching(/^[0-9a-f]{8}$/), treeSize: 40, cosignedAt: "2025-12-06T05:46:40.000Z" }]);
    expect(result.summary!.cosigners).toEqual([{ name: "w1.example/witness", keyId: result.summary!.witnessed![0]!.keyId, treeSize: 40 }]);
    // Without --witness-key the cosigners are listed, not required.
    expect(verifyPacket(buildPacket({ ...input, checkpointNotes: [note(40, [["w1.example/witness", w1.privateKey]])] })).ok).toBe(true);
  });

  it("fails for a witness that cosigned nothing here, or only a tree short of the last entry, naming both sizes", () => {
    expect(verify([note(40, [["w1.example/witness", w1.privateKey]])], [W1, W2]).failures).toEqual([
      { member: "checkpoints.json", message: expect.stringMatching(/^no checkpoint in this packet is cosigned by witness w2.example\/witness \(key [0-9a-f]{8}\)$/) },
    ]);
    const short = verify([note(earlierSeq, [["w1.example/witness", w1.privateKey]])], [W1]);
    const lastSeq = input.entries.at(-1)!.seq;
    expect(short.failures).toEqual([
      { member: "checkpoints.json", message: `witness w1.example/witness cosigned this log up to tree size ${earlierSeq}, but the packet's entries run to seq ${lastSeq}: export again once the witness has cosigned a later checkpoint` },
    ]);
    expect(verify([], [W1]).ok).toBe(false);
  });

  it("fails for a cosignature moved to another tree, a note of a tree the packet does not prove, or one the platform key did not sign", () => {
    // The witness's line from tree 20 pasted under tree 40's body.
    const moved = note(40, []).trimEnd() + "\n" + note(earlierSeq, [["w1.example/witness", w1.privateKey]]).trimEnd().split("\n").at(-1)! + "\n";
    expect(verify([moved], [W1]).failures).toEqual([
      { member: "checkpoints.json", message: "the cosignature of witness w1.example/witness on tree size 40: the cosignature by w1.example/witness does not verify: it was altered or moved" },
    ]);
    expect(verify([note(33, [["w1.example/witness", w1.privateKey]])], []).failures).toEqual([
      { member: "checkpoints.json", message: "notes[0] (tree size 33) is not of a checkpoint this packet proves" },
    ]);
    const forgedRoot = note(40, [["w1.example/witness", w1.privateKey]], key, "c".repeat(64));
    expect(verify([forgedRoot], []).failures[0]!.message).toBe("notes[0] (tree size 40) is not of a checkpoint this packet proves");
    expect(verify([note(40, [["w1.example/witness", w1.privateKey]], impostor)], [W1]).failures).toContainEqual({
      member: "checkpoints.json",
      message: expect.stringMatching(/^notes\[0\] \(tree size 40\) is not signed by the platform key as log "console.example\/audit": no signature by console.example\/audit/),
    });
    expect(verify([note(40, [])], ["not a key"]).failures).toContainEqual({ message: 'witness key not a key: verifier key "not a key" is not <name>+<key id>+<key>' });
  });
});
