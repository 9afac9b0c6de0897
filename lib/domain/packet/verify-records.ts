/**
 * decisions / approvals / kill-switches / stage-changes (JSON Lines of
 * objects), policies/<n>.yaml and registry.json: well-formed, counted as the
 * manifest declares, and — wherever a record names a tenant or profile —
 * inside the packet's scope. Every stage change cites a receipt whose audit
 * entry is in the packet (same profile), so the history rests on the log.
 */
import { sha256Hex } from "../hash";
import { isRecord, parseCanonical, parseJsonMember, splitLines, type VerifyContext } from "./context";
import { MEMBERS, POLICY_MEMBER, RECORD_MEMBERS, type RecordKind } from "./format";

export type RecordCounts = Record<RecordKind, number>;

/** A tenantId/profileId that is set must be the scope's (null = platform-wide, allowed). */
function outOfScope(ctx: VerifyContext, record: Record<string, unknown>): string | null {
  const { tenant, profile } = ctx.manifest.scope;
  if (record.tenantId !== undefined && record.tenantId !== null && record.tenantId !== tenant.id) return "belongs to another tenant";
  if (profile && record.profileId !== undefined && record.profileId !== null && record.profileId !== profile.id) return "belongs to another profile";
  return null;
}

/** receipt id → the profileId of its audit entry, from entries.jsonl (lines verifyEntries rejects are skipped here). */
function entryReceipts(ctx: VerifyContext): Map<string, unknown> {
  const receipts = new Map<string, unknown>();
  const data = ctx.files.get(MEMBERS.entries);
  for (const line of (data && splitLines(data)) || []) {
    const parsed = parseCanonical(line);
    if (!parsed.ok || !isRecord(parsed.value) || !isRecord(parsed.value.data)) continue;
    const receipt = parsed.value.data.receipt;
    if (typeof receipt === "string") receipts.set(receipt, parsed.value.profileId);
  }
  return receipts;
}

function checkStageChange(record: Record<string, unknown>, receipts: Map<string, unknown>): string | null {
  if (typeof record.receiptId !== "string") return "has no receiptId";
  if (!receipts.has(record.receiptId)) return `cites receipt ${record.receiptId}, which has no audit entry in the packet`;
  if (receipts.get(record.receiptId) !== record.profileId) return `cites receipt ${record.receiptId}, whose audit entry is about another profile`;
  return null;
}

export function verifyRecords(ctx: VerifyContext): RecordCounts {
  const counts: RecordCounts = { decisions: 0, approvals: 0, killSwitches: 0, stageChanges: 0 };
  let receipts: Map<string, unknown> | undefined;
  for (const kind of Object.keys(RECORD_MEMBERS) as RecordKind[]) {
    const member = RECORD_MEMBERS[kind];
    const data = ctx.files.get(member);
    const declared = ctx.manifest.records[kind];
    if (!data) continue; // checkMembers names a required or listed member that is missing
    if (declared === undefined) {
      ctx.fail(member, "is in the packet but the manifest declares no count for it");
      continue;
    }
    const lines = splitLines(data);
    if (!lines) {
      ctx.fail(member, "is not UTF-8 JSON Lines (every line ends with a newline)");
      continue;
    }
    counts[kind] = lines.length;
    if (lines.length !== declared) ctx.fail(member, `holds ${lines.length} records but the manifest declares ${declared}`);
    lines.forEach((line, i) => {
      const parsed = parseCanonical(line);
      if (!parsed.ok) return ctx.fail(member, `line ${i + 1} ${parsed.reason}`);
      if (!isRecord(parsed.value)) return ctx.fail(member, `line ${i + 1} is not a JSON object`);
      const scope = outOfScope(ctx, parsed.value);
      if (scope) ctx.fail(member, `line ${i + 1} ${scope}, outside the packet's scope`);
      const unproven = kind === "stageChanges" ? checkStageChange(parsed.value, (receipts ??= entryReceipts(ctx))) : null;
      if (unproven) ctx.fail(member, `line ${i + 1} ${unproven}`);
    });
  }
  return counts;
}

export function verifyPolicies(ctx: VerifyContext): number {
  const listed = new Set<string>();
  for (const policy of ctx.manifest.policies) {
    const what = `policy ${policy.scopeKey} v${policy.version}`;
    if (listed.has(policy.member)) ctx.fail(policy.member, `is named by two policies in the manifest`);
    listed.add(policy.member);
    const data = ctx.files.get(policy.member);
    if (!data) {
      ctx.fail(policy.member, `${what} is missing from the packet`);
      continue;
    }
    if (`sha256:${sha256Hex(data)}` !== policy.hash) ctx.fail(policy.member, `${what} does not match its recorded hash ${policy.hash}`);
    const scope = outOfScope(ctx, policy);
    if (scope) ctx.fail(policy.member, `${what} ${scope}, outside the packet's scope`);
  }
  for (const name of ctx.files.keys()) {
    if (POLICY_MEMBER.test(name) && !listed.has(name)) ctx.fail(name, "is a policy file the manifest's policy list does not describe");
  }
  return listed.size;
}

export function verifyRegistry(ctx: VerifyContext): void {
  const data = ctx.files.get(MEMBERS.registry);
  if (!data) return;
  const parsed = parseJsonMember(data);
  if (!parsed.ok) ctx.fail(MEMBERS.registry, parsed.reason);
}
