/**
 * Whether each control a tier requires is really evidenced.
 *
 * A required control is evidenced when the profile has an attestation for it
 * (a ProfileControl row) and none of the production-ready evidence items that
 * back it (EVIDENCE_INFO[item].controls) is failing or stale. Decisions:
 * - A backing item that was never observed does not void the attestation
 *   (the checklist shows it missing, and the gate table asks for the items a
 *   stage needs); otherwise a control such as "live runtime proof" could not
 *   be evidenced before the canary has served the traffic it needs it for.
 * - The attestation itself is not aged: it records a one-off proof (a
 *   teardown test, a compliance review); the live items are what go stale.
 * - Stale means observed longer ago than the tier's MAX_EVIDENCE_AGE_SEC;
 *   an observation exactly at the limit still counts.
 */
import { EVIDENCE_INFO, ROLLBACK_LIMIT_SEC, formatAge, formatDuration, type Checklist, type ChecklistEntry, type EvidenceItem } from "@/lib/domain/evidence";
import { CONTROLS, requiredControls, type TierName } from "@/lib/domain/tiers";
import { MAX_EVIDENCE_AGE_SEC } from "./table";

/** An evidence item judged for the gate: the checklist state, plus stale. */
export type FreshState = "pass" | "fail" | "stale" | "missing";

export interface ItemStatus {
  item: EvidenceItem;
  label: string;
  state: FreshState;
  observedAt: Date | null;
  ageSec: number | null;
  /** The checklist's reason for a failure (host's words or the console's check). */
  reason: string | null;
  durationSec: number | null;
  /** The state in plain words, e.g. "Secrets not logged: failing (observed 2 h ago)". */
  text: string;
}

/** A control attestation as stored (ProfileControl). */
export interface ControlAttestation {
  control: string;
  evidencedAt: Date;
  source?: string;
}

export interface ControlStatus {
  control: string;
  label: string;
  required: boolean;
  evidenced: boolean;
  /** Why the control is not evidenced, in plain words (null when it is). */
  why: string | null;
  attestation: { evidencedAt: Date; ageSec: number; source: string | null } | null;
  /** The production-ready items that back this control, judged for freshness. */
  backedBy: ItemStatus[];
}

export interface ControlReport {
  tier: TierName;
  maxEvidenceAgeSec: number;
  /** Required controls, in tier order. */
  controls: ControlStatus[];
  /** Attested controls the tier does not require, by name. */
  beyondTier: ControlStatus[];
  /** Required controls that are not evidenced, in tier order. */
  notEvidenced: ControlStatus[];
  /** True only when every required control is evidenced. */
  complete: boolean;
}

/** The gate's names for items where the checklist's label reads oddly in a sentence. */
const GATE_LABELS: Partial<Record<EvidenceItem, string>> = { rollback_proven: "Rollback drill" };

export function itemLabel(item: EvidenceItem): string {
  return GATE_LABELS[item] ?? EVIDENCE_INFO[item].label;
}

/** "24 h", "72 h", "7 days". */
export function formatAgeLimit(sec: number): string {
  return sec > 72 * 3600 && sec % 86_400 === 0 ? `${sec / 86_400} days` : sec % 3600 === 0 ? `${sec / 3600} h` : formatDuration(sec);
}

function ageOf(at: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - at.getTime()) / 1000));
}

/** One checklist entry judged against the freshness limit, with its state in words. */
export function itemStatus(entry: ChecklistEntry, maxAgeSec: number, now: Date): ItemStatus {
  const label = itemLabel(entry.item);
  const base = { item: entry.item, label, observedAt: entry.observedAt, reason: entry.reason, durationSec: entry.durationSec };
  if (entry.state === "missing" || entry.observedAt === null) return { ...base, state: "missing", ageSec: null, text: `${label}: missing` };
  const ageSec = ageOf(entry.observedAt, now);
  const ago = `observed ${formatAge(ageSec)} ago`;
  const drill = entry.item === "rollback_proven" && entry.durationSec !== null;
  if (entry.state === "fail") {
    const text =
      drill && entry.durationSec! >= ROLLBACK_LIMIT_SEC
        ? `${label}: took ${formatDuration(entry.durationSec!)} (limit ${formatDuration(ROLLBACK_LIMIT_SEC)}), ${ago}`
        : `${label}: failing (${ago})${entry.reason ? ` — ${entry.reason}` : ""}`;
    return { ...base, state: "fail", ageSec, text };
  }
  if (ageSec > maxAgeSec) {
    return { ...base, state: "stale", ageSec, text: `Evidence older than ${formatAgeLimit(maxAgeSec)}: ${label} ${ago}` };
  }
  const text = drill ? `${label}: took ${formatDuration(entry.durationSec!)}, ${ago}` : `${label}: passing (${ago})`;
  return { ...base, state: "pass", ageSec, text };
}

function controlLabel(name: string): string {
  return (CONTROLS as Record<string, string>)[name] ?? name;
}

/**
 * Per control the tier requires (and per attested control beyond it):
 * evidenced or not, and why not. `checklist` is evidenceChecklist's result.
 */
export function controlStatus(
  tier: TierName,
  controls: readonly ControlAttestation[],
  checklist: Checklist,
  now: Date,
): ControlReport {
  const maxEvidenceAgeSec = MAX_EVIDENCE_AGE_SEC[tier];
  const items = checklist.entries.map((e) => itemStatus(e, maxEvidenceAgeSec, now));
  const attested = new Map(controls.map((c) => [c.control, c]));
  const required = requiredControls(tier);

  const judge = (control: string, isRequired: boolean): ControlStatus => {
    const row = attested.get(control);
    const backedBy = items.filter((i) => (EVIDENCE_INFO[i.item].controls as readonly string[]).includes(control));
    const broken = backedBy.filter((i) => i.state === "fail" || i.state === "stale");
    const why = !row ? "no evidence recorded" : broken.length ? broken.map((i) => i.text).join("; ") : null;
    return {
      control,
      label: controlLabel(control),
      required: isRequired,
      evidenced: why === null,
      why,
      attestation: row ? { evidencedAt: row.evidencedAt, ageSec: ageOf(row.evidencedAt, now), source: row.source ?? null } : null,
      backedBy,
    };
  };

  const statuses = required.map((c) => judge(c, true));
  const beyondTier = [...attested.keys()]
    .filter((c) => !(required as string[]).includes(c))
    .sort()
    .map((c) => judge(c, false));
  const notEvidenced = statuses.filter((s) => !s.evidenced);
  return { tier, maxEvidenceAgeSec, controls: statuses, beyondTier, notEvidenced, complete: notEvidenced.length === 0 };
}
