/**
 * Real databases for integration tests, never mocks: a fresh migrated
 * in-memory PGlite, or a fresh PostgreSQL database cloned from the migrated
 * template. Use `describe.each(BACKENDS)` so every test runs on both.
 */
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { Pool } from "pg";
import { openDatabase, openMemoryDatabase, type Database } from "../../lib/db";
import { applyMigrations } from "../../lib/migrate";
import { withDatabase } from "./integration-global-setup";

export const BACKENDS = ["pglite", "postgresql"] as const;
export type Backend = (typeof BACKENDS)[number];

export interface TestDatabase extends Database {
  /** postgresql:// URL of this database (PostgreSQL only). */
  url?: string;
}

export async function createTestDatabase(backend: Backend, options: { poolSize?: number } = {}): Promise<TestDatabase> {
  if (backend === "pglite") {
    const database = await openMemoryDatabase();
    await applyMigrations(database.sql);
    return database;
  }
  const adminUrl = inject("pgAdminUrl");
  const name = `cg_${randomBytes(6).toString("hex")}`;
  const admin = new Pool({ connectionString: adminUrl, max: 1 });
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject("pgTemplate")}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const database = await openDatabase({ url, poolSize: options.poolSize });
  return {
    ...database,
    url,
    async close() {
      await database.close();
      const dropper = new Pool({ connectionString: adminUrl, max: 1 });
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await dropper.end();
    },
  };
}

/** A short random name for factories ("acme-3f9a…"). */
export function randomSlug(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

/** A real database with NO migrations applied (PGlite in memory, or a new PostgreSQL database), for tests of the migrations themselves. */
export async function createEmptyDatabase(backend: Backend): Promise<Database> {
  if (backend === "pglite") return openMemoryDatabase();
  const adminUrl = inject("pgAdminUrl");
  const name = `cg_empty_${randomBytes(5).toString("hex")}`;
  const admin = new Pool({ connectionString: adminUrl, max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const database = await openDatabase({ url: withDatabase(adminUrl, name), poolSize: 2 });
  return {
    ...database,
    async close() {
      await database.close();
      const dropper = new Pool({ connectionString: adminUrl, max: 1 });
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await dropper.end();
    },
  };
}
