import { QueryNotices } from "@/components/ui/query-notices";
import { FilterActions, SelectField, tenantOptions } from "@/components/ui/filter-controls";
import { CANARY_LABELS, CANARY_STAGES } from "@/lib/domain/tiers";
import type { ReadinessQuery } from "@/lib/server/dashboards/readiness-query";

/** Tenant and stage of the board, as a plain GET form: the URL reproduces the view. */
export function ReadinessFilters({
  query,
  tenants,
  problems,
}: {
  query: ReadinessQuery;
  tenants: readonly { slug: string; name: string }[];
  problems: readonly string[];
}) {
  return (
    <div className="mb-4 space-y-2">
      <QueryNotices problems={problems} />
      <form
        method="get"
        action="/readiness"
        role="search"
        aria-label="Filter the readiness board"
        className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3 shadow-sm"
      >
        <SelectField id="r-tenant" name="tenant" label="Tenant" value={query.tenant ?? ""} any="All my tenants" options={tenantOptions(tenants)} />
        <SelectField
          id="r-stage"
          name="stage"
          label="Canary stage"
          value={query.stage ?? ""}
          any="All stages"
          options={CANARY_STAGES.map((s) => ({ value: s, label: CANARY_LABELS[s] }))}
        />
        <FilterActions resetHref="/readiness" />
      </form>
    </div>
  );
}
