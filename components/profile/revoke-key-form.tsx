"use client";
import { useActionState, useId, useState } from "react";
import type { ActionResult } from "@/lib/server/action";
import { ConfirmCancel, FieldAlert } from "@/components/ui/form-controls";
import { ReceiptNote } from "@/components/ui/receipt-note";

type RevokeAction = (prev: unknown, formData: FormData) => Promise<ActionResult<{ keyId: string }>>;

/** "Revoke key" for one active host key: asks for a reason, then shows the receipt. */
export function RevokeKeyForm({
  profileSlug,
  keyId,
  active,
  action,
}: {
  profileSlug: string;
  keyId: string;
  active: boolean;
  action: RevokeAction;
}) {
  const [open, setOpen] = useState(false);
  const [state, formAction, pending] = useActionState(action, null);
  const reasonId = useId();
  const errorId = useId();

  if (state?.ok) {
    return (
      <p role="status" className="text-xs text-emerald-700">
        Revoked. <ReceiptNote receipt={state.receipt} />
      </p>
    );
  }
  if (!active) return null;
  if (!open) {
    return (
      <button
        type="button"
        onClick={() => setOpen(true)}
        aria-label={`Revoke key ${keyId}`}
        className="rounded-md border border-rose-300 bg-white px-2.5 py-1 text-xs font-medium text-rose-700 hover:bg-rose-50"
      >
        Revoke key
      </button>
    );
  }
  const reasonError = state && !state.ok ? state.error.fieldErrors?.reason?.[0] : undefined;
  const formError = state && !state.ok && !reasonError ? state.error.message : undefined;
  return (
    <form action={formAction} className="space-y-2 rounded-md border border-rose-200 bg-rose-50/50 p-3">
      <input type="hidden" name="profileSlug" value={profileSlug} />
      <input type="hidden" name="keyId" value={keyId} />
      <label htmlFor={reasonId} className="block text-xs font-medium text-slate-700">
        Reason for revoking <span className="font-mono">{keyId}</span>
      </label>
      <textarea
        id={reasonId}
        name="reason"
        required
        minLength={3}
        maxLength={500}
        rows={2}
        autoFocus
        aria-invalid={reasonError ? true : undefined}
        aria-describedby={reasonError || formError ? errorId : undefined}
        className="block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
      />
      <FieldAlert id={errorId} message={reasonError ?? formError} />
      <p className="text-xs text-slate-600">The host can no longer sign requests with this key. This cannot be undone.</p>
      <ConfirmCancel pending={pending} label="Confirm revoke" pendingLabel="Revoking…" tone="danger" onCancel={() => setOpen(false)} />
    </form>
  );
}
