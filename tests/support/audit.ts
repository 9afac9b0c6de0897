/**
 * Audit helpers for tests. A write's receipt names its chain position once
 * the sequencer has sealed its leaf, which the write normally waits for after
 * commit; `sealedAt` asserts it did.
 */
export function sealedAt(seq: number | null | undefined): number {
  if (seq === null || seq === undefined) throw new Error("expected the audit leaf to be sealed, but the receipt is pending seal");
  return seq;
}
