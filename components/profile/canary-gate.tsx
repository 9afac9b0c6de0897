import Link from "next/link";
import { AgentText } from "@/components/ui/agent-text";
import { formatTime } from "@/components/ui/format";
import { RefreshWhile } from "@/components/ui/refresh-while";
import { Section } from "@/components/ui/section";
import { StageBadge } from "@/components/ui/status";
import type { ActionResult } from "@/lib/server/action";
import type { PromotionOutcome, RollbackResult } from "@/lib/server/canary/actions";
import type { CanaryView } from "@/lib/server/canary/read";
import { PromoteForm, RollbackForm } from "./canary-forms";
import { formatDuration } from "@/lib/domain/evidence";
import { ReceiptLink } from "@/components/ui/receipt-link";

/** How long after a rollback request the page keeps refreshing to show the host carrying it out. */
const WATCH_ROLLBACK_MS = 10 * 60_000;

type Action<T> = (prev: unknown, formData: FormData) => Promise<ActionResult<T>>;

/**
 * The canary stage and the gate to the next one: every item the next stage
 * needs, met or not, before anything is asked of anyone; the request and
 * rollback controls for those the server would allow; and the history.
 */
export function CanaryGate({
  slug,
  view,
  rollbackTarget,
  promote,
  rollback,
}: {
  slug: string;
  view: CanaryView;
  rollbackTarget: string;
  promote?: Action<PromotionOutcome>;
  rollback?: Action<RollbackResult>;
}) {
  const plan = view.plan;
  return (
    <Section id="canary" title="Canary stage and gate" description="Promotion moves one stage at a time, on evidence and approval; rollback is always allowed.">
      <p className="mb-3 flex flex-wrap items-center gap-2 text-sm">
        Now <StageBadge stage={view.stage} />
        {view.next ? (
          <>
            next <span className="font-mono text-xs">{view.next}</span>
          </>
        ) : (
          <span className="text-slate-500">(fully promoted)</span>
        )}
      </p>
      {view.drifts.length > 0 ? (
        <div role="alert" className="mb-3 rounded-md border border-rose-300 bg-rose-50 p-2 text-sm text-rose-950" data-testid="tool-drift">
          <p className="font-medium">Tool drift: this profile&apos;s risky jobs are denied (reads still run)</p>
          <ul className="mt-1 list-disc pl-5">
            {view.drifts.map((d) => (
              <li key={d.tool}>
                <span className="font-mono text-xs">
                  <AgentText text={d.tool} />
                </span>{" "}
                <AgentText text={d.why} />, reported {formatTime(d.detectedAt)}
              </li>
            ))}
          </ul>
          <p className="mt-1 text-xs">It lifts when the registry lists the tool with that schema hash, or the host reports the registered hash again.</p>
        </div>
      ) : null}
      {plan ? (
        <>
          <p className={`text-sm font-medium ${plan.gate.passed ? "text-emerald-800" : "text-rose-800"}`} data-testid="gate-verdict">
            {plan.gate.passed
              ? `The gate to ${plan.gate.to} passes: a request needs ${plan.gate.approvalsRequired} approval${plan.gate.approvalsRequired === 1 ? "" : "s"}.`
              : `The gate to ${plan.gate.to} does not pass: ${plan.gate.unmet.length} item${plan.gate.unmet.length === 1 ? "" : "s"} unmet.`}
          </p>
          <ul className="mt-2 space-y-0.5 text-sm" aria-label={`Gate to ${plan.gate.to}`}>
            {plan.gate.items.map((i) => (
              <li key={i.id} className="flex gap-2" data-met={i.met}>
                <span aria-hidden="true" className={i.met ? "text-emerald-700" : "text-rose-700"}>
                  {i.met ? "✓" : "✗"}
                </span>
                <span className={`min-w-0 [overflow-wrap:anywhere] ${i.met ? "text-slate-700" : "text-rose-900"}`}>
                  <span className="sr-only">{i.met ? "met: " : "unmet: "}</span>
                  {i.detail}
                </span>
              </li>
            ))}
          </ul>
          {plan.pending ? (
            <p className="mt-3 text-sm text-amber-900" role="status">
              A promotion to {plan.pending.to} waits for approval:{" "}
              <Link href={`/approvals/${encodeURIComponent(plan.pending.jobId)}`} className="font-mono underline">
                {plan.pending.jobId}
              </Link>
              .
            </p>
          ) : promote && view.next ? (
            <div className="mt-3">
              <PromoteForm profileSlug={slug} to={view.next} action={promote} />
            </div>
          ) : null}
        </>
      ) : null}
      {view.stage === "rolled_back" ? (
        <p role="status" className="mt-3 text-sm text-slate-700">
          Rolled back to {rollbackTarget}. The canary restarts at read_only, through the gate again.
        </p>
      ) : null}
      {rollback && view.stage !== "rolled_back" ? (
        <div className="mt-3">
          <RollbackForm profileSlug={slug} target={rollbackTarget} action={rollback} />
        </div>
      ) : null}
      <h3 id="stage-history" className="mt-4 text-xs font-semibold uppercase tracking-wide text-slate-500">
        Stage history
      </h3>
      {view.history.length === 0 ? (
        <p className="mt-1 text-sm text-slate-500">The stage has not moved since the profile was registered.</p>
      ) : (
        <ol className="mt-1 divide-y divide-slate-100 text-sm" aria-labelledby="stage-history">
          {view.history.map((h) => (
            <li key={h.id} className="py-1.5">
              <span className="font-mono text-xs text-slate-600">{formatTime(h.at)}</span>{" "}
              <span className="font-medium">{h.kind}</span> {h.from} → {h.to} by {h.actor}
              <span className="block text-xs text-slate-600">
                <AgentText text={h.reason} /> · receipt <ReceiptLink id={h.receiptId} />
              </span>
              {h.to === "rolled_back" ? (
                <span className="block text-xs" data-testid="rollback-execution">
                  {h.executedAt ? (
                    <span className="text-emerald-800">
                      Carried out by the host {formatTime(h.executedAt)}
                      {h.executionSec !== null ? ` in ${formatDuration(h.executionSec)}` : ""}, {formatDuration((h.executedAt.getTime() - h.at.getTime()) / 1000)} after the request.
                    </span>
                  ) : (
                    <span className="text-amber-800">
                      In the host&apos;s signed directives since {formatTime(h.at)}; not reported carried out yet.
                      {Date.now() - h.at.getTime() < WATCH_ROLLBACK_MS ? (
                        <RefreshWhile seconds={5} label="This page refreshes every 5 seconds until the host reports the rollback." />
                      ) : null}
                    </span>
                  )}
                </span>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}
