import { ScrollArea } from "@/components/ui/scroll-area";
import { holdsAnywhere } from "@/lib/authz";
import Link from "next/link";
import type { Metadata } from "next";
import { Breakdown, StatCard } from "@/components/overview/breakdown";
import { PolicyStatus } from "@/components/overview/policy-status";
import { TierBadge } from "@/components/ui/status";
import { EmptyState, PageHeader, Section } from "@/components/ui/section";
import { registryQueryString } from "@/lib/domain/registry-query";
import { CANARY_LABELS, CANARY_STAGES, CONTROLS, HEALTH_STATES, RINGS, TIERS, TIER_LABELS } from "@/lib/domain/tiers";
import { getOverview } from "@/lib/server/overview";
import { readablePolicyProblems } from "@/lib/server/policies/status";
import { requireActor } from "@/lib/server/session";
import { TableHead } from "@/components/ui/table-head";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Overview" };

const HEALTH_COLORS = { healthy: "bg-emerald-500", degraded: "bg-amber-500", down: "bg-rose-500", unknown: "bg-slate-400" };
const HEALTH_TEXT = { healthy: "text-emerald-700", degraded: "text-amber-700", down: "text-rose-700", unknown: "text-slate-600" };

export default async function OverviewPage() {
  const actor = await requireActor();
  const policyProblems = await readablePolicyProblems(actor);
  if (!holdsAnywhere(actor, "registry.read")) {
    return (
      <>
        <PageHeader title="Overview" />
        <PolicyStatus problems={policyProblems} />
        <EmptyState title="You are not a member of any tenant yet">
          Ask a tenant admin to add you; the fleet will appear here once you are.
        </EmptyState>
      </>
    );
  }
  const overview = await getOverview(actor);
  const href = (q: Parameters<typeof registryQueryString>[0]) => `/profiles${registryQueryString(q)}`;

  return (
    <>
      <PageHeader
        title="Overview"
        description={`${overview.total.toLocaleString("en-US")} profiles across ${actor.platformAdmin ? "all tenants" : actor.tenants.map((t) => t.name).join(", ")}`}
      />
      <PolicyStatus problems={policyProblems} />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
        <StatCard label="Profiles" value={overview.total} href="/profiles" />
        {HEALTH_STATES.map((h) => (
          <StatCard key={h} label={h} value={overview.byHealth[h]} href={href({ health: h })} tone={HEALTH_TEXT[h]} />
        ))}
      </div>

      <div className="mt-5 grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Breakdown
          title="Health"
          total={overview.total}
          items={HEALTH_STATES.map((h) => ({ key: h, label: h, count: overview.byHealth[h], href: href({ health: h }), color: HEALTH_COLORS[h] }))}
        />
        <Breakdown
          title="Canary stage"
          total={overview.total}
          items={CANARY_STAGES.map((s) => ({ key: s, label: CANARY_LABELS[s], count: overview.byStage[s], href: href({ stage: s }) }))}
        />
        <Breakdown
          title="Ring"
          total={overview.total}
          items={RINGS.map((r) => ({
            key: String(r.ring),
            label: `${r.ring} · ${r.label}`,
            count: overview.byRing[r.ring] ?? 0,
            href: href({ ring: r.ring }),
            color: "bg-slate-500",
          }))}
        />
        <Breakdown
          title="Risk tier"
          total={overview.total}
          items={TIERS.map((t) => ({ key: t, label: TIER_LABELS[t], count: overview.byTier[t], href: href({ tier: t }), color: "bg-indigo-400" }))}
        />
      </div>

      <div className="mt-5">
        <Section
          id="shortfall"
          title="Evidence short of tier"
          description={
            overview.shortfall.total === 0
              ? "Every profile has evidence for all controls its tier requires."
              : `${overview.shortfall.total} profiles lack evidence for controls their tier requires${overview.shortfall.total > overview.shortfall.profiles.length ? `; the ${overview.shortfall.profiles.length} highest tiers are shown` : ""}.`
          }
        >
          {overview.shortfall.profiles.length === 0 ? (
            <p className="text-sm text-slate-600">Nothing to follow up.</p>
          ) : (
            <ScrollArea label="Profiles short of tier table" className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <TableHead columns={["Profile", "Tenant", "Tier", "Missing controls"]} />
                <tbody className="divide-y divide-slate-100">
                  {overview.shortfall.profiles.map((p) => (
                    <tr key={p.slug}>
                      <td className="py-2 pr-3">
                        <Link href={`/profiles/${p.slug}`} className="font-medium text-indigo-700 hover:underline">
                          {p.slug}
                        </Link>
                      </td>
                      <td className="py-2 pr-3 text-slate-600">{p.tenant}</td>
                      <td className="py-2 pr-3"><TierBadge tier={p.tier} /></td>
                      <td className="py-2 text-slate-700">
                        <span className="font-medium text-rose-700">{p.gaps.length}</span>
                        <span className="text-slate-400"> · </span>
                        {p.gaps.slice(0, 4).map((g) => CONTROLS[g]).join(", ")}
                        {p.gaps.length > 4 ? `, +${p.gaps.length - 4} more` : ""}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollArea>
          )}
        </Section>
      </div>
    </>
  );
}
