import Link from "next/link";
import { Field } from "@/components/ui/field";
import { CANARY_LABELS, CANARY_STAGES } from "@/lib/domain/tiers";
import type { ReadinessQuery } from "@/lib/server/dashboards/readiness-query";

const control = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900";

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
      {problems.length ? (
        <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Ignored: {problems.join("; ")}.
        </p>
      ) : null}
      <form
        method="get"
        action="/readiness"
        role="search"
        aria-label="Filter the readiness board"
        className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3 shadow-sm"
      >
        <Field id="r-tenant" label="Tenant">
          <select id="r-tenant" name="tenant" defaultValue={query.tenant ?? ""} className={control}>
            <option value="">All my tenants</option>
            {tenants.map((t) => (
              <option key={t.slug} value={t.slug}>
                {t.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="r-stage" label="Canary stage">
          <select id="r-stage" name="stage" defaultValue={query.stage ?? ""} className={control}>
            <option value="">All stages</option>
            {CANARY_STAGES.map((s) => (
              <option key={s} value={s}>
                {CANARY_LABELS[s]}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" className="rounded-md bg-indigo-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-indigo-500">
          Apply
        </button>
        <Link href="/readiness" className="py-1.5 text-sm font-medium text-slate-600 hover:text-slate-900 hover:underline">
          Reset
        </Link>
      </form>
    </div>
  );
}
