import Link from "next/link";
import { TableHead } from "@/components/ui/table-head";
import { formatTime, timeAgo } from "@/components/ui/format";
import { TierBadge } from "@/components/ui/status";
import type { QueueRow } from "@/lib/server/approvals/queue";
import type { ApprovalView } from "@/lib/schemas/approvals";
import { JobStatusBadge, timeLeft } from "./job-status";
import { AgentText, HiddenCharsBadge } from "@/components/ui/agent-text";
import { QueueRowSwitches } from "./job-switches";

const PENDING = ["Job", "Tenant", "Profile", "Risk tags", "Requester", "Approvals", "Asked", "Time left"] as const;
const HISTORY = ["Job", "Tenant", "Profile", "Outcome", "Approvals", "Asked", "Resolved"] as const;

function Time({ value, now }: { value: Date; now: Date }) {
  return (
    <time dateTime={value.toISOString()} title={formatTime(value)}>
      {timeAgo(value, now)}
    </time>
  );
}

export function QueueTable({ rows, view, now }: { rows: QueueRow[]; view: ApprovalView; now: Date }) {
  const cell = "px-3 py-2 align-top";
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-slate-200 text-left text-sm">
        <caption className="sr-only">
          {view === "pending" ? "Jobs waiting for approval, oldest first" : "Resolved jobs, most recent first"}
        </caption>
        <TableHead columns={view === "pending" ? PENDING : HISTORY} variant="boxed" className="bg-slate-50" />
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <tr key={row.id} data-job-id={row.id}>
              <td className={cell}>
                <Link href={`/approvals/${encodeURIComponent(row.id)}`} className="font-mono text-xs font-medium text-indigo-700 hover:underline">
                  {row.topic}
                </Link>
                <div className="font-mono text-[11px] text-slate-600">{row.id}</div>
                {row.hiddenChars ? (
                  <div className="mt-1">
                    <HiddenCharsBadge />
                  </div>
                ) : null}
                {row.integrityAlarm ? (
                  <div className="mt-1 text-xs font-semibold text-rose-700" data-testid="integrity-alarm-row">
                    Integrity alarm: votes refused
                  </div>
                ) : null}
                <QueueRowSwitches switches={row.killSwitches} />
              </td>
              <td className={cell}>{row.tenant.name}</td>
              <td className={cell}>
                <span className="font-mono text-xs">{row.profile.slug}</span> <TierBadge tier={row.profile.tier} />
              </td>
              {view === "pending" ? (
                <>
                  <td className={`${cell} text-xs`}>{row.riskTags.length ? <AgentText text={row.riskTags.join(", ")} /> : "—"}</td>
                  <td className={`${cell} text-xs`}>{row.requester ? <AgentText text={row.requester} /> : "—"}</td>
                </>
              ) : (
                <td className={cell}>
                  <JobStatusBadge status={row.status} />
                </td>
              )}
              <td className={cell}>
                {row.approvals}/{row.approvalsNeeded}
              </td>
              <td className={`${cell} whitespace-nowrap`}>
                <Time value={row.createdAt} now={now} />
              </td>
              <td className={`${cell} whitespace-nowrap`}>
                {view === "pending" ? (
                  <span title={formatTime(row.expiresAt)}>{timeLeft(row.expiresAt, now)}</span>
                ) : (
                  <Time value={resolvedAt(row, now)} now={now} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** When a history row was settled: its resolution, else its expiry (for an unswept expired job). */
function resolvedAt(row: QueueRow, now: Date): Date {
  if (row.resolvedAt) return row.resolvedAt;
  if (row.expiresAt && row.expiresAt < now) return row.expiresAt;
  return row.createdAt;
}
