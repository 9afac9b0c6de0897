import type { Metadata } from "next";
import { formatTime } from "@/components/ui/format";
import { CopyValue } from "@/components/ui/copy-value";
import { ReceiptLink } from "@/components/ui/receipt-link";
import { Pagination } from "@/components/ui/pagination";
import { EmptyState, PageHeader } from "@/components/ui/section";
import { listReceipts } from "@/lib/server/receipts";
import { requireActor } from "@/lib/server/session";
import { TableHead } from "@/components/ui/table-head";
import { AgentText } from "@/components/ui/agent-text";
import { sealText } from "@/lib/domain/audit/seal";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Receipts" };

/** Hashes are shortened to fit (full value on hover, one click to copy), so no column is clipped at desktop widths. */
function Hash({ value, label }: { value: string; label: string }) {
  return <CopyValue value={value} label={label} />;
}

export default async function ReceiptsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requireActor();
  const raw = (await searchParams).page;
  const requested = Number(Array.isArray(raw) ? raw[0] : raw);
  const result = await listReceipts(actor, Number.isInteger(requested) && requested > 0 ? requested : 1);

  return (
    <>
      <PageHeader
        title="Your receipts"
        description="Every change you make returns a receipt, stored with the audit entry that records it."
      />
      {result.total === 0 ? (
        <EmptyState title="No receipts yet">Changes you make in the console (such as revoking a host key) will be listed here.</EmptyState>
      ) : (
        <>
          <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
            <table className="min-w-full divide-y divide-slate-200 text-left text-sm">
              <TableHead columns={["Receipt", "Action", "Scope", "Time", "Request hash", "Result hash", "Audit"]} variant="boxed" className="bg-slate-50" />
              <tbody className="divide-y divide-slate-100">
                {result.rows.map((r) => (
                  <tr key={r.id} className="align-top">
                    <td className="max-w-[16rem] px-3 py-2">
                      <ReceiptLink id={r.id} />
                      {Object.keys(r.summary).length > 0 ? (
                        <dl className="mt-1 text-xs text-slate-500">
                          {Object.entries(r.summary).map(([k, v]) => (
                            <div key={k} className="flex gap-1">
                              <dt>{k}:</dt>
                              <dd className="line-clamp-2 min-w-0 text-slate-700 [overflow-wrap:anywhere]">
                                <AgentText text={typeof v === "string" ? v : JSON.stringify(v)} />
                              </dd>
                            </div>
                          ))}
                        </dl>
                      ) : null}
                    </td>
                    <td className="px-3 py-2 font-mono text-xs [overflow-wrap:anywhere]">
                      {r.action}
                      {r.tokenId ? <div className="mt-1 font-sans text-slate-600">via API token {r.tokenId}</div> : null}
                    </td>
                    <td className="break-all px-3 py-2 font-mono text-xs">{r.scope}</td>
                    <td className="px-3 py-2 text-slate-600">
                      <time dateTime={r.time.toISOString()}>{formatTime(r.time)}</time>
                    </td>
                    <td className="px-3 py-2"><Hash value={r.requestHash} label="request hash" /></td>
                    <td className="px-3 py-2"><Hash value={r.resultHash} label="result hash" /></td>
                    <td className="px-3 py-2">
                      {r.auditSeq !== null && r.auditHash !== null ? (
                        <>
                          <span className="tabular-nums text-slate-900">#{r.auditSeq}</span> <Hash value={r.auditHash} label="audit hash" />
                        </>
                      ) : (
                        <span className="text-amber-800">{sealText(r)}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination
            page={result.page}
            pageCount={result.pageCount}
            total={result.total}
            noun="receipt"
            hrefFor={(page) => (page > 1 ? `/receipts?page=${page}` : "/receipts")}
          />
        </>
      )}
    </>
  );
}
