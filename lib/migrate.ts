/**
 * Applies prisma/migrations/<name>/migration.sql in name order, the same files
 * on PGlite and on PostgreSQL, and records them in Prisma's own
 * `_prisma_migrations` table (same columns and sha256 checksums), so
 * `prisma migrate status` agrees with what this runner did.
 *
 * Why not `prisma migrate deploy`: on PostgreSQL it needs the adapter-pg path
 * that fails offline ("Column type 'name' could not be deserialized"); this
 * runner needs nothing but a connection. An advisory lock keeps two replicas
 * that start together from applying a migration twice.
 */
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { RawSql } from "./sql";

export const MIGRATIONS_DIR = path.resolve(process.cwd(), "prisma", "migrations");
const LOCK_KEY = 72_290_417; // arbitrary, constant: "cellgate migrations"

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationPlan {
  applied: string[];
  pending: Migration[];
}

export async function planMigrations(sql: RawSql, migrations = readMigrations()): Promise<MigrationPlan> {
  const exists = await sql.query<{ present: boolean }>(
    `SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS present`,
  );
  const rows = exists[0]?.present
    ? await sql.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
        `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
      )
    : [];
  const byName = new Map(rows.map((r) => [r.migration_name, r]));
  for (const row of rows) {
    const local = migrations.find((m) => m.name === row.migration_name);
    if (!local) throw new MigrationError(`the database has migration ${row.migration_name}, which this build does not know`);
    if (!row.finished_at) throw new MigrationError(`migration ${row.migration_name} started but never finished; inspect the database`);
    if (row.checksum !== local.checksum) {
      throw new MigrationError(`migration ${row.migration_name} was edited after it was applied (checksum differs)`);
    }
  }
  return {
    applied: migrations.filter((m) => byName.has(m.name)).map((m) => m.name),
    pending: migrations.filter((m) => !byName.has(m.name)),
  };
}

/** Apply every pending migration, each in its own transaction. Returns the names applied. */
export async function applyMigrations(sql: RawSql, migrations = readMigrations()): Promise<string[]> {
  await sql.exec(CREATE_TABLE);
  const applied: string[] = [];
  for (;;) {
    const next = await sql.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock($1)`, [LOCK_KEY]);
      const { pending } = await planMigrations(tx as RawSql, migrations);
      const migration = pending[0];
      if (!migration) return null;
      const id = randomUUID();
      await tx.exec(migration.sql);
      await tx.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), 1)`,
        [id, migration.checksum, migration.name],
      );
      return migration.name;
    });
    if (!next) return applied;
    applied.push(next);
  }
}
