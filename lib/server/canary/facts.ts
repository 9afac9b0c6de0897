import "server-only";
/**
 * The facts the gate (lib/domain/gate) judges a profile on, read in one go
 * from the caller's transaction or client: the profile, its newest evidence
 * per item, its control attestations, the kill switches in force covering
 * it, and the canary traffic it served. Canary traffic is what the host
 * reported with its `canary_survived` evidence (`detail.requests`,
 * `detail.errors`, `detail.stage`), so the claim is never stronger than the
 * volume behind it.
 */
import type { Db, Tx } from "@/lib/db";
import { evaluateGate, type CanaryTraffic, type GateResult } from "@/lib/domain/gate";
import type { CanaryStageName, TierName } from "@/lib/domain/tiers";
import { switchesCovering } from "../killswitches/effects";

export interface GateProfileRow {
  id: string;
  slug: string;
  tenantId: string;
  tier: TierName;
  canaryStage: CanaryStageName;
  artifactDigest: string;
  rollbackEndpoint: string;
  rollbackManifestDigest: string;
}

export const GATE_PROFILE_SELECT = {
  id: true,
  slug: true,
  tenantId: true,
  tier: true,
  canaryStage: true,
  artifactDigest: true,
  rollbackEndpoint: true,
  rollbackManifestDigest: true,
} as const;

function count(value: unknown): number | null {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** The canary traffic a `canary_survived` evidence row reports, or null when it names no volume. */
export function canaryTrafficOf(detail: unknown): CanaryTraffic | null {
  if (!detail || typeof detail !== "object") return null;
  const d = detail as Record<string, unknown>;
  const requests = count(d.requests);
  const errors = count(d.errors) ?? 0;
  if (requests === null) return null;
  return { requests, errors, stage: typeof d.stage === "string" ? d.stage : "limited" };
}

/** The gate's verdict on moving `profile` to `target`, now. */
export async function evaluateProfileGate(prisma: Db | Tx, profile: GateProfileRow, target: string, now: Date): Promise<GateResult> {
  const [evidence, controls, switches] = await Promise.all([
    prisma.profileEvidence.findMany({ where: { profileId: profile.id }, select: { item: true, passed: true, observedAt: true, detail: true } }),
    prisma.profileControl.findMany({ where: { profileId: profile.id }, select: { control: true, evidencedAt: true, source: true } }),
    switchesCovering(prisma, { tenantId: profile.tenantId, profileId: profile.id }, now),
  ]);
  const canary = canaryTrafficOf(evidence.find((e) => e.item === "canary_survived")?.detail);
  return evaluateGate({
    profile: {
      slug: profile.slug,
      tier: profile.tier,
      stage: profile.canaryStage,
      artifactDigest: profile.artifactDigest,
      rollbackEndpoint: profile.rollbackEndpoint || null,
      rollbackManifestDigest: profile.rollbackManifestDigest || null,
    },
    target,
    evidence,
    controls,
    killSwitches: switches.map((s) => ({ id: s.id, scope: s.scope, reason: s.reason })),
    canary,
    now,
  });
}
