/**
 * Server-side sessions on PGlite and PostgreSQL: revocation (sign-out and
 * admin), idle and absolute timeouts, stale sessionVersion, disabled users,
 * and memberships reloaded on every request.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDatabase } from "@/lib/db";
import {
  checkSession,
  createSession,
  revokeSessionAudited,
  revokeUserSessions,
  sessionLimits,
  signOutSession,
} from "@/lib/server/auth/sessions";
import { loadActor } from "@/lib/server/session";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";

describe.each(BACKENDS)("sessions (%s)", (backend) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
  });
  afterAll(async () => {
    setDatabase(undefined);
    await database?.close();
  });

  async function makeUser() {
    const email = `${randomSlug("s")}@example.test`;
    return database.prisma.user.create({ data: { email, name: email } });
  }
  async function newSession(now = new Date()) {
    const user = await makeUser();
    const sid = await createSession(database.prisma, { userId: user.id, provider: "credentials", clientAddress: "192.0.2.1" }, now);
    return { user, sid };
  }

  it("accepts a fresh session and touches lastSeenAt at most once a minute", async () => {
    const t0 = new Date();
    const { user, sid } = await newSession(t0);
    expect(await checkSession(database.prisma, sid, new Date(t0.getTime() + 30_000))).toMatchObject({ valid: true, userId: user.id });
    expect((await database.prisma.session.findUniqueOrThrow({ where: { id: sid } })).lastSeenAt).toEqual(t0);
    const later = new Date(t0.getTime() + 5 * 60_000);
    await checkSession(database.prisma, sid, later);
    expect((await database.prisma.session.findUniqueOrThrow({ where: { id: sid } })).lastSeenAt).toEqual(later);
  });

  it("sign-out revokes the row and audits it once; the session is dead afterwards", async () => {
    const { user, sid } = await newSession();
    expect(await signOutSession(database.prisma, sid)).toBe(true);
    expect(await signOutSession(database.prisma, sid)).toBe(false);
    expect(await checkSession(database.prisma, sid)).toEqual({ valid: false, reason: "revoked" });
    const entries = await database.prisma.auditEntry.findMany({ where: { actorId: user.id, action: "auth.sign_out" } });
    expect(entries).toHaveLength(1);
  });

  it("an admin revocation needs a reason and is audited with the admin as actor", async () => {
    const { user, sid } = await newSession();
    await expect(revokeSessionAudited(database.prisma, sid, { actor: { type: "user", id: "admin-1" }, reason: " " })).rejects.toThrow(
      /reason/,
    );
    expect(await revokeSessionAudited(database.prisma, sid, { actor: { type: "user", id: "admin-1" }, reason: "lost laptop" })).toBe(true);
    expect(await checkSession(database.prisma, sid)).toEqual({ valid: false, reason: "revoked" });
    const entry = await database.prisma.auditEntry.findFirstOrThrow({ where: { action: "auth.session.revoked", resource: `user:${user.id}` } });
    expect(entry).toMatchObject({ actorId: "admin-1", data: { reason: "lost laptop" } });
  });

  it("revokes all of a user's live sessions at once", async () => {
    const { user, sid } = await newSession();
    const second = await createSession(database.prisma, { userId: user.id, provider: "credentials" });
    expect(await revokeUserSessions(database.prisma, user.id, { actor: { type: "cli", id: "ops" }, reason: "offboarded" })).toBe(2);
    expect(await checkSession(database.prisma, sid)).toMatchObject({ valid: false, reason: "revoked" });
    expect(await checkSession(database.prisma, second)).toMatchObject({ valid: false, reason: "revoked" });
  });

  it("expires after the idle timeout", async () => {
    const t0 = new Date();
    const { sid } = await newSession(t0);
    const idle = new Date(t0.getTime() + sessionLimits().idleMs + 1);
    expect(await checkSession(database.prisma, sid, idle)).toEqual({ valid: false, reason: "idle" });
  });

  it("expires at the absolute lifetime even when used constantly", async () => {
    const t0 = new Date();
    const { sid } = await newSession(t0);
    const { idleMs, absoluteMs } = sessionLimits();
    let t = t0.getTime();
    while (t + idleMs / 2 < t0.getTime() + absoluteMs) {
      t += idleMs / 2;
      expect((await checkSession(database.prisma, sid, new Date(t))).valid).toBe(true);
    }
    expect(await checkSession(database.prisma, sid, new Date(t0.getTime() + absoluteMs))).toEqual({ valid: false, reason: "expired" });
  });

  it("voids sessions minted before a sessionVersion bump", async () => {
    const { user, sid } = await newSession();
    await database.prisma.user.update({ where: { id: user.id }, data: { sessionVersion: { increment: 1 } } });
    expect(await checkSession(database.prisma, sid)).toEqual({ valid: false, reason: "stale" });
    const fresh = await createSession(database.prisma, { userId: user.id, provider: "credentials" });
    expect((await checkSession(database.prisma, fresh)).valid).toBe(true);
  });

  it("refuses sessions of a disabled user and unknown session ids", async () => {
    const { user, sid } = await newSession();
    await database.prisma.user.update({ where: { id: user.id }, data: { disabled: true } });
    expect(await checkSession(database.prisma, sid)).toEqual({ valid: false, reason: "disabled" });
    expect(await checkSession(database.prisma, "no-such-session")).toEqual({ valid: false, reason: "missing" });
  });

  it("loadActor reloads memberships on every request, so a role change applies at once", async () => {
    setDatabase(database);
    const { user, sid } = await newSession();
    const tenant = await database.prisma.tenant.create({ data: { slug: randomSlug("t"), name: "T" } });
    expect((await loadActor(sid))?.memberships).toEqual([]);
    await database.prisma.membership.create({ data: { userId: user.id, tenantId: tenant.id, role: "approver" } });
    const actor = await loadActor(sid);
    expect(actor?.memberships).toEqual([{ tenantId: tenant.id, role: "approver" }]);
    expect(actor?.tenants.map((t) => t.slug)).toEqual([tenant.slug]);
    await database.prisma.membership.deleteMany({ where: { userId: user.id } });
    expect((await loadActor(sid))?.memberships).toEqual([]);
    await signOutSession(database.prisma, sid);
    expect(await loadActor(sid)).toBeNull();
  });

  it("loadActor lists the person's other accounts (shared personId) as identities, and no one else's", async () => {
    setDatabase(database);
    const { user, sid } = await newSession();
    expect((await loadActor(sid))?.identityIds).toEqual([]);
    const personId = crypto.randomUUID();
    const other = await makeUser();
    const stranger = await makeUser();
    await database.prisma.user.updateMany({ where: { id: { in: [user.id, other.id] } }, data: { personId } });
    await database.prisma.user.update({ where: { id: stranger.id }, data: { personId: crypto.randomUUID() } });
    expect((await loadActor(sid))?.identityIds).toEqual([other.id]);
  });
});
