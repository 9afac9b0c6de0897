import Link from "next/link";
import type { ReactNode } from "react";
import { JsonBlock } from "@/components/audit/json-block";
import { AgentText } from "@/components/ui/agent-text";
import { formatTime } from "@/components/ui/format";
import { Section } from "@/components/ui/section";
import type { ReceiptPage } from "@/lib/server/receipt-load";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-1 gap-1 py-1.5 sm:grid-cols-[10rem_1fr]">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="min-w-0 break-all text-sm text-slate-900">{children}</dd>
    </div>
  );
}

const mono = (value: string | null | undefined) => (value ? <code className="font-mono text-xs">{value}</code> : <span className="text-slate-500">none</span>);

export function ReceiptFacts({ page }: { page: ReceiptPage }) {
  const { receipt } = page;
  return (
    <Section title="Receipt" id="receipt">
      <dl className="divide-y divide-slate-100">
        <Row label="Receipt id">{mono(receipt.id)}</Row>
        <Row label="Action">{mono(receipt.action)}</Row>
        <Row label="Actor">
          {mono(receipt.actor)}
          {receipt.actorEmail ? <span className="ml-2 text-slate-600">{receipt.actorEmail}</span> : null}
          {receipt.tokenId ? <span className="ml-2 text-slate-600">via API token {receipt.tokenId}</span> : null}
        </Row>
        <Row label="Scope">{mono(receipt.scope)}</Row>
        <Row label="Tenant">{receipt.tenant ?? "platform (no tenant)"}</Row>
        <Row label="Time">
          <time dateTime={receipt.time.toISOString()}>{receipt.time.toISOString()}</time>{" "}
          <span className="text-slate-500">({formatTime(receipt.time)})</span>
        </Row>
        <Row label="Request hash">{mono(receipt.requestHash)}</Row>
        <Row label="Result hash">{mono(receipt.resultHash)}</Row>
        <Row label="Audit entry">
          {page.mayOpenEntry ? (
            <Link href={`/audit/${receipt.auditSeq}`} className="text-indigo-700 hover:underline">
              #{receipt.auditSeq}
            </Link>
          ) : (
            <span>#{receipt.auditSeq}</span>
          )}{" "}
          {mono(receipt.auditHash)}
        </Row>
        {Object.entries(receipt.summary).map(([k, v]) => (
          <Row key={k} label={k}>
            <AgentText text={typeof v === "string" ? v : JSON.stringify(v)} />
          </Row>
        ))}
      </dl>
    </Section>
  );
}

export function ReceiptEntry({ page }: { page: ReceiptPage }) {
  const { entry } = page;
  return (
    <Section
      title={`Audit entry #${entry.seq}`}
      id="entry"
      description="The fields its hash covers: SHA-256 over their RFC 8785 canonical JSON, previous hash included."
      actions={
        page.mayOpenEntry ? (
          <Link href={`/audit/${entry.seq}`} className="text-sm font-medium text-indigo-700 hover:underline">
            Open in the audit log
          </Link>
        ) : null
      }
    >
      <dl className="divide-y divide-slate-100">
        <Row label="Time">{mono(entry.time)}</Row>
        <Row label="Actor">{mono(`${entry.actorType}:${entry.actorId}`)}</Row>
        <Row label="Action">{mono(entry.action)}</Row>
        <Row label="Resource">{mono(entry.resource)}</Row>
        <Row label="Tenant id">{mono(entry.tenantId)}</Row>
        <Row label="Profile">
          {entry.profile ?? "—"} <span className="text-slate-500">{entry.profileId ?? ""}</span>
        </Row>
        <Row label="Decision">{mono(entry.decision)}</Row>
        <Row label="Trace id">{mono(entry.traceId)}</Row>
        <Row label="Request hash">{mono(entry.requestHash)}</Row>
        <Row label="Result hash">{mono(entry.resultHash)}</Row>
        <Row label="Previous hash">{mono(entry.prevHash)}</Row>
        <Row label="Hash">{mono(entry.hash)}</Row>
      </dl>
      <div className="mt-2">
        <JsonBlock value={entry.data} label="Entry data" />
      </div>
    </Section>
  );
}
