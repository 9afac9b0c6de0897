"use client";
import Link from "next/link";
import { useActionState, useId, useState } from "react";
import type { ActionResult } from "@/lib/server/action";
import type { PromotionOutcome, RollbackResult } from "@/lib/server/canary/actions";
import { ConfirmCancel, FieldAlert } from "@/components/ui/form-controls";
import { ReceiptNote } from "@/components/ui/receipt-note";

type Action<T> = (prev: unknown, formData: FormData) => Promise<ActionResult<T>>;

/** "Request promotion to …": the gate is evaluated again on the server; a refusal lists every unmet item. */
export function PromoteForm({ profileSlug, to, action }: { profileSlug: string; to: string; action: Action<PromotionOutcome> }) {
  const [state, formAction, pending] = useActionState(action, null);
  if (state?.ok && state.data.outcome === "requested") {
    return (
      <p role="status" className="text-sm text-emerald-800">
        Promotion to {to} requested: it waits for {state.data.approvalsNeeded} approval{state.data.approvalsNeeded === 1 ? "" : "s"} as{" "}
        <Link href={`/approvals/${encodeURIComponent(state.data.jobId)}`} className="font-mono underline">
          {state.data.jobId}
        </Link>
        . <ReceiptNote receipt={state.receipt} />
      </p>
    );
  }
  return (
    <form action={formAction} className="space-y-2" aria-label="Request promotion">
      <input type="hidden" name="profileSlug" value={profileSlug} />
      <input type="hidden" name="to" value={to} />
      <button
        type="submit"
        disabled={pending}
        className="min-h-11 rounded-md bg-indigo-700 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-800 disabled:opacity-60"
      >
        {pending ? "Evaluating the gate…" : `Request promotion to ${to}`}
      </button>
      {state?.ok && state.data.outcome === "refused" ? (
        <div role="alert" className="rounded-md border border-rose-200 bg-rose-50 p-2 text-sm text-rose-900">
          <p className="font-medium">The gate refused the promotion to {to}:</p>
          <ul className="mt-1 list-disc pl-5" aria-label="Unmet items">
            {state.data.gate.unmet.map((i) => (
              <li key={i.id}>{i.detail}</li>
            ))}
          </ul>
          <p className="mt-1 text-xs">
            <ReceiptNote receipt={state.receipt} />
          </p>
        </div>
      ) : null}
      {state && !state.ok ? <FieldAlert id="promote-error" message={state.error.message} size="sm" /> : null}
    </form>
  );
}

/** "Roll back": a reason, then the stage moves to rolled_back at once (no approval). */
export function RollbackForm({ profileSlug, target, action }: { profileSlug: string; target: string; action: Action<RollbackResult> }) {
  const [open, setOpen] = useState(false);
  const [state, formAction, pending] = useActionState(action, null);
  const reasonId = useId();
  const errorId = useId();
  if (state?.ok) {
    return (
      <p role="status" className="text-sm text-emerald-800">
        Rolled back to {state.data.target.endpoint}. <ReceiptNote receipt={state.receipt} />
      </p>
    );
  }
  if (!open) {
    return (
      <button
        type="button"
        onClick={() => setOpen(true)}
        className="min-h-11 rounded-md border border-rose-300 bg-white px-3 py-2 text-sm font-medium text-rose-700 hover:bg-rose-50"
      >
        Roll back
      </button>
    );
  }
  const reasonError = state && !state.ok ? state.error.fieldErrors?.reason?.[0] : undefined;
  const formError = state && !state.ok && !reasonError ? state.error.message : undefined;
  return (
    <form action={formAction} className="space-y-2 rounded-md border border-rose-200 bg-rose-50/50 p-3" aria-label="Roll back">
      <input type="hidden" name="profileSlug" value={profileSlug} />
      <label htmlFor={reasonId} className="block text-xs font-medium text-slate-700">
        Reason for rolling back (required)
      </label>
      <textarea
        id={reasonId}
        name="reason"
        required
        maxLength={500}
        rows={2}
        autoFocus
        aria-invalid={reasonError ? true : undefined}
        aria-describedby={reasonError || formError ? errorId : undefined}
        className="block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
      />
      <FieldAlert id={errorId} message={reasonError ?? formError} />
      <p className="text-xs text-slate-600">The stage moves to rolled_back now, to {target}. Any promotion waiting for approval is void.</p>
      <ConfirmCancel pending={pending} label="Confirm rollback" pendingLabel="Rolling back…" tone="danger" onCancel={() => setOpen(false)} />
    </form>
  );
}
