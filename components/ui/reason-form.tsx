"use client";
import { useActionState, useId, useState, type ReactNode } from "react";
import type { ActionResult } from "@/lib/server/action";
import { ConfirmCancel, FieldAlert } from "./form-controls";
import { ReceiptNote } from "./receipt-note";
import { usePasskeySubmit, type SigningRequest } from "./passkey-sign";

type Action<T> = (prev: unknown, formData: FormData) => Promise<ActionResult<T>>;

/**
 * The console's one "do this, and say why" control: a button that opens a
 * form asking for a reason (required), posts it with the given hidden
 * fields, and then shows what happened with the receipt. Revoking a key,
 * releasing a kill switch and rolling a profile back all use it.
 */
export function ReasonForm<T>({
  action,
  fields,
  opener,
  openerLabel,
  openerClassName,
  formLabel,
  reasonLabel,
  maxLength = 500,
  minLength,
  hint,
  confirm,
  tone,
  done,
  formClassName = "space-y-2",
  unavailable = false,
  passkey,
}: {
  action: Action<T>;
  /** Hidden inputs posted with the reason. */
  fields: Record<string, string>;
  /** The button's text, and its accessible name when that must say more. */
  opener: string;
  openerLabel?: string;
  openerClassName: string;
  formLabel?: string;
  reasonLabel: ReactNode;
  maxLength?: number;
  minLength?: number;
  hint?: ReactNode;
  confirm: { label: string; pending: string };
  tone: "danger" | "neutral";
  /** What the user sees once it is done (the receipt follows). */
  done: (data: T) => ReactNode;
  formClassName?: string;
  /** Nothing left to do (a key already revoked): no button; a success just shown stays. */
  unavailable?: boolean;
  /** Sign with a passkey first: why (shown), and the console's statement for the form's data. */
  passkey?: { required: string; sign: (formData: FormData) => Promise<SigningRequest> };
}) {
  const [open, setOpen] = useState(false);
  const [state, formAction, pending] = useActionState(action, null);
  const { onSubmit, signing, signError } = usePasskeySubmit(formAction, passkey?.sign);
  const [reason, setReason] = useState("");
  const reasonId = useId();
  const errorId = useId();

  if (state?.ok) {
    return (
      <p role="status" className="text-xs text-emerald-700">
        {done(state.data)} <ReceiptNote receipt={state.receipt} />
      </p>
    );
  }
  if (unavailable) return null;
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} aria-label={openerLabel} className={openerClassName}>
        {opener}
      </button>
    );
  }
  const reasonError = state && !state.ok ? state.error.fieldErrors?.reason?.[0] : undefined;
  const formError = signError ?? (state && !state.ok && !reasonError ? state.error.message : undefined);
  return (
    <form action={formAction} onSubmit={onSubmit} aria-label={formLabel} className={formClassName}>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <label htmlFor={reasonId} className="block text-xs font-medium text-slate-700">
        {reasonLabel}
      </label>
      <textarea
        id={reasonId}
        name="reason"
        required
        minLength={minLength}
        maxLength={maxLength}
        rows={2}
        autoFocus
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        aria-invalid={reasonError ? true : undefined}
        aria-describedby={reasonError || formError ? errorId : undefined}
        className="block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
      />
      <FieldAlert id={errorId} message={reasonError ?? formError} />
      {hint ? <p className="text-xs text-slate-600">{hint}</p> : null}
      {passkey ? <p className="text-xs text-indigo-900" data-testid="passkey-required">{passkey.required} Your device will ask you to confirm.</p> : null}
      <ConfirmCancel pending={pending || signing} label={confirm.label} pendingLabel={confirm.pending} tone={tone} onCancel={() => setOpen(false)} />
    </form>
  );
}
