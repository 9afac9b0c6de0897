import Link from "next/link";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { EntryDetail } from "@/components/audit/entry-detail";
import { PageHeader } from "@/components/ui/section";
import { getAuditEntry } from "@/lib/server/audit-explorer/detail";
import { mayReadAudit } from "@/lib/server/audit-explorer/scope";
import { requireActor } from "@/lib/server/session";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ seq: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Audit entry ${(await params).seq}` };
}

export default async function AuditEntryPage({ params }: Props) {
  const actor = await requireActor();
  if (!mayReadAudit(actor)) notFound();
  const { seq } = await params;
  if (!/^[1-9]\d{0,9}$/.test(seq)) notFound();
  // Out of scope and nonexistent read the same.
  const entry = await getAuditEntry(actor, Number(seq));
  if (!entry) notFound();
  return (
    <>
      <PageHeader title={`Audit entry #${entry.seq}`} description={<code className="font-mono">{entry.action}</code>}>
        <Link href="/audit" className="text-sm font-medium text-indigo-700 hover:underline">
          Back to the audit log
        </Link>
      </PageHeader>
      <EntryDetail entry={entry} />
    </>
  );
}
