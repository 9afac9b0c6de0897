/**
 * The evidence snapshot a promotion approval binds to, and its hash:
 * `sha256:` + SHA-256 of the RFC 8785 (JCS) canonical JSON of
 * {profile, from, to, evidence, controls, policyHash}.
 *
 * - evidence: the newest row per known item, in checklist order, as
 *   {item, passed, observedAt (ISO 8601), detailHash}; rows for unknown
 *   items are ignored, as the checklist ignores them.
 * - controls: the control attestations {control, evidencedAt}, by name.
 * - policyHash: gateRulesHash of the rules applied (null when the
 *   transition itself is invalid, so no rules apply).
 * Canary traffic counts are left out on purpose: they grow with every
 * request, and an approval must survive the canary serving traffic. The gate
 * is evaluated again at the vote, so a breached error rate still refuses it.
 */
import { canonicalHash } from "@/lib/domain/hash";
import { EVIDENCE_ITEMS, isEvidenceItem, type EvidenceItem, type EvidenceRow } from "@/lib/domain/evidence";
import type { TierName } from "@/lib/domain/tiers";
import type { ControlAttestation } from "./controls";

export interface GateSnapshotProfile {
  slug: string;
  tier: TierName;
  artifactDigest: string | null;
  rollback: { endpoint: string | null; manifestDigest: string | null };
}

export interface GateSnapshotEvidence {
  item: EvidenceItem;
  passed: boolean;
  observedAt: string;
  /** `sha256:` + SHA-256 of the JCS of the row's detail. */
  detailHash: string;
}

export interface GateSnapshot {
  profile: GateSnapshotProfile;
  from: string;
  to: string;
  evidence: GateSnapshotEvidence[];
  controls: { control: string; evidencedAt: string }[];
  policyHash: string | null;
}

export interface GateSnapshotInput {
  profile: GateSnapshotProfile;
  from: string;
  to: string;
  evidence: readonly EvidenceRow[];
  controls: readonly ControlAttestation[];
  policyHash: string | null;
}

const sha256 = (value: unknown) => `sha256:${canonicalHash(value)}`;

export function gateSnapshot(input: GateSnapshotInput): GateSnapshot {
  const latest = new Map<EvidenceItem, EvidenceRow>();
  for (const row of input.evidence) {
    if (!isEvidenceItem(row.item)) continue;
    const seen = latest.get(row.item);
    if (!seen || seen.observedAt < row.observedAt) latest.set(row.item, row);
  }
  return {
    profile: {
      slug: input.profile.slug,
      tier: input.profile.tier,
      artifactDigest: input.profile.artifactDigest,
      rollback: { endpoint: input.profile.rollback.endpoint, manifestDigest: input.profile.rollback.manifestDigest },
    },
    from: input.from,
    to: input.to,
    evidence: EVIDENCE_ITEMS.flatMap((item) => {
      const row = latest.get(item);
      return row
        ? [{ item, passed: row.passed, observedAt: row.observedAt.toISOString(), detailHash: sha256(row.detail ?? null) }]
        : [];
    }),
    controls: [...input.controls]
      .map((c) => ({ control: c.control, evidencedAt: c.evidencedAt.toISOString() }))
      .sort((a, b) => (a.control < b.control ? -1 : a.control > b.control ? 1 : 0)),
    policyHash: input.policyHash,
  };
}

/** The hash an approval binds to; equal snapshots give equal hashes, whatever the input order. */
export function gateSnapshotHash(snapshot: GateSnapshot): string {
  return sha256(snapshot);
}
