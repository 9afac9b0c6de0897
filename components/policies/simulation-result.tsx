import Link from "next/link";
import { Section } from "@/components/ui/section";
import { shortHash } from "@/components/ui/format";
import { policyScopeHref } from "@/lib/schemas/policies";
import type { Simulation } from "@/lib/server/policies/simulate";
import { DecisionBadge } from "./decision-badge";

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-2 py-1.5">
      <dt className="text-slate-500">{label}</dt>
      <dd className="col-span-2 text-slate-900">{children}</dd>
    </div>
  );
}

/** The decision, matched rules, reason and constraints for one simulated input. */
export function SimulationResult({ simulation }: { simulation: Simulation }) {
  const { evaluation: e, input } = simulation;
  const constraints = e.constraints ? Object.entries(e.constraints).filter(([, v]) => v !== undefined) : [];
  return (
    <Section id="simulation" title="Decision" description={`${input.topic} on ${simulation.profile.slug} (ring ${input.ring}, ${input.tier}, ${simulation.profile.tenant.name})`}>
      <dl className="divide-y divide-slate-100 text-sm" data-testid="simulation-result">
        <Row label="Decision">
          <DecisionBadge decision={e.decision} />
        </Row>
        <Row label="Reason">{e.reason}</Row>
        <Row label="Matched rules">
          {e.ruleIds.length === 0 ? (
            "none"
          ) : (
            <ul>
              {e.ruleIds.map((id, i) => (
                <li key={id} className="font-mono text-xs">
                  {id}
                  {i === 0 ? <span className="ml-2 font-sans text-slate-500">(deciding)</span> : null}
                </li>
              ))}
            </ul>
          )}
        </Row>
        {e.approvalsNeeded !== null ? (
          <Row label="Approvals">
            {e.approvalsNeeded} distinct approver{e.approvalsNeeded === 1 ? "" : "s"}
            {e.ttlSec !== null ? `, expires after ${e.ttlSec} s` : ""}
          </Row>
        ) : null}
        <Row label="Constraints">
          {constraints.length === 0 ? (
            "none"
          ) : (
            <ul>
              {constraints.map(([k, v]) => (
                <li key={k}>
                  <span className="text-slate-500">{k}:</span> <span className="font-mono text-xs">{Array.isArray(v) ? v.join(", ") : String(v)}</span>
                </li>
              ))}
            </ul>
          )}
        </Row>
        {e.throttles.length > 0 ? (
          <Row label="Throttles">
            <ul>
              {e.throttles.map((t) => (
                <li key={t.ruleId}>
                  <span className="font-mono text-xs">{t.ruleId}</span>: {t.limit} per {t.windowSec} s per {t.per} (not counted here)
                </li>
              ))}
            </ul>
          </Row>
        ) : null}
        <Row label="Policy in force">
          {simulation.failure ? <span className="text-rose-700">fails closed: {simulation.failure}</span> : null}
          <ul>
            {simulation.versions.map((v) => (
              <li key={v.id}>
                <Link
                  className="text-indigo-700 hover:underline"
                  href={policyScopeHref(
                    { level: v.level, slug: v.level === "platform" ? null : v.level === "tenant" ? simulation.profile.tenant.slug : simulation.profile.slug },
                    v.version,
                  )}
                >
                  {v.level} version {v.version}
                </Link>{" "}
                <span className="font-mono text-xs text-slate-500">{shortHash(v.hash)}</span>
              </li>
            ))}
          </ul>
          <p className="font-mono text-xs text-slate-500" title={e.policyHash}>combined {shortHash(e.policyHash)}</p>
        </Row>
      </dl>
    </Section>
  );
}
