import "server-only";
/**
 * Reading kill switches, scoped: a global switch is visible to every
 * signed-in user; tenant, profile and capability switches only inside the
 * actor's readable tenants. Reads first record any automatic releases due,
 * so history shows them whether or not anything else swept.
 */
import { scopeFor, type Actor } from "@/lib/authz";
import { scopedWhere } from "@/lib/authz/where";
import type { Db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { inForceWhere, releaseExpiredSwitches } from "./effects";
import { toViews, type KillSwitchView } from "./views";

export const HISTORY_LIMIT = 200;

/** Prisma filter: the switches this actor may see. */
export function visibleWhere(actor: Actor): Prisma.KillSwitchWhereInput {
  const tenants = scopeFor(actor, "registry.read");
  if (tenants.all) return {};
  return { OR: [{ scope: "global" }, scopedWhere(tenants)] };
}

export interface KillSwitchList {
  /** In force now, newest first. */
  inForce: KillSwitchView[];
  /** Released (by a person or automatically), most recently released first; at most HISTORY_LIMIT. */
  history: KillSwitchView[];
}

export async function listKillSwitches(prisma: Db, actor: Actor, now: Date): Promise<KillSwitchList> {
  await releaseExpiredSwitches(prisma, now);
  const visible = visibleWhere(actor);
  const [active, released] = await Promise.all([
    prisma.killSwitch.findMany({ where: { AND: [visible, inForceWhere(now)] }, orderBy: [{ engagedAt: "desc" }, { id: "asc" }] }),
    prisma.killSwitch.findMany({
      where: { AND: [visible, { releasedAt: { not: null } }] },
      orderBy: [{ releasedAt: "desc" }, { id: "asc" }],
      take: HISTORY_LIMIT,
    }),
  ]);
  const [inForce, history] = await Promise.all([toViews(prisma, active, now), toViews(prisma, released, now)]);
  return { inForce, history };
}

/**
 * Switches in force the actor may see, for banners: global ones (every page),
 * tenant ones and profile / capability ones (carrying tenant and profile
 * slugs so each page picks those that cover it). Newest first.
 */
export async function switchesForBanner(prisma: Db, actor: Actor, now: Date): Promise<KillSwitchView[]> {
  await releaseExpiredSwitches(prisma, now);
  const rows = await prisma.killSwitch.findMany({
    where: { AND: [visibleWhere(actor), inForceWhere(now)] },
    orderBy: [{ engagedAt: "desc" }, { id: "asc" }],
  });
  return toViews(prisma, rows, now);
}
