import { Field } from "@/components/ui/field";
import { FieldAlert } from "@/components/ui/form-controls";
import type { ExportPacketFields } from "@/lib/schemas/packets";

const control = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900";

/**
 * The export form: a plain POST to the download route, which answers with the
 * packet as an attachment (the page stays) or sends the form back with an error.
 */
export function ExportForm({
  fields,
  tenants,
  profiles,
  error,
  fieldErrors,
}: {
  fields: ExportPacketFields;
  tenants: { slug: string; name: string }[];
  /** Profile slugs offered as suggestions (the field accepts any slug of the chosen tenant). */
  profiles: string[];
  error: string | null;
  fieldErrors: Partial<Record<keyof ExportPacketFields, string>>;
}) {
  const described = (id: string, hint: boolean) =>
    [hint ? `${id}-hint` : "", fieldErrors[id.replace("pk-", "") as keyof ExportPacketFields] ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <form
      method="post"
      action="/audit/export/download"
      aria-label="Export an evidence packet"
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      {error ? (
        <div className="mb-3 rounded-md border border-rose-200 bg-rose-50 px-3 py-2">
          <FieldAlert id="pk-form-error" message={error} size="sm" />
        </div>
      ) : null}
      <div className="grid grid-cols-1 gap-3 md:grid-cols-2 xl:grid-cols-4">
        <Field id="pk-tenant" label="Tenant" error={fieldErrors.tenant}>
          <select id="pk-tenant" name="tenant" defaultValue={fields.tenant} required aria-describedby={described("pk-tenant", false)} className={control}>
            {tenants.length !== 1 ? <option value="">Choose a tenant…</option> : null}
            {tenants.map((t) => (
              <option key={t.slug} value={t.slug}>
                {t.name} ({t.slug})
              </option>
            ))}
          </select>
        </Field>
        <Field id="pk-profile" label="Profile (optional)" hint="Leave empty for the whole tenant." error={fieldErrors.profile}>
          <input
            id="pk-profile"
            name="profile"
            list="pk-profiles"
            defaultValue={fields.profile}
            placeholder="profile slug"
            maxLength={200}
            aria-describedby={described("pk-profile", true)}
            className={control}
          />
          <datalist id="pk-profiles">
            {profiles.map((slug) => (
              <option key={slug} value={slug} />
            ))}
          </datalist>
        </Field>
        <Field id="pk-from" label="From (UTC)" hint="Inclusive: 2026-11-22 or 2026-11-22T09:30" error={fieldErrors.from}>
          <input id="pk-from" name="from" defaultValue={fields.from} required maxLength={25} aria-describedby={described("pk-from", true)} className={control} />
        </Field>
        <Field id="pk-to" label="To (UTC)" hint="Exclusive; a date alone means through that day" error={fieldErrors.to}>
          <input id="pk-to" name="to" defaultValue={fields.to} required maxLength={25} aria-describedby={described("pk-to", true)} className={control} />
        </Field>
      </div>
      <div className="mt-4 flex items-center gap-3">
        <button type="submit" className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700">
          Download packet
        </button>
        <p className="text-xs text-slate-500">A fresh signed checkpoint is taken, and the export is recorded in the audit log with a receipt.</p>
      </div>
    </form>
  );
}
