/**
 * How a receipt's place in the audit chain reads: "sealed at #N" once the
 * sequencer integrated its leaf, "pending seal, N s" (since it was written)
 * until then.
 */
export function sealText(receipt: { auditSeq: number | null; time: string | Date }, now: Date = new Date()): string {
  if (receipt.auditSeq !== null) return `sealed at #${receipt.auditSeq}`;
  const written = typeof receipt.time === "string" ? Date.parse(receipt.time) : receipt.time.getTime();
  const seconds = Number.isFinite(written) ? Math.max(0, Math.round((now.getTime() - written) / 1000)) : 0;
  return `pending seal, ${seconds} s`;
}
