import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDatabase, type Db } from "@/lib/db";
import { DEFAULT_QUERY } from "@/lib/domain/registry-query";
import { mayRun } from "@/lib/server/action";
import { createSession } from "@/lib/server/auth/sessions";
import { getProfile, listProfiles, revokeHostKeyAction } from "@/lib/server/profiles";
import { listReceipts } from "@/lib/server/receipts";
import { loadActor, type SessionActor } from "@/lib/server/session";
import { listViewAsTenants, startViewAsAction, stopViewAsAction } from "@/lib/server/view-as";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";
import { createProfile, createTenant } from "../support/factories";


async function seedTenant(prisma: Db) {
  const tenant = await createTenant(prisma);
  const slug = tenant.slug;
  const profile = await createProfile(prisma, tenant.id, { slug: `${slug}-agent`, ring: 1, tier: "L1" });
  const hostId = randomSlug("host");
  await prisma.host.create({
    data: { id: hostId, profiles: { create: { profileId: profile.id } }, keys: { create: { id: `${hostId}-k1`, publicKey: "AAAA" } } },
  });
  return { tenant, profile, keyId: `${hostId}-k1` };
}

async function signedIn(prisma: Db, platformAdmin: boolean, tenantId?: string): Promise<SessionActor> {
  const email = `${randomSlug("u")}@example.test`;
  const user = await prisma.user.create({ data: { email, name: email, platformAdmin } });
  if (tenantId) await prisma.membership.create({ data: { userId: user.id, tenantId, role: "operator" } });
  const sid = await createSession(prisma, { userId: user.id, provider: "credentials" });
  const actor = await loadActor(sid);
  if (!actor) throw new Error("session did not load");
  return actor;
}

describe.each(BACKENDS)("view as on %s", (backend) => {
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

  it("narrows a platform admin to one tenant role, read-only, until stopped", async () => {
    const admin = await signedIn(prisma, true);
    expect(await getProfile(admin, b.profile.slug)).not.toBeNull();
    expect((await listViewAsTenants(admin)).map((t) => t.slug)).toEqual(expect.arrayContaining([a.tenant.slug, b.tenant.slug]));

    const started = await startViewAsAction.execute({ actor: admin, prisma }, { tenant: a.tenant.slug, role: "operator" });
    expect(started).toMatchObject({ ok: true, data: { tenant: a.tenant.slug, role: "operator" } });

    const narrowed = (await loadActor(admin.sessionId))!;
    expect(narrowed).toMatchObject({ platformAdmin: false, isPlatformAdminUser: true, viewAs: { tenantId: a.tenant.id, role: "operator" } });
    expect(await getProfile(narrowed, b.profile.slug)).toBeNull();
    expect(await getProfile(narrowed, a.profile.slug)).not.toBeNull();
    const visible = await listProfiles(narrowed, { ...DEFAULT_QUERY, size: 100 });
    expect(new Set(visible.rows.map((r) => r.tenant.slug))).toEqual(new Set([a.tenant.slug]));

    // Viewing as an operator does not grant the operator's write access.
    const before = await prisma.receipt.count();
    const refused = await revokeHostKeyAction.execute(
      { actor: narrowed, prisma },
      { profileSlug: a.profile.slug, keyId: a.keyId, reason: "testing" },
    );
    expect(refused).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await prisma.receipt.count()).toBe(before);
    // The page hides the control by the same rule the pipeline enforces.
    expect(mayRun(revokeHostKeyAction, narrowed, { tenantId: a.tenant.id })).toBe(false);

    const stopped = await stopViewAsAction.execute({ actor: narrowed, prisma }, {});
    expect(stopped.ok).toBe(true);
    const restored = (await loadActor(admin.sessionId))!;
    expect(restored).toMatchObject({ platformAdmin: true, viewAs: null });
    expect(await getProfile(restored, b.profile.slug)).not.toBeNull();
    expect(mayRun(revokeHostKeyAction, restored, { tenantId: a.tenant.id })).toBe(true);

    const receipts = await listReceipts(restored, 1);
    expect(receipts.rows.map((r) => r.action)).toEqual(["session.view_as.stop", "session.view_as.start"]);
  });

  it("refuses anyone who is not a platform admin, and unknown tenants or roles", async () => {
    const operator = await signedIn(prisma, false, a.tenant.id);
    const before = await prisma.receipt.count();
    const refused = await startViewAsAction.execute({ actor: operator, prisma }, { tenant: a.tenant.slug, role: "viewer" });
    expect(refused).toMatchObject({ ok: false, error: { code: "forbidden", message: expect.stringMatching(/only platform admins/i) } });
    expect(await listViewAsTenants(operator)).toEqual([]);
    expect((await stopViewAsAction.execute({ actor: operator, prisma }, {})).ok).toBe(false);

    const admin = await signedIn(prisma, true);
    const unknown = await startViewAsAction.execute({ actor: admin, prisma }, { tenant: "no-such-tenant", role: "viewer" });
    expect(unknown).toMatchObject({ ok: false, error: { code: "not_found" } });
    const badRole = await startViewAsAction.execute({ actor: admin, prisma }, { tenant: a.tenant.slug, role: "root" });
    expect(badRole).toMatchObject({ ok: false, error: { code: "invalid_input", fieldErrors: { role: [expect.any(String)] } } });
    expect(await prisma.receipt.count()).toBe(before);
    expect((await loadActor(admin.sessionId))!.viewAs).toBeNull();
  });
});
