import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/lib/db";
import { appendAudit } from "@/lib/server/audit";
import { verifyAuditLog } from "@/lib/server/audit-verify";
import { generateEd25519Key } from "@/lib/domain/http-signatures";
import { platformKeyFromPem } from "@/lib/server/platform-key";
import { withReadOnlySessions } from "../../cli/commands/audit";
import { REPO_ROOT, runCli } from "../support/cli";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";

const ROOT = REPO_ROOT;

async function appendMany(database: Database, n: number, actorId = randomSlug("actor")): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    await database.prisma.$transaction((tx) =>
      appendAudit(tx, { actor: { type: "user", id: actorId }, action: "test.append", resource: `thing:${i}`, data: { i, note: randomSlug("n") } }),
    );
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

describe.each(BACKENDS)("verifying while writers append on %s", (backend) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(backend);
    await appendMany(database, 6);
  });
  afterAll(() => database?.close());

  it("an entry committed between the walk and the head read is verified, not reported as a truncation", async () => {
    let appended = 0;
    // The reader lets two writers commit right after the walk's last page and before the head is read.
    const racing = {
      kind: database.sql.kind,
      query: async <T,>(text: string, params?: unknown[]) => {
        if (text.includes(`FROM "AuditHead"`) && appended === 0) {
          appended = 2;
          await appendMany(database, 2);
        }
        return database.sql.query<T>(text, params);
      },
    };
    const result = await verifyAuditLog(racing as typeof database.sql, { pageSize: 4 });
    expect(appended).toBe(2);
    expect(result).toEqual({ ok: true, entries: 8, head: expect.objectContaining({ seq: 8 }) });
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

describe("cellgate audit verify --database-url (real CLI, PostgreSQL, read-only)", () => {
  // The auditor pins the platform public key (it never comes from the database it checks).
  const key = platformKeyFromPem(generateEd25519Key().privateKeyPem, "test");
  const cli = (args: string[], url: string, extra: Record<string, string> = {}) =>
    runCli(["audit", "verify", "--database-url", url, ...args], { CELLGATE_DATA_DIR: "/nonexistent/never-created", ...extra });

  it("exits 0 on an intact chain", async () => {
    const database = await createTestDatabase("postgresql");
    try {
      await appendMany(database, 4);
      const result = await cli(["--public-key", key.publicKeyBase64], database.url!);
      expect(result).toMatchObject({ code: 0, stdout: "audit chain OK: 4 entries\n" });
    } finally {
      await database.close();
    }
  });

  it.each(TAMPERS)("exits 1 and names entry $seq after $kind", async ({ sql, seq, why }) => {
    const database = await tampered("postgresql", sql);
    try {
      const result = await cli(["--public-key", key.publicKeyBase64], database.url!);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(new RegExp(`^audit chain BROKEN at entry ${seq}: `));
      expect(result.stdout).toMatch(why);
    } finally {
      await database.close();
    }
  });

  it("never creates a key: without one it says so, names where it looked, and writes nothing anywhere", async () => {
    const database = await createTestDatabase("postgresql");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-nokey-"));
    try {
      await appendMany(database, 2);
      const dataDir = path.join(dir, ".cellgate");
      const result = await runCli(["audit", "verify", "--database-url", database.url!], { CELLGATE_DATA_DIR: dataDir }, dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("no platform public key to check the signed checkpoints with: pass --public-key");
      expect(result.stdout).not.toMatch(/BROKEN/);
      expect(fs.readdirSync(dir)).toEqual([]);
      const bad = await runCli(["audit", "verify", "--database-url", database.url!, "--public-key", "bm90LWEta2V5"], {}, dir);
      expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining("a platform public key is base64 of 32 bytes") });
    } finally {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("its every session is read-only: the database refuses a write on the URL it uses", async () => {
    const database = await createTestDatabase("postgresql");
    const { Pool } = await import("pg");
    const pool = new Pool({ connectionString: withReadOnlySessions(database.url!), max: 1 });
    try {
      await expect(pool.query(`INSERT INTO "Tenant" (id, slug, name) VALUES (gen_random_uuid(), 'x', 'x')`)).rejects.toMatchObject({ code: "25006" });
      expect((await pool.query(`SELECT count(*)::int AS n FROM "AuditEntry"`)).rows[0].n).toBe(0);
    } finally {
      await pool.end();
      await database.close();
    }
  });
});
