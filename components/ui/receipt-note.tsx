import type { ReceiptView } from "@/lib/server/audit";
import { sealText } from "@/lib/domain/audit/seal";
import { ReceiptLink } from "./receipt-link";

/** "(audit #N)" once the receipt's leaf is sealed into the chain, "(pending seal, N s)" until then. */
export function SealNote({ receipt }: { receipt: Pick<ReceiptView, "auditSeq" | "time"> }) {
  return <>({receipt.auditSeq !== null ? `audit #${receipt.auditSeq}` : sealText(receipt)})</>;
}

/** "Receipt rcpt_… (audit #N)" after an action, or nothing when the action changed nothing. */
export function ReceiptNote({ receipt }: { receipt: Pick<ReceiptView, "id" | "auditSeq" | "time"> | null }) {
  if (!receipt) return null;
  return (
    <>
      Receipt <ReceiptLink id={receipt.id} className="font-mono underline" /> <SealNote receipt={receipt} />
    </>
  );
}
