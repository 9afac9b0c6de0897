import "server-only";
/**
 * Planning a policy document: where it belongs, what changes against the
 * version in force (a unified diff), how its own test cases fare against the
 * levels in force above it, and whether it widens what a higher level decides
 * — or, for a platform or tenant document, makes a lower document in force
 * widen. A plan is applicable only when all of that is clean.
 */
import type { Db, Tx } from "@/lib/db";
import {
  checkNarrowing,
  compilePolicySet,
  parsePolicy,
  policySourceHash,
  runPolicyTests,
  testCaseInput,
  type PolicyTestResult,
} from "@/lib/domain/policy";
import type {
  LoadedPolicy,
  PolicyDocument,
  PolicySet,
  WideningProblem,
} from "@/lib/domain/policy/types";
import { unifiedDiff } from "./diff";
import { scopeKeyFor } from "./load";
import { newestVersions, parseStored, resolveScope, type PolicyScope, type StoredVersion } from "./scope";

export type PlanTestResult = PolicyTestResult;

export interface WideningNotice extends WideningProblem {
  /** "this document", or the lower document in force that it would make widening (e.g. "tenant acme"). */
  document: string;
}

export interface PolicyPlan {
  /** "sha256:<hex>" of the source bytes. */
  hash: string;
  document: PolicyDocument | null;
  scope: PolicyScope | null;
  active: { version: number; hash: string; createdAt: Date } | null;
  /** The version number an apply would write. */
  nextVersion: number | null;
  /** The source is byte-for-byte the version in force. */
  unchanged: boolean;
  /** Unified diff lines against the version in force (against nothing for a first version). */
  diff: string[];
  tests: PlanTestResult[];
  widening: WideningNotice[];
  /** Anything else that stops an apply: parse problems (with lines), unknown scope, unreadable higher levels. */
  problems: string[];
  /** No problems, every test passed, nothing widens, and something changes. */
  applicable: boolean;
}

function emptyPlan(hash: string, problems: string[], document: PolicyDocument | null = null): PolicyPlan {
  return { hash, document, scope: null, active: null, nextVersion: null, unchanged: false, diff: [], tests: [], widening: [], problems, applicable: false };
}

export async function planPolicy(prisma: Db | Tx, source: string): Promise<PolicyPlan> {
  const hash = policySourceHash(source);
  const parsed = parsePolicy(source);
  if (!parsed.ok) {
    return emptyPlan(hash, parsed.problems.map((p) => `${p.line ? `line ${p.line}: ` : ""}${p.path ? `${p.path}: ` : ""}${p.message}`));
  }
  const document = parsed.document;
  const resolved = await resolveScope(prisma, document);
  if (!resolved.ok) return emptyPlan(hash, [resolved.problem], document);
  const scope = resolved.scope;

  const higherKeys = scope.level === "platform" ? [] : scope.level === "tenant" ? ["platform"] : ["platform", scopeKeyFor("tenant", scope.tenantId)];
  const [rows, active] = await Promise.all([
    newestVersions(prisma, { scopeKeys: higherKeys }),
    prisma.policyVersion.findFirst({ where: { scopeKey: scope.scopeKey }, orderBy: { version: "desc" } }),
  ]);

  const problems: string[] = [];
  const higher: { platform: LoadedPolicy | null; tenant: LoadedPolicy | null } = { platform: null, tenant: null };
  for (const row of rows) {
    const loaded = parseStored(row);
    const level = row.level === "platform" ? "platform" : "tenant";
    if (loaded.ok) higher[level] = { document: loaded.document, hash: row.hash, version: row.version };
    else problems.push(`the ${level} policy ${loaded.problem}: apply a valid ${level} policy first`);
  }

  const candidate: LoadedPolicy = { document, hash, version: (active?.version ?? 0) + 1 };
  const set: PolicySet = {
    platform: scope.level === "platform" ? candidate : higher.platform,
    tenant: scope.level === "tenant" ? candidate : higher.tenant,
    profile: scope.level === "profile" ? candidate : null,
  };
  const tests = await runTests(prisma, document, scope, set);

  const widening: WideningNotice[] = checkNarrowing(
    document,
    [higher.platform, higher.tenant].flatMap((p) => (p ? [p.document] : [])),
  ).map((w) => ({ ...w, document: "this document" }));
  widening.push(...(await lowerWidening(prisma, scope, document, higher.platform)));

  const unchanged = active?.hash === hash;
  const plan: PolicyPlan = {
    hash,
    document,
    scope,
    active: active ? { version: active.version, hash: active.hash, createdAt: active.createdAt } : null,
    nextVersion: (active?.version ?? 0) + 1,
    unchanged,
    diff: unchanged ? [] : unifiedDiff(active?.source ?? "", source, { from: active ? `version ${active.version}` : "(none)", to: `version ${(active?.version ?? 0) + 1}` }),
    tests,
    widening,
    problems,
    applicable: false,
  };
  plan.applicable = !unchanged && problems.length === 0 && widening.length === 0 && tests.every((t) => t.passed);
  return plan;
}

/** Rule-id prefix of the candidate's rules as checkNarrowing names them. */
function qualifiedPrefix(scope: PolicyScope): string {
  return scope.level === "platform" ? "platform:" : `${scope.level}:${scope.level === "tenant" ? scope.tenantSlug : scope.profileSlug}:`;
}

/**
 * Lower documents in force that the candidate would make widening. Only
 * conflicts with the candidate's own rules count: a lower document's older
 * conflicts with other levels are not this document's doing.
 */
async function lowerWidening(
  prisma: Db | Tx,
  scope: PolicyScope,
  candidate: PolicyDocument,
  platform: LoadedPolicy | null,
): Promise<WideningNotice[]> {
  if (scope.level === "profile") return [];
  const prefix = qualifiedPrefix(scope);
  const lower: StoredVersion[] =
    scope.level === "platform"
      ? [...(await newestVersions(prisma, { level: "tenant" })), ...(await newestVersions(prisma, { level: "profile" }))]
      : await newestVersions(prisma, { level: "profile", tenantId: scope.tenantId ?? undefined });
  const tenantDocs = new Map<string, PolicyDocument>();
  if (scope.level === "platform") {
    for (const row of lower) {
      const loaded = row.level === "tenant" ? parseStored(row) : null;
      if (loaded?.ok && row.tenantId) tenantDocs.set(row.tenantId, loaded.document);
    }
  } else if (scope.tenantId) {
    tenantDocs.set(scope.tenantId, candidate);
  }
  const notices: WideningNotice[] = [];
  for (const row of lower) {
    const loaded = parseStored(row);
    if (!loaded.ok) continue; // fails closed on its own; policyHealth reports it
    const doc = loaded.document;
    const above =
      row.level === "tenant"
        ? [candidate]
        : [scope.level === "platform" ? candidate : platform?.document, row.tenantId ? tenantDocs.get(row.tenantId) : undefined];
    const label = row.level === "tenant" ? `tenant ${doc.tenant}` : `profile ${doc.profile}`;
    for (const w of checkNarrowing(doc, above.filter((d): d is PolicyDocument => !!d))) {
      if (w.conflictsWith.startsWith(prefix)) notices.push({ ...w, document: label });
    }
  }
  return notices;
}

/**
 * Inputs come from the registry (profile slug → ring, tier, tenant) and fall
 * back to the values the test case gives, then to the document's tenant and
 * profile, then to the domain defaults. A tenant or profile document's tests
 * only see that tenant's profiles.
 */
async function runTests(prisma: Db | Tx, document: PolicyDocument, scope: PolicyScope, set: PolicySet): Promise<PlanTestResult[]> {
  if (document.tests.length === 0) return [];
  const slugs = [...new Set(document.tests.map((t) => t.input.profile ?? document.profile).filter((s): s is string => !!s))];
  const profiles = await prisma.profile.findMany({
    where: { slug: { in: slugs }, ...(scope.tenantId ? { tenantId: scope.tenantId } : {}) },
    select: { slug: true, ring: true, tier: true, tenant: { select: { slug: true } } },
  });
  const bySlug = new Map(profiles.map((p) => [p.slug, p]));
  const cases = document.tests.map((test) => {
    const input = testCaseInput(test, { tenant: document.tenant, profile: document.profile });
    const known = bySlug.get(input.profile);
    return { test, input: known ? { ...input, tenant: known.tenant.slug, ring: known.ring, tier: known.tier } : input };
  });
  return runPolicyTests(compilePolicySet(set), cases);
}
