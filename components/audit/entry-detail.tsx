import Link from "next/link";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { formatTime } from "@/components/ui/format";
import { ReceiptLink } from "@/components/ui/receipt-link";
import { Section } from "@/components/ui/section";
import type { AuditEntryDetail } from "@/lib/server/audit-explorer/detail";
import { JsonBlock } from "./json-block";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-1 gap-1 py-1.5 sm:grid-cols-[10rem_1fr]">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="min-w-0 break-all text-sm text-slate-900">{children}</dd>
    </div>
  );
}

/** A value in monospace, or "none" for an absent one (never a raw `null`). */
const mono = (value: string | null) => (value ? <code className="font-mono text-xs">{value}</code> : <span className="text-slate-500">none</span>);

export function EntryDetail({ entry }: { entry: AuditEntryDetail }) {
  const { checks } = entry;
  return (
    <div className="grid gap-4">
      <Section title="Entry" id="entry">
        <dl className="divide-y divide-slate-100">
          <Row label="Seq">{entry.seq}</Row>
          <Row label="Time">
            <time dateTime={entry.time.toISOString()}>{entry.time.toISOString()}</time> <span className="text-slate-500">({formatTime(entry.time)})</span>
          </Row>
          <Row label="Actor">
            {mono(`${entry.actorType}:${entry.actorId}`)}
            {entry.actorEmail ? <span className="ml-2 text-slate-600">{entry.actorEmail}</span> : null}
          </Row>
          <Row label="Action">{mono(entry.action)}</Row>
          <Row label="Resource">{mono(entry.resource)}</Row>
          <Row label="Tenant">
            {entry.tenant ? `${entry.tenant.name} (${entry.tenant.slug})` : "platform (no tenant)"} <span className="text-slate-600">{entry.tenantId ?? ""}</span>
          </Row>
          <Row label="Profile">
            {entry.profile ? <Link href={`/profiles/${entry.profile}`} className="text-indigo-700 hover:underline">{entry.profile}</Link> : "—"}{" "}
            <span className="text-slate-600">{entry.profileId ?? ""}</span>
          </Row>
          <Row label="Decision">{mono(entry.decision)}</Row>
          <Row label="Trace id">
            {entry.traceId ? (
              <Link href={`/audit/trace/${encodeURIComponent(entry.traceId)}`} className="font-mono text-xs text-indigo-700 hover:underline">
                {entry.traceId}
              </Link>
            ) : (
              mono(null)
            )}
          </Row>
          <Row label="Receipt">{entry.receiptId ? <ReceiptLink id={entry.receiptId} /> : mono(null)}</Row>
          <Row label="Request hash">{mono(entry.requestHash)}</Row>
          <Row label="Result hash">{mono(entry.resultHash)}</Row>
        </dl>
      </Section>
      <Section title="Data" description="Stored with the entry and covered by its hash; secrets were redacted before it was written." id="data">
        <JsonBlock value={entry.data} label="Entry data" />
      </Section>
      <Section title="Chain link" description="SHA-256 over the RFC 8785 canonical JSON of every field above plus the previous hash." id="chain">
        <dl className="divide-y divide-slate-100">
          <Row label="Previous hash">{mono(entry.prevHash)}</Row>
          <Row label="Hash">{mono(entry.hash)}</Row>
          <Row label="Contents">
            {checks.hashMatches ? (
              <Badge tone="green">hash matches contents</Badge>
            ) : (
              <span>
                <Badge tone="red">hash does not match contents</Badge> <span className="text-xs">contents hash to {mono(checks.recomputedHash)}</span>
              </span>
            )}
          </Row>
          <Row label="Link">
            {checks.linksToPrevious === null ? (
              <Badge tone="red">entry {entry.seq - 1} is missing</Badge>
            ) : checks.linksToPrevious ? (
              <Badge tone="green">{entry.seq === 1 ? "first entry: links to genesis" : `links to entry ${entry.seq - 1}`}</Badge>
            ) : (
              <Badge tone="red">does not link to entry {entry.seq - 1}</Badge>
            )}
          </Row>
        </dl>
      </Section>
    </div>
  );
}
