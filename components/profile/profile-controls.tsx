import { CONTROLS, TIER_LABELS, requiredControls, type ControlName } from "@/lib/domain/tiers";
import type { ProfileDetail } from "@/lib/server/profiles";
import { formatTime, shortHash } from "@/components/ui/format";
import { Badge } from "@/components/ui/badge";
import { Section } from "@/components/ui/section";
import { TableHead } from "@/components/ui/table-head";

function controlLabel(name: string): string {
  return (CONTROLS as Record<string, string>)[name] ?? name;
}

export function ProfileControls({ profile }: { profile: ProfileDetail }) {
  const required = requiredControls(profile.tier);
  const evidence = new Map(profile.controls.map((c) => [c.control, c]));
  const extra = profile.controls.filter((c) => !required.includes(c.control as ControlName));
  return (
    <Section
      id="controls"
      title="Tier controls"
      description={
        profile.gaps.length === 0
          ? `All ${required.length} controls required by ${TIER_LABELS[profile.tier]} have evidence.`
          : `${profile.gaps.length} of ${required.length} controls required by ${TIER_LABELS[profile.tier]} lack evidence.`
      }
      actions={profile.gaps.length > 0 ? <Badge tone="red">{profile.gaps.length} missing</Badge> : <Badge tone="green">complete</Badge>}
    >
      <table className="w-full text-left text-sm">
        <TableHead columns={["Control", "Status", "Evidence"]} />
        <tbody className="divide-y divide-slate-100">
          {required.map((control) => {
            const have = evidence.get(control);
            return (
              <tr key={control} className={have ? "" : "bg-rose-50/60"}>
                <td className="py-1.5 pr-3 text-slate-900">{controlLabel(control)}</td>
                <td className="py-1.5 pr-3">{have ? <Badge tone="green">present</Badge> : <Badge tone="red">missing</Badge>}</td>
                <td className="py-1.5 text-xs text-slate-600">{have ? `${formatTime(have.evidencedAt)} · ${have.source}` : "—"}</td>
              </tr>
            );
          })}
          {extra.map((c) => (
            <tr key={c.control}>
              <td className="py-1.5 pr-3 text-slate-600">{controlLabel(c.control)}</td>
              <td className="py-1.5 pr-3"><Badge>beyond tier</Badge></td>
              <td className="py-1.5 text-xs text-slate-600">{`${formatTime(c.evidencedAt)} · ${c.source}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
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
        <div className="overflow-x-auto">
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
        </div>
      )}
    </Section>
  );
}
