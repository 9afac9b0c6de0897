"use client";
import { useActionState, useId, useState } from "react";
import type { ActionResult } from "@/lib/server/action";
import type { CreatedToken } from "@/lib/server/tokens/actions";
import type { ScopeChoice } from "@/lib/server/tokens/read";
import { TOKEN_DAY_CHOICES, TOKEN_NAME_MAX } from "@/lib/schemas/tokens";
import { Field } from "@/components/ui/field";
import { FieldAlert } from "@/components/ui/form-controls";
import { ReceiptNote } from "@/components/ui/receipt-note";

type CreateAction = (prev: unknown, formData: FormData) => Promise<ActionResult<CreatedToken>>;

const INPUT = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

/**
 * A new API token: name, scope, expiry (required, at most a year) and the
 * permissions it may use, chosen among those the creator holds in that
 * scope. The token is shown once, right here, and never again.
 */
export function CreateTokenForm({
  action,
  scopes,
  serviceAccount,
  submitLabel = "Create token",
}: {
  action: CreateAction;
  scopes: ScopeChoice[];
  /** Set for a service account's token (a platform admin creating it). */
  serviceAccount?: { id: string; email: string };
  submitLabel?: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const [scope, setScope] = useState(scopes[0]?.value ?? "");
  const [copied, setCopied] = useState(false);
  const ids = { name: useId(), scope: useId(), expiry: useId(), error: useId() };
  const chosen = scopes.find((s) => s.value === scope);

  if (scopes.length === 0) {
    return <p className="text-sm text-slate-600">{serviceAccount ? `${serviceAccount.email} holds no role a token could use.` : "You hold no role a token could use."}</p>;
  }
  if (state?.ok) {
    const t = state.data;
    return (
      <div role="status" className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
        <p className="font-medium">
          Token {t.id} created for {t.ownerEmail}: copy it now, it is not shown again.
        </p>
        <div className="flex flex-wrap items-center gap-2">
          <code data-testid="new-token" className="break-all rounded bg-white px-2 py-1 font-mono text-xs text-slate-900">
            {t.token}
          </code>
          <button
            type="button"
            onClick={() => void navigator.clipboard?.writeText(t.token).then(() => setCopied(true), () => setCopied(false))}
            className="rounded-md border border-emerald-300 bg-white px-2 py-1 text-xs font-medium text-emerald-800 hover:bg-emerald-100"
          >
            {copied ? "Copied" : "Copy"}
          </button>
        </div>
        <p className="text-xs">
          Scope {t.scope}; {t.permissions.join(", ")}; expires {t.expiresAt.slice(0, 10)}. Log the CLI in with{" "}
          <code className="font-mono">npx cellgate login --url {typeof window === "undefined" ? "URL" : window.location.origin}</code>. <ReceiptNote receipt={state.receipt} />
        </p>
      </div>
    );
  }
  const errors = state && !state.ok ? (state.error.fieldErrors ?? {}) : {};
  const formError = state && !state.ok && Object.keys(errors).length === 0 ? state.error.message : undefined;
  return (
    <form action={formAction} className="grid grid-cols-1 gap-3 sm:grid-cols-2" aria-label={serviceAccount ? `New token for ${serviceAccount.email}` : "New API token"}>
      {serviceAccount ? <input type="hidden" name="serviceAccount" value={serviceAccount.id} /> : null}
      <Field id={ids.name} label="Name" hint="What it is for, e.g. “laptop CLI” or “registry CI”" error={errors.name?.[0]}>
        <input id={ids.name} name="name" required maxLength={TOKEN_NAME_MAX} className={INPUT} aria-describedby={`${ids.name}-hint`} />
      </Field>
      <Field id={ids.scope} label="Scope" error={errors.scope?.[0]}>
        <select id={ids.scope} name="scope" value={scope} onChange={(e) => setScope(e.target.value)} className={INPUT}>
          {scopes.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </Field>
      <Field id={ids.expiry} label="Expires after" error={errors.expiresInDays?.[0]}>
        <select id={ids.expiry} name="expiresInDays" defaultValue="30" className={INPUT}>
          {TOKEN_DAY_CHOICES.map((d) => (
            <option key={d} value={d}>
              {d === 365 ? "1 year" : `${d} days`}
            </option>
          ))}
        </select>
      </Field>
      <fieldset className="sm:col-span-2">
        <legend className="text-xs font-medium text-slate-600">Permissions (only those {serviceAccount ? "it holds" : "you hold"} in this scope)</legend>
        <div className="mt-1 grid grid-cols-1 gap-1 sm:grid-cols-2">
          {(chosen?.permissions ?? []).map((p) => (
            <label key={p.permission} className="flex min-h-11 items-center gap-2 text-sm text-slate-800 sm:min-h-0">
              <input type="checkbox" name="permissions" value={p.permission} className="h-4 w-4" />
              <span>
                <code className="font-mono text-xs">{p.permission}</code> — {p.label}
              </span>
            </label>
          ))}
        </div>
        <FieldAlert id={`${ids.error}-permissions`} message={errors.permissions?.[0]} />
      </fieldset>
      <div className="sm:col-span-2">
        <FieldAlert id={ids.error} message={formError} size="sm" />
        <button type="submit" disabled={pending} className="mt-1 rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-60">
          {pending ? "Creating…" : submitLabel}
        </button>
      </div>
    </form>
  );
}
