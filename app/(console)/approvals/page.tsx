import Link from "next/link";
import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { QueueFilters } from "@/components/approvals/queue-filters";
import { QueueTable } from "@/components/approvals/queue-table";
import { Pagination } from "@/components/ui/pagination";
import { QueryNotices, receivedQueryString } from "@/components/ui/query-notices";
import { EmptyState, PageHeader } from "@/components/ui/section";
import { listApprovalJobs, mayReadJobs, queueTenants } from "@/lib/server/approvals/queue";
import { requireActor } from "@/lib/server/session";
import { approvalsQueryString, hasApprovalFilters, parseApprovalsQuery, type ApprovalsQuery } from "@/lib/schemas/approvals";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Approvals" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function Tabs({ query }: { query: ApprovalsQuery }) {
  const base = { ...query, page: 1, outcome: undefined };
  const tabs = [
    { view: "pending" as const, label: "Pending" },
    { view: "history" as const, label: "History" },
  ];
  return (
    <nav aria-label="Queue views" className="mb-3 flex gap-1">
      {tabs.map((tab) => {
        const active = query.view === tab.view;
        return (
          <Link
            key={tab.view}
            href={`/approvals${approvalsQueryString({ ...base, view: tab.view })}`}
            aria-current={active ? "page" : undefined}
            className={`rounded-md px-3 py-1.5 text-sm font-medium ${
              active ? "bg-slate-900 text-white" : "border border-slate-300 bg-white text-slate-700 hover:bg-slate-50"
            }`}
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}

export default async function ApprovalsPage({ searchParams }: Props) {
  const actor = await requireActor();
  // Only roles holding job.read (approver, auditor, tenant admin, platform admin) have a queue.
  if (!mayReadJobs(actor)) notFound();
  const raw = await searchParams;
  const { query, problems } = parseApprovalsQuery(raw);
  const canonical = approvalsQueryString(query);
  if (problems.length === 0 && canonical !== receivedQueryString(raw)) redirect(`/approvals${canonical}`);

  const now = new Date();
  const result = await listApprovalJobs(actor, query, { now });
  const filtered = hasApprovalFilters(query);
  const pending = query.view === "pending";

  return (
    <>
      <PageHeader
        title="Approvals"
        description={
          pending
            ? `${result.total.toLocaleString("en-US")} ${filtered ? "matching " : ""}job${result.total === 1 ? "" : "s"} waiting for a decision, oldest first`
            : `${result.total.toLocaleString("en-US")} ${filtered ? "matching " : ""}resolved job${result.total === 1 ? "" : "s"}, most recent first`
        }
      />
      <QueryNotices problems={problems} requestedPage={query.page} page={result.page} />
      <Tabs query={query} />
      <QueueFilters query={query} tenants={queueTenants(actor)} />
      {result.total === 0 ? (
        <EmptyState title={filtered ? "No jobs match these filters" : pending ? "Nothing is waiting for approval" : "No resolved jobs yet"}>
          {filtered ? (
            <Link href={pending ? "/approvals" : "/approvals?view=history"} className="font-medium text-indigo-700 hover:underline">
              Clear filters
            </Link>
          ) : pending ? (
            "Jobs that policy holds for approval appear here until they are decided or expire."
          ) : null}
        </EmptyState>
      ) : (
        <>
          <QueueTable rows={result.rows} view={query.view} now={now} />
          <Pagination
            page={result.page}
            pageCount={result.pageCount}
            total={result.total}
            noun="job"
            hrefFor={(page) => `/approvals${approvalsQueryString({ ...query, page })}`}
          />
        </>
      )}
    </>
  );
}
