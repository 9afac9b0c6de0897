import Link from "next/link";
import { formatTime, shortHash } from "@/components/ui/format";
import { TableHead } from "@/components/ui/table-head";
import { actorLabel, type AuditRow } from "@/lib/server/audit-explorer/list";

const COLUMNS = ["Seq", "Time", "Actor", "Action", "Resource", "Tenant", "Decision", "Trace", "Hash"] as const;

export function AuditTable({ rows }: { rows: AuditRow[] }) {
  const cell = "px-3 py-2 align-top";
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-slate-200 text-left text-sm">
        <caption className="sr-only">Audit entries, newest first</caption>
        <TableHead columns={COLUMNS} variant="boxed" className="bg-slate-50" />
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <tr key={row.seq} data-seq={row.seq}>
              <td className={cell}>
                <Link href={`/audit/${row.seq}`} className="font-medium tabular-nums text-indigo-700 hover:underline" aria-label={`Entry ${row.seq}`}>
                  #{row.seq}
                </Link>
              </td>
              <td className={`${cell} whitespace-nowrap text-slate-600`}>
                <time dateTime={row.time.toISOString()}>{formatTime(row.time)}</time>
              </td>
              <td className={`${cell} text-xs`}>{actorLabel(row)}</td>
              <td className={`${cell} font-mono text-xs`}>{row.action}</td>
              <td className={`${cell} max-w-[16rem] break-all font-mono text-xs text-slate-600`}>
                {row.resource}
                {row.profile ? <div className="text-slate-600">{row.profile}</div> : null}
              </td>
              <td className={cell}>{row.tenant ? row.tenant.name : <span className="text-slate-600">platform</span>}</td>
              <td className={`${cell} font-mono text-xs`}>{row.decision ?? "—"}</td>
              <td className={cell}>
                {row.traceId ? (
                  <Link href={`/audit/trace/${encodeURIComponent(row.traceId)}`} className="font-mono text-xs text-indigo-700 hover:underline" title={row.traceId}>
                    {shortHash(row.traceId, 10)}
                  </Link>
                ) : (
                  "—"
                )}
              </td>
              <td className={cell}>
                <code className="font-mono text-xs text-slate-500" title={row.hash}>
                  {shortHash(row.hash)}
                </code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
