/**
 * Is the job an approver is about to read and vote on still what was hashed?
 * Recomputed on every view and every vote, from the stored row alone and the
 * records written with it in the submit transaction:
 *
 *  - sha256(stored canonical text) = the job hash;
 *  - the canonical text is RFC 8785 (re-canonicalizing it changes nothing);
 *  - the stored columns (topic, risk tags, labels, payload) are the request
 *    the canonical text holds, so no page shows something other than what
 *    was hashed;
 *  - the policy decision was taken on that hash (its inputHash);
 *  - the job.submit audit entry — the receipt the host was answered — binds
 *    the same hash and signing key, and its own hash still recomputes (the
 *    chain and its signed checkpoints protect it from there on).
 *
 * Any mismatch is an integrity alarm: the console shows the alarm instead of
 * the payload's meaning and refuses every vote.
 */
import { hashAuditEntry, hashAuditLeaf, type ChainEntry, type LeafFields } from "../audit/chain";
import { canonicalize } from "../canonical-json";
import { canonicalHash, sha256Hex } from "../hash";

export interface StoredJobFacts {
  id: string;
  canonical: string;
  jobHash: string;
  keyId: string;
  topic: string;
  riskTags: readonly string[];
  labels: unknown;
  payload: unknown;
}

export interface IntegrityWitnesses {
  /** The decision record's inputHash (null: the decision record is missing). */
  decisionInputHash: string | null;
  /** The job.submit audit entry (null: it is missing, or still a pending leaf). */
  submitEntry: ChainEntry | null;
  /** The job.submit audit leaf while it is pending seal (not yet an entry). */
  submitLeaf?: (LeafFields & { leafHash: string }) | null;
}

export type IntegrityCheck = "canonical-hash" | "canonical-form" | "columns" | "decision" | "submit-receipt";

export interface IntegrityProblem {
  check: IntegrityCheck;
  message: string;
}

/** Receipts that submit a job: a host's (job.submit), the console's own governance jobs (canary.promote). */
export const SUBMIT_ACTIONS: ReadonlySet<string> = new Set(["job.submit", "canary.promote"]);

/** The requestHash a job.submit receipt records for this job. */
export function submitRequestHash(jobHash: string, keyId: string): string {
  return canonicalHash({ jobHash, keyId });
}

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function canonicalOrNull(value: unknown): string | null {
  try {
    return canonicalize(value ?? null);
  } catch {
    return null;
  }
}

function same(a: unknown, b: unknown): boolean {
  const left = canonicalOrNull(a);
  return left !== null && left === canonicalOrNull(b);
}

/** Every problem found (empty: the job is intact). */
export function checkJobIntegrity(job: StoredJobFacts, witnesses: IntegrityWitnesses): IntegrityProblem[] {
  const problems: IntegrityProblem[] = [];
  const recomputed = `sha256:${sha256Hex(job.canonical)}`;
  if (recomputed !== job.jobHash) {
    problems.push({ check: "canonical-hash", message: `the stored request hashes to ${recomputed}, not to the job hash ${job.jobHash}` });
  }
  const parsed = parse(job.canonical);
  if (!parsed.ok) {
    problems.push({ check: "canonical-form", message: "the stored request is not valid JSON" });
  } else {
    if (canonicalOrNull(parsed.value) !== job.canonical) {
      problems.push({ check: "canonical-form", message: "the stored request is not in canonical (RFC 8785) form" });
    }
    const request = (parsed.value ?? {}) as Record<string, unknown>;
    const differing = (
      [
        ["topic", job.topic],
        ["riskTags", job.riskTags],
        ["labels", job.labels],
        ["payload", job.payload],
      ] as const
    )
      .filter(([field, stored]) => !same(request[field], stored))
      .map(([field]) => field);
    if (differing.length > 0) {
      problems.push({ check: "columns", message: `the stored ${differing.join(", ")} ${differing.length === 1 ? "differs" : "differ"} from the hashed request` });
    }
  }
  if (witnesses.decisionInputHash === null) {
    problems.push({ check: "decision", message: "the job's policy decision record is missing" });
  } else if (witnesses.decisionInputHash !== job.jobHash) {
    problems.push({ check: "decision", message: `the policy decision was taken on ${witnesses.decisionInputHash}, not on the job hash ${job.jobHash}` });
  }
  const witness = submitWitness(witnesses);
  if (!witness) {
    problems.push({ check: "submit-receipt", message: "the job's submit receipt (audit entry) is missing" });
  } else {
    if (!witness.intact) {
      problems.push({ check: "submit-receipt", message: `${witness.label} (the submit receipt) was altered: its hash no longer recomputes` });
    }
    if (!SUBMIT_ACTIONS.has(witness.action) || witness.resource !== `job:${job.id}`) {
      problems.push({ check: "submit-receipt", message: `the job's receipt points at ${witness.label}, which is not this job's submission` });
    } else if (witness.requestHash !== submitRequestHash(job.jobHash, job.keyId)) {
      problems.push({ check: "submit-receipt", message: `the host was answered a different job hash or key (${witness.label})` });
    }
  }
  return problems;
}

/** The submit receipt's audit record as checked: its sealed entry, or its leaf while pending seal. */
function submitWitness(witnesses: IntegrityWitnesses): { label: string; intact: boolean; action: string; resource: string; requestHash: string | null } | null {
  const entry = witnesses.submitEntry;
  if (entry) return { label: `audit entry #${entry.seq}`, intact: hashAuditEntry(entry) === entry.hash, action: entry.action, resource: entry.resource, requestHash: entry.requestHash };
  const leaf = witnesses.submitLeaf;
  if (leaf) return { label: `audit leaf ${leaf.id} (pending seal)`, intact: hashAuditLeaf(leaf) === leaf.leafHash, action: leaf.action, resource: leaf.resource, requestHash: leaf.requestHash };
  return null;
}
