import "server-only";
/**
 * Reads for the /policies pages. Every query is scoped by the actor's
 * readable tenants; the platform policy is readable by everyone signed in.
 * A scope outside the actor's tenants reads exactly like one that does not
 * exist (null), so nothing leaks.
 */
import { scopeFor, type Actor } from "@/lib/authz";
import { scopedWhere } from "@/lib/authz/where";
import { db, type Db } from "@/lib/db";
import type { PolicyLevel } from "@/lib/domain/policy/types";
import type { PolicyScopeRef } from "@/lib/schemas/policies";
import { unifiedDiff } from "./diff";
import { scopeKeyFor } from "./load";
import { newestVersions } from "./scope";

export interface ReadableScope {
  ref: PolicyScopeRef;
  label: string;
  scopeKey: string;
  tenant: { slug: string; name: string } | null;
}

export interface VersionSummary {
  version: number;
  hash: string;
  createdAt: Date;
  author: string;
  receiptId: string;
}

export interface PolicyOverviewRow extends ReadableScope {
  active: VersionSummary | null;
}

export const HISTORY_PAGE_SIZE = 25;

async function authorNames(prisma: Db, rows: Array<{ authorType: string; authorId: string }>): Promise<Map<string, string>> {
  const ids = [...new Set(rows.filter((r) => r.authorType === "user").map((r) => r.authorId))];
  const users = ids.length ? await prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } }) : [];
  return new Map(users.map((u) => [u.id, u.email]));
}

function summary(row: { version: number; hash: string; createdAt: Date; authorType: string; authorId: string; receiptId: string }, names: Map<string, string>): VersionSummary {
  const author = row.authorType === "user" ? (names.get(row.authorId) ?? "a removed user") : `${row.authorType}:${row.authorId}`;
  return { version: row.version, hash: row.hash, createdAt: row.createdAt, author, receiptId: row.receiptId };
}

/** The version in force at every level the actor may read: the platform, each readable tenant, and their profiles with a policy. */
export async function listPolicies(actor: Actor): Promise<PolicyOverviewRow[]> {
  const prisma = await db();
  const tenants = await prisma.tenant.findMany({
    where: scopedWhere(scopeFor(actor, "registry.read"), "id"),
    orderBy: { slug: "asc" },
    select: { id: true, slug: true, name: true },
  });
  const withPolicy = await prisma.policyVersion.findMany({
    where: { level: "profile", tenantId: { in: tenants.map((t) => t.id) } },
    distinct: ["profileId"],
    select: { profileId: true },
  });
  const profiles = await prisma.profile.findMany({
    where: { id: { in: withPolicy.map((r) => r.profileId!).filter(Boolean) }, tenantId: { in: tenants.map((t) => t.id) } },
    select: { id: true, slug: true, tenantId: true },
  });
  const keys = ["platform", ...tenants.map((t) => scopeKeyFor("tenant", t.id)), ...profiles.map((p) => scopeKeyFor("profile", p.id))];
  const newest = await newestVersions(prisma, { scopeKeys: keys });
  const active = await prisma.policyVersion.findMany({ where: { id: { in: newest.map((r) => r.id) } } });
  const names = await authorNames(prisma, active);
  const byKey = new Map(active.map((v) => [v.scopeKey, summary(v, names)]));
  const tenantById = new Map(tenants.map((t) => [t.id, t]));
  const rows: PolicyOverviewRow[] = [
    { ref: { level: "platform", slug: null }, label: "Platform", scopeKey: "platform", tenant: null, active: byKey.get("platform") ?? null },
  ];
  for (const t of tenants) {
    const scopeKey = scopeKeyFor("tenant", t.id);
    rows.push({ ref: { level: "tenant", slug: t.slug }, label: t.slug, scopeKey, tenant: { slug: t.slug, name: t.name }, active: byKey.get(scopeKey) ?? null });
  }
  for (const p of profiles.sort((a, b) => a.slug.localeCompare(b.slug))) {
    const scopeKey = scopeKeyFor("profile", p.id);
    const t = tenantById.get(p.tenantId)!;
    rows.push({ ref: { level: "profile", slug: p.slug }, label: p.slug, scopeKey, tenant: { slug: t.slug, name: t.name }, active: byKey.get(scopeKey) ?? null });
  }
  return rows;
}

/** The scope a path names, if the actor may read it (else null, the same as a missing one). */
export async function findReadableScope(actor: Actor, ref: PolicyScopeRef): Promise<ReadableScope | null> {
  const prisma = await db();
  const readable = scopeFor(actor, "registry.read");
  const scoped = scopedWhere(readable, "id");
  if (ref.level === "platform") return { ref, label: "Platform", scopeKey: "platform", tenant: null };
  if (!ref.slug) return null;
  if (ref.level === "tenant") {
    const tenant = await prisma.tenant.findFirst({ where: { slug: ref.slug, ...scoped } });
    return tenant ? { ref, label: tenant.name, scopeKey: scopeKeyFor("tenant", tenant.id), tenant: { slug: tenant.slug, name: tenant.name } } : null;
  }
  const profile = await prisma.profile.findFirst({
    where: { slug: ref.slug, ...scopedWhere(readable) },
    include: { tenant: true },
  });
  return profile
    ? { ref, label: profile.slug, scopeKey: scopeKeyFor("profile", profile.id), tenant: { slug: profile.tenant.slug, name: profile.tenant.name } }
    : null;
}

export interface PolicyHistory {
  scope: ReadableScope;
  versions: VersionSummary[];
  total: number;
  page: number;
  pageCount: number;
  /** The version in force, with its source. */
  active: (VersionSummary & { source: string }) | null;
}

export async function getPolicyHistory(actor: Actor, ref: PolicyScopeRef, page = 1): Promise<PolicyHistory | null> {
  const scope = await findReadableScope(actor, ref);
  if (!scope) return null;
  const prisma = await db();
  const where = { scopeKey: scope.scopeKey };
  const total = await prisma.policyVersion.count({ where });
  const pageCount = Math.max(1, Math.ceil(total / HISTORY_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pageCount);
  const [rows, newest] = await Promise.all([
    prisma.policyVersion.findMany({ where, orderBy: { version: "desc" }, skip: (current - 1) * HISTORY_PAGE_SIZE, take: HISTORY_PAGE_SIZE }),
    prisma.policyVersion.findFirst({ where, orderBy: { version: "desc" } }),
  ]);
  const names = await authorNames(prisma, newest ? [...rows, newest] : rows);
  return {
    scope,
    versions: rows.map((r) => summary(r, names)),
    total,
    page: current,
    pageCount,
    active: newest ? { ...summary(newest, names), source: newest.source } : null,
  };
}

export interface PolicyVersionView {
  scope: ReadableScope;
  version: VersionSummary & { source: string; level: PolicyLevel };
  previous: VersionSummary | null;
  /** The newest version of the scope (this one is in force when they are equal). */
  newestVersion: number;
  /** Unified diff against the previous version (against nothing for version 1). */
  diff: string[];
}

export async function getPolicyVersion(actor: Actor, ref: PolicyScopeRef, version: number): Promise<PolicyVersionView | null> {
  const scope = await findReadableScope(actor, ref);
  if (!scope) return null;
  const prisma = await db();
  const [row, previous, newest] = await Promise.all([
    prisma.policyVersion.findUnique({ where: { scopeKey_version: { scopeKey: scope.scopeKey, version } } }),
    prisma.policyVersion.findFirst({ where: { scopeKey: scope.scopeKey, version: { lt: version } }, orderBy: { version: "desc" } }),
    prisma.policyVersion.findFirst({ where: { scopeKey: scope.scopeKey }, orderBy: { version: "desc" }, select: { version: true } }),
  ]);
  if (!row) return null;
  const names = await authorNames(prisma, previous ? [row, previous] : [row]);
  return {
    scope,
    version: { ...summary(row, names), source: row.source, level: row.level },
    previous: previous ? summary(previous, names) : null,
    newestVersion: newest?.version ?? row.version,
    diff: unifiedDiff(previous?.source ?? "", row.source, { from: previous ? `version ${previous.version}` : "(none)", to: `version ${row.version}` }),
  };
}
