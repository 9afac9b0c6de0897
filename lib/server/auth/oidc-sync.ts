import "server-only";
/**
 * Single sign-on: turn a verified ID token into a Cellgate user, session and
 * memberships, in one transaction with its audit entries.
 *
 * Decisions (see README "Sign-in"):
 * - Users are found by (issuer, subject), never by email. An existing local
 *   account with the same email is NOT linked automatically, even when the
 *   provider says the email is verified: whoever administers the identity
 *   provider could otherwise take over local accounts (including platform
 *   admins). Such a sign-in is refused with a clear message.
 * - Memberships with source "oidc" mirror the groups claim through
 *   CELLGATE_OIDC_GROUP_MAP on every sign-in: grants no longer present are
 *   removed, new ones added, platformAdmin set or cleared. Local memberships
 *   are left alone. When anything changed, the user's sessionVersion is
 *   bumped so sessions minted under the old roles stop working.
 * - A user whose groups grant nothing (after the sync) is refused rather
 *   than shown an empty console; the sync still commits, so removed access
 *   is removed at once.
 */
import type { Db, Tx } from "@/lib/db";
import type { TenantRole } from "@/lib/authz";
import { appendAudit } from "@/lib/server/audit";
import { entitlementsFor, type GroupMap } from "./group-map";
import { createSession } from "./sessions";
import { auditSignInFailure, auditSignInSuccess, userActor, type SignInFailureReason } from "./sign-in-audit";

export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  name: string | null;
  groups: readonly string[];
}

export type OidcSignInResult =
  | { ok: true; userId: string; sessionId: string; created: boolean; rolesChanged: boolean }
  | { ok: false; reason: Extract<SignInFailureReason, "no_access" | "email_conflict" | "no_email" | "disabled"> };

export const OIDC_PROVIDER_ID = "oidc";

export async function signInWithOidc(
  prisma: Db,
  identity: OidcIdentity,
  groupMap: GroupMap,
  context: { clientAddress: string; userAgent?: string | null },
  now = new Date(),
): Promise<OidcSignInResult> {
  const provider = OIDC_PROVIDER_ID;
  const { clientAddress } = context;
  const email = identity.email?.trim().toLowerCase() || null;
  const label = `${identity.issuer}#${identity.subject}`;
  const entitlements = entitlementsFor(identity.groups, groupMap);

  return prisma.$transaction(async (tx): Promise<OidcSignInResult> => {
    const tenants = await tx.tenant.findMany({
      where: { slug: { in: [...new Set(entitlements.roles.map((r) => r.tenantSlug))] } },
      select: { id: true, slug: true },
    });
    const tenantIdBySlug = new Map(tenants.map((t) => [t.slug, t.id]));
    const desired = entitlements.roles.flatMap((r) => {
      const tenantId = tenantIdBySlug.get(r.tenantSlug);
      return tenantId ? [{ tenantId, role: r.role }] : [];
    });
    const grantsAnything = entitlements.platformAdmin || desired.length > 0;

    let user = await tx.user.findUnique({
      where: { oidcIssuer_oidcSubject: { oidcIssuer: identity.issuer, oidcSubject: identity.subject } },
    });
    const fail = async (reason: Extract<SignInFailureReason, "no_access" | "email_conflict" | "no_email" | "disabled">) => {
      await auditSignInFailure(tx, userActor(user?.id, email ?? label), { provider, reason, clientAddress });
      return { ok: false as const, reason };
    };

    let created = false;
    if (!user) {
      if (!grantsAnything) return fail("no_access");
      if (!email) return fail("no_email");
      if (await tx.user.findUnique({ where: { email }, select: { id: true } })) return fail("email_conflict");
      user = await tx.user.create({
        data: { email, name: identity.name?.trim() || email, oidcIssuer: identity.issuer, oidcSubject: identity.subject },
      });
      created = true;
    } else {
      const name = identity.name?.trim() || user.name;
      let nextEmail = user.email;
      if (email && email !== user.email && !(await tx.user.findUnique({ where: { email }, select: { id: true } }))) {
        nextEmail = email;
      }
      if (name !== user.name || nextEmail !== user.email) {
        user = await tx.user.update({ where: { id: user.id }, data: { name, email: nextEmail } });
      }
    }

    const changes = await syncMemberships(tx, user.id, desired);
    const adminChanged = user.platformAdmin !== entitlements.platformAdmin;
    const rolesChanged = changes.added.length > 0 || changes.removed.length > 0 || adminChanged;
    if (rolesChanged) {
      user = await tx.user.update({
        where: { id: user.id },
        data: {
          platformAdmin: entitlements.platformAdmin,
          // A brand-new user has no sessions to void.
          ...(created ? {} : { sessionVersion: { increment: 1 } }),
        },
      });
      await auditMembershipSync(tx, user.id, changes, adminChanged ? entitlements.platformAdmin : null);
    }

    const remaining = await tx.membership.count({ where: { userId: user.id } });
    if (!user.platformAdmin && remaining === 0) return fail("no_access");
    if (user.disabled) return fail("disabled");

    const sessionId = await createSession(tx, { userId: user.id, provider, clientAddress, userAgent: context.userAgent }, now);
    await auditSignInSuccess(tx, user.id, {
      provider,
      sessionId,
      clientAddress,
      issuer: identity.issuer,
      groups: entitlements.matchedGroups,
      created,
      rolesChanged,
    });
    return { ok: true, userId: user.id, sessionId, created, rolesChanged };
  }, { maxWait: 10_000, timeout: 15_000 });
}

interface Grant {
  tenantId: string;
  role: TenantRole;
}

interface MembershipChanges {
  added: Grant[];
  removed: Grant[];
}

async function syncMemberships(tx: Tx, userId: string, desired: readonly Grant[]): Promise<MembershipChanges> {
  const existing = await tx.membership.findMany({ where: { userId }, select: { id: true, tenantId: true, role: true, source: true } });
  const key = (g: Grant) => `${g.tenantId}:${g.role}`;
  const want = new Set(desired.map(key));
  const have = new Set(existing.map(key));
  const stale = existing.filter((m) => m.source === "oidc" && !want.has(key(m)));
  const added = desired.filter((g) => !have.has(key(g)));
  if (stale.length > 0) await tx.membership.deleteMany({ where: { id: { in: stale.map((m) => m.id) } } });
  if (added.length > 0) {
    await tx.membership.createMany({ data: added.map((g) => ({ userId, tenantId: g.tenantId, role: g.role, source: "oidc" })) });
  }
  return { added, removed: stale.map((m) => ({ tenantId: m.tenantId, role: m.role })) };
}

/** One entry per tenant whose memberships changed (so that tenant's auditors see it), plus one for platform admin. */
async function auditMembershipSync(tx: Tx, userId: string, changes: MembershipChanges, platformAdmin: boolean | null) {
  const tenantIds = new Set([...changes.added, ...changes.removed].map((g) => g.tenantId));
  for (const tenantId of [...tenantIds].sort()) {
    await appendAudit(tx, {
      actor: { type: "system", id: "oidc-sync" },
      action: "auth.memberships.synced",
      resource: `user:${userId}`,
      tenantId,
      data: {
        added: changes.added.filter((g) => g.tenantId === tenantId).map((g) => g.role),
        removed: changes.removed.filter((g) => g.tenantId === tenantId).map((g) => g.role),
      },
    });
  }
  if (platformAdmin !== null) {
    await appendAudit(tx, {
      actor: { type: "system", id: "oidc-sync" },
      action: "auth.platform_admin.synced",
      resource: `user:${userId}`,
      data: { platformAdmin },
    });
  }
}
