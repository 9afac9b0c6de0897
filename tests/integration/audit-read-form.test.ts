/**
 * Verification reads entries back in the form the chain hashed them (time as
 * ISO text from the database's UTC wall clock, data parsed from JSON, on
 * PGlite one JSON array per page). These tests pin that form against what
 * appendAudit hashed: every fraction of a millisecond PostgreSQL trims,
 * awkward text in every field, and session settings that change how
 * timestamps are written as text.
 */
import { Pool } from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { postgresSql } from "@/lib/sql";
import { appendAudit, type AppendedEntry } from "@/lib/server/audit";
import { chainEntriesAfter, verifyAuditLog } from "@/lib/server/audit-verify";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/databases";

const TIMES = [
  "2026-01-01T00:00:00.000Z",
  "2026-01-01T00:00:01.100Z",
  "2026-01-01T00:00:02.120Z",
  "2026-01-01T00:00:03.123Z",
  "1999-12-31T23:59:59.999Z",
  "2026-06-30T12:00:00.005Z",
];
const AWKWARD = ['quote " inside', "back\\slash", "tab\there", "new\nline", "ünïcødé €", "emoji 🔑", "\u2028", "ctrl \u0001\u001f", ""];

describe.each(BACKENDS)("audit entries read back for verification on %s", (backend) => {
  let db: TestDatabase;
  const appended: { entry: AppendedEntry; data: unknown; resource: string }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(backend);
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      for (const [i, time] of TIMES.entries()) {
        vi.setSystemTime(new Date(time));
        const text = AWKWARD[i % AWKWARD.length]!;
        const data = { [text]: [text, 1.5, 1e21, -0, null, { z: true, a: text }], n: i, nested: { b: [], a: {} } };
        const resource = `thing:${text}`;
        const entry = await db.prisma.$transaction((tx) =>
          appendAudit(tx, { actor: { type: "user", id: `actor ${text}` }, action: "test.read-form", resource, decision: i % 2 ? text : null, traceId: text || null, data }),
        );
        appended.push({ entry, data, resource });
      }
    } finally {
      vi.useRealTimers();
    }
  });

  afterAll(async () => {
    await db?.close();
  });

  it("gives back each entry's time as the ISO text that was hashed, its data and its text fields unchanged", async () => {
    const read = await chainEntriesAfter(db.sql, 0, 100);
    expect(read.map((e) => e.time)).toEqual(TIMES);
    expect(read.map((e) => e.time)).toEqual(appended.map((a) => a.entry.time.toISOString()));
    expect(read.map((e) => e.hash)).toEqual(appended.map((a) => a.entry.hash));
    expect(read.map((e) => e.resource)).toEqual(appended.map((a) => a.resource));
    expect(read.map((e) => e.data)).toEqual(appended.map((a) => JSON.parse(JSON.stringify(a.data))));
    expect(await verifyAuditLog(db.sql, { pageSize: 4 })).toEqual({ ok: true, entries: TIMES.length, head: { seq: TIMES.length, hash: appended.at(-1)!.entry.hash } });
  });

  it("reads a page boundary anywhere: every page size verifies the same", async () => {
    for (const pageSize of [1, 2, 5, 6, 7]) {
      expect(await verifyAuditLog(db.sql, { pageSize })).toMatchObject({ ok: true, entries: TIMES.length });
    }
  });

  it("does not depend on the session's DateStyle or TimeZone", async () => {
    const settings = `SET DateStyle = 'SQL, DMY'; SET TimeZone = 'Pacific/Chatham'; SET IntervalStyle = 'sql_standard'`;
    if (backend === "pglite") {
      // One in-process connection: change it, verify, change it back.
      await db.sql.exec(settings);
      try {
        const [shown] = await db.sql.query<{ time: string }>(`SELECT time::text AS time FROM "AuditEntry" WHERE seq = 1`);
        expect(shown!.time).not.toContain("2026-01-01"); // the setting is in force
        expect((await chainEntriesAfter(db.sql, 0, 100)).map((e) => e.time)).toEqual(TIMES);
        expect(await verifyAuditLog(db.sql)).toMatchObject({ ok: true, entries: TIMES.length });
      } finally {
        await db.sql.exec(`RESET DateStyle; RESET TimeZone; RESET IntervalStyle`);
      }
      return;
    }
    const pool = new Pool({ connectionString: db.url, max: 1 });
    pool.on("connect", (client) => void client.query(settings));
    try {
      const sql = postgresSql(pool);
      const [shown] = await sql.query<{ time: string }>(`SELECT time::text AS time FROM "AuditEntry" WHERE seq = 1`);
      expect(shown!.time).not.toContain("2026-01-01");
      expect((await chainEntriesAfter(sql, 0, 100)).map((e) => e.time)).toEqual(TIMES);
      expect(await verifyAuditLog(sql)).toMatchObject({ ok: true, entries: TIMES.length });
    } finally {
      await pool.end();
    }
  });

  it("fails an entry whose time was moved to the same wall clock BC, or past year 9999, as altered", async () => {
    const [original] = await db.sql.query<{ time: string }>(`SELECT time::text AS time FROM "AuditEntry" WHERE seq = 3`);
    await db.sql.exec(`ALTER TABLE "AuditEntry" DISABLE TRIGGER USER`);
    try {
      for (const moved of [`time - interval '4051 years'`, `time + interval '8000 years'`]) {
        await db.sql.query(`UPDATE "AuditEntry" SET time = ${moved} WHERE seq = 3`);
        const result = await verifyAuditLog(db.sql);
        expect(result).toMatchObject({ ok: false, entries: 2, seq: 3 });
        expect(result.ok ? "" : result.reason).toMatch(/entry 3 was altered/);
        await db.sql.query(`UPDATE "AuditEntry" SET time = $1::timestamptz WHERE seq = 3`, [original!.time]);
      }
    } finally {
      await db.sql.exec(`ALTER TABLE "AuditEntry" ENABLE TRIGGER USER`);
    }
    expect(await verifyAuditLog(db.sql)).toMatchObject({ ok: true, entries: TIMES.length });
  });

  afterEach(() => {
    vi.useRealTimers();
  });
});
