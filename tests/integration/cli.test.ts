import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/lib/db";
import { controlGaps, type TierName } from "@/lib/domain/tiers";
import { verifyPassword } from "@/lib/server/passwords";
import { runCli } from "../support/cli";
import { createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";

const cli = runCli;

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-cli-"));
}

describe("cellgate CLI: usage and help", () => {
  it.each([["db"], ["demo"], ["admin"], ["login"], ["registry"], ["host"], ["audit"]])("%s --help exits 0", async (command) => {
    const result = await cli([command, "--help"], { CELLGATE_DATA_DIR: "/nonexistent/never-opened" });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage:/);
  });

  it("exits 2 on usage errors", { timeout: 180_000 }, async () => {
    const env = { CELLGATE_DATA_DIR: "/nonexistent/never-opened" };
    expect((await cli(["frobnicate"], env)).code).toBe(2);
    expect((await cli([], env)).code).toBe(2);
    const badOption = await cli(["audit", "verify", "--bogus"], env);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/bogus/);
    expect((await cli(["registry", "sync"], env)).code).toBe(2);
  });
});

describe("cellgate admin create (direct database access, PostgreSQL)", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("postgresql");
  });
  afterAll(async () => {
    await database?.close();
  });

  it("creates a platform admin with a one-time password shown once and stored as an argon2id hash, audited", async () => {
    const email = `${randomSlug("first-admin")}@example.test`;
    const created = await cli(["admin", "create", email, "--name", "First Admin"], { DATABASE_URL: database.url });
    expect(created.code).toBe(0);
    const password = /One-time password \(shown only now\): (\S+)/.exec(created.stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const user = await database.prisma.user.findUniqueOrThrow({ where: { email } });
    expect(user).toMatchObject({ platformAdmin: true, name: "First Admin", kind: "person" });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(user.passwordHash, password!)).toBe(true);
    expect(user.passwordHash).not.toContain(password!);
    const receipt = await database.prisma.receipt.findFirstOrThrow({ where: { action: "admin.create", scopeId: user.id } });
    expect(receipt.actorType).toBe("cli");
    const again = await cli(["admin", "create", email.toUpperCase()], { DATABASE_URL: database.url });
    expect(again).toMatchObject({ code: 1, stderr: expect.stringContaining("already exists; nothing was changed") });
    expect((await cli(["admin", "create", "not-an-address"], { DATABASE_URL: database.url })).code).toBe(1);
  });
});

describe("console commands without a console", () => {
  it("say how to log in, in one line, and exit 1", async () => {
    const dir = tempDir();
    try {
      const result = await cli(["registry", "sync", "examples/registry.yaml"], { CELLGATE_CONFIG_DIR: path.join(dir, "config") });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe("cellgate: not logged in to a console: run `cellgate login --url URL` (or set CELLGATE_URL and CELLGATE_TOKEN)");
      expect(fs.existsSync(path.join(dir, "config"))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("cellgate CLI against embedded PGlite (CELLGATE_DATA_DIR)", () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("migrates and seeds demo data once (the demo contract), refusing to seed a database with pending migrations", async () => {
    const env = { CELLGATE_DATA_DIR: path.join(dir, "data"), CELLGATE_DEMO_PASSWORD: "correct-horse-battery" };
    const pending = await cli(["demo", "seed", "--apply"], env);
    expect(pending.code).toBe(1);
    expect(pending.stderr).toMatch(/pending migration/);
    expect((await cli(["db", "migrate", "--apply"], env)).stdout).toMatch(/[1-9]\d* pending[\s\S]*Applied [1-9]\d* migration/);

    const seeded = await cli(["demo", "seed", "--apply"], env);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(/3 tenants, 4\d profiles/);
    expect(seeded.stdout).toContain("approver@globex.demo");
    expect(seeded.stdout).toContain("tenant-admin@acme.demo");
    expect(seeded.stdout).toContain("admin@cellgate.demo");
    expect(seeded.stdout).toContain("password: correct-horse-battery");
    const again = await cli(["demo", "seed", "--apply"], env);
    expect(again.stdout).toMatch(/^already seeded/);

    // The demo-data contract other parts of the console and the e2e specs rely on.
    const database = await openDatabase({ dataDir: env.CELLGATE_DATA_DIR });
    try {
      await expectDemoContract(database);
    } finally {
      await database.close();
    }
  }, 300_000);
});

async function expectDemoContract(database: Database): Promise<void> {
  const p = database.prisma;
  const tenants = await p.tenant.findMany({ orderBy: { slug: "asc" } });
  expect(tenants.filter((t) => ["acme", "globex", "initech"].includes(t.slug)).map((t) => t.name)).toEqual(["Acme Corp", "Globex", "Initech"]);
  const profiles = await p.profile.findMany({ include: { controls: true, tenant: true } });
  const demo = profiles.filter((x) => x.tenant.slug !== "platform");
  expect(demo.length).toBeGreaterThanOrEqual(40);
  expect(new Set(demo.map((x) => x.ring))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
  expect(new Set(demo.map((x) => x.tier))).toEqual(new Set(["L0", "L1", "L2", "L3", "L4", "L5"]));
  expect(new Set(demo.map((x) => x.health))).toEqual(new Set(["healthy", "degraded", "down", "unknown"]));
  expect(new Set(demo.map((x) => x.canaryStage))).toEqual(new Set(["deploy_only", "read_only", "limited", "promoted", "rolled_back"]));
  const gaps = demo.map((x) => controlGaps(x.tier as TierName, x.controls.map((c) => c.control)).length);
  expect(gaps.some((g) => g === 0)).toBe(true);
  expect(gaps.some((g) => g > 0)).toBe(true);
  for (const slug of ["acme-ticket-triage", "globex-build-runner", "initech-report-writer"]) {
    expect(demo.find((x) => x.slug === slug)).toBeDefined();
  }
  const host = await p.host.findUniqueOrThrow({ where: { id: "acme-sandbox-01" }, include: { keys: true, profiles: { include: { profile: true } } } });
  expect(host.profiles.map((hp) => hp.profile.slug)).toContain("acme-ticket-triage");
  expect(host.keys.filter((k) => k.status === "active")).toHaveLength(1);
  expect(Buffer.from(host.keys[0]!.publicKey, "base64")).toHaveLength(32);
  const users = await p.user.findMany({ include: { memberships: { include: { tenant: true } } } });
  const byEmail = new Map(users.map((u) => [u.email, u]));
  expect(byEmail.get("admin@cellgate.demo")?.platformAdmin).toBe(true);
  expect(byEmail.get("tenant-admin@acme.demo")?.memberships.map((m) => [m.tenant.slug, m.role])).toEqual([["acme", "tenant_admin"]]);
  expect(byEmail.get("approver@globex.demo")?.memberships.map((m) => [m.tenant.slug, m.role])).toEqual([["globex", "approver"]]);
  expect(byEmail.get("viewer@initech.demo")?.passwordHash).toMatch(/^\$argon2id\$/);
  expect(await p.receipt.count({ where: { action: "demo.seed" } })).toBe(1);
}
