import Link from "next/link";
import { formatBound, PLATFORM_TENANT, type AuditQuery } from "@/lib/schemas/audit-explorer";
import { Field } from "@/components/ui/field";

const control = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900";

/** A plain GET form: the URL it produces reproduces the view (and starts again at the newest entry). */
export function AuditFilters({
  query,
  tenants,
  platform,
}: {
  query: AuditQuery;
  tenants: { slug: string; name: string }[];
  /** Offer "Platform entries" (tenantless) in the tenant filter: platform admins only. */
  platform: boolean;
}) {
  return (
    <form method="get" action="/audit" role="search" aria-label="Filter audit entries" className="mb-4 rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-8">
        <Field id="au-actor" label="Actor">
          <input id="au-actor" name="actor" defaultValue={query.actor ?? ""} placeholder="email or host:id" maxLength={320} className={control} />
        </Field>
        <Field id="au-action" label="Action">
          <input id="au-action" name="action" defaultValue={query.action ?? ""} placeholder="job.submit or job" maxLength={100} className={control} />
        </Field>
        <Field id="au-tenant" label="Tenant">
          <select id="au-tenant" name="tenant" defaultValue={query.tenant ?? ""} className={control}>
            <option value="">All tenants</option>
            {platform ? <option value={PLATFORM_TENANT}>Platform entries</option> : null}
            {tenants.map((t) => (
              <option key={t.slug} value={t.slug}>
                {t.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="au-profile" label="Profile">
          <input id="au-profile" name="profile" defaultValue={query.profile ?? ""} placeholder="profile slug" maxLength={200} className={control} />
        </Field>
        <Field id="au-from" label="From (UTC)">
          <input id="au-from" name="from" defaultValue={query.from ? formatBound(query.from, "from") : ""} placeholder="2026-11-22T09:30" maxLength={25} className={control} />
        </Field>
        <Field id="au-to" label="To (UTC)">
          <input id="au-to" name="to" defaultValue={query.to ? formatBound(query.to, "to") : ""} placeholder="2026-11-22" maxLength={25} className={control} />
        </Field>
        <Field id="au-trace" label="Trace id">
          <input id="au-trace" name="trace" defaultValue={query.trace ?? ""} maxLength={200} className={control} />
        </Field>
        <div className="flex items-end gap-2">
          <button type="submit" className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700">
            Filter
          </button>
          <Link href="/audit" className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50">
            Clear
          </Link>
        </div>
      </div>
    </form>
  );
}
