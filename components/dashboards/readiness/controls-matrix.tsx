import { ScrollArea } from "@/components/ui/scroll-area";
import { Badge, type Tone } from "@/components/ui/badge";
import { formatTime } from "@/components/ui/format";
import { Section } from "@/components/ui/section";
import { TableHead } from "@/components/ui/table-head";
import { formatAgeLimit, type FreshState } from "@/lib/domain/gate";
import { TIER_LABELS } from "@/lib/domain/tiers";
import type { ControlRow, ReadinessDetail } from "@/lib/server/dashboards/readiness-detail";
import { ageText } from "./readiness-card";

const STATE_TONES: Record<FreshState, Tone> = { pass: "green", fail: "red", stale: "amber", missing: "slate" };

function Status({ c }: { c: ControlRow }) {
  if (!c.required) return <Badge>beyond tier</Badge>;
  if (c.evidenced) return <Badge tone="green">evidenced</Badge>;
  return (
    <span className="flex flex-col items-start gap-0.5">
      <Badge tone="red">not evidenced</Badge>
      <span className="text-xs text-rose-800" data-testid="why">{c.why}</span>
    </span>
  );
}

/**
 * The controls the tier requires against those evidenced, with the
 * production-ready items that back each. "complete" only when every required
 * control is attested and none of its backing items is failing or stale.
 */
export function ControlsMatrix({ detail }: { detail: ReadinessDetail }) {
  const { gaps, requiredCount } = detail;
  const tier = TIER_LABELS[detail.tier];
  const limit = formatAgeLimit(detail.maxEvidenceAgeSec);
  return (
    <Section
      id="controls-vs-tier"
      title="Controls: have vs required"
      description={
        detail.complete
          ? `All ${requiredCount} controls required by ${tier} are evidenced; none rests on failing evidence or evidence older than ${limit}.`
          : `${requiredCount - gaps.length} of ${requiredCount} controls required by ${tier} are evidenced; ${gaps.length} not (no evidence, or evidence failing or older than ${limit}).`
      }
      actions={detail.complete ? <Badge tone="green">complete</Badge> : <Badge tone="red">{`${gaps.length} not evidenced`}</Badge>}
    >
      <ScrollArea label="Control evidence table" className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <TableHead columns={["Control", "Status", "Evidenced", "Backed by checklist items"]} />
          <tbody className="divide-y divide-slate-100">
            {detail.controls.map((c) => (
              <tr
                key={c.control}
                data-control={c.control}
                data-evidenced={c.evidenced ? "true" : "false"}
                className={c.required && !c.evidenced ? "bg-rose-50/60" : ""}
              >
                <td className="py-1.5 pr-3 text-slate-900">{c.label}</td>
                <td className="py-1.5 pr-3">
                  <Status c={c} />
                </td>
                <td className="whitespace-nowrap py-1.5 pr-3 text-xs text-slate-600">
                  {c.have ? (
                    <time dateTime={c.have.evidencedAt.toISOString()} title={`${formatTime(c.have.evidencedAt)} · ${c.have.source}`}>
                      {ageText(c.have.ageSec)} ago
                    </time>
                  ) : (
                    "—"
                  )}
                </td>
                <td className="py-1.5 text-xs">
                  {c.backedBy.length === 0 ? (
                    <span className="text-slate-500">—</span>
                  ) : (
                    <span className="flex flex-wrap gap-1">
                      {c.backedBy.map((b) => (
                        <Badge key={b.item} tone={STATE_TONES[b.state]} title={`${b.label}: ${b.state}`}>
                          {`${b.label}: ${b.state}`}
                        </Badge>
                      ))}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollArea>
    </Section>
  );
}
