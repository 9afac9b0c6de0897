import Link from "next/link";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ReceiptEntry, ReceiptFacts } from "@/components/receipts/receipt-detail";
import { ReceiptSeal } from "@/components/receipts/receipt-seal";
import { VerifyReceipt } from "@/components/receipts/verify-receipt";
import { PageHeader, Section } from "@/components/ui/section";
import { loadPendingReceipt, loadReceipt, type PendingReceiptPage } from "@/lib/server/receipt-load";
import { sealText } from "@/lib/domain/audit/seal";
import { formatTime } from "@/components/ui/format";
import { requireActor } from "@/lib/server/session";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Receipt ${(await params).id}` };
}

export default async function ReceiptPage({ params }: Props) {
  const actor = await requireActor();
  // Someone else's receipt reads exactly like an unknown one; a malformed id (receipt ids are never encoded) too.
  const id = (await params).id;
  // Pending first: a receipt sealed between the two reads is then found sealed, never missing.
  const pending = await loadPendingReceipt(actor, id);
  if (pending) return <PendingReceipt receipt={pending} />;
  const page = await loadReceipt(actor, id);
  if (!page) notFound();
  return (
    <>
      <PageHeader title="Receipt" description={<code className="font-mono">{page.receipt.id}</code>}>
        <Link href="/receipts" className="text-sm font-medium text-indigo-700 hover:underline">
          Your receipts
        </Link>
      </PageHeader>
      <div className="grid gap-4">
        <ReceiptFacts page={page} />
        <Section title="Seal" id="seal" description="The first signed checkpoint whose tree covers this entry.">
          <ReceiptSeal seal={page.seal} seq={page.entry.seq} />
        </Section>
        <Section
          title="Verify in your browser"
          id="verify"
          description="Recomputes the entry's hash, checks the receipt against it, and walks the inclusion proof to the checkpoint's signed tree root, with your browser's Web Crypto."
        >
          <VerifyReceipt receiptId={page.receipt.id} />
        </Section>
        <ReceiptEntry page={page} />
      </div>
    </>
  );
}

/** A receipt whose audit leaf the sequencer has not integrated yet: its facts and leaf, no chain position to verify yet. */
function PendingReceipt({ receipt }: { receipt: PendingReceiptPage }) {
  const facts: Array<[string, string]> = [
    ["Action", receipt.action],
    ["Actor", receipt.actor],
    ["Scope", receipt.scope],
    ["Time", formatTime(receipt.time)],
    ["Request hash", receipt.requestHash],
    ["Result hash", receipt.resultHash],
    ["Audit leaf", receipt.leafId],
    ["Leaf hash", receipt.leafHash],
  ];
  return (
    <>
      <PageHeader title="Receipt" description={<code className="font-mono">{receipt.id}</code>}>
        <Link href="/receipts" className="text-sm font-medium text-indigo-700 hover:underline">
          Your receipts
        </Link>
      </PageHeader>
      <Section title="Seal" id="seal" description="Where this receipt's audit record stands in the chain.">
        <p role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
          {sealText({ auditSeq: null, time: receipt.time })}: the change is committed and its audit leaf is stored; the sequencer has not
          given it a place in the chain yet. Reload in a few seconds to see its sequence number, checkpoint and proof.
        </p>
        <dl className="mt-3 grid grid-cols-1 gap-x-4 gap-y-2 text-sm sm:grid-cols-[max-content_minmax(0,1fr)]">
          {facts.map(([label, value]) => (
            <div key={label} className="contents">
              <dt className="text-xs font-medium text-slate-600">{label}</dt>
              <dd className="break-all font-mono text-xs text-slate-900">{value}</dd>
            </div>
          ))}
        </dl>
      </Section>
    </>
  );
}
