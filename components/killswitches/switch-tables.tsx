import { Badge, type Tone } from "@/components/ui/badge";
import { formatTime, timeAgo } from "@/components/ui/format";
import { TableHead } from "@/components/ui/table-head";
import type { KillSwitchView } from "@/lib/server/killswitches";
import { ReleaseForm } from "./release-form";
import { AgentText } from "@/components/ui/agent-text";

type ReleaseAction = Parameters<typeof ReleaseForm>[0]["action"];

const SCOPE_TONES: Record<KillSwitchView["scope"], Tone> = { global: "red", tenant: "red", profile: "amber", capability: "indigo" };

function SwitchCell({ sw }: { sw: KillSwitchView }) {
  return (
    <td className="py-2 pr-3">
      <What sw={sw} />
      <span className="font-mono text-xs text-slate-600">{sw.id}</span>
    </td>
  );
}

function EngagedCell({ sw, now }: { sw: KillSwitchView; now: Date }) {
  return (
    <td className="whitespace-nowrap py-2 pr-3 text-slate-600">
      <Time iso={sw.engagedAt} now={now} />
      <span className="block text-xs">by {sw.engagedBy.name}</span>
    </td>
  );
}

export function ScopeBadge({ scope }: { scope: KillSwitchView["scope"] }) {
  return <Badge tone={SCOPE_TONES[scope]}>{scope}</Badge>;
}

function Time({ iso, now }: { iso: string; now: Date }) {
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={formatTime(date)}>
      {date.getTime() > now.getTime() ? formatTime(date) : timeAgo(date, now)}
    </time>
  );
}

function What({ sw }: { sw: KillSwitchView }) {
  return (
    <div className="flex flex-wrap items-center gap-1.5">
      <ScopeBadge scope={sw.scope} />
      <span className="font-medium text-slate-900">{sw.description}</span>
      {sw.tenant && sw.scope !== "tenant" ? <span className="text-xs text-slate-500">{sw.tenant.name}</span> : null}
    </div>
  );
}

/** Switches in force, newest first; a release control only where `mayRelease` says the server would allow it. */
export function InForceTable({
  switches,
  now,
  mayRelease,
  release,
  releasePasskey,
}: {
  switches: KillSwitchView[];
  now: Date;
  mayRelease: (sw: KillSwitchView) => boolean;
  release: ReleaseAction;
  /** The passkey a release of this switch needs (tenant-wide and global ones), if any. */
  releasePasskey?: (sw: KillSwitchView) => Parameters<typeof ReleaseForm>[0]["passkey"];
}) {
  if (switches.length === 0) return <p className="text-sm text-slate-600">No kill switch is in force. Jobs run as policy decides.</p>;
  const anyRelease = switches.some(mayRelease);
  return (
    <div className="overflow-x-auto">
      <table aria-label="Kill switches in force" className="w-full text-left text-sm">
        <TableHead columns={["Switch", "Reason", "Engaged", "Releases", ...(anyRelease ? ["Release"] : [])]} />
        <tbody className="divide-y divide-slate-100 align-top">
          {switches.map((sw) => (
            <tr key={sw.id} data-switch-id={sw.id}>
              <SwitchCell sw={sw} />
              <td className="max-w-sm whitespace-pre-wrap break-words py-2 pr-3 text-slate-800">
                <AgentText text={sw.reason} />
              </td>
              <EngagedCell sw={sw} now={now} />
              <td className="whitespace-nowrap py-2 pr-3 text-slate-600">
                {sw.autoReleaseAt ? <Time iso={sw.autoReleaseAt} now={now} /> : "manually"}
              </td>
              {anyRelease ? (
                <td className="py-2">
                  {mayRelease(sw) ? <ReleaseForm key={sw.id} switchId={sw.id} description={sw.description} action={release} passkey={releasePasskey?.(sw)} /> : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Released switches, most recently released first. Releasing never deletes a switch. */
export function HistoryTable({ switches, now, limit }: { switches: KillSwitchView[]; now: Date; limit: number }) {
  if (switches.length === 0) return <p className="text-sm text-slate-600">No switch has been released yet.</p>;
  return (
    <div className="overflow-x-auto">
      <table aria-label="Kill switch history" className="w-full text-left text-sm">
        <TableHead columns={["Switch", "Reason", "Engaged", "Released", "Release reason"]} />
        <tbody className="divide-y divide-slate-100 align-top">
          {switches.map((sw) => (
            <tr key={sw.id} data-switch-id={sw.id}>
              <SwitchCell sw={sw} />
              <td className="max-w-xs whitespace-pre-wrap break-words py-2 pr-3 text-slate-700">
                <AgentText text={sw.reason} />
              </td>
              <EngagedCell sw={sw} now={now} />
              <td className="whitespace-nowrap py-2 pr-3 text-slate-600">
                {sw.releasedAt ? <Time iso={sw.releasedAt} now={now} /> : "—"}
                <span className="block text-xs">{sw.releasedBy?.id === "system" ? "automatically" : `by ${sw.releasedBy?.name ?? "—"}`}</span>
              </td>
              <td className="max-w-xs whitespace-pre-wrap break-words py-2 text-slate-700">
                {sw.releaseReason ?? (sw.releasedBy?.id === "system" ? "Automatic release time reached" : "—")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {switches.length >= limit ? <p className="mt-2 text-xs text-slate-500">Showing the {limit} most recent releases.</p> : null}
    </div>
  );
}
