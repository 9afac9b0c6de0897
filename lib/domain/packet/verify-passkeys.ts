/**
 * Passkey-signed decisions. Votes in approvals.jsonl: each vote that carries passkey
 * evidence is checked offline — the signed statement names this job, its
 * exact hash (= SHA-256 of the canonical request in the record), the voter
 * and this vote; and the WebAuthn assertion over the statement's hash
 * verifies with the credential's public key, made on the console's origin
 * with user presence and verification. A vote altered after it was signed,
 * or an assertion moved onto another job, fails and says which. Kill switches
 * in kill-switches.jsonl with engagePasskey / releasePasskey: the statement
 * names this switch (scope, tenant, profile, capability, reason; or its id
 * and release reason) and the person who engaged or released it.
 */
import { sha256Hex } from "../hash";
import { verifyDecisionEvidence, type AnyStatement, type DecisionEvidence } from "../passkeys";
import { isRecord, parseCanonical, splitLines, type VerifyContext } from "./context";
import { RECORD_MEMBERS } from "./format";

function evidenceShape(value: unknown): value is DecisionEvidence<AnyStatement> {
  if (!isRecord(value) || !isRecord(value.statement) || !isRecord(value.rp) || !isRecord(value.credential) || !isRecord(value.assertion)) return false;
  return typeof value.credential.publicKey === "string" && typeof value.assertion.signature === "string";
}

/** Each record of a JSON Lines member, with its line number (lines other checks refuse are skipped here). */
function eachRecord(ctx: VerifyContext, member: string, visit: (record: Record<string, unknown>, line: number) => void): void {
  const data = ctx.files.get(member);
  const lines = data && splitLines(data);
  lines?.forEach((text, i) => {
    const parsed = parseCanonical(text);
    if (parsed.ok && isRecord(parsed.value)) visit(parsed.value, i + 1);
  });
}

/**
 * One piece of passkey evidence: its shape, what `problemsOf` finds wrong
 * between the statement and the record, and the assertion itself. Each
 * problem is a failure of `member` prefixed with `who`; true when none.
 */
function checkSigned(ctx: VerifyContext, member: string, who: string, evidence: unknown, problemsOf: (statement: Record<string, unknown>) => string[]): boolean {
  if (!evidenceShape(evidence)) {
    ctx.fail(member, `${who} carries passkey evidence that is not a statement, relying party, credential and assertion`);
    return false;
  }
  const problems = problemsOf(evidence.statement as unknown as Record<string, unknown>);
  const check = verifyDecisionEvidence(evidence);
  if (!check.ok) problems.push(check.reason);
  for (const p of problems) ctx.fail(member, `${who}: ${p}`);
  return problems.length === 0;
}

/** Returns how many votes were signed with a passkey and verified. */
export function verifySignedVotes(ctx: VerifyContext): number {
  const member = RECORD_MEMBERS.approvals;
  let signed = 0;
  eachRecord(ctx, member, (job, line) => {
    if (!Array.isArray(job.votes)) return;
    for (const vote of job.votes as unknown[]) {
      if (!isRecord(vote) || vote.passkey === undefined) continue;
      const who = `line ${line}: the vote of ${String(vote.userId)} on job ${String(job.jobId)}`;
      const ok = checkSigned(ctx, member, who, vote.passkey, (s) => {
        const problems: string[] = [];
        if (typeof job.canonical !== "string" || `sha256:${sha256Hex(job.canonical)}` !== job.jobHash) problems.push("the job's hash is not the SHA-256 of its canonical request");
        if (s.jobId !== job.jobId) problems.push(`its assertion was made for another job (${String(s.jobId)}): it was moved onto this one`);
        else if (s.jobHash !== job.jobHash || s.jobHash !== vote.seenHash) problems.push("its assertion signs another version of the job (its hash differs)");
        const action = vote.vote === "approve" ? "job.approve" : vote.vote === "deny" ? "job.deny" : null;
        if (s.action !== action) problems.push(`the vote was altered: it says "${String(vote.vote)}" but the passkey signed "${String(s.action)}"`);
        if (s.actor !== vote.userId) problems.push(`the vote was altered: it names ${String(vote.userId)} but the passkey signed for ${String(s.actor)}`);
        return problems;
      });
      if (ok) signed += 1;
    }
  });
  return signed;
}

/** Engage and release evidence of the packet's kill switches; returns how many verified. */
export function verifySignedSwitches(ctx: VerifyContext): number {
  const member = RECORD_MEMBERS.killSwitches;
  let signed = 0;
  eachRecord(ctx, member, (sw, line) => {
    const checks: Array<[string, unknown, Record<string, unknown>, unknown]> = [
      ["killswitch.engage", sw.engagePasskey, { scope: sw.scope, tenantId: sw.tenantId, profileId: sw.profileId, capability: sw.capability, reason: sw.reason }, sw.engagedBy],
      ["killswitch.release", sw.releasePasskey, { id: sw.id, reason: sw.releaseReason }, sw.releasedBy],
    ];
    for (const [action, evidence, fields, actor] of checks) {
      if (evidence === null || evidence === undefined) continue;
      const who = `line ${line}: the ${action === "killswitch.engage" ? "engage" : "release"} of switch ${String(sw.id)}`;
      const ok = checkSigned(ctx, member, who, evidence, (s) => {
        const problems: string[] = [];
        if (s.action !== action) problems.push(`the passkey signed "${String(s.action)}", not "${action}"`);
        if (s.actor !== actor) problems.push(`the record names ${String(actor)} but the passkey signed for ${String(s.actor)}`);
        const signedSwitch = isRecord(s.switch) ? s.switch : {};
        const changed = Object.entries(fields).filter(([k, v]) => signedSwitch[k] !== v).map(([k]) => k);
        if (changed.length > 0) problems.push(`the switch was altered after it was signed (${changed.join(", ")} differ)`);
        return problems;
      });
      if (ok) signed += 1;
    }
  });
  return signed;
}
