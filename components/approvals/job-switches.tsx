import Link from "next/link";
import { AgentText } from "@/components/ui/agent-text";
import { formatTime } from "@/components/ui/format";
import type { KillSwitchView } from "@/lib/server/killswitches/views";
import type { QueueSwitch } from "@/lib/server/approvals/queue";

/** The kill switches in force covering a pending job, on its page: what each stops, why, who engaged it and when. */
export function JobKillSwitches({ switches }: { switches: KillSwitchView[] }) {
  if (switches.length === 0) return null;
  return (
    <section
      aria-label="Kill switches covering this job"
      data-testid="job-kill-switches"
      className="mb-4 rounded-md border border-rose-300 bg-rose-50 px-4 py-3 text-sm text-rose-950"
    >
      <p className="font-semibold">
        {switches.length === 1 ? "A kill switch covers this job" : `${switches.length} kill switches cover this job`}: it cannot be
        approved while {switches.length === 1 ? "it is" : "they are"} engaged (it can still be denied).
      </p>
      <ul className="mt-1 space-y-1">
        {switches.map((sw) => (
          <li key={sw.id} data-switch-id={sw.id}>
            <strong className="font-semibold">{sw.description}</strong> — <AgentText text={sw.reason} />{" "}
            <span className="text-rose-900">
              (engaged by {sw.engagedBy.name} at {formatTime(sw.engagedAt)}
              {sw.autoReleaseAt ? `, releases itself at ${formatTime(sw.autoReleaseAt)}` : ""}; <span className="font-mono text-xs">{sw.id}</span>)
            </span>
          </li>
        ))}
      </ul>
      <Link href="/kill-switches" className="mt-1 inline-block font-medium text-rose-900 underline hover:text-rose-700">
        Kill switches
      </Link>
    </section>
  );
}

/** The badge on a pending queue row a kill switch covers. */
export function QueueRowSwitches({ switches }: { switches: QueueSwitch[] }) {
  if (switches.length === 0) return null;
  return (
    <div className="mt-1 rounded border border-rose-200 bg-rose-50 px-1.5 py-0.5 text-xs text-rose-900" data-testid="kill-switch-row">
      <span className="font-semibold">Kill switch engaged — cannot be approved:</span>{" "}
      {switches.map((sw, i) => (
        <span key={sw.id}>
          {i > 0 ? "; " : ""}
          {sw.description} (<AgentText text={sw.reason} />)
        </span>
      ))}
    </div>
  );
}
