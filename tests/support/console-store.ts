/**
 * A database that a test prepares directly and the BUILT console then
 * serves: PostgreSQL (shared with the test while the console runs), or an
 * embedded PGlite data directory (one process at a time: the test opens it
 * only while no console runs). `serve` starts the console on it and hands
 * the CLI environment of a platform admin's API token.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Permission } from "../../lib/authz";
import { openDatabase, type Database } from "../../lib/db";
import { applyMigrations } from "../../lib/migrate";
import { startTestApp, stopTestApp, type AppProcess } from "./app-process";
import { createTestDatabase, randomSlug, type Backend, type TestDatabase } from "./databases";
import { mintTokenFor } from "./tokens";

export interface ConsoleStore {
  backend: Backend;
  dir: string;
  /** The postgresql:// URL (PostgreSQL only). */
  url?: string;
  /** Run `fn` on the database (on PGlite only while no console is serving it). */
  use<T>(fn: (db: Database) => Promise<T>): Promise<T>;
  /** Start the built console on this database; `extraEnv` reaches the console process. */
  serve(extraEnv?: Record<string, string>): Promise<ServedConsole>;
  close(): Promise<void>;
}

export interface ServedConsole {
  app: AppProcess & { logDir: string };
  url: string;
  stop(): Promise<void>;
}

export const ADMIN_TOKEN_PERMISSIONS: Permission[] = [
  "registry.read",
  "registry.write",
  "policy.write",
  "audit.read",
  "audit.verify",
  "audit.checkpoint",
  "packet.export",
  "job.read",
];

export async function openConsoleStore(backend: Backend): Promise<ConsoleStore> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-console-"));
  let running: ServedConsole | null = null;
  let postgres: TestDatabase | null = null;
  const dataDir = path.join(dir, "data");
  if (backend === "postgresql") {
    postgres = await createTestDatabase("postgresql");
  } else {
    const db = await openDatabase({ dataDir });
    try {
      await applyMigrations(db.sql);
    } finally {
      await db.close();
    }
  }
  const use = async <T>(fn: (db: Database) => Promise<T>): Promise<T> => {
    if (postgres) return fn(postgres);
    if (running) throw new Error("the embedded database is open by the console: stop it first");
    const db = await openDatabase({ dataDir });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  };
  return {
    backend,
    dir,
    url: postgres?.url,
    use,
    async serve(extraEnv = {}) {
      const app = await startTestApp({ ...(postgres ? { databaseUrl: postgres.url } : { dataDir }), env: extraEnv });
      running = {
        app,
        url: app.url,
        stop: async () => {
          await stopTestApp(app);
          running = null;
        },
      };
      return running;
    },
    async close() {
      if (running) await running.stop();
      await postgres?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh platform admin and an API token of theirs (created directly, before the console serves the store). */
export async function adminWithToken(db: Database, permissions = ADMIN_TOKEN_PERMISSIONS): Promise<{ email: string; userId: string; token: string; tokenId: string }> {
  const email = `${randomSlug("admin")}@example.test`;
  const user = await db.prisma.user.create({ data: { email, name: "Admin", platformAdmin: true } });
  const { token, id } = await mintTokenFor(db, email, { scope: "platform", permissions });
  return { email, userId: user.id, token, tokenId: id };
}
