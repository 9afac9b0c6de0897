import Link from "next/link";
import { AgentText } from "@/components/ui/agent-text";
import { Badge } from "@/components/ui/badge";
import { shortHash, timeAgo } from "@/components/ui/format";
import { TierBadge } from "@/components/ui/status";
import { formatAge, formatDuration } from "@/lib/domain/evidence";
import { CONTROLS } from "@/lib/domain/tiers";
import type { ReadinessCard as Card } from "@/lib/server/dashboards/readiness";

/** The age of a piece of evidence, from seconds (one formatter for every page). */
export const ageText = formatAge;

function Drill({ drill }: { drill: Card["drill"] }) {
  if (!drill) return <span className="text-slate-500">never drilled</span>;
  const tone = drill.state === "pass" ? "text-emerald-700" : "text-rose-700";
  return (
    <span>
      <span className={`font-medium ${tone}`}>{drill.durationSec === null ? "no duration" : formatDuration(drill.durationSec)}</span>
      <span className="text-slate-500">
        {" "}
        · <time dateTime={drill.observedAt}>{ageText(drill.ageSec)} ago</time>
      </span>
    </span>
  );
}

export function ReadinessCard({ card, showTenant, now }: { card: Card; showTenant: boolean; now: Date }) {
  const short = card.notEvidenced.length > 0;
  const evidenceTone = card.evidence.pass === card.evidence.total ? "green" : card.evidence.fail > 0 ? "red" : "slate";
  return (
    <li
      data-slug={card.slug}
      data-short={short ? "true" : "false"}
      className={`rounded-md border bg-white p-3 text-xs shadow-sm ${short || card.drifts.length ? "border-rose-300" : "border-slate-200"}`}
    >
      <div className="flex items-start justify-between gap-2">
        <Link href={`/readiness/${card.slug}`} className="min-w-0 break-words text-sm font-medium text-indigo-700 hyphens-none hover:underline" title={card.slug}>
          {card.slug}
        </Link>
        <TierBadge tier={card.tier} />
      </div>
      {showTenant ? <p className="text-slate-500">{card.tenant}</p> : null}
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-2 gap-y-1">
        <dt className="text-slate-500">Stage</dt>
        <dd data-testid="stage-since">
          {card.stageSince ? (
            <>
              {"moved "}
              <time dateTime={card.stageSince}>{timeAgo(new Date(card.stageSince), now)}</time>
            </>
          ) : (
            <span className="text-slate-500">as registered</span>
          )}
          {" · "}
          <Link href={`/profiles/${card.slug}#stage-history`} className="text-indigo-700 hover:underline">
            history
          </Link>
        </dd>
        {card.drifts.length ? (
          <>
            <dt className="text-rose-700">Tool drift</dt>
            <dd className="min-w-0 text-rose-700" data-testid="card-drift" title={card.drifts.map((d) => `${d.tool}: ${d.why}`).join("\n")}>
              <span className="font-medium">risky jobs denied</span>
              <span className="block truncate font-mono">
                <AgentText text={card.drifts.map((d) => d.tool).join(", ")} />
              </span>
            </dd>
          </>
        ) : null}
        <dt className="text-slate-500">Rollback</dt>
        <dd className="min-w-0">
          <span className="block truncate" title={card.rollback.endpoint}>
            {card.rollback.endpoint.replace(/^https?:\/\//, "")}
          </span>
          <span className="font-mono text-slate-500" title={card.rollback.manifestDigest}>
            {shortHash(card.rollback.manifestDigest)}
          </span>
        </dd>
        <dt className="text-slate-500">Last drill</dt>
        <dd>
          <Drill drill={card.drill} />
        </dd>
        <dt className="text-slate-500">Evidence</dt>
        <dd>
          <Badge tone={evidenceTone}>{`${card.evidence.pass}/${card.evidence.total}`}</Badge>
          {card.evidence.fail ? <span className="ml-1 text-rose-700">{card.evidence.fail} failed</span> : null}
        </dd>
        <dt className="text-slate-500">Controls</dt>
        <dd data-evidenced={card.notEvidenced.length ? "false" : "true"}>
          {card.notEvidenced.length ? (
            <span title={card.notEvidenced.map((n) => `${CONTROLS[n.control]}: ${n.why}`).join("\n")}>
              <span className="font-medium text-rose-700">
                {card.gaps.length === card.notEvidenced.length
                  ? `${card.gaps.length} of ${card.requiredControls} missing`
                  : `${card.notEvidenced.length} of ${card.requiredControls} not evidenced`}
              </span>
              <span className="block text-slate-600">
                {card.notEvidenced.slice(0, 2).map((n) => CONTROLS[n.control]).join(", ")}
                {card.notEvidenced.length > 2 ? `, +${card.notEvidenced.length - 2} more` : ""}
              </span>
            </span>
          ) : (
            <span className="text-emerald-700">{`all ${card.requiredControls} evidenced`}</span>
          )}
        </dd>
      </dl>
    </li>
  );
}
