/**
 * The gate table: what each promotion target needs, per risk tier, as data.
 * Code reads it (evaluateGate); nothing about a stage's requirements is
 * written anywhere else. Every promotion also needs, whatever the row says:
 * a registered rollback target, the tier's required controls evidenced
 * (controlStatus) and no kill switch in force on the profile.
 *
 * Choices (documented in lib/domain/gate/README.md):
 * - Evidence grows with the stage: a read-only canary must run the pinned
 *   digest without logging secrets and with a rollback drilled; limited
 *   production (writes) adds the containment proofs; promotion needs all
 *   seven items, including "canary survived real traffic".
 * - Higher tiers need the containment proofs one stage earlier.
 * - Every stage needs a rollback drill (< 5 min, within the freshness window).
 * - L0–L1 promotions still need one approver: a promotion is never
 *   self-service, and the requester never approves their own.
 */
import { canonicalHash } from "@/lib/domain/hash";
import { ROLLBACK_LIMIT_SEC, type EvidenceItem } from "@/lib/domain/evidence";
import { TIERS, type TierName } from "@/lib/domain/tiers";
import type { PromotionTarget } from "./stages";

const HOUR = 3600;
const DAY = 24 * HOUR;

/** An evidence observation older than this (seconds) no longer counts, per tier. */
export const MAX_EVIDENCE_AGE_SEC: Record<TierName, number> = {
  L0: 7 * DAY,
  L1: 7 * DAY,
  L2: 72 * HOUR,
  L3: 72 * HOUR,
  L4: 24 * HOUR,
  L5: 24 * HOUR,
};

/** Approvers a promotion needs (never the requester), per tier. */
export const APPROVALS_REQUIRED: Record<TierName, number> = { L0: 1, L1: 1, L2: 1, L3: 1, L4: 2, L5: 2 };

/** Requests the canary must have served at stage `limited` before `promoted`, per tier. */
export const CANARY_MIN_REQUESTS: Record<TierName, number> = { L0: 100, L1: 500, L2: 1000, L3: 2000, L4: 5000, L5: 10000 };

/** The canary's error rate must stay under this when the profile names no SLO (1 %). */
export const DEFAULT_SLO_ERROR_RATE = 0.01;

/** The stage whose traffic counts as canary traffic for promotion. */
export const CANARY_TRAFFIC_STAGE = "limited" as const;

export interface GateRequirement {
  /** Evidence items that must be present, passing and fresh, in checklist order. */
  evidence: readonly EvidenceItem[];
  maxEvidenceAgeSec: number;
  approvals: number;
  /** Minimum requests served at CANARY_TRAFFIC_STAGE (null: no traffic requirement). */
  canaryMinRequests: number | null;
}

const READ_ONLY_BASE = ["intended_digest", "secrets_not_logged", "rollback_proven"] as const;
const READ_ONLY_CONTAINED = ["intended_digest", "denied_tools_absent", "egress_enforced", "secrets_not_logged", "rollback_proven"] as const;
const ALL_BUT_CANARY = [
  "intended_digest",
  "cross_profile_read_denied",
  "denied_tools_absent",
  "egress_enforced",
  "secrets_not_logged",
  "rollback_proven",
] as const;
const ALL_SEVEN = [...ALL_BUT_CANARY, "canary_survived"] as const;

/** Evidence items per promotion target and tier. */
export const GATE_EVIDENCE: Record<PromotionTarget, Record<TierName, readonly EvidenceItem[]>> = {
  read_only: {
    L0: READ_ONLY_BASE,
    L1: READ_ONLY_BASE,
    L2: READ_ONLY_CONTAINED,
    L3: READ_ONLY_CONTAINED,
    L4: ALL_BUT_CANARY,
    L5: ALL_BUT_CANARY,
  },
  limited: {
    L0: READ_ONLY_CONTAINED,
    L1: READ_ONLY_CONTAINED,
    L2: ALL_BUT_CANARY,
    L3: ALL_BUT_CANARY,
    L4: ALL_BUT_CANARY,
    L5: ALL_BUT_CANARY,
  },
  promoted: { L0: ALL_SEVEN, L1: ALL_SEVEN, L2: ALL_SEVEN, L3: ALL_SEVEN, L4: ALL_SEVEN, L5: ALL_SEVEN },
};

/** The full table: one row per promotion target and tier. */
export const GATE_TABLE: Record<PromotionTarget, Record<TierName, GateRequirement>> = {
  read_only: rows("read_only"),
  limited: rows("limited"),
  promoted: rows("promoted"),
};

function rows(target: PromotionTarget): Record<TierName, GateRequirement> {
  return Object.fromEntries(
    TIERS.map((tier) => [
      tier,
      {
        evidence: GATE_EVIDENCE[target][tier],
        maxEvidenceAgeSec: MAX_EVIDENCE_AGE_SEC[tier],
        approvals: APPROVALS_REQUIRED[tier],
        canaryMinRequests: target === "promoted" ? CANARY_MIN_REQUESTS[tier] : null,
      },
    ]),
  ) as Record<TierName, GateRequirement>;
}

export function gateRequirement(target: PromotionTarget, tier: TierName): GateRequirement {
  return GATE_TABLE[target][tier];
}

/** Version of the gate rules; bump when their meaning (not only the data) changes. */
export const GATE_RULES_VERSION = "cellgate.gate/v1";

/**
 * The hash of the rules one evaluation applied: the table row, the rollback
 * limit and (only where canary traffic is judged) the SLO. An approval bound
 * to it is void when the rules change.
 */
export function gateRulesHash(target: PromotionTarget, tier: TierName, sloErrorRate: number): string {
  const requirement = GATE_TABLE[target][tier];
  const judgesTraffic = requirement.canaryMinRequests !== null;
  return `sha256:${canonicalHash({
    version: GATE_RULES_VERSION,
    target,
    tier,
    requirement,
    rollbackLimitSec: ROLLBACK_LIMIT_SEC,
    canaryTrafficStage: judgesTraffic ? CANARY_TRAFFIC_STAGE : null,
    // A non-finite SLO is refused by the canary check; it must not break hashing.
    sloErrorRate: judgesTraffic && Number.isFinite(sloErrorRate) ? sloErrorRate : null,
  })}`;
}
