/**
 * What every command shares: the database (DATABASE_URL, else PGlite in
 * CELLGATE_DATA_DIR — the same choice the app makes), the actor for writes,
 * the origin recorded in receipts, and paths relative to where the user ran
 * the command.
 */
import os from "node:os";
import path from "node:path";
import { openDatabase, type Database } from "@/lib/db";
import { dataDir, env } from "@/lib/env";
import { planMigrations } from "@/lib/migrate";
import { CommandFailed, UsageError, stringOpt, type Parsed } from "./args";

export function userPath(file: string): string {
  return path.resolve(process.env.CELLGATE_INVOKE_CWD || process.cwd(), file);
}

export function origin(): string {
  let user = "unknown";
  try {
    user = os.userInfo().username;
  } catch {
    user = process.env.USER ?? "unknown";
  }
  return `cli:${user}@${os.hostname()}`;
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

/** The console user a write is made as: --actor or CELLGATE_ACTOR; required with --apply. */
export function actorEmail(parsed: Parsed, help: string): string {
  const email = stringOpt(parsed, "actor") ?? process.env.CELLGATE_ACTOR;
  if (!email) throw new UsageError("--apply needs --actor EMAIL (or CELLGATE_ACTOR): the console user the change is made as", help);
  return email;
}

export const ACTOR_HELP = `  --actor EMAIL   console user making the change (or CELLGATE_ACTOR); required with --apply`;
export const DB_HELP = `Database: DATABASE_URL (PostgreSQL) when set, else embedded PGlite in CELLGATE_DATA_DIR (default ./.cellgate).`;
