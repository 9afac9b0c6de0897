import type { ReceiptView } from "@/lib/server/audit";

/** "Receipt rcpt_… (audit #N)" after an action, or nothing when the action changed nothing. */
export function ReceiptNote({ receipt }: { receipt: Pick<ReceiptView, "id" | "auditSeq"> | null }) {
  if (!receipt) return null;
  return (
    <>
      Receipt <code className="font-mono">{receipt.id}</code> (audit #{receipt.auditSeq})
    </>
  );
}
