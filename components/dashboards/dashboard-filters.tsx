import Link from "next/link";
import { Field } from "@/components/ui/field";
import { RANGES, RANGE_SPEC } from "@/lib/domain/dashboards/range";
import { dashboardSearch, type DashboardQuery } from "@/lib/schemas/dashboards";

const control = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

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
      {problems.length ? (
        <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Ignored: {problems.join("; ")}.
        </p>
      ) : null}
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
          <Field id="d-tenant" label="Tenant">
            <select id="d-tenant" name="tenant" defaultValue={query.tenant ?? ""} className={control}>
              <option value="">All my tenants</option>
              {tenants.map((t) => (
                <option key={t.slug} value={t.slug}>
                  {t.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id="d-profile" label="Profile">
            <input id="d-profile" name="profile" defaultValue={query.profile ?? ""} placeholder="profile slug" maxLength={63} className={control} />
          </Field>
          <button type="submit" className="rounded-md bg-indigo-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-indigo-500">
            Apply
          </button>
          <Link href={path} className="py-1.5 text-sm font-medium text-slate-600 hover:text-slate-900 hover:underline">
            Reset
          </Link>
        </form>
      </div>
    </div>
  );
}
