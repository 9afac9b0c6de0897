import type { ReceiptView } from "@/lib/server/audit";
import { ReceiptLink } from "./receipt-link";

/** "Receipt rcpt_… (audit #N)" after an action, or nothing when the action changed nothing. */
export function ReceiptNote({ receipt }: { receipt: Pick<ReceiptView, "id" | "auditSeq"> | null }) {
  if (!receipt) return null;
  return (
    <>
      Receipt <ReceiptLink id={receipt.id} className="font-mono underline" /> (audit #{receipt.auditSeq})
    </>
  );
}
