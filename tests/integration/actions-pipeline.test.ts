import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantRole } from "@/lib/authz";
import { z } from "zod";
import { setDatabase, type Db } from "@/lib/db";
import { defineAction, mayRun } from "@/lib/server/action";
import { getProfile, revokeHostKeyAction } from "@/lib/server/profiles";
import { listReceipts } from "@/lib/server/receipts";
import type { SessionActor } from "@/lib/server/session";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";
import { createProfile, createTenant } from "../support/factories";
import { sealedAt } from "../support/audit";


async function seedTenant(prisma: Db) {
  const tenant = await createTenant(prisma);
  const profile = await createProfile(prisma, tenant.id, { slug: `${tenant.slug}-agent` });
  const hostId = randomSlug("host");
  await prisma.host.create({
    data: {
      id: hostId,
      profiles: { create: { profileId: profile.id } },
      keys: { create: [{ id: `${hostId}-k1`, publicKey: "AAAA" }, { id: `${hostId}-k2`, publicKey: "BBBB" }] },
    },
  });
  return { tenant, profile, hostId, keyId: `${hostId}-k1`, otherKeyId: `${hostId}-k2` };
}

async function userWith(prisma: Db, tenantId: string | null, role: TenantRole | "platform_admin"): Promise<SessionActor> {
  const email = `${randomSlug("u")}@example.test`;
  const user = await prisma.user.create({ data: { email, name: email, platformAdmin: role === "platform_admin" } });
  if (tenantId && role !== "platform_admin") await prisma.membership.create({ data: { userId: user.id, tenantId, role } });
  const session = await prisma.session.create({
    data: { id: randomSlug("sid"), userId: user.id, sessionVersion: 1, expiresAt: new Date(Date.now() + 3_600_000) },
  });
  const admin = role === "platform_admin";
  return {
    userId: user.id,
    email,
    name: email,
    sessionId: session.id,
    platformAdmin: admin,
    isPlatformAdminUser: admin,
    memberships: tenantId && !admin ? [{ tenantId, role: role as TenantRole }] : [],
    tenants: [],
    viewAs: null,
  };
}

async function counts(prisma: Db) {
  const [receipts, audit] = await Promise.all([prisma.receipt.count(), prisma.auditEntry.count()]);
  return { receipts, audit };
}

describe.each(BACKENDS)("action pipeline on %s", (backend) => {
  let database: TestDatabase;
  let prisma: Db;
  let a: Awaited<ReturnType<typeof seedTenant>>;
  let b: Awaited<ReturnType<typeof seedTenant>>;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    prisma = database.prisma;
    setDatabase(database);
    a = await seedTenant(prisma);
    b = await seedTenant(prisma);
  });
  afterAll(async () => {
    setDatabase(undefined);
    await database?.close();
  });

  const revoke = (actor: SessionActor | null, input: unknown) =>
    revokeHostKeyAction.execute({ actor, prisma }, input);

  it("lets an operator revoke a key: status, receipt and audit entry written together", async () => {
    const operator = await userWith(prisma, a.tenant.id, "operator");
    const revalidated: string[] = [];
    const result = await revokeHostKeyAction.execute(
      { actor: operator, prisma, onCommitted: (paths) => void revalidated.push(...paths) },
      { profileSlug: a.profile.slug, keyId: a.keyId, reason: "laptop lost" },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data).toMatchObject({ keyId: a.keyId, hostId: a.hostId });
    expect(revalidated).toEqual([`/profiles/${a.profile.slug}`]);

    const key = await prisma.hostKey.findUniqueOrThrow({ where: { id: a.keyId } });
    expect(key).toMatchObject({ status: "revoked", revokedReason: "laptop lost" });
    expect(key.revokedAt).toBeInstanceOf(Date);
    expect((await prisma.hostKey.findUniqueOrThrow({ where: { id: a.otherKeyId } })).status).toBe("active");

    const receipt = await prisma.receipt.findUniqueOrThrow({ where: { id: result.receipt!.id } });
    expect(receipt).toMatchObject({
      action: "host.key.revoke",
      actorId: operator.userId,
      scopeType: "host",
      scopeId: a.hostId,
      tenantId: a.tenant.id,
    });
    const entry = await prisma.auditEntry.findUniqueOrThrow({ where: { seq: sealedAt(receipt.auditSeq) } });
    expect(entry).toMatchObject({
      hash: receipt.auditHash,
      action: "host.key.revoke",
      profileId: a.profile.id,
      tenantId: a.tenant.id,
      requestHash: receipt.requestHash,
    });

    const mine = await listReceipts(operator, 1);
    expect(mine.rows.map((r) => r.id)).toEqual([result.receipt!.id]);
    const auditor = await userWith(prisma, a.tenant.id, "auditor");
    expect((await getProfile(auditor, a.profile.slug))!.audit!.map((e) => e.seq)).toContain(receipt.auditSeq);
    expect((await listReceipts(auditor, 1)).total).toBe(0);

    const again = await revoke(operator, { profileSlug: a.profile.slug, keyId: a.keyId, reason: "twice" });
    expect(again).toMatchObject({ ok: false, error: { code: "conflict" } });
  });

  it("refuses a viewer, an approver and an auditor with a reason, writing nothing", async () => {
    for (const role of ["viewer", "approver", "auditor"] as const) {
      const actor = await userWith(prisma, a.tenant.id, role);
      const before = await counts(prisma);
      const result = await revoke(actor, { profileSlug: a.profile.slug, keyId: a.otherKeyId, reason: "not mine" });
      expect(result).toMatchObject({ ok: false, error: { code: "forbidden" } });
      if (!result.ok) expect(result.error.message).toMatch(/may not register hosts and keys/);
      // Nothing changed; the refused attempt is on record (actor, action, target, reason).
      expect(await counts(prisma)).toEqual({ ...before, audit: before.audit + 1 });
      const entry = await prisma.auditEntry.findFirstOrThrow({ orderBy: { seq: "desc" } });
      expect(entry).toMatchObject({ action: "access.denied", actorId: actor.userId, resource: `key:${a.otherKeyId}`, decision: "FORBIDDEN", tenantId: a.tenant.id });
      expect(entry.data).toMatchObject({ attempted: "host.key.revoke", reason: expect.stringMatching(/may not register hosts and keys/) });
      // …and the page would not offer the control to them at all.
      expect(mayRun(revokeHostKeyAction, actor, { tenantId: a.tenant.id })).toBe(false);
    }
    expect((await prisma.hostKey.findUniqueOrThrow({ where: { id: a.otherKeyId } })).status).toBe("active");
    const operator = await userWith(prisma, a.tenant.id, "operator");
    expect(mayRun(revokeHostKeyAction, operator, { tenantId: a.tenant.id })).toBe(true);
    expect(mayRun(revokeHostKeyAction, operator, { tenantId: b.tenant.id })).toBe(false);
  });

  it("answers not-found to another tenant's operator, exactly as for a missing key", async () => {
    const operatorB = await userWith(prisma, b.tenant.id, "operator");
    const before = await counts(prisma);
    const foreign = await revoke(operatorB, { profileSlug: a.profile.slug, keyId: a.otherKeyId, reason: "sneaky" });
    const missing = await revoke(operatorB, { profileSlug: b.profile.slug, keyId: "no-such-key", reason: "typo" });
    // A's key through B's own profile: the key is not bound to it.
    const crossed = await revoke(operatorB, { profileSlug: b.profile.slug, keyId: a.otherKeyId, reason: "crossed" });
    for (const result of [foreign, missing, crossed]) {
      expect(result).toMatchObject({ ok: false, error: { code: "not_found" } });
    }
    expect(JSON.stringify(foreign)).toBe(JSON.stringify(missing));
    expect(await counts(prisma)).toEqual({ ...before, audit: before.audit + 3 });
    const entries = await prisma.auditEntry.findMany({ orderBy: { seq: "desc" }, take: 3 });
    expect(entries.map((e) => [e.action, e.decision, e.tenantId])).toEqual(Array(3).fill(["access.denied", "NOT_FOUND", null]));
  });

  it("returns zod problems as field errors, and refuses when signed out", async () => {
    const operator = await userWith(prisma, a.tenant.id, "operator");
    const form = new FormData();
    form.set("profileSlug", a.profile.slug);
    form.set("keyId", a.otherKeyId);
    form.set("reason", " ");
    const result = await revoke(operator, form);
    expect(result).toMatchObject({ ok: false, error: { code: "invalid_input" } });
    if (!result.ok) expect(result.error.fieldErrors?.reason?.[0]).toMatch(/reason of at least 3/);

    const signedOut = await revoke(null, { profileSlug: a.profile.slug, keyId: a.otherKeyId, reason: "whatever" });
    expect(signedOut).toMatchObject({ ok: false, error: { code: "unauthenticated" } });
  });

  it("lets a platform admin revoke in any tenant", async () => {
    const admin = await userWith(prisma, null, "platform_admin");
    const result = await revoke(admin, { profileSlug: b.profile.slug, keyId: b.keyId, reason: "rotation done" });
    expect(result.ok).toBe(true);
    expect((await prisma.hostKey.findUniqueOrThrow({ where: { id: b.keyId } })).status).toBe("revoked");
  });

  it("rolls back and shows generic text with the request id when run throws unexpectedly", async () => {
    const operator = await userWith(prisma, b.tenant.id, "operator");
    const exploding = defineAction({
      name: "test.explode",
      input: z.object({ keyId: z.string() }),
      permission: "registry.write",
      resource: async () => ({ tenantId: b.tenant.id }),
      async run(tx, input) {
        await tx.hostKey.update({ where: { id: input.keyId }, data: { status: "revoked" } });
        throw new Error("disk on fire");
      },
      receipt: () => ({ scope: { type: "tenant", id: b.tenant.id }, request: {}, result: {}, summary: {} }),
    });
    const before = await counts(prisma);
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const result = await exploding.execute({ actor: operator, prisma, requestId: "req-test-1" }, { keyId: b.otherKeyId });
      expect(result).toMatchObject({ ok: false, error: { code: "internal", requestId: "req-test-1" } });
      if (!result.ok) expect(result.error.message).not.toMatch(/disk on fire/);
    } finally {
      console.error = original;
    }
    expect(JSON.stringify(errors)).toMatch(/req-test-1/);
    expect((await prisma.hostKey.findUniqueOrThrow({ where: { id: b.otherKeyId } })).status).toBe("active");
    expect(await counts(prisma)).toEqual(before);
  });
});
