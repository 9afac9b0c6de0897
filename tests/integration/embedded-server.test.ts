/**
 * The embedded default end to end through HTTP: the BUILT console started the
 * way `bash scripts/start.sh` starts it (install and build skipped:
 * scripts/test.sh does both before this phase), on a fresh CELLGATE_DATA_DIR.
 * Also: the PGlite lock keeps a second process out, and /api/health says 503
 * while PostgreSQL is unreachable and 200 once it is back.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../lib/db";
import { freePort, REPO_ROOT, startApp, waitForStatus, type AppProcess } from "../../e2e/support/app-server";
import { startCluster, type Cluster } from "../support/postgres-cluster";

const DEMO_PASSWORD = "embedded-Test-passw0rd";

/** The environment a user would have: nothing of ours set, except what the case needs. */
function cleanEnv(extra: Record<string, string>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith("CELLGATE_") || key.startsWith("NEXTAUTH_") || key === "DATABASE_URL") delete env[key];
  }
  return { ...env, ...extra };
}

async function snapshot(dataDir: string) {
  const database = await openDatabase({ dataDir });
  try {
    const tenants = await database.prisma.tenant.findMany({ select: { id: true, slug: true }, orderBy: { slug: "asc" } });
    const users = await database.prisma.user.findMany({ select: { id: true, email: true, passwordHash: true }, orderBy: { email: "asc" } });
    const profiles = await database.prisma.profile.count();
    return { tenants, users, profiles };
  } finally {
    await database.close();
  }
}

describe("embedded PGlite server (scripts/start.sh)", () => {
  let dataDir: string;
  let logDir: string;
  let app: AppProcess | undefined;
  const start = async (port: number, run: number) =>
    startApp({
      via: "start-script",
      port,
      logFile: path.join(logDir, `start-${run}.log`),
      env: cleanEnv({
        CELLGATE_DATA_DIR: dataDir,
        CELLGATE_DEMO_PASSWORD: DEMO_PASSWORD,
        CELLGATE_SKIP_INSTALL: "1",
        CELLGATE_SKIP_BUILD: "1",
      }),
    });

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-embedded-"));
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-embedded-logs-"));
  });
  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(logDir, { recursive: true, force: true });
  });

  it("migrates, seeds and serves a healthy console on an empty data directory", { timeout: 240_000 }, async () => {
    app = await start(await freePort(), 1);
    const res = await waitForStatus(app, "/api/health", { status: 200, timeoutMs: 200_000 });
    const body = await res.json();
    expect(body).toEqual({
      status: "ok",
      database: { kind: "pglite", readable: true, writable: true },
      version: JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).version,
    });
    const secret = path.join(dataDir, "nextauth-secret");
    expect(fs.statSync(secret).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(secret, "utf8")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fs.existsSync(path.join(dataDir, "pgdata"))).toBe(true);
  });

  it("keeps a second process off the data directory with a clear message", { timeout: 120_000 }, async () => {
    expect(app && !app.exited()).toBe(true);
    // A command that opens the database directly (the console commands go through its API instead).
    const second = spawnSync(process.execPath, [path.join(REPO_ROOT, "bin", "cellgate.mjs"), "db", "migrate"], {
      cwd: REPO_ROOT,
      env: cleanEnv({ CELLGATE_DATA_DIR: dataDir }) as NodeJS.ProcessEnv,
      encoding: "utf8",
      timeout: 90_000,
    });
    expect(second.status).not.toBe(0);
    expect(second.status).not.toBeNull(); // it ended by itself, it did not hang
    expect(`${second.stdout}${second.stderr}`).toMatch(/already open by process \d+/);
  });

  it("keeps its data across a restart and does not seed again", { timeout: 300_000 }, async () => {
    await app!.stop();
    // SIGTERM: the server shut down by itself and released the lock, so this process can open it
    expect(fs.existsSync(path.join(dataDir, "pglite.lock"))).toBe(false);
    const before = await snapshot(dataDir);
    expect(before.tenants.map((t) => t.slug)).toEqual(["acme", "globex", "initech"]);
    expect(before.users.some((u) => u.email === "admin@cellgate.demo")).toBe(true);
    expect(before.profiles).toBeGreaterThanOrEqual(40);

    app = await start(await freePort(), 2);
    const res = await waitForStatus(app, "/api/health", { status: 200, timeoutMs: 200_000 });
    expect((await res.json()).database.kind).toBe("pglite");
    await app.stop();
    app = undefined;
    expect(await snapshot(dataDir)).toEqual(before);
  });
});

describe("health on PostgreSQL", () => {
  let app: AppProcess | undefined;
  let cluster: Cluster | undefined;
  let logDir: string;
  beforeAll(() => {
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-pg-health-"));
  });
  afterEach(async () => {
    await app?.stop();
    cluster?.stop();
  });
  afterAll(() => fs.rmSync(logDir, { recursive: true, force: true }));

  it("answers 503 while the database is unreachable and 200 once it is up", { timeout: 180_000 }, async () => {
    const dbPort = await freePort();
    app = startApp({
      port: await freePort(),
      logFile: path.join(logDir, "app.log"),
      env: cleanEnv({
        DATABASE_URL: `postgresql://postgres@127.0.0.1:${dbPort}/postgres`,
        CELLGATE_DATA_DIR: path.join(logDir, "data"),
        NEXTAUTH_SECRET: "pg-health-test-secret-0123456789",
      }),
    });
    const down = await waitForStatus(app, "/api/health", { status: 503, timeoutMs: 120_000 });
    expect(down.headers.get("cache-control")).toContain("no-store");
    expect(await down.json()).toMatchObject({
      status: "unavailable",
      database: { kind: "postgresql", readable: false, writable: false, error: "connection refused" },
    });

    cluster = startCluster(dbPort);
    const up = await waitForStatus(app, "/api/health", { status: 200, timeoutMs: 60_000 });
    expect(await up.json()).toMatchObject({ status: "ok", database: { kind: "postgresql", readable: true, writable: true } });
  });
});
