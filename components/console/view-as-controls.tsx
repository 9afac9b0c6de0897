"use client";
import { useActionState } from "react";
import { ROLES, ROLE_LABELS } from "@/lib/authz";
import type { ActionResult } from "@/lib/server/action";

type ServerAction = (prev: unknown, formData: FormData) => Promise<ActionResult<unknown>>;

/** A platform admin's "View as" picker (a disclosure in the header). */
export function ViewAsPicker({ tenants, action }: { tenants: { slug: string; name: string }[]; action: ServerAction }) {
  const [state, formAction, pending] = useActionState(action, null);
  const error = state && !state.ok ? state.error : null;
  return (
    <details className="relative">
      <summary className="flex min-h-11 cursor-pointer list-none items-center whitespace-nowrap rounded-md border border-slate-600 px-3 text-xs font-medium text-slate-100 hover:bg-slate-800 xl:min-h-0 xl:px-2.5 xl:py-1">
        View as…
      </summary>
      <form
        action={formAction}
        className="absolute left-0 z-50 mt-2 w-72 max-w-[calc(100vw-2rem)] space-y-3 xl:left-auto xl:right-0 rounded-lg border border-slate-200 bg-white p-4 text-slate-900 shadow-lg"
      >
        <p className="text-xs text-slate-600">See the console exactly as a tenant role sees it. Read only; recorded with a receipt.</p>
        <label className="block text-xs font-medium text-slate-700">
          Tenant
          <select name="tenant" required className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm">
            {tenants.map((t) => (
              <option key={t.slug} value={t.slug}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label className="block text-xs font-medium text-slate-700">
          Role
          <select name="role" required defaultValue="viewer" className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </label>
        {error ? (
          <p role="alert" className="text-xs text-rose-700">
            {error.message}
          </p>
        ) : null}
        <button
          type="submit"
          disabled={pending}
          className="w-full rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
        >
          {pending ? "Switching…" : "View as"}
        </button>
      </form>
    </details>
  );
}

export function StopViewAsButton({ action }: { action: ServerAction }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="flex items-center gap-2">
      {state && !state.ok ? (
        <span role="alert" className="text-xs text-rose-800">
          {state.error.message}
        </span>
      ) : null}
      <button
        type="submit"
        disabled={pending}
        className="min-h-11 rounded-md bg-amber-900 px-3 text-xs font-medium text-white hover:bg-amber-800 disabled:opacity-60 xl:min-h-0 xl:px-2.5 xl:py-1"
      >
        Stop viewing as
      </button>
    </form>
  );
}
