import { BannerLines, LiveKillSwitchBanner } from "@/components/killswitches/live-banner";
import { bannerSwitches, layoutBannerSwitches, toBanner } from "@/lib/server/killswitches/banner";
import type { SessionActor } from "@/lib/server/session";

/**
 * Kill-switch banners. The console layout shows global and tenant switches
 * (every page the actor sees lies inside their tenants) and keeps them fresh
 * across navigations (LiveKillSwitchBanner); a profile page adds the profile
 * and capability switches that reach that profile.
 */
function Unreadable({ boxed }: { boxed?: boolean }) {
  return (
    <p
      role="alert"
      className={
        boxed
          ? "mb-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950"
          : "border-b border-amber-300 bg-amber-100 px-4 py-2 text-center text-sm text-amber-950"
      }
    >
      Kill switches could not be read just now, so this page cannot show whether any is engaged (the jobs API denies jobs
      while it cannot read them). Reload to try again.
    </p>
  );
}

/** For the console layout: global switches, and tenant switches of the actor's tenants. */
export async function KillSwitchBanner({ actor }: { actor: SessionActor }) {
  const switches = await layoutBannerSwitches(actor);
  if (switches === null) return <Unreadable />;
  return <LiveKillSwitchBanner initial={switches} />;
}

/** For a profile page: profile switches and capability switches (tenant-wide or narrowed) reaching this profile. */
export async function ProfileKillSwitchBanner({
  actor,
  profile,
}: {
  actor: SessionActor;
  profile: { id: string; tenant: { id: string } };
}) {
  const switches = await bannerSwitches(actor);
  if (switches === null) return <Unreadable boxed />;
  const shown = switches.filter(
    (sw) =>
      (sw.scope === "profile" && sw.profile?.id === profile.id) ||
      (sw.scope === "capability" && (sw.profile ? sw.profile.id === profile.id : sw.tenant?.id === profile.tenant.id)),
  );
  if (shown.length === 0) return null;
  return (
    <section
      aria-label="Kill switches on this profile"
      data-testid="kill-switch-banner"
      className="mb-4 rounded-md border border-rose-300 bg-rose-50 px-4 py-3 text-rose-950"
    >
      <BannerLines switches={shown.map(toBanner)} />
    </section>
  );
}
