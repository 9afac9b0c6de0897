import Link from "next/link";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AuditFilters } from "@/components/audit/audit-filters";
import { AuditTable } from "@/components/audit/audit-table";
import { ChainStatusPanel } from "@/components/audit/chain-status-panel";
import { QueryNotices } from "@/components/ui/query-notices";
import { EmptyState, PageHeader } from "@/components/ui/section";
import { holdsAnywhere } from "@/lib/authz";
import { database } from "@/lib/db";
import { auditChainStatus } from "@/lib/server/audit-explorer/chain-status";
import { listAuditEntries } from "@/lib/server/audit-explorer/list";
import { auditTenantChoices, mayReadAudit, seesPlatformEntries } from "@/lib/server/audit-explorer/scope";
import { requireActor } from "@/lib/server/session";
import { auditQueryString, hasAuditFilters, parseAuditQuery, type AuditQuery } from "@/lib/schemas/audit-explorer";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Audit log" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AuditPage({ searchParams }: Props) {
  const actor = await requireActor();
  // Auditors, tenant admins and platform admins; everyone else gets the same 404 as a missing page.
  if (!mayReadAudit(actor)) notFound();
  const raw = await searchParams;
  const { query, problems } = parseAuditQuery(raw);
  const filters: AuditQuery = { ...query, before: undefined, after: undefined };

  const [result, status] = await Promise.all([
    listAuditEntries(actor, query),
    database().then((d) => auditChainStatus(d.sql, { forceFull: raw.verify === "full" })),
  ]);
  const filtered = hasAuditFilters(query);
  const paged = query.before !== undefined || query.after !== undefined;
  const link = "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50";

  return (
    <>
      <PageHeader
        title="Audit log"
        description={`${result.total.toLocaleString("en-US")} ${filtered ? "matching " : ""}entr${result.total === 1 ? "y" : "ies"} you may read, newest first`}
      >
        <div className="flex flex-wrap gap-2">
          {holdsAnywhere(actor, "packet.export") ? (
            <Link href="/audit/export" className={link}>
              Export evidence
            </Link>
          ) : null}
          <Link href="/audit?verify=full" className={link}>
            Re-verify from genesis
          </Link>
        </div>
      </PageHeader>
      <ChainStatusPanel status={status} />
      <QueryNotices problems={problems} />
      <AuditFilters query={query} tenants={auditTenantChoices(actor)} platform={seesPlatformEntries(actor)} />
      {result.rows.length === 0 ? (
        <EmptyState title={filtered ? "No entries match these filters" : paged ? "No entries on this page" : "No audit entries yet"}>
          {filtered || paged ? (
            <Link href="/audit" className="font-medium text-indigo-700 hover:underline">
              Clear filters
            </Link>
          ) : null}
        </EmptyState>
      ) : (
        <>
          <AuditTable rows={result.rows} />
          <nav aria-label="Pagination" className="mt-3 flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600">
            <p>
              Showing #{result.rows[0]!.seq}–#{result.rows[result.rows.length - 1]!.seq}
            </p>
            <div className="flex items-center gap-2">
              {result.newer !== null ? (
                <>
                  <Link href={`/audit${auditQueryString(filters)}`} className={link}>
                    Newest
                  </Link>
                  <Link href={`/audit${auditQueryString({ ...filters, after: result.newer })}`} className={link} rel="prev">
                    Newer
                  </Link>
                </>
              ) : null}
              {result.older !== null ? (
                <Link href={`/audit${auditQueryString({ ...filters, before: result.older })}`} className={link} rel="next">
                  Older
                </Link>
              ) : null}
            </div>
          </nav>
        </>
      )}
    </>
  );
}
