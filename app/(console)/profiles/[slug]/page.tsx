import Link from "next/link";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ProfileAudit, ProfileControls } from "@/components/profile/profile-controls";
import { ProfileFacts, ProfilePolicy } from "@/components/profile/profile-facts";
import { ProfileHosts } from "@/components/profile/profile-hosts";
import { HealthBadge, StageBadge, TierBadge } from "@/components/ui/status";
import { can } from "@/lib/authz";
import { getProfile } from "@/lib/server/profiles";
import { requireActor } from "@/lib/server/session";
import { revokeHostKeyAction } from "./actions";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug } = await params;
  return { title: slug };
}

export default async function ProfilePage({ params }: Props) {
  const actor = await requireActor();
  const { slug } = await params;
  const profile = await getProfile(actor, decodeURIComponent(slug));
  if (!profile) notFound();

  // Shown only to those the server would also allow; a view-as session is read-only.
  const mayRevoke = !actor.viewAs && can(actor, "registry.write", { tenantId: profile.tenant.id });

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/profiles" className="hover:text-slate-900 hover:underline">
          Registry
        </Link>{" "}
        / <span aria-current="page">{profile.slug}</span>
      </nav>
      <div className="mb-5 flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold tracking-tight text-slate-900">{profile.slug}</h1>
        <HealthBadge health={profile.health} />
        <TierBadge tier={profile.tier} />
        <StageBadge stage={profile.canaryStage} />
        <span className="text-sm text-slate-500">{profile.tenant.name}</span>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <div className="space-y-4">
          <ProfileFacts profile={profile} now={new Date()} />
          <ProfilePolicy profile={profile} />
        </div>
        <div className="space-y-4">
          <ProfileHosts profile={profile} revoke={mayRevoke ? revokeHostKeyAction : undefined} />
          <ProfileControls profile={profile} />
        </div>
      </div>
      <div className="mt-4">
        <ProfileAudit profile={profile} />
      </div>
    </>
  );
}
