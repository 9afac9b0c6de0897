import "server-only";
/**
 * One profile's readiness: the seven production-ready evidence items with the
 * age of each observation, and the controls its tier requires, each judged
 * by lib/domain/gate controlStatus (evidenced only when attested and no
 * backing item is failing or stale) and cross-referenced to those items.
 * Read through the actor's tenants: another tenant's profile is exactly as
 * absent as one that does not exist.
 */
import { scopeFor, type Actor } from "@/lib/authz";
import { scopedWhere } from "@/lib/authz/where";
import type { Db } from "@/lib/db";
import { EVIDENCE_INFO, evidenceChecklist, type Checklist, type EvidenceItem } from "@/lib/domain/evidence";
import { controlStatus, type ControlStatus, type FreshState } from "@/lib/domain/gate";
import type { CanaryStageName, ControlName, TierName } from "@/lib/domain/tiers";

export interface ControlRow {
  control: string;
  label: string;
  required: boolean;
  /** The attestation the profile has for this control (null: none). */
  have: { evidencedAt: Date; ageSec: number; source: string } | null;
  /** Attested and no backing item failing or stale (lib/domain/gate controlStatus). */
  evidenced: boolean;
  /** Why not, in plain words (null when evidenced). */
  why: string | null;
  /** Production-ready items that back this control, with their state for this tier (stale included). */
  backedBy: { item: EvidenceItem; label: string; state: FreshState }[];
}

export interface ReadinessDetail {
  id: string;
  slug: string;
  tenant: { id: string; slug: string; name: string };
  tier: TierName;
  stage: CanaryStageName;
  artifactDigest: string;
  rollback: { endpoint: string; manifestDigest: string };
  checklist: Checklist;
  /** Evidence older than this (seconds) no longer counts for the tier. */
  maxEvidenceAgeSec: number;
  /** Required controls in tier order, then any evidenced beyond the tier. */
  controls: ControlRow[];
  requiredCount: number;
  /** Required controls not evidenced, in tier order: no attestation, or a backing item failing or stale. */
  gaps: ControlName[];
  /** True only when every required control is evidenced by passing, fresh evidence. */
  complete: boolean;
}

const labelOf = (item: EvidenceItem) => EVIDENCE_INFO[item].label;

function controlRow(c: ControlStatus): ControlRow {
  return {
    control: c.control,
    label: c.label,
    required: c.required,
    have: c.attestation ? { evidencedAt: c.attestation.evidencedAt, ageSec: c.attestation.ageSec, source: c.attestation.source ?? "" } : null,
    evidenced: c.evidenced,
    why: c.why,
    // The checklist's label, as the checklist beside the matrix names the item.
    backedBy: c.backedBy.map((b) => ({ item: b.item, label: labelOf(b.item), state: b.state })),
  };
}

export async function getReadinessDetail(prisma: Db, actor: Actor, slug: string, now = new Date()): Promise<ReadinessDetail | null> {
  const profile = await prisma.profile.findFirst({
    where: { slug, ...scopedWhere(scopeFor(actor, "registry.read")) },
    select: {
      id: true,
      slug: true,
      tier: true,
      canaryStage: true,
      artifactDigest: true,
      rollbackEndpoint: true,
      rollbackManifestDigest: true,
      tenant: { select: { id: true, slug: true, name: true } },
      evidence: { select: { item: true, passed: true, observedAt: true, detail: true } },
      controls: { select: { control: true, evidencedAt: true, source: true }, orderBy: { control: "asc" } },
    },
  });
  if (!profile) return null;
  const checklist = evidenceChecklist(profile.evidence, now, { intendedDigest: profile.artifactDigest });
  const report = controlStatus(profile.tier, profile.controls, checklist, now);
  return {
    id: profile.id,
    slug: profile.slug,
    tenant: profile.tenant,
    tier: profile.tier,
    stage: profile.canaryStage,
    artifactDigest: profile.artifactDigest,
    rollback: { endpoint: profile.rollbackEndpoint, manifestDigest: profile.rollbackManifestDigest },
    checklist,
    maxEvidenceAgeSec: report.maxEvidenceAgeSec,
    controls: [...report.controls, ...report.beyondTier].map(controlRow),
    requiredCount: report.controls.length,
    gaps: report.notEvidenced.map((c) => c.control as ControlName),
    complete: report.complete,
  };
}
