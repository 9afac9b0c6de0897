import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/lib/db";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/databases";
import { createTenantWithPeople, createUser, platformPolicy, policyYaml } from "./policies-helpers";

const ROOT = path.resolve(__dirname, "../..");
const run = promisify(execFile);

/** Runs the real CLI (bin/cellgate.mjs) as a child process; never throws on a non-zero exit. */
async function cli(args: string[], env: Record<string, string | undefined>, cwd = ROOT) {
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

it("policy --help exits 0 and a missing subcommand is a usage error", async () => {
  const env = { CELLGATE_DATA_DIR: "/nonexistent/never-opened" };
  const help = await cli(["policy", "--help"], env);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^Usage: cellgate policy test FILE/);
  expect((await cli(["policy"], env)).code).toBe(2);
  expect((await cli(["policy", "test"], env)).code).toBe(2);
}, 60_000);

describe.each(BACKENDS)("cellgate policy test|apply through the real CLI (%s)", (backend) => {
  let dir: string;
  let env: Record<string, string>;
  let postgres: TestDatabase | undefined;
  let admin: string;
  let tenantAdmin: string;
  let tenantSlug: string;

  /** The database, opened only while the CLI is not running (PGlite allows one process). */
  async function withDb<T>(fn: (database: Database) => Promise<T>): Promise<T> {
    if (postgres) return fn(postgres);
    const database = await openDatabase({ dataDir: env.CELLGATE_DATA_DIR });
    try {
      return await fn(database);
    } finally {
      await database.close();
    }
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-policy-cli-"));
    if (backend === "postgresql") {
      postgres = await createTestDatabase("postgresql");
      env = { DATABASE_URL: postgres.url! };
    } else {
      env = { CELLGATE_DATA_DIR: path.join(dir, "data") };
      expect((await cli(["db", "migrate", "--apply"], env)).code).toBe(0);
    }
    await withDb(async ({ prisma }) => {
      admin = (await createUser(prisma, { platformAdmin: true })).email;
      const people = await createTenantWithPeople(prisma);
      tenantAdmin = people.admin.email;
      tenantSlug = people.tenant.slug;
    });
    fs.writeFileSync(path.join(dir, "platform.yaml"), platformPolicy());
    fs.writeFileSync(
      path.join(dir, "platform-failing.yaml"),
      platformPolicy([], [{ name: "reads wait for approval", topic: "job.a.read.b", decision: "REQUIRE_APPROVAL" }]),
    );
    fs.writeFileSync(
      path.join(dir, "failing.yaml"),
      policyYaml({ level: "tenant", tenant: tenantSlug }, [{ id: "reads", topics: ["job.*.read.*"], decision: "ALLOW" }], [
        { name: "deletes are denied", topic: "job.a.delete.b", decision: "DENY" },
        { name: "reads wait for approval", topic: "job.a.read.b", decision: "REQUIRE_APPROVAL" },
      ]),
    );
  }, 180_000);
  afterAll(async () => {
    await postgres?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("policy test: exit 0 when every case passes, 1 with a readable report when one fails", async () => {
    const passing = await cli(["policy", "test", "platform.yaml"], { ...env, CELLGATE_INVOKE_CWD: dir });
    expect(passing.code).toBe(0);
    expect(passing.stdout).toContain("✓ deletes are denied: DENY (platform:no-deletes)");
    expect(passing.stdout).toContain("1 passed, 0 failed");

    const failing = await cli(["policy", "test", path.join(dir, "platform-failing.yaml")], env);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain("✗ reads wait for approval: expected REQUIRE_APPROVAL, got ALLOW");
    expect(failing.stdout).toContain("1 passed, 1 failed");
    expect(failing.stderr).toContain("1 of 2 test(s) failed");
  }, 120_000);

  it("policy apply: a dry run changes nothing; --apply needs an actor with policy.write, then writes one version and its receipt", async () => {
    const file = path.join(dir, "platform.yaml");
    const dry = await cli(["policy", "apply", file], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("Diff (first version):");
    expect(dry.stdout).toContain("+  - id: no-deletes");
    expect(dry.stdout).toContain("Tests: 1 passed, 0 failed");
    expect(dry.stdout).toContain("dry run: nothing changed");
    expect(await withDb((d) => d.prisma.policyVersion.count())).toBe(0);

    expect((await cli(["policy", "apply", file, "--apply"], env)).code).toBe(2);
    const forbidden = await cli(["policy", "apply", file, "--apply", "--actor", tenantAdmin], env);
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toContain("may not apply the platform policy");

    const applied = await cli(["policy", "apply", file, "--apply", "--actor", admin], env);
    expect(applied.code).toBe(0);
    const match = /applied version 1 \(receipt (rcpt_\S+), audit seq \d+\)/.exec(applied.stdout);
    expect(match).not.toBeNull();
    const row = await withDb((d) => d.prisma.policyVersion.findFirstOrThrow({ where: { scopeKey: "platform" } }));
    expect(row).toMatchObject({ version: 1, receiptId: match![1] });

    const again = await cli(["policy", "apply", file, "--apply", "--actor", admin], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("unchanged: this version is already in force; nothing changed");
  }, 180_000);

  it("policy apply --apply refuses failing tests and stores nothing", async () => {
    const refused = await cli(["policy", "apply", path.join(dir, "failing.yaml"), "--apply", "--actor", tenantAdmin], env);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("refused: 1 failing test(s); nothing changed");
    expect(await withDb((d) => d.prisma.policyVersion.count({ where: { level: "tenant" } }))).toBe(0);
  }, 120_000);
});
