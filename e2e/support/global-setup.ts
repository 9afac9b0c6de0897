/**
 * End-to-end world, once per run: a throwaway PostgreSQL cluster with the
 * migrated and seeded demo database (through the real CLI), the test OIDC
 * provider, and the BUILT console (`next start`) wired to both. State goes to
 * .tmp/e2e/state.json so global-teardown.ts can stop everything even when
 * this process lost track; specs get E2E_BASE_URL and E2E_DATABASE_URL.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Pool } from "pg";
import { startCluster, type Cluster } from "../../tests/support/postgres-cluster";
import { assertPortFree, REPO_ROOT, startApp, tail, waitForStatus, type AppProcess } from "./app-server";
import { startTestOidcProvider, TEST_OIDC_GROUP_MAP } from "./oidc-provider";

export const E2E_APP_PORT = Number(process.env.E2E_APP_PORT ?? 3210);
export const E2E_OIDC_PORT = Number(process.env.E2E_OIDC_PORT ?? 4455);
export const E2E_DEMO_PASSWORD = "e2e-demo-Passw0rd";
/** The bearer token the app under test takes on /api/metrics (what Prometheus would send). */
export const E2E_METRICS_TOKEN = "e2e-metrics-token-0123456789abcdef";
export const STATE_DIR = path.join(REPO_ROOT, ".tmp", "e2e");
export const STATE_FILE = path.join(STATE_DIR, "state.json");
export const AUTH_DIR = path.join(REPO_ROOT, "e2e", ".auth");

export interface E2EState {
  baseUrl: string;
  databaseUrl: string;
  appPid?: number;
  cluster?: { dir: string; port: number };
  oidcIssuer?: string;
}

interface OidcHandle {
  issuer: string;
  clientId: string;
  clientSecret: string;
  groupMap: string;
  close(): Promise<void>;
}

function writeState(state: E2EState): void {
  fs.mkdirSync(STATE_DIR, { recursive: true });
  fs.writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
}

function runCli(args: string[], env: Record<string, string>): void {
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, "bin", "cellgate.mjs"), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 180_000,
  });
  if (result.status !== 0) {
    throw new Error(`cellgate ${args.join(" ")} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

async function startOidc(appUrl: string): Promise<OidcHandle> {
  const provider = await startTestOidcProvider({
    port: E2E_OIDC_PORT,
    redirectUri: `${appUrl}/api/auth/callback/oidc`,
  });
  return { ...provider, groupMap: TEST_OIDC_GROUP_MAP };
}

/** `npx playwright test` alone does not build: say so when sources are newer than the build. */
function warnIfStale(): void {
  const check = spawnSync("bash", ["-c", "source scripts/lib/common.sh && stale_build_input"], { cwd: REPO_ROOT, encoding: "utf8" });
  const changed = check.stdout.trim();
  if (changed) console.warn(`e2e: testing an OLD build (${changed} is newer); run \`npx next build\` or \`bash scripts/test.sh build e2e\`.`);
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  warnIfStale();
  await assertPortFree(E2E_APP_PORT);
  await assertPortFree(E2E_OIDC_PORT);
  fs.rmSync(AUTH_DIR, { recursive: true, force: true });
  fs.mkdirSync(STATE_DIR, { recursive: true });
  const baseUrl = `http://127.0.0.1:${E2E_APP_PORT}`;
  let cluster: Cluster | undefined;
  let oidc: OidcHandle | undefined;
  let app: AppProcess | undefined;
  const teardown = async () => {
    await app?.stop().catch(() => undefined);
    await oidc?.close().catch(() => undefined);
    cluster?.stop();
    fs.rmSync(STATE_FILE, { force: true });
  };
  try {
    cluster = startCluster();
    const admin = new Pool({ connectionString: cluster.url(), max: 1 });
    await admin.query("CREATE DATABASE cellgate_e2e");
    await admin.end();
    const databaseUrl = cluster.url("cellgate_e2e");
    const state: E2EState = { baseUrl, databaseUrl, cluster: { dir: cluster.dir, port: cluster.port } };
    writeState(state);

    const dataDir = path.join(cluster.dir, "app-data"); // signing keys etc.; the database is PostgreSQL
    const common = { DATABASE_URL: databaseUrl, CELLGATE_DATA_DIR: dataDir, CELLGATE_DEMO_PASSWORD: E2E_DEMO_PASSWORD };
    runCli(["db", "migrate", "--apply"], common); // as an operator would
    runCli(["demo", "seed", "--apply"], common);

    oidc = await startOidc(baseUrl);
    state.oidcIssuer = oidc.issuer;
    writeState(state);

    app = startApp({
      port: E2E_APP_PORT,
      logFile: path.join(STATE_DIR, "app.log"),
      env: {
        ...process.env,
        ...common,
        NEXTAUTH_URL: baseUrl,
        NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
        CELLGATE_OIDC_ISSUER: oidc.issuer,
        CELLGATE_OIDC_CLIENT_ID: oidc.clientId,
        CELLGATE_OIDC_CLIENT_SECRET: oidc.clientSecret,
        CELLGATE_OIDC_GROUP_MAP: oidc.groupMap,
        CELLGATE_OIDC_NAME: "Test IdP",
        CELLGATE_METRICS_TOKEN: E2E_METRICS_TOKEN,
        // This console serves the specs that vote without passkeys; e2e/passkeys.spec.ts
        // starts its own on http://localhost (a WebAuthn RP ID cannot be an IP address) with the default, L2.
        CELLGATE_PASSKEY_MIN_TIER: "off",
      },
    });
    state.appPid = app.pid;
    writeState(state);
    await waitForStatus(app, "/api/health", { status: 200, timeoutMs: 120_000 });

    process.env.E2E_BASE_URL = baseUrl;
    process.env.E2E_DATABASE_URL = databaseUrl;
    process.env.E2E_APP_LOG = app.logFile;
    return teardown;
  } catch (error) {
    if (app) console.error(tail(app.logFile));
    await teardown();
    throw error;
  }
}
