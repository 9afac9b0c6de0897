import { Field } from "@/components/ui/field";

const control = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900";

function Input({ id, name, value, error, hint, placeholder, list }: { id: string; name: string; value: string; error?: string; hint?: boolean; placeholder?: string; list?: string }) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <input
      id={id}
      name={name}
      defaultValue={value}
      placeholder={placeholder}
      list={list}
      aria-invalid={error ? true : undefined}
      aria-describedby={describedBy}
      className={control}
    />
  );
}

/**
 * The simulator's plain GET form: it works without JavaScript, the URL
 * reproduces the question, and submitting it changes nothing.
 */
export function SimulateForm({
  values,
  errors,
  profiles,
}: {
  values: Record<"profile" | "topic" | "riskTags" | "labels", string>;
  errors: Partial<Record<"profile" | "topic" | "riskTags" | "labels", string>>;
  profiles: string[];
}) {
  return (
    <form method="get" action="/policies/simulate" className="grid grid-cols-1 gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm md:grid-cols-2">
      <Field id="sim-profile" label="Profile" error={errors.profile}>
        <Input id="sim-profile" name="profile" value={values.profile} error={errors.profile} placeholder="acme-ticket-triage" list="sim-profiles" />
        <datalist id="sim-profiles">
          {profiles.map((slug) => (
            <option key={slug} value={slug} />
          ))}
        </datalist>
      </Field>
      <Field id="sim-topic" label="Topic" error={errors.topic}>
        <Input id="sim-topic" name="topic" value={values.topic} error={errors.topic} placeholder="job.mcp-bridge.write.update_ticket" />
      </Field>
      <Field id="sim-risk" label="Risk tags" hint="Comma-separated, e.g. writes,pii" error={errors.riskTags}>
        <Input id="sim-risk" name="riskTags" value={values.riskTags} error={errors.riskTags} hint />
      </Field>
      <Field id="sim-labels" label="Labels" hint="Comma-separated key=value pairs, e.g. env=prod,requester=ann@acme.test" error={errors.labels}>
        <Input id="sim-labels" name="labels" value={values.labels} error={errors.labels} hint />
      </Field>
      <div className="md:col-span-2">
        <button type="submit" className="rounded-md bg-slate-900 px-4 py-1.5 text-sm font-medium text-white hover:bg-slate-700">
          Simulate
        </button>
        <span className="ml-3 text-xs text-slate-500">Nothing is stored: no decision record, no throttle count, no audit entry.</span>
      </div>
    </form>
  );
}
