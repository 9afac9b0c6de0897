import Link from "next/link";

/** A receipt id as a link to its page, /receipts/<id>. */
export function ReceiptLink({ id, className }: { id: string; className?: string }) {
  return (
    <Link href={`/receipts/${encodeURIComponent(id)}`} className={className ?? "font-mono text-xs text-indigo-700 hover:underline"}>
      {id}
    </Link>
  );
}
