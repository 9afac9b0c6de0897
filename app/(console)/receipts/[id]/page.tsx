import Link from "next/link";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ReceiptEntry, ReceiptFacts } from "@/components/receipts/receipt-detail";
import { ReceiptSeal } from "@/components/receipts/receipt-seal";
import { VerifyReceipt } from "@/components/receipts/verify-receipt";
import { PageHeader, Section } from "@/components/ui/section";
import { loadReceipt } from "@/lib/server/receipt-load";
import { requireActor } from "@/lib/server/session";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Receipt ${(await params).id}` };
}

export default async function ReceiptPage({ params }: Props) {
  const actor = await requireActor();
  // Someone else's receipt reads exactly like an unknown one; a malformed id (receipt ids are never encoded) too.
  const page = await loadReceipt(actor, (await params).id);
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
