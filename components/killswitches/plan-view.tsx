import Link from "next/link";
import type { ReactNode } from "react";
import type { KillSwitchPlan } from "@/lib/server/killswitches";

function count(n: number, noun: string): string {
  return `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;
}

function PlanList({ title, total, shown, empty, children }: { title: string; total: number; shown: number; empty: string; children: ReactNode }) {
  return (
    <div>
      <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">
        {title} <span className="tabular-nums">({total.toLocaleString("en-US")})</span>
      </h3>
      {total === 0 ? (
        <p className="mt-1 text-sm text-slate-600">{empty}</p>
      ) : (
        <>
          <ul aria-label={title} className="mt-1 max-h-64 space-y-0.5 overflow-y-auto text-sm">
            {children}
          </ul>
          {shown < total ? <p className="mt-1 text-xs text-slate-500">Showing the first {shown.toLocaleString("en-US")}.</p> : null}
        </>
      )}
    </div>
  );
}

/** What engaging the switch would touch: profiles, the hosts bound to them, and the pending jobs it would cover. */
export function PlanView({ plan, description }: { plan: KillSwitchPlan; description: string }) {
  const { totals } = plan;
  return (
    <div className="space-y-3" data-testid="kill-switch-plan">
      <p className="text-sm text-slate-800">
        Engaging stops <strong>{description}</strong>. It touches {count(totals.profiles, "profile")}, {count(totals.hosts, "host")}{" "}
        and {count(totals.pendingJobs, "pending job")}: covered jobs are denied with the switch as the rule, pending ones can no
        longer be approved, and hosts see it in their next directives.
      </p>
      <div className="grid grid-cols-1 gap-4 md:grid-cols-3">
        <PlanList title="Profiles" total={totals.profiles} shown={plan.profiles.length} empty="No profiles.">
          {plan.profiles.map((p) => (
            <li key={p.slug}>
              <Link href={`/profiles/${encodeURIComponent(p.slug)}`} className="font-mono text-indigo-700 hover:underline">
                {p.slug}
              </Link>{" "}
              <span className="text-xs text-slate-500">{p.tenant}</span>
            </li>
          ))}
        </PlanList>
        <PlanList title="Hosts" total={totals.hosts} shown={plan.hosts.length} empty="No hosts are bound to these profiles.">
          {plan.hosts.map((id) => (
            <li key={id} className="font-mono">
              {id}
            </li>
          ))}
        </PlanList>
        <PlanList title="Pending jobs" total={totals.pendingJobs} shown={plan.pendingJobs.length} empty="No pending jobs would be covered.">
          {plan.pendingJobs.map((j) => (
            <li key={j.id}>
              <Link href={`/approvals/${encodeURIComponent(j.id)}`} className="break-all font-mono text-indigo-700 hover:underline">
                {j.topic}
              </Link>{" "}
              <span className="text-xs text-slate-500">{j.profile}</span>
            </li>
          ))}
        </PlanList>
      </div>
    </div>
  );
}
