import "server-only";
/**
 * Where a policy document belongs: the platform, one tenant, or one profile,
 * resolved from the slugs the document names; and the newest stored version
 * of each scope (the version in force is always the newest one).
 */
import type { Db, Tx } from "@/lib/db";
import { parsePolicy } from "@/lib/domain/policy";
import type { PolicyDocument, PolicyLevel } from "@/lib/domain/policy/types";
import { scopeKeyFor } from "./load";

export interface PolicyScope {
  level: PolicyLevel;
  /** "platform", "tenant:<tenantId>" or "profile:<profileId>". */
  scopeKey: string;
  /** For people: "platform", "tenant acme", "profile acme-ticket-triage". */
  label: string;
  tenantId: string | null;
  tenantSlug: string | null;
  profileId: string | null;
  profileSlug: string | null;
}

export type ScopeResolution = { ok: true; scope: PolicyScope } | { ok: false; problem: string };

export async function resolveScope(prisma: Db | Tx, document: PolicyDocument): Promise<ScopeResolution> {
  if (document.level === "platform") {
    return {
      ok: true,
      scope: { level: "platform", scopeKey: "platform", label: "platform", tenantId: null, tenantSlug: null, profileId: null, profileSlug: null },
    };
  }
  const tenant = document.tenant ? await prisma.tenant.findUnique({ where: { slug: document.tenant } }) : null;
  if (!tenant) return { ok: false, problem: `tenant ${document.tenant ?? "(none)"} does not exist` };
  if (document.level === "tenant") {
    return {
      ok: true,
      scope: {
        level: "tenant",
        scopeKey: scopeKeyFor("tenant", tenant.id),
        label: `tenant ${tenant.slug}`,
        tenantId: tenant.id,
        tenantSlug: tenant.slug,
        profileId: null,
        profileSlug: null,
      },
    };
  }
  const profile = document.profile ? await prisma.profile.findUnique({ where: { slug: document.profile } }) : null;
  if (!profile || profile.tenantId !== tenant.id) {
    return { ok: false, problem: `profile ${document.profile ?? "(none)"} does not exist in tenant ${tenant.slug}` };
  }
  return {
    ok: true,
    scope: {
      level: "profile",
      scopeKey: scopeKeyFor("profile", profile.id),
      label: `profile ${profile.slug}`,
      tenantId: tenant.id,
      tenantSlug: tenant.slug,
      profileId: profile.id,
      profileSlug: profile.slug,
    },
  };
}

export interface StoredVersion {
  id: string;
  scopeKey: string;
  level: PolicyLevel;
  tenantId: string | null;
  profileId: string | null;
  version: number;
  hash: string;
  source: string;
  createdAt: Date;
}

/** Newest version per scope: of the given scope keys, or of every scope matching `where`. */
export async function newestVersions(
  prisma: Db | Tx,
  filter: { scopeKeys: string[] } | { level: PolicyLevel; tenantId?: string },
): Promise<StoredVersion[]> {
  const params: unknown[] = [];
  let where: string;
  if ("scopeKeys" in filter) {
    params.push(filter.scopeKeys);
    where = `"scopeKey" = ANY($1::text[])`;
  } else {
    params.push(filter.level);
    where = `"level"::text = $1`;
    if (filter.tenantId) {
      params.push(filter.tenantId);
      where += ` AND "tenantId" = $2::uuid`;
    }
  }
  return prisma.$queryRawUnsafe<StoredVersion[]>(
    `SELECT DISTINCT ON ("scopeKey") "id"::text AS "id", "scopeKey", "level"::text AS "level",
            "tenantId"::text AS "tenantId", "profileId"::text AS "profileId", "version", "hash", "source", "createdAt"
       FROM "PolicyVersion" WHERE ${where}
       ORDER BY "scopeKey", "version" DESC`,
    ...params,
  );
}

/** A stored version parsed, or the sentence saying why it cannot be. */
export function parseStored(row: StoredVersion): { ok: true; document: PolicyDocument } | { ok: false; problem: string } {
  const parsed = parsePolicy(row.source);
  if (parsed.ok) return { ok: true, document: parsed.document };
  const first = parsed.problems[0];
  return {
    ok: false,
    problem: `version ${row.version} in force cannot be parsed${first ? ` (${first.line ? `line ${first.line}: ` : ""}${first.message})` : ""}`,
  };
}
