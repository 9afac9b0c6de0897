"use client";
import type { ActionResult } from "@/lib/server/action";
import { ReasonForm } from "@/components/ui/reason-form";
import { REASON_MAX } from "@/lib/domain/killswitch";
import type { SigningRequest } from "@/components/ui/passkey-sign";

type ReleaseAction = (prev: unknown, formData: FormData) => Promise<ActionResult<{ id: string; releasedAt: string }>>;

/** "Release" for one switch in force: asks for a reason, then shows the receipt. The row stays in history. */
export function ReleaseForm({
  switchId,
  description,
  action,
  passkey,
}: {
  switchId: string;
  description: string;
  action: ReleaseAction;
  /** A tenant-wide or global switch is released with a passkey: why, and the console's statement. */
  passkey?: { required: string; sign: (prev: unknown, formData: FormData) => Promise<SigningRequest> };
}) {
  return (
    <ReasonForm
      passkey={passkey ? { required: passkey.required, sign: (formData) => passkey.sign(null, formData) } : undefined}
      action={action}
      fields={{ id: switchId }}
      opener="Release"
      openerLabel={`Release kill switch: ${description}`}
      openerClassName="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50"
      formLabel={`Release kill switch: ${description}`}
      formClassName="min-w-64 space-y-2"
      reasonLabel="Reason for releasing (required)"
      maxLength={REASON_MAX}
      confirm={{ label: "Confirm release", pending: "Releasing…" }}
      tone="neutral"
      done={() => "Released."}
    />
  );
}
