import Link from "next/link";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ProfileKillSwitchBanner } from "@/components/console/kill-switch-banner";
import { EventTimeline } from "@/components/profile/event-timeline";
import { EvidenceChecklist } from "@/components/profile/evidence-checklist";
import { ProfileAudit, ProfileControls } from "@/components/profile/profile-controls";
import { ProfileFacts, ProfilePolicy } from "@/components/profile/profile-facts";
import { ProfileHeading } from "@/components/profile/profile-heading";
import { ProfileHosts } from "@/components/profile/profile-hosts";
import { RedactionNotice } from "@/components/profile/redaction-notice";
import { formatTime, timeAgo } from "@/components/ui/format";
import { HealthBadge, StageBadge, TierBadge } from "@/components/ui/status";
import { mayRun } from "@/lib/server/action";
import { getProfileEvidence } from "@/lib/server/evidence";
import { getProfileTimeline, parseTimelineQuery } from "@/lib/server/events";
import { getProfile, revokeHostKeyAction as revokeHostKey, type ProfileDetail } from "@/lib/server/profiles";
import { requireActor } from "@/lib/server/session";
import { revokeHostKeyAction } from "./actions";
import { ProfileCanaryGate } from "@/components/profile/profile-canary-gate";

export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug } = await params;
  return { title: slug };
}

function UnitState({ profile, now }: { profile: ProfileDetail; now: Date }) {
  const state = profile.unitState ?? "not reported";
  return (
    <span className="text-sm text-slate-500" data-testid="unit-state">
      Unit <span className="font-mono">{profile.unit}</span>: <span className="font-medium text-slate-800">{state}</span>
      {profile.unitStateAt ? (
        <>
          {" "}
          since <time dateTime={profile.unitStateAt.toISOString()} title={formatTime(profile.unitStateAt)}>{timeAgo(profile.unitStateAt, now)}</time>
        </>
      ) : null}
      {" · "}last heartbeat {timeAgo(profile.lastHeartbeatAt, now)}
    </span>
  );
}

export default async function ProfilePage({ params, searchParams }: Props) {
  const actor = await requireActor();
  const slug = decodeURIComponent((await params).slug);
  const profile = await getProfile(actor, slug);
  if (!profile) notFound();
  const [timeline, evidence] = await Promise.all([
    getProfileTimeline(actor, slug, parseTimelineQuery(await searchParams)),
    getProfileEvidence(actor, slug),
  ]);
  if (!timeline || !evidence) notFound();
  const now = new Date();

  // Shown only to those the server would also allow; a view-as session is read-only.
  const mayRevoke = mayRun(revokeHostKey, actor, { tenantId: profile.tenant.id });

  return (
    <>
      <ProfileHeading parent={{ href: "/profiles", label: "Registry" }} slug={profile.slug}>
        <HealthBadge health={profile.health} />
        <TierBadge tier={profile.tier} />
        <StageBadge stage={profile.canaryStage} />
        <span className="text-sm text-slate-500">{profile.tenant.name}</span>
        <UnitState profile={profile} now={now} />
      </ProfileHeading>
      <ProfileKillSwitchBanner actor={actor} profile={profile} />
      <RedactionNotice redacted={timeline.redacted} />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <div className="space-y-4">
          <ProfileFacts profile={profile} now={now} />
          <ProfilePolicy profile={profile} />
        </div>
        <div className="space-y-4">
          <ProfileHosts profile={profile} revoke={mayRevoke ? revokeHostKeyAction : undefined} />
          <EvidenceChecklist checklist={evidence} now={now} />
          <ProfileControls profile={profile} />
          <Link href={`/readiness/${profile.slug}`} className="block text-sm font-medium text-sky-700 underline hover:text-sky-900">
            Readiness: controls required by {profile.tier} against the evidence
          </Link>
        </div>
      </div>
      <div className="mt-4">
        <ProfileCanaryGate
          actor={actor}
          profile={{ id: profile.id, slug: profile.slug, canaryStage: profile.canaryStage, tenantId: profile.tenant.id, rollbackEndpoint: profile.rollbackEndpoint }}
        />
      </div>
      <div className="mt-4">
        <EventTimeline slug={profile.slug} timeline={timeline} />
      </div>
      <div className="mt-4">
        <ProfileAudit profile={profile} />
      </div>
    </>
  );
}
