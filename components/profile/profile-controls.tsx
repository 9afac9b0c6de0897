import { ScrollArea } from "@/components/ui/scroll-area";
import { formatAgeLimit } from "@/lib/domain/gate";
import { TIER_LABELS } from "@/lib/domain/tiers";
import type { ProfileDetail } from "@/lib/server/profiles";
import { formatTime, shortHash } from "@/components/ui/format";
import { Badge } from "@/components/ui/badge";
import { Section } from "@/components/ui/section";
import { TableHead } from "@/components/ui/table-head";

/**
 * The tier's controls: "complete" only when every required control is
 * attested and none of the evidence items backing it is failing or stale
 * (lib/domain/gate controlStatus); each control not evidenced says why.
 */
export function ProfileControls({ profile }: { profile: ProfileDetail }) {
  const report = profile.controlReport;
  const required = report.controls.length;
  const missing = report.notEvidenced.length;
  const tier = TIER_LABELS[profile.tier];
  const limit = formatAgeLimit(report.maxEvidenceAgeSec);
  return (
    <Section
      id="controls"
      title="Tier controls"
      description={
        report.complete
          ? `All ${required} controls required by ${tier} are evidenced; none rests on failing evidence or evidence older than ${limit}.`
          : `${missing} of ${required} controls required by ${tier} are not evidenced (no evidence, or evidence failing or older than ${limit}).`
      }
      actions={report.complete ? <Badge tone="green">complete</Badge> : <Badge tone="red">{`${missing} not evidenced`}</Badge>}
    >
      <ScrollArea label="Profile controls table" className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <TableHead columns={["Control", "Status", "Evidence"]} />
          <tbody className="divide-y divide-slate-100">
            {report.controls.map((c) => (
              <tr key={c.control} data-control={c.control} data-evidenced={c.evidenced ? "true" : "false"} className={c.evidenced ? "" : "bg-rose-50/60"}>
                <td className="py-1.5 pr-3 text-slate-900">{c.label}</td>
                <td className="py-1.5 pr-3">{c.evidenced ? <Badge tone="green">evidenced</Badge> : <Badge tone="red">not evidenced</Badge>}</td>
                <td className="py-1.5 text-xs text-slate-600">
                  {c.attestation ? `${formatTime(c.attestation.evidencedAt)} · ${c.attestation.source ?? ""}` : "—"}
                  {c.why ? <span className="block text-rose-800">{c.why}</span> : null}
                </td>
              </tr>
            ))}
            {report.beyondTier.map((c) => (
              <tr key={c.control} data-control={c.control}>
                <td className="py-1.5 pr-3 text-slate-600">{c.label}</td>
                <td className="py-1.5 pr-3"><Badge>beyond tier</Badge></td>
                <td className="py-1.5 text-xs text-slate-600">{c.attestation ? `${formatTime(c.attestation.evidencedAt)} · ${c.attestation.source ?? ""}` : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollArea>
    </Section>
  );
}

export function ProfileAudit({ profile }: { profile: ProfileDetail }) {
  return (
    <Section id="audit" title="Recent audit entries" description="The newest 20 entries recorded for this profile.">
      {profile.audit === null ? (
        <p className="text-sm text-slate-600">The audit log is visible to auditors and admins of this tenant.</p>
      ) : profile.audit.length === 0 ? (
        <p className="text-sm text-slate-600">No audit entries for this profile yet.</p>
      ) : (
        <ScrollArea label="Audit entries table" className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <TableHead columns={["Seq", "Time", "Actor", "Action", "Resource", "Decision", "Hash"]} />
            <tbody className="divide-y divide-slate-100">
              {profile.audit.map((e) => (
                <tr key={e.seq}>
                  <td className="py-1.5 pr-3 tabular-nums">{e.seq}</td>
                  <td className="whitespace-nowrap py-1.5 pr-3 text-slate-600">{formatTime(e.time)}</td>
                  <td className="py-1.5 pr-3 font-mono text-xs">{`${e.actorType}:${shortHash(e.actorId, 8)}`}</td>
                  <td className="py-1.5 pr-3 font-mono text-xs">{e.action}</td>
                  <td className="py-1.5 pr-3 font-mono text-xs">{e.resource}</td>
                  <td className="py-1.5 pr-3">{e.decision ?? "—"}</td>
                  <td className="py-1.5 font-mono text-xs text-slate-500" title={e.hash}>{shortHash(e.hash)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollArea>
      )}
    </Section>
  );
}
