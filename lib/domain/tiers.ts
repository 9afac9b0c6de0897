/**
 * Tier controls from the governance model: each tier requires the controls of
 * the tier below plus its own.
 */
export const TIERS = ["L0", "L1", "L2", "L3", "L4", "L5"] as const;
export type TierName = (typeof TIERS)[number];

export const TIER_LABELS: Record<TierName, string> = {
  L0: "L0 lab",
  L1: "L1 internal",
  L2: "L2 writes",
  L3: "L3 production",
  L4: "L4 multi-tenant",
  L5: "L5 regulated",
};

export const CONTROLS = {
  digest_pinning: "Artifact digest pinned",
  teardown: "Teardown tested",
  no_secrets: "No secrets in image or logs",
  local_logs: "Local logs kept",
  auth: "Authentication required",
  tool_allowlist: "Tool allowlist enforced",
  isolated_state: "Isolated state",
  default_deny_egress: "Default-deny egress",
  audit: "Audit events emitted",
  human_approval_writes: "Human approval for writes",
  tested_rollback: "Rollback tested",
  scoped_tokens: "Scoped tokens",
  slo: "SLO defined and monitored",
  backup_restore: "Backup and restore proven",
  live_runtime_proof: "Live runtime proof",
  tenant_isolation: "Tenant isolation",
  data_policy: "Data policy",
  strong_identity: "Stronger workload identity",
  compliance_review: "Compliance review",
  strict_retention: "Strict retention",
  dedicated_environment: "Dedicated environment",
} as const;
export type ControlName = keyof typeof CONTROLS;

const ADDED_BY_TIER: Record<TierName, ControlName[]> = {
  L0: ["digest_pinning", "teardown", "no_secrets", "local_logs"],
  L1: ["auth", "tool_allowlist", "isolated_state", "default_deny_egress", "audit"],
  L2: ["human_approval_writes", "tested_rollback", "scoped_tokens"],
  L3: ["slo", "backup_restore", "live_runtime_proof"],
  L4: ["tenant_isolation", "data_policy", "strong_identity"],
  L5: ["compliance_review", "strict_retention", "dedicated_environment"],
};

export function requiredControls(tier: TierName): ControlName[] {
  const upTo = TIERS.indexOf(tier);
  return TIERS.slice(0, upTo + 1).flatMap((t) => ADDED_BY_TIER[t]);
}

/** Controls the tier requires for which there is no evidence, in tier order. */
export function controlGaps(tier: TierName, evidenced: Iterable<string>): ControlName[] {
  const have = new Set(evidenced);
  return requiredControls(tier).filter((control) => !have.has(control));
}

export const RINGS = [
  { ring: 0, label: "operator / control" },
  { ring: 1, label: "conversation plane" },
  { ring: 2, label: "trusted worker" },
  { ring: 3, label: "code / build" },
  { ring: 4, label: "untrusted exec" },
  { ring: 5, label: "public / client" },
] as const;

export const HEALTH_STATES = ["healthy", "degraded", "down", "unknown"] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export const CANARY_STAGES = ["deploy_only", "read_only", "limited", "promoted", "rolled_back"] as const;
export type CanaryStageName = (typeof CANARY_STAGES)[number];
export const CANARY_LABELS: Record<CanaryStageName, string> = {
  deploy_only: "0 · deploy only",
  read_only: "1 · read-only canary",
  limited: "2 · limited production",
  promoted: "promoted",
  rolled_back: "rolled back",
};
