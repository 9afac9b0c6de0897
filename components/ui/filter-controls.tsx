import Link from "next/link";
import { Field } from "./field";

/** The input and select style of every GET filter form. */
export const FILTER_CONTROL = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900";

export interface SelectOption {
  value: string;
  label: string;
}

/** A select whose first option ("" → `any`) means "no filter"; its accessible name is the label tied to `id`. */
export function FilterSelect({ id, name, value, any, options }: { id: string; name: string; value: string; any: string; options: readonly SelectOption[] }) {
  return (
    <select id={id} name={name} defaultValue={value} className={FILTER_CONTROL}>
      <option value="">{any}</option>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

/** A labelled FilterSelect. */
export function SelectField(props: { id: string; name: string; label: string; value: string; any: string; options: readonly SelectOption[] }) {
  const { label, ...select } = props;
  return (
    <Field id={props.id} label={label}>
      <FilterSelect {...select} />
    </Field>
  );
}

/** The tenants the user may read, as select options. */
export function tenantOptions(tenants: readonly { slug: string; name: string }[]): SelectOption[] {
  return tenants.map((t) => ({ value: t.slug, label: t.name }));
}

/** Apply (submit) and Reset (back to the unfiltered address). */
export function FilterActions({ resetHref }: { resetHref: string }) {
  return (
    <div className="flex items-center gap-3">
      <button type="submit" className="rounded-md bg-indigo-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-indigo-500">
        Apply
      </button>
      <Link href={resetHref} className="py-1.5 text-sm font-medium text-slate-600 hover:text-slate-900 hover:underline">
        Reset
      </Link>
    </div>
  );
}
