"use client";
import { useActionState } from "react";
import type { ActionResult } from "@/lib/server/action";
import { FieldAlert } from "@/components/ui/form-controls";
import { ReceiptNote } from "@/components/ui/receipt-note";

type RevokeAction = (prev: unknown, formData: FormData) => Promise<ActionResult<{ id: string; revokedAt: string }>>;

/** Revoke one token at once (no reason needed: stopping a credential is always allowed). */
export function RevokeTokenButton({ id, name, action }: { id: string; name: string; action: RevokeAction }) {
  const [state, formAction, pending] = useActionState(action, null);
  if (state?.ok) {
    return (
      <p role="status" className="text-xs text-emerald-700">
        Revoked. <ReceiptNote receipt={state.receipt} />
      </p>
    );
  }
  return (
    <form action={formAction}>
      <input type="hidden" name="id" value={id} />
      <button
        type="submit"
        disabled={pending}
        aria-label={`Revoke token ${name}`}
        className="min-h-11 rounded-md border border-rose-300 bg-white px-2.5 py-1 text-xs font-medium text-rose-700 hover:bg-rose-50 disabled:opacity-60 sm:min-h-0"
      >
        {pending ? "Revoking…" : "Revoke"}
      </button>
      <FieldAlert id={`revoke-${id}-error`} message={state && !state.ok ? state.error.message : undefined} />
    </form>
  );
}
