import "server-only";
/**
 * Fleet overview: counts by health, ring, tier and canary stage (grouped in
 * SQL, never loading every row), and the profiles whose evidenced controls
 * fall short of what their tier requires.
 */
import type { Actor } from "@/lib/authz";
import { db } from "@/lib/db";
import {
  CANARY_STAGES,
  HEALTH_STATES,
  TIERS,
  controlGaps,
  requiredControls,
  type CanaryStageName,
  type ControlName,
  type HealthState,
  type TierName,
} from "@/lib/domain/tiers";
import type { Prisma } from "@/lib/generated/prisma/client";
import { refreshHealthThrottled } from "./health-refresh";
import { tenantScope } from "./profiles";

export interface Overview {
  total: number;
  byHealth: Record<HealthState, number>;
  byRing: Record<number, number>;
  byTier: Record<TierName, number>;
  byStage: Record<CanaryStageName, number>;
  shortfall: {
    total: number;
    profiles: { slug: string; tenant: string; tier: TierName; gaps: ControlName[] }[];
  };
}

const SHORTFALL_LIMIT = 20;

function zeros<K extends string | number>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** Profiles missing at least one control their tier requires. */
export function shortfallWhere(actor: Actor): Prisma.ProfileWhereInput {
  return {
    ...tenantScope(actor),
    OR: TIERS.map((tier) => ({
      tier,
      NOT: { AND: requiredControls(tier).map((control) => ({ controls: { some: { control } } })) },
    })),
  };
}

export async function getOverview(actor: Actor): Promise<Overview> {
  const prisma = await db();
  await refreshHealthThrottled(prisma);
  const where = tenantScope(actor);
  const [health, ring, tier, stage] = await Promise.all([
    prisma.profile.groupBy({ by: ["health"], where, _count: { _all: true } }),
    prisma.profile.groupBy({ by: ["ring"], where, _count: { _all: true } }),
    prisma.profile.groupBy({ by: ["tier"], where, _count: { _all: true } }),
    prisma.profile.groupBy({ by: ["canaryStage"], where, _count: { _all: true } }),
  ]);

  const byHealth = zeros(HEALTH_STATES);
  for (const g of health) byHealth[g.health] = g._count._all;
  const byRing: Record<number, number> = zeros([0, 1, 2, 3, 4, 5]);
  for (const g of ring) byRing[g.ring] = g._count._all;
  const byTier = zeros(TIERS);
  for (const g of tier) byTier[g.tier] = g._count._all;
  const byStage = zeros(CANARY_STAGES);
  for (const g of stage) byStage[g.canaryStage] = g._count._all;
  const total = Object.values(byHealth).reduce((a, b) => a + b, 0);

  const short = shortfallWhere(actor);
  const [shortTotal, shortRows] = await Promise.all([
    prisma.profile.count({ where: short }),
    prisma.profile.findMany({
      where: short,
      orderBy: [{ tier: "desc" }, { slug: "asc" }],
      take: SHORTFALL_LIMIT,
      select: {
        slug: true,
        tier: true,
        tenant: { select: { slug: true } },
        controls: { select: { control: true } },
      },
    }),
  ]);

  return {
    total,
    byHealth,
    byRing,
    byTier,
    byStage,
    shortfall: {
      total: shortTotal,
      profiles: shortRows.map((p) => ({
        slug: p.slug,
        tenant: p.tenant.slug,
        tier: p.tier,
        gaps: controlGaps(p.tier, p.controls.map((c) => c.control)),
      })),
    },
  };
}
