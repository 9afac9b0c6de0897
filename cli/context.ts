/**
 * What the commands that use the database directly share (db migrate, demo
 * seed, admin create): the database (DATABASE_URL, else PGlite in
 * CELLGATE_DATA_DIR — the same choice the app makes), and paths relative to
 * where the user ran the command. Everything else talks to the console
 * (./console.ts).
 */
import path from "node:path";
import { openDatabase, type Database } from "@/lib/db";
import { dataDir, env } from "@/lib/env";
import { planMigrations } from "@/lib/migrate";
import { CommandFailed } from "./args";

export function userPath(file: string): string {
  return path.resolve(process.env.CELLGATE_INVOKE_CWD || process.cwd(), file);
}

export function describeDatabase(): string {
  const e = env();
  return e.DATABASE_URL ? `postgresql ${redactUrl(e.DATABASE_URL)}` : `embedded PGlite in ${dataDir()}`;
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}

/** Open the database; unless `migrating`, refuse one with pending migrations. */
export async function withDatabase<T>(fn: (db: Database) => Promise<T>, options: { migrating?: boolean } = {}): Promise<T> {
  const e = env();
  const database = await openDatabase({ url: e.DATABASE_URL, dataDir: dataDir(), poolSize: 2 });
  try {
    if (!options.migrating) {
      const { pending } = await planMigrations(database.sql);
      if (pending.length > 0) {
        throw new CommandFailed(`the database has ${pending.length} pending migration(s): run \`npx cellgate db migrate --apply\` first`);
      }
    }
    return await fn(database);
  } finally {
    await database.close();
  }
}

export const DB_HELP = `Database: DATABASE_URL (PostgreSQL) when set, else embedded PGlite in CELLGATE_DATA_DIR (default ./.cellgate).`;
