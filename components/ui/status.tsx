import { CANARY_LABELS, RINGS, TIER_LABELS, type CanaryStageName, type HealthState, type TierName } from "@/lib/domain/tiers";
import { Badge, type Tone } from "./badge";

const HEALTH_TONES: Record<HealthState, Tone> = { healthy: "green", degraded: "amber", down: "red", unknown: "slate" };
const STAGE_TONES: Record<CanaryStageName, Tone> = {
  deploy_only: "slate",
  read_only: "indigo",
  limited: "indigo",
  promoted: "green",
  rolled_back: "amber",
};

export function HealthBadge({ health }: { health: HealthState }) {
  return <Badge tone={HEALTH_TONES[health]}>{health}</Badge>;
}

export function StageBadge({ stage }: { stage: CanaryStageName }) {
  return <Badge tone={STAGE_TONES[stage]}>{CANARY_LABELS[stage]}</Badge>;
}

export function TierBadge({ tier }: { tier: TierName }) {
  return (
    <Badge tone={tier >= "L3" ? "indigo" : "slate"} title={TIER_LABELS[tier]}>
      {tier}
    </Badge>
  );
}

export function ringLabel(ring: number): string {
  return RINGS.find((r) => r.ring === ring)?.label ?? "unknown ring";
}
