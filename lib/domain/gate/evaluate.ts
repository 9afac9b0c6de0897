/**
 * evaluateGate: may this profile move one stage up now? Every check is an
 * item {id, label, met, detail}; the unmet ones are named in plain words so
 * a refused request can show them as they are. Pure: the caller passes the
 * stored rows and the clock.
 */
import { evidenceChecklist, type EvidenceRow } from "@/lib/domain/evidence";
import type { CanaryStageName, TierName } from "@/lib/domain/tiers";
import { controlStatus, itemStatus, type ControlAttestation, type ControlReport } from "./controls";
import { gateSnapshot, gateSnapshotHash, type GateSnapshot } from "./snapshot";
import { checkTransition } from "./stages";
import { CANARY_TRAFFIC_STAGE, DEFAULT_SLO_ERROR_RATE, gateRequirement, gateRulesHash, type GateRequirement } from "./table";

export interface GateProfile {
  slug: string;
  tier: TierName;
  stage: CanaryStageName;
  /** The pinned artifact digest; an intended_digest pass naming another digest fails. */
  artifactDigest?: string | null;
  rollbackEndpoint: string | null;
  rollbackManifestDigest: string | null;
  /** The profile's SLO as the highest acceptable error rate (0.01 = 1 %). */
  sloErrorRate?: number | null;
}

/** A kill switch in force that covers the profile. */
export interface KillSwitchInForce {
  id: string;
  scope?: string;
  reason?: string;
}

/** Canary traffic served so far, at the stage it was served at. */
export interface CanaryTraffic {
  requests: number;
  errors: number;
  stage: string;
}

export interface GateInput {
  profile: GateProfile;
  /** The stage asked for (a string: the request is judged here, not trusted). */
  target: string;
  evidence: readonly EvidenceRow[];
  controls: readonly ControlAttestation[];
  /** Switches in force covering the profile, or just how many. */
  killSwitches: number | readonly KillSwitchInForce[];
  canary: CanaryTraffic | null;
  now: Date;
}

export interface GateItem {
  id: string;
  label: string;
  met: boolean;
  detail: string;
}

export interface GateResult {
  passed: boolean;
  from: CanaryStageName;
  to: string;
  /** The table row applied (null when the transition is invalid). */
  requirement: GateRequirement | null;
  /** Approvers the request needs once it passes (0 when the transition is invalid). */
  approvalsRequired: number;
  items: GateItem[];
  unmet: GateItem[];
  controls: ControlReport;
  snapshot: GateSnapshot;
  snapshotHash: string;
}

/** "0.2 %", "1 %", "12.5 %". */
export function formatPercent(rate: number): string {
  return `${Number((rate * 100).toFixed(2))} %`;
}

const isCount = (n: number) => Number.isSafeInteger(n) && n >= 0;

/** The canary-traffic check for `promoted`: enough requests at stage limited, error rate under the SLO. */
export function canaryTrafficItem(canary: CanaryTraffic | null, minRequests: number, slo: number): GateItem {
  const item = (met: boolean, detail: string): GateItem => ({ id: "canary_traffic", label: "Canary traffic", met, detail: `Canary traffic: ${detail}` });
  if (!(Number.isFinite(slo) && slo > 0 && slo <= 1)) return item(false, `the profile's SLO error rate ${slo} is not a rate between 0 and 1`);
  if (!canary) return item(false, `none reported, ${minRequests} requests needed at stage ${CANARY_TRAFFIC_STAGE}`);
  const { requests, errors, stage } = canary;
  if (!isCount(requests) || !isCount(errors) || errors > requests) {
    return item(false, `figures do not add up (${errors} errors in ${requests} requests)`);
  }
  if (stage !== CANARY_TRAFFIC_STAGE) {
    return item(false, `${requests} requests at stage ${stage}, ${minRequests} needed at stage ${CANARY_TRAFFIC_STAGE}`);
  }
  const problems: string[] = [];
  if (requests < minRequests) problems.push(`${requests} requests at stage ${stage}, ${minRequests} needed`);
  const rate = requests === 0 ? 0 : errors / requests;
  if (requests > 0 && rate >= slo) {
    problems.push(`error rate ${formatPercent(rate)} (${errors} of ${requests} requests), not under the SLO of ${formatPercent(slo)}`);
  }
  if (problems.length) return item(false, problems.join("; "));
  return item(true, `${requests} requests at stage ${stage}, error rate ${formatPercent(rate)} (SLO ${formatPercent(slo)})`);
}

function killSwitchItems(killSwitches: GateInput["killSwitches"]): GateItem[] {
  const label = "No kill switch in force";
  if (typeof killSwitches === "number") {
    const n = Number.isFinite(killSwitches) ? Math.max(0, Math.floor(killSwitches)) : 1;
    return n === 0
      ? [{ id: "kill_switch", label, met: true, detail: "No kill switch in force on the profile" }]
      : [{ id: "kill_switch", label, met: false, detail: n === 1 ? "1 kill switch in force" : `${n} kill switches in force` }];
  }
  if (killSwitches.length === 0) return [{ id: "kill_switch", label, met: true, detail: "No kill switch in force on the profile" }];
  return killSwitches.map((s) => ({
    id: `kill_switch:${s.id}`,
    label,
    met: false,
    detail: `Kill switch ${s.id} in force${s.scope ? ` (${s.scope})` : ""}${s.reason ? `: ${s.reason}` : ""}`,
  }));
}

function rollbackTargetItem(profile: GateProfile): GateItem {
  const endpoint = profile.rollbackEndpoint?.trim() ?? "";
  const digest = profile.rollbackManifestDigest?.trim() ?? "";
  const item = (met: boolean, detail: string): GateItem => ({ id: "rollback_target", label: "Rollback target registered", met, detail });
  if (!endpoint && !digest) return item(false, "No rollback target registered");
  if (!endpoint) return item(false, "No rollback target registered: the endpoint is missing");
  if (!digest) return item(false, "No rollback target registered: the manifest digest is missing");
  return item(true, `Rollback target ${endpoint} (${digest})`);
}

export function evaluateGate(input: GateInput): GateResult {
  const { profile, now } = input;
  const from = profile.stage;
  const slo = profile.sloErrorRate ?? DEFAULT_SLO_ERROR_RATE;
  const checklist = evidenceChecklist(input.evidence, now, profile.artifactDigest ? { intendedDigest: profile.artifactDigest } : {});
  const controls = controlStatus(profile.tier, input.controls, checklist, now);
  const transition = checkTransition(from, input.target);
  const requirement = transition.ok ? gateRequirement(transition.to, profile.tier) : null;
  const snapshot = gateSnapshot({
    profile: {
      slug: profile.slug,
      tier: profile.tier,
      artifactDigest: profile.artifactDigest ?? null,
      rollback: { endpoint: profile.rollbackEndpoint, manifestDigest: profile.rollbackManifestDigest },
    },
    from,
    to: input.target,
    evidence: input.evidence,
    controls: input.controls,
    policyHash: transition.ok ? gateRulesHash(transition.to, profile.tier, slo) : null,
  });

  const items: GateItem[] = [];
  if (!transition.ok || !requirement) {
    items.push({ id: "transition", label: "One stage up", met: false, detail: transition.ok ? "No gate rule applies" : transition.reason });
  } else {
    items.push({ id: "transition", label: "One stage up", met: true, detail: `${from} → ${transition.to}` });
    items.push(rollbackTargetItem(profile));
    const byItem = new Map(checklist.entries.map((e) => [e.item, e]));
    for (const item of requirement.evidence) {
      const status = itemStatus(byItem.get(item)!, requirement.maxEvidenceAgeSec, now);
      items.push({ id: `evidence:${item}`, label: status.label, met: status.state === "pass", detail: status.text });
    }
    for (const c of controls.controls) {
      items.push({
        id: `control:${c.control}`,
        label: c.label,
        met: c.evidenced,
        detail: c.evidenced ? `${c.label}: evidenced` : `${c.label} not evidenced: ${c.why}`,
      });
    }
    items.push(...killSwitchItems(input.killSwitches));
    if (requirement.canaryMinRequests !== null) items.push(canaryTrafficItem(input.canary, requirement.canaryMinRequests, slo));
  }
  const unmet = items.filter((i) => !i.met);
  return {
    passed: unmet.length === 0,
    from,
    to: input.target,
    requirement,
    approvalsRequired: requirement?.approvals ?? 0,
    items,
    unmet,
    controls,
    snapshot,
    snapshotHash: gateSnapshotHash(snapshot),
  };
}
