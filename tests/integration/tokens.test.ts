/**
 * API tokens on both databases: created through the pipeline (never more
 * than the creator holds), authenticated with every refusal named, bounded by
 * their scope and permissions, and by what the owner holds at each request
 * (a demoted or disabled owner's token loses its powers at once); revocation
 * is immediate; creating and revoking are audited; service accounts act only
 * through their tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { can } from "@/lib/authz";
import type { Db } from "@/lib/db";
import { hashToken, mintToken } from "@/lib/domain/tokens/format";
import { loadActor } from "@/lib/server/session";
import { createServiceAccountAction, createServiceTokenAction, createTokenAction, revokeTokenAction } from "@/lib/server/tokens/actions";
import { authenticateToken } from "@/lib/server/tokens/authenticate";
import { setDatabase } from "@/lib/db";
import { actorByEmail, runAs } from "../support/actors";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";
import { createTenant } from "../support/factories";
import { sealedAt } from "../support/audit";

const bearer = (token: string) => `Bearer ${token}`;

describe.each(BACKENDS)("API tokens (%s)", (backend) => {
  let database: TestDatabase;
  let prisma: Db;
  let acme: { id: string; slug: string };
  let globex: { id: string; slug: string };

  async function person(role: "viewer" | "operator" | "tenant_admin" | "platform_admin", tenantId = acme.id) {
    const email = `${randomSlug(role)}@example.test`;
    const user = await prisma.user.create({
      data: {
        email,
        name: email,
        platformAdmin: role === "platform_admin",
        ...(role === "platform_admin" ? {} : { memberships: { create: { tenantId, role } } }),
      },
    });
    return { email, id: user.id, actor: await actorByEmail(prisma, email) };
  }

  const create = async (actor: Awaited<ReturnType<typeof person>>["actor"], input: Record<string, unknown>) =>
    createTokenAction.execute({ actor, prisma }, { name: "t", expiresInDays: 30, ...input });

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    prisma = database.prisma;
    setDatabase(database);
    acme = await createTenant(prisma, "acme");
    globex = await createTenant(prisma, "globex");
  });
  afterAll(async () => {
    setDatabase(undefined);
    await database?.close();
  });

  it("is shown once, stored only as its hash, with a receipt and an audit entry that never hold it", async () => {
    const operator = await person("operator");
    const result = await create(operator.actor, { scope: acme.slug, permissions: ["registry.write", "registry.read"] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { token, id } = result.data;
    const row = await prisma.apiToken.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ ownerId: operator.id, tenantId: acme.id, permissions: ["registry.read", "registry.write"], hash: hashToken(token), receiptId: result.receipt!.id });
    expect(row.expiresAt.getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);
    const receipt = await prisma.receipt.findUniqueOrThrow({ where: { id: result.receipt!.id } });
    const entry = await prisma.auditEntry.findUniqueOrThrow({ where: { seq: sealedAt(receipt.auditSeq) } });
    expect(receipt).toMatchObject({ action: "token.create", actorId: operator.id, tenantId: acme.id });
    expect(JSON.stringify([row, receipt, entry])).not.toContain(token.slice(4));
    expect(entry.data).toMatchObject({ token: id, owner: operator.email });
  });

  it("never carries more than its creator holds in its scope, and refuses bad input by field", async () => {
    const viewer = await person("viewer");
    const refused = await create(viewer.actor, { scope: acme.slug, permissions: ["registry.write"] });
    expect(refused).toMatchObject({ ok: false, error: { code: "forbidden", message: expect.stringContaining("You do not hold registry.write") } });
    expect(await create(viewer.actor, { scope: "platform", permissions: ["registry.read"] })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await create(viewer.actor, { scope: globex.slug, permissions: ["registry.read"] })).toMatchObject({ ok: false, error: { code: "not_found" } });
    const bad = await create(viewer.actor, { scope: acme.slug, permissions: ["job.approve"], expiresInDays: 400, name: "" });
    expect(bad).toMatchObject({ ok: false, error: { code: "invalid_input" } });
    if (!bad.ok) expect(Object.keys(bad.error.fieldErrors ?? {}).sort()).toEqual(["expiresInDays", "name", "permissions"]);
    const ok = await create(viewer.actor, { scope: acme.slug, permissions: ["registry.read"] });
    expect(ok.ok).toBe(true);
    expect(await prisma.apiToken.count({ where: { ownerId: viewer.id } })).toBe(1);
  });

  it("authenticates, and names every refusal without saying which part of a secret matched", async () => {
    const operator = await person("operator");
    const made = await create(operator.actor, { scope: acme.slug, permissions: ["registry.read", "registry.write"] });
    if (!made.ok) throw new Error(made.error.message);
    const { token, id } = made.data;
    const good = await authenticateToken(prisma, bearer(token));
    expect(good).toMatchObject({ ok: true, tokenId: id, actor: { userId: operator.id, tokenId: id, limit: { tenantId: acme.id, permissions: ["registry.read", "registry.write"] } } });
    expect((await prisma.apiToken.findUniqueOrThrow({ where: { id } })).lastUsedAt).toBeInstanceOf(Date);

    expect(await authenticateToken(prisma, null)).toMatchObject({ ok: false, reason: "missing" });
    expect(await authenticateToken(prisma, "Basic abc")).toMatchObject({ ok: false, reason: "malformed" });
    expect(await authenticateToken(prisma, bearer("cgt_short"))).toMatchObject({ ok: false, reason: "malformed" });
    const typo = token.slice(0, 30) + (token[30] === "a" ? "b" : "a") + token.slice(31);
    expect(await authenticateToken(prisma, bearer(typo))).toMatchObject({ ok: false, reason: "malformed", detail: expect.stringMatching(/mistyped/) });
    // A well-formed token the console never issued, and a real id whose stored hash is another secret's: the same "unknown".
    expect(await authenticateToken(prisma, bearer(mintToken().token))).toMatchObject({ ok: false, reason: "unknown", detail: "This console did not issue that token." });
    const stored = (await prisma.apiToken.findUniqueOrThrow({ where: { id } })).hash;
    await prisma.apiToken.update({ where: { id }, data: { hash: mintToken().hash } });
    expect(await authenticateToken(prisma, bearer(token))).toMatchObject({ ok: false, reason: "unknown", detail: "This console did not issue that token." });
    await prisma.apiToken.update({ where: { id }, data: { hash: stored } });

    await prisma.apiToken.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await authenticateToken(prisma, bearer(token))).toMatchObject({ ok: false, reason: "expired" });
    await prisma.apiToken.update({ where: { id }, data: { expiresAt: new Date(Date.now() + 86_400_000) } });
    await prisma.user.update({ where: { id: operator.id }, data: { disabled: true } });
    expect(await authenticateToken(prisma, bearer(token))).toMatchObject({ ok: false, reason: "owner-disabled" });
    await prisma.user.update({ where: { id: operator.id }, data: { disabled: false } });
    expect(await authenticateToken(prisma, bearer(token))).toMatchObject({ ok: true });
  });

  it("loses a demoted owner's powers at the next request; a revocation applies at once", async () => {
    const operator = await person("operator");
    const made = await create(operator.actor, { scope: acme.slug, permissions: ["registry.read", "registry.write"] });
    if (!made.ok) throw new Error(made.error.message);
    const before = await authenticateToken(prisma, bearer(made.data.token));
    expect(before.ok && can(before.actor, "registry.write", { tenantId: acme.id })).toBe(true);
    expect(before.ok && can(before.actor, "registry.write", { tenantId: globex.id })).toBe(false);

    await prisma.membership.updateMany({ where: { userId: operator.id }, data: { role: "viewer" } });
    const demoted = await authenticateToken(prisma, bearer(made.data.token));
    expect(demoted.ok).toBe(true);
    expect(demoted.ok && can(demoted.actor, "registry.write", { tenantId: acme.id })).toBe(false);
    expect(demoted.ok && can(demoted.actor, "registry.read", { tenantId: acme.id })).toBe(true);

    const other = await person("operator");
    expect(await revokeTokenAction.execute({ actor: other.actor, prisma }, { id: made.data.id })).toMatchObject({ ok: false, error: { code: "not_found" } });
    const revoked = await revokeTokenAction.execute({ actor: operator.actor, prisma }, { id: made.data.id });
    expect(revoked).toMatchObject({ ok: true, data: { id: made.data.id }, receipt: { action: "token.revoke" } });
    expect(await authenticateToken(prisma, bearer(made.data.token))).toMatchObject({ ok: false, reason: "revoked" });
    expect(await revokeTokenAction.execute({ actor: operator.actor, prisma }, { id: made.data.id })).toMatchObject({ ok: false, error: { code: "conflict" } });
  });

  it("a platform admin makes service accounts whose tokens carry only what the account holds; they never sign in", async () => {
    const admin = await person("platform_admin");
    const operator = await person("operator");
    expect(await createServiceAccountAction.execute({ actor: operator.actor, prisma }, { slug: "nope-ci", grant: "platform_admin" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    const slug = randomSlug("ci").slice(0, 30);
    const account = await runAs(createServiceAccountAction.definition, { actor: admin.actor, prisma }, { slug, grant: `${acme.slug}:operator` });
    expect(account.data).toMatchObject({ email: `service:${slug}`, grant: `${acme.slug}:operator` });
    expect(await prisma.user.findUniqueOrThrow({ where: { id: account.data.id } })).toMatchObject({ kind: "service", passwordHash: null, platformAdmin: false });

    const tooMuch = await createServiceTokenAction.execute(
      { actor: admin.actor, prisma },
      { name: "ci", scope: acme.slug, expiresInDays: 90, permissions: ["policy.write"], serviceAccount: account.data.id },
    );
    expect(tooMuch).toMatchObject({ ok: false, error: { code: "invalid_input", message: expect.stringContaining(`service:${slug} does not hold policy.write`) } });
    const token = await runAs(
      createServiceTokenAction.definition,
      { actor: admin.actor, prisma },
      { name: "ci", scope: acme.slug, expiresInDays: 90, permissions: ["registry.write"], serviceAccount: account.data.id },
    );
    expect(token.data.ownerEmail).toBe(`service:${slug}`);
    expect(token.receipt).toMatchObject({ action: "token.create_service", actor: `user:${admin.id}` });
    const authenticated = await authenticateToken(prisma, bearer(token.data.token));
    expect(authenticated.ok && can(authenticated.actor, "registry.write", { tenantId: acme.id })).toBe(true);

    // A service account has no console session, even with a session row forged for it.
    const session = await prisma.session.create({ data: { id: randomSlug("sid"), userId: account.data.id, sessionVersion: 1, expiresAt: new Date(Date.now() + 3_600_000) } });
    expect(await loadActor(session.id)).toBeNull();
  });
});
