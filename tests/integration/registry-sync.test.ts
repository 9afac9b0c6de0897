import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import type { Manifest, ProfileSpec } from "@/lib/domain/registry/manifest-schema";
import { verifyAuditLog } from "@/lib/server/audit-verify";
import { AppError } from "@/lib/server/errors";
import { applyHostRevocation, applySync, planSync } from "./registry-helpers";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";

const digest = (seed: string) => `sha256:${Buffer.from(seed.padEnd(32, "x")).toString("hex").slice(0, 64)}`;
function publicKey(): string {
  const der = generateKeyPairSync("ed25519").publicKey.export({ format: "der", type: "spki" });
  return der.subarray(der.length - 32).toString("base64");
}

function profileSpec(slug: string, tenant: string, overrides: Partial<ProfileSpec> = {}): ProfileSpec {
  return {
    slug,
    tenant,
    owner: "support-eng",
    ring: 2,
    tier: "L1",
    unit: `${slug}.service`,
    artifactDigest: digest(`${slug}-artifact`),
    rollbackTarget: { endpoint: `https://deploy.internal/${slug}`, manifestDigest: digest(`${slug}-manifest`) },
    evidencePath: `evidence/${slug}/`,
    tools: [{ name: "read_ticket", schemaHash: digest("read_ticket") }],
    deniedTools: ["shell_exec"],
    egress: ["tickets.internal:443"],
    secrets: [`secret://vault/${tenant}/${slug}`],
    ...overrides,
  };
}

interface Fleet {
  tenant: string;
  profiles: ProfileSpec[];
  hostId: string;
  keyId: string;
  key: string;
}

function newFleet(): Fleet {
  const tenant = randomSlug("tn");
  return {
    tenant,
    profiles: [profileSpec(randomSlug(`${tenant}-bot`), tenant), profileSpec(randomSlug(`${tenant}-bot`), tenant)],
    hostId: randomSlug("host"),
    keyId: randomSlug("key"),
    key: publicKey(),
  };
}

function manifestOf(f: Fleet, overrides: { profiles?: ProfileSpec[]; keyStatus?: "active" | "revoked" } = {}): Manifest {
  const profiles = overrides.profiles ?? f.profiles;
  return {
    apiVersion: "cellgate/v1",
    kind: "Registry",
    tenants: [{ slug: f.tenant, name: `Tenant ${f.tenant}` }],
    profiles,
    hosts: [{ id: f.hostId, profiles: profiles.map((p) => p.slug), keys: [{ id: f.keyId, publicKey: f.key, status: overrides.keyStatus ?? "active" }] }],
  };
}

describe.each(BACKENDS)("registry sync on %s", (backend) => {
  let database: TestDatabase;
  let admin: string;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    admin = `${randomSlug("admin")}@example.test`;
    await database.prisma.user.create({ data: { email: admin, name: "Admin", platformAdmin: true } });
  });
  afterAll(() => database?.close());

  async function operatorOf(tenantSlug: string): Promise<string> {
    const email = `${randomSlug("op")}@example.test`;
    const tenant = await database.prisma.tenant.findUniqueOrThrow({ where: { slug: tenantSlug } });
    await database.prisma.user.create({ data: { email, name: "Operator", memberships: { create: { tenantId: tenant.id, role: "operator" } } } });
    return email;
  }

  async function counts() {
    const p = database.prisma;
    const [tenants, profiles, hosts, keys, receipts, head] = await Promise.all([
      p.tenant.count(), p.profile.count(), p.host.count(), p.hostKey.count(), p.receipt.count(), p.auditHead.findUniqueOrThrow({ where: { id: 1 } }),
    ]);
    return { tenants, profiles, hosts, keys, receipts, seq: head.seq };
  }

  it("plans creates on an empty registry, applies them with one receipt, then plans all unchanged", async () => {
    const fleet = newFleet();
    const before = await counts();
    const plan = await planSync(database, manifestOf(fleet));
    expect(plan.changes.map((c) => c.op)).toEqual(["create-tenant", "create-profile", "create-profile", "create-host", "bind", "bind", "add-key"]);
    expect(await counts()).toEqual(before); // planning writes nothing

    const applied = await applySync(database, manifestOf(fleet), { actorEmail: admin, origin: "cli:test@host" });
    expect(applied.receipt?.id).toMatch(/^rcpt_/);
    const after = await counts();
    expect(after).toMatchObject({ tenants: before.tenants + 1, profiles: before.profiles + 2, hosts: before.hosts + 1, keys: before.keys + 1, receipts: before.receipts + 1, seq: before.seq + 1 });
    const receipt = await database.prisma.receipt.findUniqueOrThrow({ where: { id: applied.receipt!.id } });
    expect(receipt).toMatchObject({ action: "registry.sync", actorType: "user", auditSeq: after.seq });
    expect(receipt.summary).toMatchObject({ origin: "cli:test@host" });

    const again = await planSync(database, manifestOf(fleet));
    expect(again.changes).toEqual([]);
    expect(again.unchanged).toEqual({ tenants: [fleet.tenant], profiles: fleet.profiles.map((p) => p.slug), hosts: [fleet.hostId], keys: [fleet.keyId] });
    expect((await verifyAuditLog(database.sql)).ok).toBe(true);
  });

  it("shows and applies an update diff as an operator of the tenant, keeping profiles missing from the manifest", async () => {
    const fleet = newFleet();
    await applySync(database, manifestOf(fleet), { actorEmail: admin, origin: "test" });
    const operator = await operatorOf(fleet.tenant);
    const [first, second] = fleet.profiles as [ProfileSpec, ProfileSpec];
    const changed = { ...first, tier: "L2" as const, egress: [...first.egress, "kb.internal:443"] };
    const manifest = manifestOf(fleet, { profiles: [changed] });
    const plan = await planSync(database, manifest);
    expect(plan.changes).toEqual([
      expect.objectContaining({
        op: "update-profile",
        slug: first.slug,
        diffs: [
          { field: "tier", kind: "set", from: "L1", to: "L2" },
          { field: "egress", kind: "list", added: ["kb.internal:443"], removed: [] },
        ],
      }),
      expect.objectContaining({ op: "unbind", hostId: fleet.hostId, profile: second.slug }),
    ]);
    expect(plan.kept.profiles).toEqual([second.slug]);
    const applied = await applySync(database, manifest, { actorEmail: operator, origin: "test" });
    const tenant = await database.prisma.tenant.findUniqueOrThrow({ where: { slug: fleet.tenant } });
    expect(await database.prisma.receipt.findUniqueOrThrow({ where: { id: applied.receipt!.id } })).toMatchObject({
      scopeType: "tenant",
      scopeId: tenant.id,
      tenantId: tenant.id,
    });
    const row = await database.prisma.profile.findUniqueOrThrow({ where: { slug: first.slug } });
    expect(row).toMatchObject({ tier: "L2", egress: ["tickets.internal:443", "kb.internal:443"] });
    expect(await database.prisma.profile.count({ where: { slug: second.slug } })).toBe(1);
  });

  it("revokes a key marked revoked, and a host command revokes with a reason", async () => {
    const fleet = newFleet();
    await applySync(database, manifestOf(fleet), { actorEmail: admin, origin: "test" });
    const applied = await applySync(database, manifestOf(fleet, { keyStatus: "revoked" }), { actorEmail: admin, origin: "test" });
    expect(applied.plan.changes).toEqual([expect.objectContaining({ op: "revoke-key", keyId: fleet.keyId })]);
    const key = await database.prisma.hostKey.findUniqueOrThrow({ where: { id: fleet.keyId } });
    expect(key.status).toBe("revoked");
    expect(key.revokedAt).toBeInstanceOf(Date);
    await expect(
      applyHostRevocation(database, { hostId: fleet.hostId, keyId: fleet.keyId, reason: "again" }, { actorEmail: admin, origin: "test" }),
    ).rejects.toThrow(/already revoked/);
  });

  it("is all-or-nothing: a failure mid-apply leaves no change and no receipt", async () => {
    const fleet = newFleet();
    const before = await counts();
    // A real database failure at the last step (key insert), after tenant, profiles and host were written.
    await database.sql.exec(`
      CREATE OR REPLACE FUNCTION cg_test_refuse_key() RETURNS trigger AS $$
      BEGIN IF NEW.id = '${fleet.keyId}' THEN RAISE EXCEPTION 'forced failure for ${fleet.keyId}'; END IF; RETURN NEW; END;
      $$ LANGUAGE plpgsql;
      CREATE TRIGGER cg_test_refuse_key BEFORE INSERT ON "HostKey" FOR EACH ROW EXECUTE FUNCTION cg_test_refuse_key();`);
    try {
      await expect(applySync(database, manifestOf(fleet), { actorEmail: admin, origin: "test" })).rejects.toThrow(/forced failure/);
    } finally {
      await database.sql.exec(`DROP TRIGGER cg_test_refuse_key ON "HostKey"; DROP FUNCTION cg_test_refuse_key();`);
    }
    expect(await counts()).toEqual(before);
    expect(await database.prisma.tenant.count({ where: { slug: fleet.tenant } })).toBe(0);
  });

  it("refuses an operator of another tenant, writing nothing", async () => {
    const mine = newFleet();
    const theirs = newFleet();
    await applySync(database, manifestOf(mine), { actorEmail: admin, origin: "test" });
    await applySync(database, manifestOf(theirs), { actorEmail: admin, origin: "test" });
    const outsider = await operatorOf(theirs.tenant);
    const before = await counts();
    const changed = manifestOf(mine, { profiles: mine.profiles.map((p) => ({ ...p, owner: "someone-else" })) });
    const attempt = applySync(database, changed, { actorEmail: outsider, origin: "test" });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: "forbidden", permission: "registry.write" });
    // Another tenant's name reads exactly like a tenant that does not exist yet: its existence does not leak.
    const foreign = await applySync(database, changed, { actorEmail: outsider, origin: "test" }).then(() => null, (e: AppError) => e.message);
    const fresh = newFleet();
    const created = await applySync(database, manifestOf(fresh), { actorEmail: outsider, origin: "test" }).then(() => null, (e: AppError) => e.message);
    expect(foreign).toBe(`You may not register hosts and keys, sync the registry in tenant ${mine.tenant} (not one of yours, or new: creating a tenant needs a platform admin)`);
    expect(created).toBe(`You may not register hosts and keys, sync the registry in tenant ${fresh.tenant} (not one of yours, or new: creating a tenant needs a platform admin)`);
    // Nothing registered; the three refused attempts are on record.
    expect(await counts()).toEqual({ ...before, seq: before.seq + 3 });
    const refusals = await database.prisma.auditEntry.findMany({ where: { seq: { gt: before.seq } }, orderBy: { seq: "asc" } });
    expect(refusals.map((e) => [e.action, e.decision, (e.data as { attempted: string }).attempted])).toEqual(Array(3).fill(["access.denied", "FORBIDDEN", "registry.sync"]));
    const row = await database.prisma.profile.findUniqueOrThrow({ where: { slug: mine.profiles[0]!.slug } });
    expect(row.owner).toBe("support-eng");
  });
});
