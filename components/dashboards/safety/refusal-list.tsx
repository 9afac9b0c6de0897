"use client";
import Link from "next/link";
import { AgentText } from "@/components/ui/agent-text";
import type { ChartProps } from "./safety-dashboard";
import { bucketLabel } from "../buckets";

/** Refused privileged attempts in the range (access.denied audit entries), newest first. */
export function RefusalList({ data, loading }: ChartProps) {
  const refusals = data?.refusals;
  return (
    <section aria-labelledby="refusals-heading" className="rounded-lg border border-slate-200 bg-white shadow-sm" data-testid="refusals">
      <header className="flex flex-wrap items-baseline justify-between gap-2 border-b border-slate-100 px-4 py-3">
        <div>
          <h2 id="refusals-heading" className="text-sm font-semibold text-slate-900">
            Refused attempts
          </h2>
          <p className="mt-0.5 text-xs text-slate-500">
            Votes, kill switches and other changes the console refused: no permission, one&apos;s own request, or a target outside one&apos;s
            tenants. {refusals ? `${refusals.total.toLocaleString("en-US")} in this range.` : null}
          </p>
        </div>
        {data?.auditLinks ? (
          <Link href="/audit?action=access.denied" className="text-xs font-medium text-sky-700 hover:underline">
            In the audit log
          </Link>
        ) : null}
      </header>
      <div className="overflow-x-auto px-4 py-3">
        {loading && !data ? (
          <p className="text-sm text-slate-500">Loading…</p>
        ) : !refusals || refusals.rows.length === 0 ? (
          <p className="text-sm text-slate-500">
            {refusals && refusals.total > 0 ? "Who tried what is shown to those who may read the audit log." : "Nothing was refused in this range."}
          </p>
        ) : (
          <ol className="divide-y divide-slate-100 text-sm">
            {refusals.rows.map((r) => (
              <li key={r.seq} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-1.5">
                <time dateTime={r.time} className="w-40 shrink-0 font-mono text-xs text-slate-600">
                  {bucketLabel(r.time)}
                </time>
                <span className="rounded bg-rose-100 px-1.5 py-0.5 text-xs font-medium text-rose-900">
                  {r.suppressed ? "more refused (counted, not logged)" : r.decision === "NOT_FOUND" ? "not found" : "forbidden"}
                </span>
                <span className="font-mono text-xs text-slate-800">{r.attempted}</span>
                <span className="break-all font-mono text-xs text-slate-600">
                  <AgentText text={r.target} />
                </span>
                <span className="text-xs text-slate-700">by {r.actor}</span>
                <span className="min-w-0 flex-1 text-xs text-slate-500">
                  <AgentText text={r.reason} />
                </span>
                {data?.auditLinks ? (
                  <Link href={`/audit/${r.seq}`} className="text-xs tabular-nums text-sky-700 hover:underline">
                    #{r.seq}
                  </Link>
                ) : null}
              </li>
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}
