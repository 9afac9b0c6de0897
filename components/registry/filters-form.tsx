import { PAGE_SIZES, type RegistryQuery } from "@/lib/domain/registry-query";
import { CANARY_LABELS, CANARY_STAGES, HEALTH_STATES, RINGS, TIERS, TIER_LABELS } from "@/lib/domain/tiers";
import { Field } from "@/components/ui/field";
import { FILTER_CONTROL, FilterActions, FilterSelect, tenantOptions } from "@/components/ui/filter-controls";

/** A plain GET form: works without JavaScript, and the URL it produces reproduces the view. */
export function FiltersForm({
  query,
  tenants,
  owners,
}: {
  query: RegistryQuery;
  tenants: { slug: string; name: string }[];
  owners: string[];
}) {
  const ownerOptions = query.owner && !owners.includes(query.owner) ? [query.owner, ...owners] : owners;
  return (
    <form
      method="get"
      action="/profiles"
      role="search"
      aria-label="Filter profiles"
      className="mb-4 rounded-lg border border-slate-200 bg-white p-3 shadow-sm"
    >
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-8">
        <Field id="f-q" label="Search" className="col-span-2">
          <input id="f-q" type="search" name="q" defaultValue={query.q ?? ""} placeholder="slug, unit or owner" maxLength={100} className={FILTER_CONTROL} />
        </Field>
        <Field id="f-tenant" label="Tenant">
          <FilterSelect id="f-tenant" name="tenant" value={query.tenant ?? ""} any="All tenants" options={tenantOptions(tenants)} />
        </Field>
        <Field id="f-ring" label="Ring">
          <FilterSelect
            id="f-ring"
            name="ring"
            value={query.ring === undefined ? "" : String(query.ring)}
            any="Any ring"
            options={RINGS.map((r) => ({ value: String(r.ring), label: `${r.ring} · ${r.label}` }))}
          />
        </Field>
        <Field id="f-tier" label="Tier">
          <FilterSelect id="f-tier" name="tier" value={query.tier ?? ""} any="Any tier" options={TIERS.map((t) => ({ value: t, label: TIER_LABELS[t] }))} />
        </Field>
        <Field id="f-health" label="Health">
          <FilterSelect id="f-health" name="health" value={query.health ?? ""} any="Any health" options={HEALTH_STATES.map((h) => ({ value: h, label: h }))} />
        </Field>
        <Field id="f-stage" label="Canary stage">
          <FilterSelect
            id="f-stage"
            name="stage"
            value={query.stage ?? ""}
            any="Any stage"
            options={CANARY_STAGES.map((s) => ({ value: s, label: CANARY_LABELS[s] }))}
          />
        </Field>
        <Field id="f-owner" label="Owner">
          <FilterSelect id="f-owner" name="owner" value={query.owner ?? ""} any="Any owner" options={ownerOptions.map((o) => ({ value: o, label: o }))} />
        </Field>
      </div>
      <div className="mt-3 flex flex-wrap items-end justify-between gap-3">
        <div className="flex items-center gap-2">
          <label htmlFor="f-size" className="text-xs font-medium text-slate-600">
            Rows per page
          </label>
          <select id="f-size" name="size" defaultValue={String(query.size)} className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm">
            {PAGE_SIZES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        {query.sort !== "slug" ? <input type="hidden" name="sort" value={query.sort} /> : null}
        {query.dir !== "asc" ? <input type="hidden" name="dir" value={query.dir} /> : null}
        <div className="flex items-center gap-3">
          <FilterActions resetHref="/profiles" />
        </div>
      </div>
    </form>
  );
}
