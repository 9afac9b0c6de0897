/**
 * Witness cosignatures in a packet (checkpoints.json `notes`): each note is a
 * C2SP signed note of a checkpoint the packet proves (same tree size and
 * root as the anchor or an earlier checkpoint), signed by the platform key
 * under the log's origin. With witness keys given (`packet verify
 * --witness-key`), each witness must have cosigned a tree that holds every
 * entry of the packet: then a rewrite of the log that packet came from would
 * have to fool that witness too.
 */
import { rawPublicKey } from "../http-signatures/ed25519-keys";
import { NOTE_ED25519, NoteError, parseVerifierKey, readCheckpointNote, verifierKey, verifyNoteSignature, type ParsedNote } from "../checkpoint/note";
import type { VerifyContext } from "./context";
import { MEMBERS } from "./format";

export interface PacketNote {
  origin: string;
  size: number;
  note: ParsedNote;
}

/** What each required witness vouched for. */
export interface WitnessCoverage {
  witness: string;
  keyId: string;
  /** The largest tree size it cosigned among the packet's checkpoints. */
  treeSize: number;
  /** When it cosigned that tree (ISO). */
  cosignedAt: string;
}

/** Check each note's tree and log signature; returns the ones that hold. */
export function checkNotes(ctx: VerifyContext, notes: readonly string[], trees: ReadonlyMap<number, string>): PacketNote[] {
  const C = MEMBERS.checkpoints;
  const out: PacketNote[] = [];
  notes.forEach((text, i) => {
    const what = `notes[${i}]`;
    const read = readCheckpointNote(text);
    if (!read.ok) return ctx.fail(C, `${what}: ${read.reason}`);
    const { note, body } = read;
    if (trees.get(body.size) !== body.rootHex) return ctx.fail(C, `${what} (tree size ${body.size}) is not of a checkpoint this packet proves`);
    const logKey = parseVerifierKey(verifierKey(body.origin, NOTE_ED25519, rawPublicKey(ctx.publicKey)));
    const signed = verifyNoteSignature(note, logKey);
    if (!signed.ok) return ctx.fail(C, `${what} (tree size ${body.size}) is not signed by the platform key as log "${body.origin}": ${signed.reason}`);
    if (out[0] && out[0].origin !== body.origin) return ctx.fail(C, `${what} names log "${body.origin}", but ${"notes[0]"} names "${out[0].origin}"`);
    out.push({ origin: body.origin, size: body.size, note });
  });
  return out;
}

/**
 * Every witness key must have cosigned a tree of the packet at least as
 * large as the last entry's seq. Failures name the witness and both sizes.
 */
export function requireWitnesses(ctx: VerifyContext, notes: readonly PacketNote[], witnessKeys: readonly string[], lastSeq: number): WitnessCoverage[] {
  const C = MEMBERS.checkpoints;
  const covered: WitnessCoverage[] = [];
  for (const text of witnessKeys) {
    let key;
    try {
      key = parseVerifierKey(text);
    } catch (error) {
      if (error instanceof NoteError) {
        ctx.fail(undefined, `witness key ${text}: ${error.message}`);
        continue;
      }
      throw error;
    }
    const id = key.keyId.toString("hex");
    let best: WitnessCoverage | null = null;
    const bad: string[] = [];
    for (const n of notes) {
      if (!n.note.signatures.some((s) => s.name === key.name && s.keyId === id)) continue;
      const check = verifyNoteSignature(n.note, key);
      if (!check.ok) {
        bad.push(`tree size ${n.size}: ${check.reason}`);
        continue;
      }
      if (!best || n.size > best.treeSize) best = { witness: key.name, keyId: id, treeSize: n.size, cosignedAt: new Date(check.timestamp! * 1000).toISOString() };
    }
    for (const reason of bad) ctx.fail(C, `the cosignature of witness ${key.name} on ${reason}: it was altered or moved`);
    if (!best) {
      if (bad.length === 0) ctx.fail(C, `no checkpoint in this packet is cosigned by witness ${key.name} (key ${id})`);
      continue;
    }
    if (best.treeSize < lastSeq) {
      ctx.fail(C, `witness ${key.name} cosigned this log up to tree size ${best.treeSize}, but the packet's entries run to seq ${lastSeq}: export again once the witness has cosigned a later checkpoint`);
      continue;
    }
    covered.push(best);
  }
  return covered;
}
