import { Badge, type Tone } from "@/components/ui/badge";
import { formatTime } from "@/components/ui/format";
import { Section } from "@/components/ui/section";
import { TableHead } from "@/components/ui/table-head";
import type { EvidenceState } from "@/lib/domain/evidence";
import { TIER_LABELS } from "@/lib/domain/tiers";
import type { ReadinessDetail } from "@/lib/server/dashboards/readiness-detail";
import { ageText } from "./readiness-card";

const STATE_TONES: Record<EvidenceState, Tone> = { pass: "green", fail: "red", missing: "slate" };

/** The controls the tier requires against those evidenced, with the production-ready items that back each. */
export function ControlsMatrix({ detail }: { detail: ReadinessDetail }) {
  const { gaps, requiredCount } = detail;
  return (
    <Section
      id="controls-vs-tier"
      title="Controls: have vs required"
      description={
        gaps.length === 0
          ? `All ${requiredCount} controls required by ${TIER_LABELS[detail.tier]} have evidence.`
          : `${requiredCount - gaps.length} of ${requiredCount} controls required by ${TIER_LABELS[detail.tier]} have evidence; ${gaps.length} missing.`
      }
      actions={gaps.length ? <Badge tone="red">{`${gaps.length} missing`}</Badge> : <Badge tone="green">complete</Badge>}
    >
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <TableHead columns={["Control", "Status", "Evidenced", "Backed by checklist items"]} />
          <tbody className="divide-y divide-slate-100">
            {detail.controls.map((c) => (
              <tr key={c.control} data-control={c.control} className={c.required && !c.have ? "bg-rose-50/60" : ""}>
                <td className="py-1.5 pr-3 text-slate-900">{c.label}</td>
                <td className="py-1.5 pr-3">
                  {!c.required ? <Badge>beyond tier</Badge> : c.have ? <Badge tone="green">have</Badge> : <Badge tone="red">missing</Badge>}
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
                    <span className="text-slate-400">—</span>
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
      </div>
    </Section>
  );
}
