import { Badge, type Tone } from "@/components/ui/badge";
import { Section } from "@/components/ui/section";
import { formatTime, timeAgo } from "@/components/ui/format";
import { formatDuration, type Checklist, type EvidenceState } from "@/lib/domain/evidence";
import { CONTROLS } from "@/lib/domain/tiers";
import { AgentText } from "@/components/ui/agent-text";

const STATE_TONES: Record<EvidenceState, Tone> = { pass: "green", fail: "red", missing: "slate" };

export function EvidenceChecklist({ checklist, now }: { checklist: Checklist; now: Date }) {
  const { counts } = checklist;
  return (
    <Section
      id="evidence"
      title="Production-ready evidence"
      description={
        checklist.ready
          ? "All seven items evidenced."
          : `${counts.pass} passed · ${counts.fail} failed · ${counts.missing} missing`
      }
    >
      <ul className="divide-y divide-slate-100" aria-label="Evidence checklist">
        {checklist.entries.map((e) => (
          <li key={e.item} data-item={e.item} data-state={e.state} className="flex flex-wrap items-start justify-between gap-2 py-2">
            <div className="min-w-0">
              <p className="text-sm font-medium text-slate-900">{e.label}</p>
              <p className="text-xs text-slate-500" title={e.controls.map((c) => CONTROLS[c]).join(", ")}>
                {e.durationSec !== null ? `Rollback took ${formatDuration(e.durationSec)}. ` : null}
                {e.reason ? (
                  <>
                    <AgentText text={e.reason} />.{" "}
                  </>
                ) : null}
                {e.observedAt ? (
                  <time dateTime={e.observedAt.toISOString()} title={formatTime(e.observedAt)}>
                    Observed {timeAgo(e.observedAt, now)}
                  </time>
                ) : (
                  "No evidence reported"
                )}
              </p>
            </div>
            <Badge tone={STATE_TONES[e.state]}>{e.state}</Badge>
          </li>
        ))}
      </ul>
    </Section>
  );
}
