"use client";
import Link from "next/link";
import { useActionState } from "react";
import type { ActionResult } from "@/lib/server/action";
import type { PromotionOutcome, RollbackResult } from "@/lib/server/canary/actions";
import { FieldAlert } from "@/components/ui/form-controls";
import { ReasonForm } from "@/components/ui/reason-form";
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
  return (
    <ReasonForm
      action={action}
      fields={{ profileSlug }}
      opener="Roll back"
      openerClassName="min-h-11 rounded-md border border-rose-300 bg-white px-3 py-2 text-sm font-medium text-rose-700 hover:bg-rose-50"
      formLabel="Roll back"
      formClassName="space-y-2 rounded-md border border-rose-200 bg-rose-50/50 p-3"
      reasonLabel="Reason for rolling back (required)"
      hint={`The stage moves to rolled_back now, to ${target}. Any promotion waiting for approval is void.`}
      confirm={{ label: "Confirm rollback", pending: "Rolling back…" }}
      tone="danger"
      done={(data) => `Rolled back to ${data.target.endpoint}.`}
    />
  );
}
