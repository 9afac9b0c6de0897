"use client";
import type { ActionResult } from "@/lib/server/action";
import { ReasonForm } from "@/components/ui/reason-form";

type RevokeAction = (prev: unknown, formData: FormData) => Promise<ActionResult<{ keyId: string }>>;

/** "Revoke key" for one active host key: asks for a reason, then shows the receipt. */
export function RevokeKeyForm({ profileSlug, keyId, active, action }: { profileSlug: string; keyId: string; active: boolean; action: RevokeAction }) {
  return (
    <ReasonForm
      unavailable={!active}
      action={action}
      fields={{ profileSlug, keyId }}
      opener="Revoke key"
      openerLabel={`Revoke key ${keyId}`}
      openerClassName="rounded-md border border-rose-300 bg-white px-2.5 py-1 text-xs font-medium text-rose-700 hover:bg-rose-50"
      formClassName="space-y-2 rounded-md border border-rose-200 bg-rose-50/50 p-3"
      reasonLabel={
        <>
          Reason for revoking <span className="font-mono">{keyId}</span>
        </>
      }
      minLength={3}
      hint="The host can no longer sign requests with this key. This cannot be undone."
      confirm={{ label: "Confirm revoke", pending: "Revoking…" }}
      tone="danger"
      done={() => "Revoked."}
    />
  );
}
