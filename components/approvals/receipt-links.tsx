import Link from "next/link";

/** A receipt id, linked to its receipt page. */
export function ReceiptLink({ id }: { id: string }) {
  return (
    <Link href={`/receipts/${encodeURIComponent(id)}`} className="font-mono text-indigo-700 underline-offset-2 hover:underline">
      {id}
    </Link>
  );
}

/**
 * "audit #N": a link to the audit explorer's entry for readers who may open
 * it; for others (approvers hold no audit.read) the number alone, since the
 * link would only answer "not found" — the receipt page shows the entry.
 */
export function AuditLink({ seq, linked }: { seq: number | null; linked: boolean }) {
  if (seq === null) return null;
  if (!linked) return <span title="Your role does not read the audit log; the receipt shows this entry">audit #{seq}</span>;
  return (
    <Link href={`/audit/${seq}`} className="text-indigo-700 underline-offset-2 hover:underline">
      audit #{seq}
    </Link>
  );
}

/** "receipt rcpt_… (audit #N)", both linked where the reader may follow them. */
export function ReceiptRef({ id, auditSeq, auditLinked }: { id: string; auditSeq: number | null; auditLinked: boolean }) {
  return (
    <>
      receipt <ReceiptLink id={id} />
      {auditSeq !== null ? (
        <>
          {" "}
          (<AuditLink seq={auditSeq} linked={auditLinked} />)
        </>
      ) : null}
    </>
  );
}
