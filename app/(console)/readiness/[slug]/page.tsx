import Link from "next/link";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ControlsMatrix } from "@/components/dashboards/readiness/controls-matrix";
import { EvidenceChecklist } from "@/components/profile/evidence-checklist";
import { ProfileHeading } from "@/components/profile/profile-heading";
import { shortHash } from "@/components/ui/format";
import { Section } from "@/components/ui/section";
import { StageBadge, TierBadge } from "@/components/ui/status";
import { db } from "@/lib/db";
import { ProfileCanaryGate } from "@/components/profile/profile-canary-gate";
import { getReadinessDetail } from "@/lib/server/dashboards/readiness-detail";
import { requireActor } from "@/lib/server/session";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Readiness · ${decodeURIComponent((await params).slug)}` };
}

export default async function ReadinessDetailPage({ params }: Props) {
  const actor = await requireActor();
  const slug = decodeURIComponent((await params).slug);
  const now = new Date();
  const detail = await getReadinessDetail(await db(), actor, slug, now);
  if (!detail) notFound();
  return (
    <>
      <ProfileHeading parent={{ href: "/readiness", label: "Readiness" }} slug={detail.slug}>
        <TierBadge tier={detail.tier} />
        <StageBadge stage={detail.stage} />
        <span className="text-sm text-slate-500">{detail.tenant.name}</span>
        <Link href={`/profiles/${detail.slug}`} className="text-sm font-medium text-indigo-700 hover:underline">
          Profile page
        </Link>
      </ProfileHeading>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <div className="space-y-4">
          <EvidenceChecklist checklist={detail.checklist} now={now} />
          <Section id="rollback" title="Rollback target">
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
              <dt className="text-slate-500">Endpoint</dt>
              <dd className="break-all">{detail.rollback.endpoint}</dd>
              <dt className="text-slate-500">Manifest</dt>
              <dd className="font-mono text-xs" title={detail.rollback.manifestDigest}>
                {shortHash(detail.rollback.manifestDigest, 16)}
              </dd>
            </dl>
          </Section>
        </div>
        <ControlsMatrix detail={detail} />
      </div>
      <div className="mt-4">
        {/* The same gate panel as the profile page: the board is where a platform team promotes from. */}
        <ProfileCanaryGate
          actor={actor}
          profile={{ id: detail.id, slug: detail.slug, canaryStage: detail.stage, tenantId: detail.tenant.id, rollbackEndpoint: detail.rollback.endpoint }}
        />
      </div>
    </>
  );
}
