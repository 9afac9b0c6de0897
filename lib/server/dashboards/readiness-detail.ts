import "server-only";
/**
 * One profile's readiness: the seven production-ready evidence items with the
 * age of each observation, and the controls its tier requires against those
 * it has evidence for, each control cross-referenced to the evidence items
 * that back it. Read through the actor's tenants: another tenant's profile is
 * exactly as absent as one that does not exist.
 */
import { scopeFor, type Actor } from "@/lib/authz";
import { scopedWhere } from "@/lib/authz/where";
import type { Db } from "@/lib/db";
import { evidenceChecklist, type Checklist, type EvidenceItem, type EvidenceState } from "@/lib/domain/evidence";
import { CONTROLS, requiredControls, type CanaryStageName, type ControlName, type TierName } from "@/lib/domain/tiers";

export interface ControlRow {
  control: string;
  label: string;
  required: boolean;
  /** Evidence the profile has for this control (null: missing). */
  have: { evidencedAt: Date; ageSec: number; source: string } | null;
  /** Production-ready items that back this control, with their current state. */
  backedBy: { item: EvidenceItem; label: string; state: EvidenceState }[];
}

export interface ReadinessDetail {
  slug: string;
  tenant: { slug: string; name: string };
  tier: TierName;
  stage: CanaryStageName;
  artifactDigest: string;
  rollback: { endpoint: string; manifestDigest: string };
  checklist: Checklist;
  /** Required controls in tier order, then any evidenced beyond the tier. */
  controls: ControlRow[];
  requiredCount: number;
  gaps: ControlName[];
}

function controlLabel(name: string): string {
  return (CONTROLS as Record<string, string>)[name] ?? name;
}

export async function getReadinessDetail(prisma: Db, actor: Actor, slug: string, now = new Date()): Promise<ReadinessDetail | null> {
  const profile = await prisma.profile.findFirst({
    where: { slug, ...scopedWhere(scopeFor(actor, "registry.read")) },
    select: {
      slug: true,
      tier: true,
      canaryStage: true,
      artifactDigest: true,
      rollbackEndpoint: true,
      rollbackManifestDigest: true,
      tenant: { select: { slug: true, name: true } },
      evidence: { select: { item: true, passed: true, observedAt: true, detail: true } },
      controls: { select: { control: true, evidencedAt: true, source: true }, orderBy: { control: "asc" } },
    },
  });
  if (!profile) return null;
  const checklist = evidenceChecklist(profile.evidence, now, { intendedDigest: profile.artifactDigest });
  const required = requiredControls(profile.tier);
  const have = new Map(profile.controls.map((c) => [c.control, c]));
  const row = (control: string, isRequired: boolean): ControlRow => {
    const evidenced = have.get(control);
    return {
      control,
      label: controlLabel(control),
      required: isRequired,
      have: evidenced
        ? { evidencedAt: evidenced.evidencedAt, ageSec: Math.max(0, Math.floor((now.getTime() - evidenced.evidencedAt.getTime()) / 1000)), source: evidenced.source }
        : null,
      backedBy: checklist.entries.filter((e) => (e.controls as string[]).includes(control)).map((e) => ({ item: e.item, label: e.label, state: e.state })),
    };
  };
  const extra = profile.controls.map((c) => c.control).filter((c) => !(required as string[]).includes(c));
  return {
    slug: profile.slug,
    tenant: profile.tenant,
    tier: profile.tier,
    stage: profile.canaryStage,
    artifactDigest: profile.artifactDigest,
    rollback: { endpoint: profile.rollbackEndpoint, manifestDigest: profile.rollbackManifestDigest },
    checklist,
    controls: [...required.map((c) => row(c, true)), ...extra.map((c) => row(c, false))],
    requiredCount: required.length,
    gaps: required.filter((c) => !have.has(c)),
  };
}
