import Link from "next/link";
import { HISTORY_OUTCOMES, type ApprovalsQuery } from "@/lib/schemas/approvals";
import { TIERS, TIER_LABELS } from "@/lib/domain/tiers";
import { Field } from "@/components/ui/field";

const control = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900";

/** A plain GET form: the URL it produces reproduces the view. */
export function QueueFilters({ query, tenants }: { query: ApprovalsQuery; tenants: { slug: string; name: string }[] }) {
  return (
    <form
      method="get"
      action="/approvals"
      role="search"
      aria-label="Filter jobs"
      className="mb-4 rounded-lg border border-slate-200 bg-white p-3 shadow-sm"
    >
      {query.view === "history" ? <input type="hidden" name="view" value="history" /> : null}
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-7">
        <Field id="a-tenant" label="Tenant">
          <select id="a-tenant" name="tenant" defaultValue={query.tenant ?? ""} className={control}>
            <option value="">All tenants</option>
            {tenants.map((t) => (
              <option key={t.slug} value={t.slug}>
                {t.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="a-profile" label="Profile">
          <input id="a-profile" name="profile" defaultValue={query.profile ?? ""} placeholder="profile slug" maxLength={200} className={control} />
        </Field>
        <Field id="a-tier" label="Tier">
          <select id="a-tier" name="tier" defaultValue={query.tier ?? ""} className={control}>
            <option value="">Any tier</option>
            {TIERS.map((t) => (
              <option key={t} value={t}>
                {TIER_LABELS[t]}
              </option>
            ))}
          </select>
        </Field>
        <Field id="a-topic" label="Topic">
          <input id="a-topic" name="topic" defaultValue={query.topic ?? ""} placeholder="job.mcp-bridge" maxLength={200} className={control} />
        </Field>
        <Field id="a-risk" label="Risk tag">
          <input id="a-risk" name="riskTag" defaultValue={query.riskTag ?? ""} placeholder="writes" maxLength={63} className={control} />
        </Field>
        {query.view === "history" ? (
          <Field id="a-outcome" label="Outcome">
            <select id="a-outcome" name="outcome" defaultValue={query.outcome ?? ""} className={control}>
              <option value="">Any outcome</option>
              {HISTORY_OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {o.charAt(0) + o.slice(1).toLowerCase()}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <div className="flex items-end gap-2">
          <button type="submit" className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700">
            Filter
          </button>
          <Link
            href={query.view === "history" ? "/approvals?view=history" : "/approvals"}
            className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50"
          >
            Clear
          </Link>
        </div>
      </div>
    </form>
  );
}
