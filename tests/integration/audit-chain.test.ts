import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/lib/db";
import { appendAudit } from "@/lib/server/audit";
import { verifyAuditLog } from "@/lib/server/audit-verify";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";

const ROOT = path.resolve(__dirname, "../..");
const run = promisify(execFile);

async function appendMany(database: Database, n: number, actorId = randomSlug("actor")): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    await database.prisma.$transaction((tx) =>
      appendAudit(tx, { actor: { type: "user", id: actorId }, action: "test.append", resource: `thing:${i}`, data: { i, note: randomSlug("n") } }),
    );
  }
}

/** Runs the real CLI; never throws on a non-zero exit. */
async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, "bin/cellgate.mjs"), ...args], {
      env: { ...process.env, ...env },
      cwd: ROOT,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** A child node process appending `count` entries, each in its own transaction. */
function appendFromChild(url: string, actorId: string, count: number): Promise<void> {
  const db = pathToFileURL(path.join(ROOT, "lib/db.ts")).href;
  const audit = pathToFileURL(path.join(ROOT, "lib/server/audit.ts")).href;
  const script = `
    const { openDatabase } = await import(${JSON.stringify(db)});
    const { appendAudit } = await import(${JSON.stringify(audit)});
    const database = await openDatabase({ url: process.env.DATABASE_URL, poolSize: 2 });
    for (let i = 0; i < ${count}; i += 1) {
      await database.prisma.$transaction((tx) =>
        appendAudit(tx, { actor: { type: "host", id: ${JSON.stringify(actorId)} }, action: "test.concurrent", resource: "item:" + i, data: { i } }),
      );
    }
    await database.close();`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "--input-type=module", "-e", script], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url },
      stdio: ["ignore", "inherit", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`appender ${actorId} exited ${code}: ${stderr}`))));
  });
}

describe("audit chain under concurrent writers (PostgreSQL, several processes)", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("postgresql");
  });
  afterAll(() => database?.close());

  it("keeps sequence numbers gapless and the chain intact", async () => {
    const writers = Array.from({ length: 4 }, () => randomSlug("proc"));
    await Promise.all(writers.map((id) => appendFromChild(database.url!, id, 50)));
    const rows = await database.sql.query<{ seq: number; actorId: string }>(`SELECT seq, "actorId" FROM "AuditEntry" ORDER BY seq`);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    for (const id of writers) expect(rows.filter((r) => r.actorId === id)).toHaveLength(50);
    expect(await verifyAuditLog(database.sql, { pageSize: 37 })).toEqual({ ok: true, entries: 200, head: expect.objectContaining({ seq: 200 }) });
  }, 120_000);
});

describe.each(BACKENDS)("audit log on %s", (backend) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(backend);
    await appendMany(database, 3);
  });
  afterAll(() => database?.close());

  it("refuses UPDATE, DELETE and TRUNCATE of entries at the database", async () => {
    await expect(database.sql.query(`UPDATE "AuditEntry" SET action = 'x' WHERE seq = 1`)).rejects.toThrow(/append-only/);
    await expect(database.sql.query(`DELETE FROM "AuditEntry" WHERE seq = 2`)).rejects.toThrow(/append-only/);
    await expect(database.sql.exec(`TRUNCATE "AuditEntry"`)).rejects.toThrow(/append-only/);
    expect(await verifyAuditLog(database.sql)).toMatchObject({ ok: true, entries: 3 });
  });
});

/** Simulates an attacker with database access: user triggers off, then tamper. */
async function tampered(backend: (typeof BACKENDS)[number], sql: string): Promise<TestDatabase> {
  const database = await createTestDatabase(backend);
  await appendMany(database, 5);
  await database.sql.exec(`ALTER TABLE "AuditEntry" DISABLE TRIGGER USER; ${sql}; ALTER TABLE "AuditEntry" ENABLE TRIGGER USER;`);
  return database;
}

const TAMPERS = [
  { kind: "changed data", sql: `UPDATE "AuditEntry" SET data = '{"i": 99}' WHERE seq = 3`, seq: 3, why: /altered/ },
  { kind: "deleted entry", sql: `DELETE FROM "AuditEntry" WHERE seq = 4`, seq: 4, why: /entry 4 is missing/ },
  { kind: "truncated tail", sql: `DELETE FROM "AuditEntry" WHERE seq >= 4`, seq: 4, why: /truncated/ },
] as const;

describe.each(BACKENDS)("tamper detection on %s", (backend) => {
  it.each(TAMPERS)("finds $kind at entry $seq", async ({ sql, seq, why }) => {
    const database = await tampered(backend, sql);
    try {
      const result = await verifyAuditLog(database.sql);
      expect(result).toMatchObject({ ok: false, seq });
      expect(!result.ok && result.reason).toMatch(why);
    } finally {
      await database.close();
    }
  });
});

describe("cellgate audit verify (real CLI, PostgreSQL)", () => {
  it("exits 0 on an intact chain", async () => {
    const database = await createTestDatabase("postgresql");
    try {
      await appendMany(database, 4);
      const result = await cli(["audit", "verify"], { DATABASE_URL: database.url! });
      expect(result).toMatchObject({ code: 0, stdout: "audit chain OK: 4 entries\n" });
    } finally {
      await database.close();
    }
  });

  it.each(TAMPERS)("exits 1 and names entry $seq after $kind", async ({ sql, seq, why }) => {
    const database = await tampered("postgresql", sql);
    try {
      const result = await cli(["audit", "verify"], { DATABASE_URL: database.url! });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(new RegExp(`^audit chain BROKEN at entry ${seq}: `));
      expect(result.stdout).toMatch(why);
    } finally {
      await database.close();
    }
  });
});
