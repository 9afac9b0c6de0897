import Link from "next/link";
import { HISTORY_OUTCOMES, type ApprovalsQuery } from "@/lib/schemas/approvals";
import { TIERS, TIER_LABELS } from "@/lib/domain/tiers";
import { Field } from "@/components/ui/field";
import { FILTER_CONTROL, SelectField, tenantOptions } from "@/components/ui/filter-controls";
import { JOB_STATUS_LABELS } from "./job-status";

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
        <SelectField id="a-tenant" name="tenant" label="Tenant" value={query.tenant ?? ""} any="All tenants" options={tenantOptions(tenants)} />
        <Field id="a-profile" label="Profile">
          <input id="a-profile" name="profile" defaultValue={query.profile ?? ""} placeholder="profile slug" maxLength={200} className={FILTER_CONTROL} />
        </Field>
        <SelectField id="a-tier" name="tier" label="Tier" value={query.tier ?? ""} any="Any tier" options={TIERS.map((t) => ({ value: t, label: TIER_LABELS[t] }))} />
        <Field id="a-topic" label="Topic">
          <input id="a-topic" name="topic" defaultValue={query.topic ?? ""} placeholder="job.mcp-bridge" maxLength={200} className={FILTER_CONTROL} />
        </Field>
        <Field id="a-risk" label="Risk tag">
          <input id="a-risk" name="riskTag" defaultValue={query.riskTag ?? ""} placeholder="writes" maxLength={63} className={FILTER_CONTROL} />
        </Field>
        {query.view === "history" ? (
          <Field id="a-outcome" label="Outcome">
            <select id="a-outcome" name="outcome" defaultValue={query.outcome ?? ""} className={FILTER_CONTROL}>
              <option value="">Any outcome</option>
              {HISTORY_OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {JOB_STATUS_LABELS[o]}
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
