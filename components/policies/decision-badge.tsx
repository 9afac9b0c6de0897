import { Badge, type Tone } from "@/components/ui/badge";
import type { DecisionKind } from "@/lib/domain/policy/types";

const TONES: Record<DecisionKind, Tone> = {
  ALLOW: "green",
  ALLOW_WITH_CONSTRAINTS: "indigo",
  THROTTLE: "amber",
  REQUIRE_APPROVAL: "amber",
  DENY: "red",
};

export function DecisionBadge({ decision }: { decision: DecisionKind }) {
  return <Badge tone={TONES[decision]}>{decision}</Badge>;
}
