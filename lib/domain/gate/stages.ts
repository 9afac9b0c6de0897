/**
 * Canary stages and the one-step promotion rule.
 *
 *   deploy_only (0) → read_only (1) → limited (2) → promoted
 *   rolled_back: from any stage, by the rollback action (never by promotion)
 *
 * Decision: a rolled-back profile re-enters the canary from the start. It
 * ranks as stage 0, so its only promotion is to `read_only`, gated exactly
 * like a promotion from `deploy_only` (the registered rollback target is
 * what runs, so the new release has to earn every stage again).
 */
import { CANARY_STAGES, type CanaryStageName } from "@/lib/domain/tiers";

/** The stages a promotion can move a profile to. */
export const PROMOTION_TARGETS = ["read_only", "limited", "promoted"] as const;
export type PromotionTarget = (typeof PROMOTION_TARGETS)[number];

/** Position on the canary ladder; `rolled_back` restarts at 0. */
export const STAGE_RANK: Record<CanaryStageName, number> = {
  deploy_only: 0,
  read_only: 1,
  limited: 2,
  promoted: 3,
  rolled_back: 0,
};

const NEXT: Record<CanaryStageName, PromotionTarget | null> = {
  deploy_only: "read_only",
  read_only: "limited",
  limited: "promoted",
  promoted: null,
  rolled_back: "read_only",
};

export function isCanaryStage(value: string): value is CanaryStageName {
  return (CANARY_STAGES as readonly string[]).includes(value);
}

export function isPromotionTarget(value: string): value is PromotionTarget {
  return (PROMOTION_TARGETS as readonly string[]).includes(value);
}

/** The one stage a promotion may move `stage` to, or null (already promoted). */
export function nextStage(stage: CanaryStageName): PromotionTarget | null {
  return NEXT[stage];
}

export type TransitionCheck =
  | { ok: true; from: CanaryStageName; to: PromotionTarget }
  | { ok: false; reason: string };

/**
 * Whether a promotion from `from` to `to` is allowed as a request at all
 * (before any evidence is looked at). Strings are accepted so that input
 * from a form, the CLI or the API is judged here too.
 */
export function checkTransition(from: string, to: string): TransitionCheck {
  if (!isCanaryStage(from)) return { ok: false, reason: `Unknown current stage "${from}".` };
  if (!isCanaryStage(to)) return { ok: false, reason: `No such stage "${to}"; stages are ${CANARY_STAGES.join(", ")}.` };
  if (to === "rolled_back") return { ok: false, reason: "Rollback is its own action (with a reason), not a promotion." };
  const next = NEXT[from];
  if (next === null) return { ok: false, reason: "The profile is already promoted; there is no stage above it." };
  if (to === next) return { ok: true, from, to };
  if (from === "rolled_back") {
    return { ok: false, reason: `A rolled-back profile restarts the canary: its next stage is ${next}, not ${to}.` };
  }
  if (STAGE_RANK[to] > STAGE_RANK[next]) {
    return { ok: false, reason: `Promotion moves one stage at a time: from ${from} the next stage is ${next}, not ${to}.` };
  }
  if (to === from) return { ok: false, reason: `The profile is already at ${from}.` };
  return { ok: false, reason: `${to} is below ${from}; moving down is a rollback, not a promotion.` };
}
