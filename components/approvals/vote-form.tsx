"use client";
import Link from "next/link";
import { useActionState, useId, useState } from "react";
import type { ActionResult } from "@/lib/server/action";
import { FieldAlert } from "@/components/ui/form-controls";
import { formatTime } from "@/components/ui/format";
import { SealNote } from "@/components/ui/receipt-note";
import { ReceiptLink } from "./receipt-links";
import { usePasskeySubmit, type SigningRequest } from "@/components/ui/passkey-sign";

export type VoteAction = (
  prev: unknown,
  formData: FormData,
) => Promise<ActionResult<{ status: string; vote: string; approvals: number; approvalsNeeded: number }>>;

/** The server's statement for a passkey-signed vote (lib/server/passkeys decisionRequest). */
export type VoteChallenge = (input: { jobId: string; vote: "approve" | "deny" }) => Promise<SigningRequest>;

const OUTCOME: Record<string, string> = {
  APPROVED: "The job is approved.",
  REJECTED: "The job is denied.",
  PENDING_APPROVAL: "The job still needs another approver.",
};

/**
 * Approve or deny with a required note. The hidden seenHash is the hash this
 * page showed: the server refuses the vote if the job no longer has it.
 * `approveBlocked` (a kill switch covers the job) disables Approve and says
 * why; the server refuses an approval then anyway, and still takes a deny.
 */
export function VoteForm({
  jobId,
  jobHash,
  action,
  approveBlocked = null,
  passkey = { required: null, registered: 0 },
  challenge,
}: {
  jobId: string;
  jobHash: string;
  action: VoteAction;
  approveBlocked?: string | null;
  /** Why this vote is signed with a passkey (null: it is not), and how many the reader has. */
  passkey?: { required: string | null; registered: number };
  challenge?: VoteChallenge;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const needsPasskey = passkey.required !== null && challenge !== undefined;
  const noPasskey = needsPasskey && passkey.registered === 0;
  // A passkey vote: the console's statement for this vote is signed first, then sent with it.
  const { onSubmit, signing, signError } = usePasskeySubmit(
    formAction,
    needsPasskey ? (form) => challenge({ jobId, vote: form.get("vote") === "deny" ? "deny" : "approve" }) : undefined,
  );

  // Controlled, so the note survives a refused vote (React resets uncontrolled fields after an action).
  const [note, setNote] = useState("");
  const noteId = useId();
  const errorId = useId();
  const blockedId = useId();

  // Shown until the page re-renders with the vote (then the server's "You approved this job at …" takes its place).
  if (state?.ok) {
    const receipt = state.receipt;
    return (
      <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-950">
        You {state.data.vote === "approve" ? "approved" : "denied"} this job{receipt ? ` at ${formatTime(receipt.time)}` : ""}
        {receipt ? (
          <>
            {" "}
            — receipt <ReceiptLink id={receipt.id} /> <SealNote receipt={receipt} />
          </>
        ) : null}
        . {OUTCOME[state.data.status] ?? ""}
      </p>
    );
  }
  const noteError = state && !state.ok ? state.error.fieldErrors?.note?.[0] : undefined;
  const formError = signError ?? (state && !state.ok && !noteError ? state.error.message : undefined);
  const busy = pending || signing;
  return (
    <form action={formAction} onSubmit={onSubmit} aria-label="Vote on this job" className="space-y-2">
      <input type="hidden" name="jobId" value={jobId} />
      <input type="hidden" name="seenHash" value={jobHash} />
      <label htmlFor={noteId} className="block text-sm font-medium text-slate-700">
        Note (required)
      </label>
      <textarea
        id={noteId}
        name="note"
        required
        maxLength={2000 /* NOTE_MAX in lib/schemas/approvals */}
        value={note}
        onChange={(event) => setNote(event.target.value)}
        rows={3}
        aria-invalid={noteError ? true : undefined}
        aria-describedby={noteError || formError ? errorId : undefined}
        placeholder="Why you approve or deny this job"
        className="block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
      />
      <FieldAlert id={errorId} message={noteError ?? formError} size="sm" />
      <p className="text-xs text-slate-500">
        Your vote binds to hash <code className="break-all font-mono">{jobHash}</code>.
      </p>
      {needsPasskey ? (
        <p data-testid="passkey-required" className="rounded-md border border-indigo-200 bg-indigo-50 px-3 py-2 text-sm text-indigo-950">
          {passkey.required}{" "}
          {noPasskey ? (
            <>
              You have no passkey yet:{" "}
              <Link href="/security" className="font-medium underline">
                add one under Security
              </Link>
              , then come back to vote.
            </>
          ) : (
            "Your device will ask you to confirm."
          )}
        </p>
      ) : null}
      {approveBlocked ? (
        <p id={blockedId} data-testid="approve-blocked" className="rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-950">
          {approveBlocked}
        </p>
      ) : null}
      <div className="flex gap-2">
        <button
          type="submit"
          name="vote"
          value="approve"
          disabled={busy || noPasskey || approveBlocked !== null}
          aria-describedby={approveBlocked ? blockedId : undefined}
          title={approveBlocked ?? undefined}
          className="rounded-md bg-emerald-700 px-4 py-1.5 text-sm font-medium text-white hover:bg-emerald-800 disabled:cursor-not-allowed disabled:opacity-60"
        >
          Approve
        </button>
        <button
          type="submit"
          name="vote"
          value="deny"
          disabled={busy || noPasskey}
          className="rounded-md bg-rose-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-rose-500 disabled:opacity-60"
        >
          Deny
        </button>
      </div>
    </form>
  );
}
