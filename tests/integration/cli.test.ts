import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/lib/db";
import { controlGaps, type TierName } from "@/lib/domain/tiers";
import { createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";

const ROOT = path.resolve(__dirname, "../..");
const run = promisify(execFile);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (bin/cellgate.mjs) as a child process; never throws on a non-zero exit. */
async function cli(args: string[], env: Record<string, string | undefined>, cwd = ROOT): Promise<CliResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, CELLGATE_ACTOR: undefined, DATABASE_URL: undefined, CELLGATE_INVOKE_CWD: undefined, ...env };
  for (const key of Object.keys(childEnv)) if (childEnv[key] === undefined) delete childEnv[key];
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, "bin/cellgate.mjs"), ...args], { env: childEnv, cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

function publicKey(): string {
  const der = generateKeyPairSync("ed25519").publicKey.export({ format: "der", type: "spki" });
  return der.subarray(der.length - 32).toString("base64");
}

const D = (c: string) => `sha256:${c.repeat(64)}`;

function manifestYaml(tenant: string, profile: string, host: string, key: string, tier = "L1"): string {
  return [
    "apiVersion: cellgate/v1",
    "kind: Registry",
    "tenants:",
    `  - { slug: ${tenant}, name: Tenant ${tenant} }`,
    "profiles:",
    `  - slug: ${profile}`,
    `    tenant: ${tenant}`,
    "    owner: support-eng",
    "    ring: 2",
    `    tier: ${tier}`,
    "    unit: agent-bot.service",
    `    artifactDigest: ${D("a")}`,
    `    rollbackTarget: { endpoint: "https://deploy.internal/bot", manifestDigest: "${D("b")}" }`,
    "    evidencePath: evidence/bot/",
    '    secrets: [ "secret://vault/bot/token" ]', // line 15
    "hosts:",
    `  - id: ${host}`,
    `    profiles: [ ${profile} ]`,
    `    keys: [ { id: ${host}-k1, publicKey: "${key}" } ]`,
    "",
  ].join("\n");
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-cli-"));
}

describe("cellgate CLI: usage and help", () => {
  it.each([["db"], ["demo"], ["registry"], ["host"], ["audit"]])("%s --help exits 0", async (command) => {
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

describe("cellgate CLI against PostgreSQL (DATABASE_URL)", () => {
  let database: TestDatabase;
  let admin: string;
  let dir: string;
  beforeAll(async () => {
    database = await createTestDatabase("postgresql");
    admin = `${randomSlug("admin")}@example.test`;
    await database.prisma.user.create({ data: { email: admin, name: "Admin", platformAdmin: true } });
    dir = tempDir();
  });
  afterAll(async () => {
    await database?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("dry run changes nothing; --apply needs an actor, then writes with a receipt", { timeout: 180_000 }, async () => {
    const [tenant, profile, host] = [randomSlug("tn"), randomSlug("bot"), randomSlug("host")];
    const file = path.join(dir, `${tenant}.yaml`);
    fs.writeFileSync(file, manifestYaml(tenant, profile, host, publicKey()));
    const env = { DATABASE_URL: database.url };

    const dry = await cli(["registry", "sync", file], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`+ profile ${profile} (tenant ${tenant})`);
    expect(dry.stdout).toContain("Dry run: nothing was changed");
    expect(await database.prisma.profile.count({ where: { slug: profile } })).toBe(0);

    expect((await cli(["registry", "sync", file, "--apply"], env)).code).toBe(2);

    const applied = await cli(["registry", "sync", file, "--apply", "--actor", admin], env);
    expect(applied.code).toBe(0);
    const match = /Applied: receipt (rcpt_\S+), audit seq (\d+)/.exec(applied.stdout);
    expect(match).not.toBeNull();
    expect(await database.prisma.receipt.findUnique({ where: { id: match![1]! } })).toMatchObject({ auditSeq: Number(match![2]) });
    expect(await database.prisma.profile.count({ where: { slug: profile } })).toBe(1);

    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("tier: L1", "tier: L3"));
    const diff = await cli(["registry", "sync", file, "--json"], env);
    expect(diff.code).toBe(0);
    const json = JSON.parse(diff.stdout) as { applied: boolean; plan: { changes: { op: string; diffs?: unknown[] }[] } };
    expect(json.applied).toBe(false);
    expect(json.plan.changes).toEqual([expect.objectContaining({ op: "update-profile", diffs: [{ field: "tier", kind: "set", from: "L1", to: "L3" }] })]);
  });

  it("names the line of each manifest error and exits 1, writing nothing", async () => {
    const [tenant, profile, host] = [randomSlug("tn"), randomSlug("bot"), randomSlug("host")];
    const file = path.join(dir, `${tenant}-bad.yaml`);
    const bad = manifestYaml(tenant, profile, host, Buffer.alloc(16, 1).toString("base64"))
      .replace('"secret://vault/bot/token"', '"hunter2"')
      .replace("    ring: 2", "    ring: 2\n    colour: blue");
    fs.writeFileSync(file, bad);
    const result = await cli(["registry", "sync", file, "--apply", "--actor", admin], { DATABASE_URL: database.url });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}:10: profiles[0].colour: unknown field`);
    expect(result.stderr).toContain(`${file}:16: profiles[0].secrets[0]: a secret value where a secret:// reference belongs`);
    expect(result.stderr).toContain(`${file}:20: hosts[0].keys[0].publicKey: must be base64 of the raw 32-byte Ed25519 public key (got 16 bytes)`);
    expect(result.stderr).not.toContain("hunter2");
    expect(await database.prisma.tenant.count({ where: { slug: tenant } })).toBe(0);
  });

  it("adds, rotates and revokes host keys; refuses an operator of another tenant", { timeout: 180_000 }, async () => {
    const [tenant, profile, host] = [randomSlug("tn"), randomSlug("bot"), randomSlug("host")];
    const file = path.join(dir, `${tenant}-hosts.yaml`);
    fs.writeFileSync(file, manifestYaml(tenant, profile, host, publicKey()));
    const env = { DATABASE_URL: database.url, CELLGATE_ACTOR: admin };
    expect((await cli(["registry", "sync", file, "--apply"], env)).code).toBe(0);

    const newHost = randomSlug("host");
    const add = ["host", "add", newHost, "--profile", profile, "--key-id", `${newHost}-k1`, "--public-key", publicKey()];
    expect((await cli(add, env)).stdout).toContain(`+ host ${newHost}`);
    expect(await database.prisma.host.count({ where: { id: newHost } })).toBe(0);
    expect((await cli([...add, "--apply"], env)).code).toBe(0);

    const rotate = await cli(["host", "rotate", newHost, "--key-id", `${newHost}-k2`, "--public-key", publicKey(), "--revoke-old", "--apply"], env);
    expect(rotate.code).toBe(0);
    expect(rotate.stdout).toContain(`- key ${newHost}-k1 (revoked: rotated to ${newHost}-k2)`);
    const revoke = await cli(["host", "revoke", newHost, "--key-id", `${newHost}-k2`, "--reason", "host decommissioned", "--apply"], env);
    expect(revoke.code).toBe(0);
    const keys = await database.prisma.hostKey.findMany({ where: { hostId: newHost }, orderBy: { id: "asc" } });
    expect(keys.map((k) => [k.id, k.status])).toEqual([[`${newHost}-k1`, "revoked"], [`${newHost}-k2`, "revoked"]]);

    const other = await database.prisma.tenant.create({ data: { slug: randomSlug("other"), name: "Other" } });
    const outsider = `${randomSlug("op")}@example.test`;
    await database.prisma.user.create({ data: { email: outsider, name: "Outsider", memberships: { create: { tenantId: other.id, role: "operator" } } } });
    const refused = await cli(["host", "rotate", host, "--key-id", `${host}-k9`, "--public-key", publicKey(), "--apply", "--actor", outsider], { DATABASE_URL: database.url });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`may not change the registry of tenant ${tenant}`);
    expect(await database.prisma.hostKey.count({ where: { id: `${host}-k9` } })).toBe(0);
  });
});

describe("cellgate CLI against embedded PGlite (CELLGATE_DATA_DIR)", () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("migrates, seeds demo data once, syncs the example manifest from another directory, verifies the chain", async () => {
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

    const examples = path.join(ROOT, "examples");
    const dry = await cli(["registry", "sync", "registry.yaml"], env, examples);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("+ profile awareness-endpoint (tenant platform)");
    const applied = await cli(["registry", "sync", "registry.yaml", "--apply", "--actor", "admin@cellgate.demo"], env, examples);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/Applied: receipt rcpt_\S+, audit seq \d+/);

    const verified = await cli(["audit", "verify"], env);
    expect(verified).toMatchObject({ code: 0 });
    expect(verified.stdout).toMatch(/^audit chain OK: \d+ entries\n$/);

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
