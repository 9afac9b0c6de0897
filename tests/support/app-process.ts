/**
 * The BUILT console as a child process for integration tests, on a given
 * PostgreSQL database (DATABASE_URL) or embedded data directory
 * (CELLGATE_DATA_DIR). Reuses e2e/support/app-server.ts; waits for
 * /api/health (200, or the status asked for). Needs a completed build
 * (scripts/test.sh builds before the integration phase).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { assertBuilt, freePort, startApp, waitForStatus, type AppProcess } from "../../e2e/support/app-server";
import { createTestDatabase, type TestDatabase } from "./databases";
import { createTestHost, type TestHost } from "./signed-client";

export type { AppProcess };

export interface TestAppOptions {
  databaseUrl?: string;
  dataDir?: string;
  /** Wait until /api/health answers this (default 200). */
  healthStatus?: number;
  /** More environment for the console process (e.g. CELLGATE_PLATFORM_KEY). */
  env?: Record<string, string>;
  /** Console processes (scripts/serve.mjs with CELLGATE_WORKERS; PostgreSQL only). Default: one `next start`. */
  workers?: number;
}

/** The environment a user would have: none of our variables, except what the case sets. */
function cleanEnv(extra: Record<string, string>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith("CELLGATE_") || key.startsWith("NEXTAUTH_") || key === "DATABASE_URL") delete env[key];
  }
  return { ...env, ...extra };
}

export async function startTestApp(options: TestAppOptions): Promise<AppProcess & { logDir: string }> {
  assertBuilt();
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-app-"));
  const extra: Record<string, string> = {
    CELLGATE_DATA_DIR: options.dataDir ?? path.join(logDir, "data"),
    NEXTAUTH_SECRET: "integration-test-secret-0123456789",
  };
  if (options.databaseUrl) extra.DATABASE_URL = options.databaseUrl;
  Object.assign(extra, options.env ?? {});
  if (options.workers !== undefined) extra.CELLGATE_WORKERS = String(options.workers);
  const app = startApp({ port: await freePort(), logFile: path.join(logDir, "app.log"), env: cleanEnv(extra), via: options.workers !== undefined ? "serve" : "next" });
  try {
    await waitForStatus(app, "/api/health", { status: options.healthStatus ?? 200, timeoutMs: 120_000 });
  } catch (error) {
    await app.stop();
    throw error;
  }
  return Object.assign(app, { logDir });
}

export async function stopTestApp(app: (AppProcess & { logDir: string }) | undefined): Promise<void> {
  if (!app) return;
  await app.stop();
  // KEEP_APP_LOGS=1 keeps the server log for a look after a failure
  if (process.env.KEEP_APP_LOGS) console.log(`app log kept: ${app.logFile}`);
  else fs.rmSync(app.logDir, { recursive: true, force: true });
}

export interface IngestApp {
  database: TestDatabase;
  host: TestHost;
  app: AppProcess & { logDir: string };
  /** Absolute URL of POST /api/v1/ingest on the started app. */
  url: string;
}

/** A fresh PostgreSQL database with one signed test host, and the built app serving it. */
export async function startIngestApp(): Promise<IngestApp> {
  const database = await createTestDatabase("postgresql");
  try {
    const host = await createTestHost(database.prisma);
    const app = await startTestApp({ databaseUrl: database.url });
    return { database, host, app, url: `${app.url}/api/v1/ingest` };
  } catch (error) {
    await database.close();
    throw error;
  }
}

export async function stopIngestApp(ctx: Partial<Pick<IngestApp, "app" | "database">>): Promise<void> {
  await stopTestApp(ctx.app);
  await ctx.database?.close();
}
