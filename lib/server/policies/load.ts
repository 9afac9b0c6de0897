import "server-only";
/**
 * The policy in force for a profile: the newest PolicyVersion of the
 * platform, the profile's tenant and the profile itself, parsed. Anything
 * that cannot be loaded or parsed (or a missing platform policy) sets
 * `failure`, and the evaluator then denies everything (fail closed).
 *
 * Sources are immutable per hash, so parsed documents are cached by hash,
 * and compiled sets by their combined hash; the newest versions are still
 * read from the database on every call (one query, without the sources when
 * every version is parsed already; a second for the sources otherwise), so
 * every replica sees a newly applied version at once.
 */
import type { TenantScope } from "@/lib/authz";
import { scopedWhere } from "@/lib/authz/where";
import type { Db, Tx } from "@/lib/db";
import { prismaQuery, type RawSql } from "@/lib/sql";
import {
  combinedPolicyHash,
  compilePolicySet,
  parsePolicy,
  policySourceHash,
  type CompiledPolicySet,
} from "@/lib/domain/policy";
import type { LoadedPolicy, PolicyLevel, PolicySet } from "@/lib/domain/policy/types";

export interface VersionRef {
  id: string;
  level: PolicyLevel;
  version: number;
  hash: string;
  createdAt: Date;
}

export interface ProfilePolicySet extends PolicySet {
  versions: VersionRef[];
}

interface VersionRow extends VersionRef {
  scopeKey: string;
  source: string;
}

export function scopeKeyFor(level: PolicyLevel, id?: string | null): string {
  return level === "platform" ? "platform" : `${level}:${id}`;
}

type Parsed = { ok: true; policy: LoadedPolicy } | { ok: false; problem: string };
const parsedByHash = new Map<string, Parsed>();
const compiledByHash = new Map<string, CompiledPolicySet>();
const CACHE_MAX = 512;

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, value);
  return value;
}

function parsedKey(row: Pick<VersionRow, "hash" | "version">): string {
  return `${row.hash}:${row.version}`;
}

function parseStored(row: VersionRow): Parsed {
  const key = parsedKey(row);
  const cached = parsedByHash.get(key);
  if (cached) return cached;
  let result: Parsed;
  if (policySourceHash(row.source) !== row.hash) {
    result = { ok: false, problem: `${row.level} policy version ${row.version} does not match its stored hash` };
  } else {
    const parsed = parsePolicy(row.source);
    result = parsed.ok
      ? { ok: true, policy: { document: parsed.document, hash: parsed.hash, version: row.version } }
      : {
          ok: false,
          problem: `${row.level} policy version ${row.version} cannot be parsed: ${parsed.problems
            .slice(0, 3)
            .map((p) => (p.line ? `line ${p.line}: ${p.message}` : p.message))
            .join("; ")}`,
        };
  }
  return remember(parsedByHash, key, result);
}

/** Prisma, or the raw driver (the job path reads through it: no ORM on every decision). */
type Reader = Db | Tx | Pick<RawSql, "query">;

const asSql = (reader: Reader): Pick<RawSql, "query"> => ("query" in reader ? reader : prismaQuery(reader));

/**
 * Newest version of each of the given scopes, parsed: one query for the
 * versions; the sources (the large part) only of versions not parsed yet.
 */
async function newestParsed(reader: Reader, scopeKeys: string[]): Promise<Array<{ row: Omit<VersionRow, "source">; parsed: Parsed }>> {
  const sql = asSql(reader);
  const refs = await sql.query<Omit<VersionRow, "source">>(
    `SELECT DISTINCT ON ("scopeKey") "id"::text AS "id", "scopeKey", "level"::text AS "level", "version", "hash", "createdAt"
       FROM "PolicyVersion" WHERE "scopeKey" = ANY($1::text[])
       ORDER BY "scopeKey", "version" DESC`,
    [scopeKeys],
  );
  // Taken from the cache now: a concurrent caller clearing it cannot turn a parsed version into a missing source.
  const cached = new Map(refs.map((r) => [r.id, parsedByHash.get(parsedKey(r))]));
  const unparsed = refs.filter((r) => !cached.get(r.id));
  const sources = unparsed.length
    ? await sql.query<{ id: string; source: string }>(`SELECT "id"::text AS "id", "source" FROM "PolicyVersion" WHERE "id" = ANY($1::uuid[])`, [
        unparsed.map((r) => r.id),
      ])
    : [];
  const sourceOf = new Map(sources.map((r) => [r.id, r.source]));
  return refs.map((row) => ({ row, parsed: cached.get(row.id) ?? parseStored({ ...row, source: sourceOf.get(row.id) ?? "" }) }));
}

export async function loadPolicySet(prisma: Reader, profile: { id: string; tenantId: string }): Promise<ProfilePolicySet> {
  const keys = { platform: "platform", tenant: scopeKeyFor("tenant", profile.tenantId), profile: scopeKeyFor("profile", profile.id) };
  const rows = await newestParsed(prisma, Object.values(keys));
  const set: ProfilePolicySet = { platform: null, tenant: null, profile: null, versions: [] };
  const failures: string[] = [];
  for (const level of ["platform", "tenant", "profile"] as const) {
    const found = rows.find((r) => r.row.scopeKey === keys[level]);
    if (!found) continue;
    const { row, parsed } = found;
    set.versions.push({ id: row.id, level, version: row.version, hash: row.hash, createdAt: row.createdAt });
    if (parsed.ok) set[level] = parsed.policy;
    else failures.push(parsed.problem);
  }
  if (!set.platform && failures.length === 0) failures.push("no platform policy has been applied");
  if (failures.length > 0) set.failure = failures.join("; ");
  return set;
}

export async function compiledPolicyFor(
  prisma: Reader,
  profile: { id: string; tenantId: string },
): Promise<{ set: ProfilePolicySet; compiled: CompiledPolicySet }> {
  const set = await loadPolicySet(prisma, profile);
  const key = `${combinedPolicyHash(set)}|${set.failure ?? ""}`;
  const compiled = compiledByHash.get(key) ?? remember(compiledByHash, key, compilePolicySet(set));
  return { set, compiled };
}

export interface PolicyProblemNotice {
  scopeKey: string;
  /** Tenant the failing document belongs to; null for the platform. Filter by the reader's tenants. */
  tenantId: string | null;
  message: string;
}

export type PolicyHealth = { ok: true; versions: number } | { ok: false; problems: PolicyProblemNotice[] };

/**
 * Whether every policy version in force loads (for the overview's fail-closed
 * notice). A failing platform document denies every job; a failing tenant or
 * profile document denies that tenant's or profile's jobs.
 */
export async function policyHealth(prisma: Db | Tx): Promise<PolicyHealth> {
  const rows = await prisma.$queryRawUnsafe<Array<VersionRow & { tenantId: string | null }>>(
    `SELECT DISTINCT ON ("scopeKey") "id"::text AS "id", "scopeKey", "level"::text AS "level", "version", "hash", "source",
            "createdAt", "tenantId"::text AS "tenantId"
       FROM "PolicyVersion" ORDER BY "scopeKey", "version" DESC`,
  );
  const problems: PolicyProblemNotice[] = [];
  if (!rows.some((r) => r.scopeKey === "platform")) {
    problems.push({ scopeKey: "platform", tenantId: null, message: "no platform policy has been applied" });
  }
  for (const row of rows) {
    const parsed = parseStored(row);
    if (!parsed.ok) problems.push({ scopeKey: row.scopeKey, tenantId: row.tenantId, message: parsed.problem });
  }
  return problems.length ? { ok: false, problems } : { ok: true, versions: rows.length };
}

/**
 * Every topic glob the policies in force name for these tenants (platform,
 * tenant and profile levels; "all" for every tenant): what a capability kill
 * switch can be narrowed to. Versions that do not parse name nothing.
 */
export async function policyTopicGlobs(prisma: Db | Tx, scope: TenantScope): Promise<string[]> {
  const tenantWhere = scopedWhere(scope, "id");
  const profileWhere = scopedWhere(scope);
  const [tenants, profileKeys] = await Promise.all([
    prisma.tenant.findMany({ where: tenantWhere, select: { id: true } }),
    prisma.policyVersion.findMany({ where: { level: "profile" }, distinct: ["scopeKey"], select: { scopeKey: true } }),
  ]);
  const profileIds = profileKeys.map((k) => k.scopeKey.slice("profile:".length));
  const profiles = profileIds.length
    ? await prisma.profile.findMany({ where: { id: { in: profileIds }, ...profileWhere }, select: { id: true } })
    : [];
  const rows = await newestParsed(prisma, [
    "platform",
    ...tenants.map((t) => scopeKeyFor("tenant", t.id)),
    ...profiles.map((p) => scopeKeyFor("profile", p.id)),
  ]);
  const globs = new Set<string>();
  for (const { parsed } of rows) {
    if (!parsed.ok) continue;
    for (const rule of parsed.policy.document.rules) for (const topic of rule.match.topics ?? []) globs.add(topic);
  }
  return [...globs].sort();
}
