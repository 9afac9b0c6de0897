import "server-only";
/**
 * The Tokens page's data: your own tokens (never the secret: only id, name,
 * scope, permissions, expiry, last use), what you may put in a new one (per
 * scope, the permissions you hold there), and for platform admins the
 * service accounts with their tokens.
 */
import { inScope, PERMISSION_LABELS, scopeFor, TOKEN_PERMISSIONS, type Permission } from "@/lib/authz";
import type { Db } from "@/lib/db";
import { PLATFORM_SCOPE } from "@/lib/schemas/tokens";
import type { RequestActor } from "../actor";
import { actorForUser, loadActorUser } from "../actor";

export interface TokenRow {
  id: string;
  name: string;
  owner: string;
  scope: string;
  permissions: string[];
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** active | expired | revoked */
  state: "active" | "expired" | "revoked";
}

export interface ScopeChoice {
  /** "platform" or a tenant slug. */
  value: string;
  label: string;
  /** The permissions the creator holds in this scope (a token may carry only these). */
  permissions: { permission: Permission; label: string }[];
}

export interface ServiceAccountRow {
  id: string;
  email: string;
  name: string;
  grant: string;
  scopes: ScopeChoice[];
  tokens: TokenRow[];
}

type TokenRecord = {
  id: string;
  name: string;
  tenantId: string | null;
  permissions: string[];
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  owner: { email: string };
};

function toRow(t: TokenRecord, slugs: Map<string, string>, now: Date): TokenRow {
  return {
    id: t.id,
    name: t.name,
    owner: t.owner.email,
    scope: t.tenantId ? (slugs.get(t.tenantId) ?? "a removed tenant") : PLATFORM_SCOPE,
    permissions: t.permissions,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    lastUsedAt: t.lastUsedAt,
    revokedAt: t.revokedAt,
    state: t.revokedAt ? "revoked" : t.expiresAt.getTime() <= now.getTime() ? "expired" : "active",
  };
}

const TOKEN_SELECT = {
  id: true,
  name: true,
  tenantId: true,
  permissions: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
  owner: { select: { email: true } },
} as const;

/** Scopes a new token of `actor` may have, each with the permissions held there. */
export function scopeChoices(actor: RequestActor): ScopeChoice[] {
  const choices: ScopeChoice[] = [];
  const held = (tenantId: string | null) =>
    TOKEN_PERMISSIONS.filter((p) => inScope(scopeFor(actor, p), tenantId)).map((permission) => ({ permission, label: PERMISSION_LABELS[permission] }));
  if (inScope(scopeFor(actor, "token.manage"), null)) {
    choices.push({ value: PLATFORM_SCOPE, label: "The platform (every tenant)", permissions: held(null) });
  }
  for (const t of actor.tenants) {
    const permissions = held(t.id);
    if (permissions.length) choices.push({ value: t.slug, label: `${t.name} (${t.slug})`, permissions });
  }
  return choices;
}

export async function listOwnTokens(prisma: Db, actor: RequestActor, now = new Date()): Promise<TokenRow[]> {
  const rows = await prisma.apiToken.findMany({ where: { ownerId: actor.userId }, orderBy: [{ createdAt: "desc" }, { id: "asc" }], select: TOKEN_SELECT });
  const slugs = new Map(actor.tenants.map((t) => [t.id, t.slug]));
  return rows.map((r) => toRow(r, slugs, now));
}

/** Platform admins: every service account, its grant, what its tokens may carry, and its tokens. */
export async function listServiceAccounts(prisma: Db, actor: RequestActor, now = new Date()): Promise<ServiceAccountRow[]> {
  if (!inScope(scopeFor(actor, "token.service"), null)) return [];
  const accounts = await prisma.user.findMany({ where: { kind: "service" }, orderBy: { email: "asc" }, select: { id: true } });
  const slugs = new Map((await prisma.tenant.findMany({ select: { id: true, slug: true } })).map((t) => [t.id, t.slug]));
  const out: ServiceAccountRow[] = [];
  for (const { id } of accounts) {
    const user = await loadActorUser(prisma, id);
    if (!user) continue;
    const serviceActor = await actorForUser(prisma, user);
    const tokens = await prisma.apiToken.findMany({ where: { ownerId: id }, orderBy: [{ createdAt: "desc" }, { id: "asc" }], select: TOKEN_SELECT });
    out.push({
      id,
      email: user.email,
      name: user.name,
      grant: user.platformAdmin ? "platform admin" : user.memberships.map((m) => `${m.role} in ${m.tenant.slug}`).join(", ") || "no role",
      scopes: scopeChoices(serviceActor),
      tokens: tokens.map((t) => toRow(t, slugs, now)),
    });
  }
  return out;
}
