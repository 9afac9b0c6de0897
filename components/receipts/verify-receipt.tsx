"use client";
/**
 * "Verify": fetches the receipt's evidence (the same data the page shows)
 * and checks it here, in the browser, with Web Crypto: the entry's hash, the
 * receipt against its entry, the inclusion proof against the checkpoint's
 * tree root and the checkpoint's signature. Nothing is taken on trust from
 * a "verified" flag of the server.
 */
import { useState } from "react";
import { verifyReceiptEvidence, type ReceiptEvidence, type VerifyResult } from "@/lib/domain/receipt-verify";

type State = { kind: "idle" } | { kind: "running" } | { kind: "done"; result: VerifyResult } | { kind: "error"; message: string };

const MARK = { pass: "✓", fail: "✗", skipped: "–" } as const;
const TONE = { pass: "text-emerald-700", fail: "text-rose-700", skipped: "text-slate-500" } as const;

export function VerifyReceipt({ receiptId }: { receiptId: string }) {
  const [state, setState] = useState<State>({ kind: "idle" });
  async function run() {
    setState({ kind: "running" });
    try {
      const response = await fetch(`/receipts/${encodeURIComponent(receiptId)}/evidence`, { cache: "no-store" });
      if (!response.ok) throw new Error(`The evidence could not be loaded (HTTP ${response.status}).`);
      const evidence = (await response.json()) as ReceiptEvidence;
      setState({ kind: "done", result: await verifyReceiptEvidence(evidence) });
    } catch (error) {
      setState({ kind: "error", message: (error as Error).message });
    }
  }
  return (
    <div className="space-y-3">
      <button
        type="button"
        onClick={() => void run()}
        disabled={state.kind === "running"}
        className="min-h-11 rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 disabled:cursor-wait disabled:opacity-70"
      >
        {state.kind === "running" ? "Verifying…" : "Verify"}
      </button>
      <div aria-live="polite">
        {state.kind === "error" ? (
          <p role="alert" className="text-sm text-rose-700">
            {state.message}
          </p>
        ) : null}
        {state.kind === "done" ? (
          <div data-verify={state.result.ok ? "pass" : "fail"} className="space-y-2">
            <p className={`text-sm font-semibold ${state.result.ok ? "text-emerald-700" : "text-rose-700"}`}>
              {state.result.ok
                ? state.result.sealed
                  ? "Verified: this receipt's entry is intact and inside a signed checkpoint."
                  : "Verified as far as it goes: the entry is intact; see the skipped step."
                : "Verification failed: what this page shows does not add up."}
            </p>
            <ul className="space-y-1 text-sm">
              {state.result.steps.map((step) => (
                <li key={step.id} data-step={step.id} data-state={step.state} className="flex gap-2">
                  <span aria-hidden className={`w-4 shrink-0 font-bold ${TONE[step.state]}`}>
                    {MARK[step.state]}
                  </span>
                  <span>
                    <span className="font-medium text-slate-900">{step.label}</span>{" "}
                    <span className={TONE[step.state]}>({step.state === "pass" ? "passed" : step.state === "fail" ? "failed" : "skipped"})</span>
                    <span className="block text-xs text-slate-600">{step.detail}</span>
                  </span>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </div>
  );
}
