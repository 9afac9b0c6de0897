import "server-only";
/**
 * What the kill-switch banners show: the switches in force the actor may
 * see, read once per request (shared by the layout and a profile page), in
 * the small shape the banner renders. Null when they cannot be read, so the
 * banner says so rather than implying that nothing is engaged.
 */
import { cache } from "react";
import { db } from "@/lib/db";
import type { SessionActor } from "@/lib/server/session";
import { switchesForBanner } from "./read";
import type { KillSwitchView } from "./views";

/** What a banner line needs (serializable: it crosses to the client and comes back from /kill-switches/banner). */
export interface BannerSwitch {
  id: string;
  description: string;
  reason: string;
  engagedAt: string;
  autoReleaseAt: string | null;
}

export const bannerSwitches = cache(async (actor: SessionActor): Promise<KillSwitchView[] | null> => {
  try {
    return await switchesForBanner(await db(), actor, new Date());
  } catch (error) {
    console.error("[kill-switch-banner] could not read kill switches:", error);
    return null;
  }
});

export function toBanner(sw: KillSwitchView): BannerSwitch {
  return { id: sw.id, description: sw.description, reason: sw.reason, engagedAt: sw.engagedAt, autoReleaseAt: sw.autoReleaseAt };
}

/** Global switches and tenant switches of the actor's tenants, for the layout banner; null when they cannot be read. */
export async function layoutBannerSwitches(actor: SessionActor): Promise<BannerSwitch[] | null> {
  const switches = await bannerSwitches(actor);
  return switches && switches.filter((sw) => sw.scope === "global" || sw.scope === "tenant").map(toBanner);
}
