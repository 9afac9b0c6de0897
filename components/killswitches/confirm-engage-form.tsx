"use client";
import Link from "next/link";
import { useActionState, useId, useState } from "react";
import type { ActionResult } from "@/lib/server/action";
import { FieldAlert } from "@/components/ui/form-controls";
import { REASON_MAX } from "@/lib/domain/killswitch";
import { ReceiptNote } from "@/components/ui/receipt-note";
import { usePasskeySubmit, type SigningRequest } from "@/components/ui/passkey-sign";

type EngageAction = (
  prev: unknown,
  formData: FormData,
) => Promise<ActionResult<{ id: string; description: string; autoReleaseAt: string | null }>>;


/**
 * Step two of engaging: the previewed target travels in hidden fields; the
 * reason is required. The server checks everything again.
 */
export function ConfirmEngageForm({
  target,
  description,
  action,
  passkey,
}: {
  target: { scope: string; tenant: string; profile: string; capability: string; autoReleaseMinutes: string };
  description: string;
  action: EngageAction;
  /** A tenant-wide or global switch is engaged with a passkey: why, and the console's statement for the form. */
  passkey?: { required: string; sign: (prev: unknown, formData: FormData) => Promise<SigningRequest> };
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const { onSubmit, signing, signError } = usePasskeySubmit(formAction, passkey ? (formData) => passkey.sign(null, formData) : undefined);
  // Controlled, so the reason survives a refused engage (React resets uncontrolled fields after an action).
  const [reason, setReason] = useState("");
  const reasonId = useId();
  const errorId = useId();

  if (state?.ok) {
    return (
      <div role="status" className="rounded-md border border-rose-200 bg-rose-50 p-3 text-sm text-rose-900">
        <p>
          Kill switch engaged: <strong>{state.data.description}</strong>
          {state.data.autoReleaseAt ? `, releasing itself at ${state.data.autoReleaseAt.slice(0, 16).replace("T", " ")} UTC` : ""}.
          <ReceiptNote receipt={state.receipt} />.
        </p>
        <Link href="/kill-switches" className="mt-1 inline-block font-medium text-indigo-700 hover:underline">
          Back to kill switches
        </Link>
      </div>
    );
  }
  const fieldErrors = state && !state.ok ? state.error.fieldErrors : undefined;
  const reasonError = fieldErrors?.reason?.[0];
  const otherFieldError = fieldErrors ? Object.entries(fieldErrors).find(([k]) => k !== "reason")?.[1]?.[0] : undefined;
  const formError = signError ?? (state && !state.ok && !reasonError ? (otherFieldError ?? state.error.message) : undefined);
  return (
    <form action={formAction} onSubmit={onSubmit} aria-label="Confirm kill switch" className="space-y-2">
      {Object.entries(target).map(([name, value]) => (value ? <input key={name} type="hidden" name={name} value={value} /> : null))}
      <label htmlFor={reasonId} className="block text-sm font-medium text-slate-700">
        Reason (required)
      </label>
      <textarea
        id={reasonId}
        name="reason"
        required
        maxLength={REASON_MAX}
        rows={2}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        aria-invalid={reasonError ? true : undefined}
        aria-describedby={reasonError || formError ? errorId : undefined}
        placeholder="Why this must stop now — recorded with the switch and its receipt"
        className="block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
      />
      <FieldAlert id={errorId} message={reasonError ?? formError} size="sm" />
      {passkey ? (
        <p data-testid="passkey-required" className="rounded-md border border-indigo-200 bg-indigo-50 px-3 py-2 text-sm text-indigo-950">
          {passkey.required} Your device will ask you to confirm.
        </p>
      ) : null}
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="submit"
          disabled={pending || signing}
          className="rounded-md bg-rose-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-rose-500 disabled:opacity-60"
        >
          {pending ? "Engaging…" : "Engage kill switch"}
        </button>
        <span className="text-xs text-slate-500">Stops {description}.</span>
      </div>
    </form>
  );
}
