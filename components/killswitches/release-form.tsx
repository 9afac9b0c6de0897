"use client";
import type { ActionResult } from "@/lib/server/action";
import { ReasonForm } from "@/components/ui/reason-form";
import { REASON_MAX } from "@/lib/domain/killswitch";

type ReleaseAction = (prev: unknown, formData: FormData) => Promise<ActionResult<{ id: string; releasedAt: string }>>;

/** "Release" for one switch in force: asks for a reason, then shows the receipt. The row stays in history. */
export function ReleaseForm({ switchId, description, action }: { switchId: string; description: string; action: ReleaseAction }) {
  return (
    <ReasonForm
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
