import { ScrollArea } from "@/components/ui/scroll-area";
import type { ReactNode } from "react";
import type { ProfileDetail } from "@/lib/server/profiles";
import { CANARY_LABELS, TIER_LABELS } from "@/lib/domain/tiers";
import { formatTime, timeAgo } from "@/components/ui/format";
import { HealthBadge, StageBadge, ringLabel } from "@/components/ui/status";
import { Section } from "@/components/ui/section";

function Fact({ label, children, mono }: { label: string; children: ReactNode; mono?: boolean }) {
  return (
    <div className="grid grid-cols-3 gap-3 py-2">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className={`col-span-2 break-all text-sm text-slate-900 ${mono ? "font-mono text-xs" : ""}`}>{children}</dd>
    </div>
  );
}

export function ProfileFacts({ profile, now }: { profile: ProfileDetail; now: Date }) {
  return (
    <Section id="facts" title="Profile">
      <dl className="divide-y divide-slate-100">
        <Fact label="Tenant">{profile.tenant.name} <span className="text-slate-500">({profile.tenant.slug})</span></Fact>
        <Fact label="Owner">{profile.owner}</Fact>
        <Fact label="Ring">{profile.ring} · {ringLabel(profile.ring)}</Fact>
        <Fact label="Risk tier">{TIER_LABELS[profile.tier]}</Fact>
        <Fact label="Unit" mono>{profile.unit}</Fact>
        <Fact label="Health">
          <HealthBadge health={profile.health} />{" "}
          <span className="text-xs text-slate-600">
            last seen{" "}
            {profile.lastSeenAt ? (
              <time dateTime={profile.lastSeenAt.toISOString()}>
                {timeAgo(profile.lastSeenAt, now)} ({formatTime(profile.lastSeenAt)})
              </time>
            ) : (
              "never"
            )}
          </span>
        </Fact>
        <Fact label="Canary stage">
          <StageBadge stage={profile.canaryStage} /> <span className="sr-only">{CANARY_LABELS[profile.canaryStage]}</span>
        </Fact>
        <Fact label="Artifact digest" mono>{profile.artifactDigest}</Fact>
        <Fact label="Rollback endpoint" mono>{profile.rollbackEndpoint}</Fact>
        <Fact label="Rollback manifest digest" mono>{profile.rollbackManifestDigest}</Fact>
        <Fact label="Evidence path" mono>{profile.evidencePath}</Fact>
        <Fact label="Registered">{formatTime(profile.createdAt)}</Fact>
        <Fact label="Updated">{formatTime(profile.updatedAt)}</Fact>
      </dl>
    </Section>
  );
}

function ChipList({ items, empty, tone = "slate" }: { items: string[]; empty: string; tone?: "slate" | "red" }) {
  if (items.length === 0) return <p className="text-sm text-slate-500">{empty}</p>;
  const colors = tone === "red" ? "bg-rose-50 text-rose-800 ring-rose-200" : "bg-slate-50 text-slate-800 ring-slate-200";
  return (
    <ul className="flex flex-wrap gap-1.5">
      {items.map((item) => (
        <li key={item} className={`rounded px-2 py-0.5 font-mono text-xs ring-1 ring-inset ${colors}`}>
          {item}
        </li>
      ))}
    </ul>
  );
}

export function ProfilePolicy({ profile }: { profile: ProfileDetail }) {
  return (
    <Section id="policy" title="Tools, egress and secrets">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Allowed tools</h3>
      {profile.tools.length === 0 ? (
        <p className="mt-1 text-sm text-slate-500">No tools allowed.</p>
      ) : (
        <ScrollArea label="Facts table" className="mt-1 overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="sr-only">
              <tr><th scope="col">Tool</th><th scope="col">Schema hash</th></tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {profile.tools.map((t) => (
                <tr key={t.name}>
                  <td className="py-1.5 pr-3 font-mono text-xs text-slate-900">{t.name}</td>
                  <td className="break-all py-1.5 font-mono text-xs text-slate-500">{t.schemaHash}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollArea>
      )}
      <h3 className="mt-4 text-xs font-semibold uppercase tracking-wide text-slate-500">Denied tools</h3>
      <div className="mt-1"><ChipList items={profile.deniedTools} empty="None listed." tone="red" /></div>
      <h3 className="mt-4 text-xs font-semibold uppercase tracking-wide text-slate-500">Egress allowlist</h3>
      <div className="mt-1"><ChipList items={profile.egress} empty="No egress allowed (default deny)." /></div>
      <h3 className="mt-4 text-xs font-semibold uppercase tracking-wide text-slate-500">Secret references</h3>
      <p className="text-xs text-slate-500">References only; secret values are never stored or shown here.</p>
      <div className="mt-1"><ChipList items={profile.secretRefs} empty="No secrets." /></div>
    </Section>
  );
}
