/**
 * Single sign-on user and membership sync on PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseGroupMap } from "@/lib/server/auth/group-map";
import { signInWithOidc, type OidcIdentity } from "@/lib/server/auth/oidc-sync";
import { checkSession } from "@/lib/server/auth/sessions";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";

const ISSUER = "https://idp.example.test";
const context = { clientAddress: "192.0.2.10", userAgent: "vitest" };

describe.each(BACKENDS)("OIDC sign-in sync (%s)", (backend) => {
  let database: TestDatabase;
  let acme: { id: string; slug: string };
  let globex: { id: string; slug: string };
  let map: ReturnType<typeof parseGroupMap>;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    acme = await database.prisma.tenant.create({ data: { slug: randomSlug("acme"), name: "Acme" } });
    globex = await database.prisma.tenant.create({ data: { slug: randomSlug("globex"), name: "Globex" } });
    map = parseGroupMap(
      `acme-approvers=${acme.slug}:approver,acme-viewers=${acme.slug}:viewer,globex-auditors=${globex.slug}:auditor,` +
        `admins=*:platform_admin,ghosts=no-such-tenant:viewer`,
    );
  });
  afterAll(() => database?.close());

  const identity = (groups: string[], extra: Partial<OidcIdentity> = {}): OidcIdentity => {
    const sub = randomSlug("sub");
    return { issuer: ISSUER, subject: sub, email: `${sub}@idp.example.test`, name: "Pat Example", groups, ...extra };
  };
  const roles = async (userId: string) =>
    (await database.prisma.membership.findMany({ where: { userId }, select: { tenantId: true, role: true, source: true } }))
      .map((m) => `${m.tenantId === acme.id ? "acme" : m.tenantId === globex.id ? "globex" : "?"}:${m.role}:${m.source}`)
      .sort();

  it("creates the user with oidc memberships from mapped groups, a session, and audit entries", async () => {
    const id = identity(["acme-approvers", "globex-auditors", "unmapped"]);
    const result = await signInWithOidc(database.prisma, id, map, context);
    expect(result).toMatchObject({ ok: true, created: true });
    if (!result.ok) return;
    const user = await database.prisma.user.findUniqueOrThrow({ where: { id: result.userId } });
    expect(user).toMatchObject({ oidcIssuer: ISSUER, oidcSubject: id.subject, email: id.email, passwordHash: null, platformAdmin: false });
    expect(await roles(user.id)).toEqual(["acme:approver:oidc", "globex:auditor:oidc"]);
    expect((await checkSession(database.prisma, result.sessionId)).valid).toBe(true);
    const synced = await database.prisma.auditEntry.findMany({ where: { action: "auth.memberships.synced", resource: `user:${user.id}` } });
    expect(synced.map((e) => e.tenantId).sort()).toEqual([acme.id, globex.id].sort());
    expect(await database.prisma.auditEntry.count({ where: { actorId: user.id, action: "auth.sign_in.succeeded" } })).toBe(1);
  });

  it("removes memberships no longer granted, keeps local ones, and voids older sessions", async () => {
    const id = identity(["acme-approvers", "globex-auditors"]);
    const first = await signInWithOidc(database.prisma, id, map, context);
    if (!first.ok) throw new Error("first sign-in failed");
    await database.prisma.membership.create({ data: { userId: first.userId, tenantId: globex.id, role: "viewer", source: "local" } });

    const second = await signInWithOidc(database.prisma, { ...id, groups: ["acme-viewers"] }, map, context);
    expect(second).toMatchObject({ ok: true, created: false, rolesChanged: true });
    expect(await roles(first.userId)).toEqual(["acme:viewer:oidc", "globex:viewer:local"]);
    expect(await checkSession(database.prisma, first.sessionId)).toEqual({ valid: false, reason: "stale" });
    if (second.ok) expect((await checkSession(database.prisma, second.sessionId)).valid).toBe(true);

    // Same groups again: nothing changes, the previous session stays valid.
    const third = await signInWithOidc(database.prisma, { ...id, groups: ["acme-viewers"] }, map, context);
    expect(third).toMatchObject({ ok: true, rolesChanged: false });
    if (second.ok) expect((await checkSession(database.prisma, second.sessionId)).valid).toBe(true);
  });

  it("sets and clears platform admin from the map", async () => {
    const id = identity(["admins"]);
    const first = await signInWithOidc(database.prisma, id, map, context);
    if (!first.ok) throw new Error("admin sign-in failed");
    expect((await database.prisma.user.findUniqueOrThrow({ where: { id: first.userId } })).platformAdmin).toBe(true);
    const second = await signInWithOidc(database.prisma, { ...id, groups: ["admins", "acme-viewers"] }, map, context);
    expect(second).toMatchObject({ ok: true });
    const demoted = await signInWithOidc(database.prisma, { ...id, groups: ["acme-viewers"] }, map, context);
    expect(demoted).toMatchObject({ ok: true, rolesChanged: true });
    expect((await database.prisma.user.findUniqueOrThrow({ where: { id: first.userId } })).platformAdmin).toBe(false);
    expect(await database.prisma.auditEntry.count({ where: { action: "auth.platform_admin.synced", resource: `user:${first.userId}` } })).toBe(2);
  });

  it("refuses a new user whose groups grant nothing, creating no user (unknown tenants grant nothing)", async () => {
    const id = identity(["unmapped", "ghosts"]);
    expect(await signInWithOidc(database.prisma, id, map, context)).toEqual({ ok: false, reason: "no_access" });
    expect(await database.prisma.user.findUnique({ where: { email: id.email! } })).toBeNull();
    const entry = await database.prisma.auditEntry.findFirstOrThrow({ where: { action: "auth.sign_in.failed" }, orderBy: { seq: "desc" } });
    expect(entry.data).toMatchObject({ provider: "oidc", reason: "no_access" });
  });

  it("takes access away from an existing user who left every mapped group, and refuses them", async () => {
    const id = identity(["acme-approvers"]);
    const first = await signInWithOidc(database.prisma, id, map, context);
    if (!first.ok) throw new Error("first sign-in failed");
    expect(await signInWithOidc(database.prisma, { ...id, groups: [] }, map, context)).toEqual({ ok: false, reason: "no_access" });
    expect(await roles(first.userId)).toEqual([]);
    expect(await checkSession(database.prisma, first.sessionId)).toEqual({ valid: false, reason: "stale" });
  });

  it("never links to an existing local account with the same email", async () => {
    const email = `${randomSlug("local")}@example.test`;
    const local = await database.prisma.user.create({ data: { email, name: "Local", passwordHash: "x" } });
    const result = await signInWithOidc(database.prisma, identity(["admins"], { email: email.toUpperCase() }), map, context);
    expect(result).toEqual({ ok: false, reason: "email_conflict" });
    const after = await database.prisma.user.findUniqueOrThrow({ where: { id: local.id } });
    expect(after).toMatchObject({ oidcSubject: null, platformAdmin: false });
  });

  it("refuses a new user without an email, and a disabled one", async () => {
    expect(await signInWithOidc(database.prisma, identity(["acme-viewers"], { email: null }), map, context)).toEqual({
      ok: false,
      reason: "no_email",
    });
    const id = identity(["acme-viewers"]);
    const first = await signInWithOidc(database.prisma, id, map, context);
    if (!first.ok) throw new Error("first sign-in failed");
    await database.prisma.user.update({ where: { id: first.userId }, data: { disabled: true } });
    expect(await signInWithOidc(database.prisma, id, map, context)).toEqual({ ok: false, reason: "disabled" });
  });
});
