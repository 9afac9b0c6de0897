"use client";
import Link from "next/link";
import type { ChartProps } from "./safety-dashboard";
import { bucketLabel } from "../buckets";
import { auditHref } from "./links";
import { AgentText } from "@/components/ui/agent-text";

/** Kill switches engaged or released in the range (the markers on the decisions chart), newest first. */
export function KillSwitchList({ data, scope, loading }: ChartProps) {
  const markers = data?.killSwitches ?? [];
  return (
    <section aria-labelledby="ks-activity" className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <header className="flex flex-wrap items-baseline justify-between gap-2 border-b border-slate-100 px-4 py-3">
        <div>
          <h2 id="ks-activity" className="text-sm font-semibold text-slate-900">
            Kill-switch activity
          </h2>
          <p className="mt-0.5 text-xs text-slate-500">Switches covering this scope, engaged or released in the range.</p>
        </div>
        <Link href="/kill-switches" className="text-xs font-medium text-sky-700 hover:underline">
          All kill switches
        </Link>
      </header>
      <div className="px-4 py-3">
        {loading && !data ? (
          <p className="text-sm text-slate-500">Loading…</p>
        ) : markers.length === 0 ? (
          <p className="text-sm text-slate-500">No kill switch was engaged or released in this range.</p>
        ) : (
          <ol className="divide-y divide-slate-100 text-sm">
            {markers.map((m) => {
              // The minute of the change, a minute either side (the audit entry is written in the same transaction).
              const minute = Math.floor(new Date(m.at).getTime() / 60_000) * 60_000;
              const href = data?.auditLinks ? auditHref(scope, "killswitch", new Date(minute - 60_000), new Date(minute + 120_000)) : null;
              return (
                <li key={`${m.id}-${m.kind}`} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-1.5">
                  <time dateTime={m.at} className="w-40 shrink-0 font-mono text-xs text-slate-600">
                    {bucketLabel(m.at)}
                  </time>
                  <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${m.kind === "engaged" ? "bg-orange-100 text-orange-900" : "bg-emerald-100 text-emerald-900"}`}>
                    {m.kind === "engaged" ? "Engaged" : "Released"}
                  </span>
                  <span className="font-medium text-slate-900">{m.target}</span>
                  <span className="min-w-0 flex-1 truncate text-slate-600" title={m.reason}>
                    <AgentText text={m.reason} />
                  </span>
                  {href ? (
                    <a href={href} className="text-xs text-sky-700 underline hover:text-sky-900">
                      Audit entries
                    </a>
                  ) : null}
                </li>
              );
            })}
          </ol>
        )}
      </div>
    </section>
  );
}
