import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { SiemSinksTable } from "@/components/siem/siem-sinks-table";
import { EmptyState, PageHeader } from "@/components/ui/section";
import { requireActor } from "@/lib/server/session";
import { readSiemStatus } from "@/lib/server/siem/status";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "SIEM export" };

export default async function SiemPage() {
  const actor = await requireActor();
  const status = await readSiemStatus(actor);
  // Platform admins only (metrics.read); everyone else gets the same 404 as a missing page.
  if (!status) notFound();
  return (
    <>
      <PageHeader
        title="SIEM export"
        description={`Every audit entry as OCSF JSON, delivered at least once from a cursor per sink. Audit head: entry ${status.head.toLocaleString("en-US")}.`}
      />
      {status.sinks.length === 0 ? (
        <EmptyState title="No SIEM sink is configured">
          Set CELLGATE_SIEM_WEBHOOK_URL, CELLGATE_SIEM_SYSLOG or CELLGATE_SIEM_OTLP_URL (see docs/siem-export.md) and restart the console.
        </EmptyState>
      ) : (
        <SiemSinksTable status={status} />
      )}
    </>
  );
}
