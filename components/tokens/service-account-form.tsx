"use client";
import { useActionState, useId } from "react";
import type { ActionResult } from "@/lib/server/action";
import { ROLE_LABELS, ROLES } from "@/lib/authz/permissions";
import { Field } from "@/components/ui/field";
import { FieldAlert } from "@/components/ui/form-controls";
import { ReceiptNote } from "@/components/ui/receipt-note";

type CreateAction = (prev: unknown, formData: FormData) => Promise<ActionResult<{ id: string; email: string; grant: string }>>;

const INPUT = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

/** A platform admin names a service account (e.g. "registry-ci") and gives it one role; its tokens come after. */
export function ServiceAccountForm({ action, tenants }: { action: CreateAction; tenants: { slug: string; name: string }[] }) {
  const [state, formAction, pending] = useActionState(action, null);
  const ids = { slug: useId(), description: useId(), grant: useId(), error: useId() };
  const errors = state && !state.ok ? (state.error.fieldErrors ?? {}) : {};
  return (
    <form action={formAction} className="grid grid-cols-1 gap-3 sm:grid-cols-3" aria-label="New service account">
      <Field id={ids.slug} label="Name" hint="e.g. registry-ci" error={errors.slug?.[0]}>
        <input id={ids.slug} name="slug" required pattern="[a-z0-9][a-z0-9-]{1,38}[a-z0-9]" className={INPUT} aria-describedby={`${ids.slug}-hint`} />
      </Field>
      <Field id={ids.description} label="What it does (optional)" error={errors.description?.[0]}>
        <input id={ids.description} name="description" maxLength={200} className={INPUT} />
      </Field>
      <Field id={ids.grant} label="Role" error={errors.grant?.[0]}>
        <select id={ids.grant} name="grant" defaultValue="platform_admin" className={INPUT}>
          <option value="platform_admin">Platform admin (every tenant; needed to create tenants)</option>
          {tenants.flatMap((t) =>
            ROLES.map((role) => (
              <option key={`${t.slug}:${role}`} value={`${t.slug}:${role}`}>
                {ROLE_LABELS[role]} in {t.name}
              </option>
            )),
          )}
        </select>
      </Field>
      <div className="sm:col-span-3">
        {state?.ok ? (
          <p role="status" className="text-sm text-emerald-800">
            Created {state.data.email}. Give it a token below. <ReceiptNote receipt={state.receipt} />
          </p>
        ) : (
          <FieldAlert id={ids.error} message={state && !state.ok && Object.keys(errors).length === 0 ? state.error.message : undefined} size="sm" />
        )}
        <button type="submit" disabled={pending} className="mt-1 rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-60">
          {pending ? "Creating…" : "Create service account"}
        </button>
      </div>
    </form>
  );
}
