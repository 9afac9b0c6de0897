"use client";
import { useActionState, useId, useState } from "react";
import type { ActionResult } from "@/lib/server/action";
import { ConfirmCancel, FieldAlert } from "@/components/ui/form-controls";
import { REASON_MAX } from "@/lib/domain/killswitch";
import { ReceiptNote } from "@/components/ui/receipt-note";

type ReleaseAction = (prev: unknown, formData: FormData) => Promise<ActionResult<{ id: string; releasedAt: string }>>;


/** "Release" for one switch in force: asks for a reason, then shows the receipt. The row stays in history. */
export function ReleaseForm({ switchId, description, action }: { switchId: string; description: string; action: ReleaseAction }) {
  const [open, setOpen] = useState(false);
  const [state, formAction, pending] = useActionState(action, null);
  const [reason, setReason] = useState("");
  const reasonId = useId();
  const errorId = useId();

  if (state?.ok) {
    return (
      <p role="status" className="text-xs text-emerald-700">
        Released. <ReceiptNote receipt={state.receipt} />
      </p>
    );
  }
  if (!open) {
    return (
      <button
        type="button"
        onClick={() => setOpen(true)}
        aria-label={`Release kill switch: ${description}`}
        className="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50"
      >
        Release
      </button>
    );
  }
  const reasonError = state && !state.ok ? state.error.fieldErrors?.reason?.[0] : undefined;
  const formError = state && !state.ok && !reasonError ? state.error.message : undefined;
  return (
    <form action={formAction} aria-label={`Release kill switch: ${description}`} className="min-w-64 space-y-2">
      <input type="hidden" name="id" value={switchId} />
      <label htmlFor={reasonId} className="block text-xs font-medium text-slate-700">
        Reason for releasing (required)
      </label>
      <textarea
        id={reasonId}
        name="reason"
        required
        maxLength={REASON_MAX}
        rows={2}
        autoFocus
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        aria-invalid={reasonError ? true : undefined}
        aria-describedby={reasonError || formError ? errorId : undefined}
        className="block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
      />
      <FieldAlert id={errorId} message={reasonError ?? formError} />
      <ConfirmCancel pending={pending} label="Confirm release" pendingLabel="Releasing…" tone="neutral" onCancel={() => setOpen(false)} />
    </form>
  );
}
