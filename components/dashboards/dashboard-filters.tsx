import Link from "next/link";
import { Field } from "@/components/ui/field";
import { QueryNotices } from "@/components/ui/query-notices";
import { FILTER_CONTROL, FilterActions, SelectField, tenantOptions } from "@/components/ui/filter-controls";
import { RANGES, RANGE_SPEC } from "@/lib/domain/dashboards/range";
import { dashboardSearch, type DashboardQuery } from "@/lib/schemas/dashboards";

/**
 * Range and scope of a dashboard, kept in the address: the range is a row of
 * links, tenant and profile a GET form, so every view is a link and works
 * without JavaScript. `problems` are the URL values that were ignored.
 */
export function DashboardFilters({
  path,
  query,
  tenants,
  problems = [],
}: {
  path: string;
  query: DashboardQuery;
  tenants: readonly { slug: string; name: string }[];
  problems?: readonly string[];
}) {
  return (
    <div className="mb-4 space-y-2">
      <QueryNotices problems={problems} />
      <div className="flex flex-wrap items-end justify-between gap-3 rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
        <nav aria-label="Range" className="flex overflow-hidden rounded-md border border-slate-300 text-sm">
          {RANGES.map((range) => (
            <Link
              key={range}
              href={`${path}${dashboardSearch({ ...query, range })}`}
              aria-current={query.range === range ? "page" : undefined}
              className={`px-3 py-1.5 font-medium ${query.range === range ? "bg-slate-800 text-white" : "bg-white text-slate-700 hover:bg-slate-100"}`}
            >
              {RANGE_SPEC[range].label}
            </Link>
          ))}
        </nav>
        <form method="get" action={path} className="flex flex-wrap items-end gap-3">
          {query.range !== "day" ? <input type="hidden" name="range" value={query.range} /> : null}
          <SelectField id="d-tenant" name="tenant" label="Tenant" value={query.tenant ?? ""} any="All my tenants" options={tenantOptions(tenants)} />
          <Field id="d-profile" label="Profile">
            <input id="d-profile" name="profile" defaultValue={query.profile ?? ""} placeholder="profile slug" maxLength={63} className={FILTER_CONTROL} />
          </Field>
          <FilterActions resetHref={path} />
        </form>
      </div>
    </div>
  );
}
