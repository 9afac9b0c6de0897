/**
 * What a witness decides (`cellgate witness`): a checkpoint note fetched from
 * the log is cosigned only when the log's own key signed it and its tree is
 * an append-only extension of the last one this witness cosigned (RFC 9162
 * consistency proof). Anything else is a refusal naming both tree sizes:
 * the log shrank, changed a tree it had already shown, or cannot prove the
 * old tree is a prefix of the new one. Pure: the CLI does the I/O.
 */
import { verifyConsistency } from "../merkle";
import { readCheckpointNote, verifyNoteSignature, type CheckpointBody, type VerifierKey } from "./note";

/** What a witness keeps between rounds (its state file). */
export interface WitnessState {
  /** The log's origin line, pinned at first contact. */
  origin: string;
  /** The log's verifier key (type 0x01), pinned at first contact. */
  logKey: string;
  /** The last tree this witness cosigned. */
  size: number;
  rootHex: string;
  /** When it cosigned it (ISO). */
  cosignedAt: string;
}

/** The log is not append-only (or not the log this witness knows): never cosign. */
export class WitnessRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WitnessRefusal";
  }
}

export type FetchedCheckpoint = CheckpointBody & {
  body: string;
  /** What the witness must still check: nothing new, a first tree, or a proof from `from`. */
  needs: { kind: "same" } | { kind: "first" } | { kind: "proof"; from: number; fromRoot: string };
};

/** Check a fetched note's form, origin and log signature against the pinned state. */
export function checkFetchedNote(noteText: string, logKey: VerifierKey, state: WitnessState | null): FetchedCheckpoint {
  const read = readCheckpointNote(noteText);
  if (!read.ok) throw new WitnessRefusal(`the log answered a checkpoint that is not a signed note: ${read.reason}`);
  const { note, body } = read;
  if (body.origin !== logKey.name) throw new WitnessRefusal(`the checkpoint is of log "${body.origin}", not "${logKey.name}" (the key this witness pinned)`);
  if (state && body.origin !== state.origin) throw new WitnessRefusal(`the checkpoint is of log "${body.origin}", not "${state.origin}" (this witness's state)`);
  const signed = verifyNoteSignature(note, logKey);
  if (!signed.ok) throw new WitnessRefusal(`the checkpoint of tree size ${body.size} is not signed by the log's pinned key: ${signed.reason}`);
  const base = { origin: body.origin, size: body.size, rootHex: body.rootHex, body: note.body };
  if (!state) return { ...base, needs: { kind: "first" } };
  if (body.size < state.size) {
    throw new WitnessRefusal(`the log's checkpoint has tree size ${body.size}, smaller than tree size ${state.size} this witness cosigned: the log was truncated or rewritten`);
  }
  if (body.size === state.size) {
    if (body.rootHex !== state.rootHex) {
      throw new WitnessRefusal(`tree size ${body.size} now has root ${body.rootHex}, but had root ${state.rootHex} when this witness cosigned it: the log was rewritten`);
    }
    return { ...base, needs: { kind: "same" } };
  }
  if (state.size === 0) return { ...base, needs: { kind: "first" } };
  return { ...base, needs: { kind: "proof", from: state.size, fromRoot: state.rootHex } };
}

/** The consistency proof must show the cosigned tree is a prefix of the new one. */
export function checkConsistency(fetched: FetchedCheckpoint, proof: readonly string[]): void {
  if (fetched.needs.kind !== "proof") return;
  const { from, fromRoot } = fetched.needs;
  let ok = false;
  try {
    ok = verifyConsistency(from, fetched.size, fromRoot, fetched.rootHex, proof);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new WitnessRefusal(
      `tree size ${fetched.size} is not consistent with tree size ${from} this witness cosigned (the consistency proof fails): the log was rewritten`,
    );
  }
}
