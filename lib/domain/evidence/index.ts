/**
 * Production-ready evidence (DESIGN.md "Production-ready = evidence"): the
 * seven items a profile proves through `canary.evidence` events, their labels,
 * the tier controls each one backs, and the checklist state computed from the
 * latest stored row per item. Pure: no database, no clock of its own.
 */
import { CANARY_EVIDENCE_ITEMS, type CanaryEvidenceItem } from "@/lib/domain/ingest/event-schemas";
import type { ControlName } from "@/lib/domain/tiers";

/** The items, in checklist order: the same list the ingest schema accepts. */
export const EVIDENCE_ITEMS = CANARY_EVIDENCE_ITEMS;
export type EvidenceItem = CanaryEvidenceItem;

/** A rollback counts as proven only when it completed in under this many seconds. */
export const ROLLBACK_LIMIT_SEC = 300;

export interface EvidenceItemInfo {
  label: string;
  /** What a passing observation shows. */
  description: string;
  /** Tier controls (lib/domain/tiers.ts) this item is evidence for. */
  controls: ControlName[];
}

export const EVIDENCE_INFO: Record<EvidenceItem, EvidenceItemInfo> = {
  intended_digest: {
    label: "Intended digest running",
    description: "The running artifact's digest equals the digest pinned in the registry.",
    controls: ["digest_pinning", "live_runtime_proof"],
  },
  cross_profile_read_denied: {
    label: "Cross-profile read denied",
    description: "An attempt to read another profile's state was refused.",
    controls: ["isolated_state", "tenant_isolation"],
  },
  denied_tools_absent: {
    label: "Denied tools absent",
    description: "None of the profile's denied tools is exposed to the agent.",
    controls: ["tool_allowlist"],
  },
  egress_enforced: {
    label: "Egress policy enforced",
    description: "A connection outside the egress allowlist was blocked.",
    controls: ["default_deny_egress"],
  },
  secrets_not_logged: {
    label: "Secrets not logged",
    description: "A scan of the profile's logs found no secret values.",
    controls: ["no_secrets"],
  },
  rollback_proven: {
    label: "Rollback proven (< 5 min)",
    description: "A rollback to the registered target completed in under five minutes.",
    controls: ["tested_rollback"],
  },
  canary_survived: {
    label: "Canary survived real traffic",
    description: "The canary served real traffic without breaching its error budget.",
    controls: ["live_runtime_proof"],
  },
};

export function isEvidenceItem(value: string): value is EvidenceItem {
  return (EVIDENCE_ITEMS as readonly string[]).includes(value);
}

/** A stored ProfileEvidence row, as far as the checklist needs it. */
export interface EvidenceRow {
  item: string;
  passed: boolean;
  observedAt: Date;
  detail: unknown;
}

export type EvidenceState = "pass" | "fail" | "missing";

export interface ChecklistEntry {
  item: EvidenceItem;
  label: string;
  state: EvidenceState;
  /** Why a reported pass still fails, or what the failure was (when the host said). */
  reason: string | null;
  observedAt: Date | null;
  /** Seconds since the observation (never negative), null when missing. */
  ageSec: number | null;
  /** rollback_proven only: how long the rollback took. */
  durationSec: number | null;
  controls: ControlName[];
}

export interface Checklist {
  entries: ChecklistEntry[];
  counts: Record<EvidenceState, number>;
  /** Every item present and passing. */
  ready: boolean;
}

function record(detail: unknown): Record<string, unknown> {
  return detail && typeof detail === "object" && !Array.isArray(detail) ? (detail as Record<string, unknown>) : {};
}

function finiteNumber(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : null;
}

function judge(item: EvidenceItem, row: EvidenceRow, intendedDigest: string | undefined): Pick<ChecklistEntry, "state" | "reason" | "durationSec"> {
  const detail = record(row.detail);
  // Hosts explain a result as `reason` or as a plain-text `detail` (canary.evidence attributes).
  const text = [detail.reason, detail.detail].find((v): v is string => typeof v === "string" && v.trim() !== "");
  const said = text ? text.trim().slice(0, 200) : null;
  if (item === "rollback_proven") {
    const durationSec = finiteNumber(detail.durationSec);
    if (!row.passed) return { state: "fail", reason: said, durationSec };
    if (durationSec === null) return { state: "fail", reason: "no rollback duration reported", durationSec };
    if (durationSec >= ROLLBACK_LIMIT_SEC) {
      return { state: "fail", reason: `took ${formatDuration(durationSec)} (limit ${formatDuration(ROLLBACK_LIMIT_SEC)})`, durationSec };
    }
    return { state: "pass", reason: null, durationSec };
  }
  if (!row.passed) return { state: "fail", reason: said, durationSec: null };
  if (item === "intended_digest" && intendedDigest && typeof detail.digest === "string" && detail.digest !== intendedDigest) {
    return { state: "fail", reason: `running ${detail.digest}, not the registered digest`, durationSec: null };
  }
  return { state: "pass", reason: null, durationSec: null };
}

/**
 * The checklist in the fixed item order. Rows for unknown items are ignored;
 * when several rows name the same item the newest observation wins.
 */
export function evidenceChecklist(rows: readonly EvidenceRow[], now: Date, options: { intendedDigest?: string } = {}): Checklist {
  const latest = new Map<EvidenceItem, EvidenceRow>();
  for (const row of rows) {
    if (!isEvidenceItem(row.item)) continue;
    const seen = latest.get(row.item);
    if (!seen || seen.observedAt < row.observedAt) latest.set(row.item, row);
  }
  const entries = EVIDENCE_ITEMS.map((item): ChecklistEntry => {
    const info = EVIDENCE_INFO[item];
    const row = latest.get(item);
    if (!row) {
      return { item, label: info.label, state: "missing", reason: null, observedAt: null, ageSec: null, durationSec: null, controls: info.controls };
    }
    const ageSec = Math.max(0, Math.floor((now.getTime() - row.observedAt.getTime()) / 1000));
    return { item, label: info.label, ...judge(item, row, options.intendedDigest), observedAt: row.observedAt, ageSec, controls: info.controls };
  });
  const counts: Record<EvidenceState, number> = { pass: 0, fail: 0, missing: 0 };
  for (const e of entries) counts[e.state] += 1;
  return { entries, counts, ready: counts.pass === EVIDENCE_ITEMS.length };
}

/** "3 min 20 s", "45 s", "2 h 5 min". */
export function formatDuration(totalSec: number): string {
  const sec = Math.round(totalSec);
  if (sec < 60) return `${sec} s`;
  const minutes = Math.floor(sec / 60);
  if (minutes < 60) return sec % 60 ? `${minutes} min ${sec % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

/** "45 s", "12 min", "3 h", "4 days": how long ago an observation was, from seconds. */
export function formatAge(ageSec: number): string {
  if (ageSec < 60) return `${ageSec} s`;
  if (ageSec < 3600) return `${Math.round(ageSec / 60)} min`;
  if (ageSec < 48 * 3600) return `${Math.round(ageSec / 3600)} h`;
  return `${Math.round(ageSec / 86_400)} days`;
}
