/**
 * The reference agent against the BUILT console on its own PostgreSQL
 * cluster: signed ingest, directives pinned and verified, and the fault
 * test — PostgreSQL stops mid-stream → the console answers 503 and the agent
 * spools → PostgreSQL restarts → every event is stored exactly once.
 * Needs a completed build (scripts/test.sh builds before this phase).
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Pool } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DirectivesFile } from "@/lib/agent/directives";
import { stableEventId } from "@/lib/agent/event-source";
import { type RunConfig, runAgent } from "@/lib/agent/run";
import { Spool } from "@/lib/agent/spool";
import { openDatabase } from "@/lib/db";
import { generateEd25519Key, privateKeyFromPem } from "@/lib/domain/http-signatures";
import { applyMigrations } from "@/lib/migrate";
import { freePort } from "../../e2e/support/app-server";
import { startTestApp, stopTestApp, type AppProcess } from "../support/app-process";
import { startCluster, type Cluster } from "../support/postgres-cluster";
import { randomSlug } from "../support/databases";
import { createProfile } from "../support/factories";

/** pg_ctl on the cluster's data directory (as the postgres user when we are root), keeping its data. */
function pgCtl(cluster: Cluster, action: "stop" | "start"): void {
  const root = "/usr/lib/postgresql";
  const version = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, "bin", "pg_ctl"))).sort((a, b) => Number(b) - Number(a))[0]!;
  const bin = process.env.CELLGATE_PG_BIN ?? path.join(root, version, "bin");
  const opts = `-p ${cluster.port} -k ${cluster.dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  const args = ["-D", path.join(cluster.dir, "data"), ...(action === "start" ? ["-o", opts, "-l", path.join(cluster.dir, "log")] : ["-m", "fast"]), "-w", action];
  const isRoot = process.getuid?.() === 0;
  const result = isRoot
    ? spawnSync("runuser", ["-u", "postgres", "--", path.join(bin, "pg_ctl"), ...args], { encoding: "utf8" })
    : spawnSync(path.join(bin, "pg_ctl"), args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`pg_ctl ${action} failed: ${result.stderr}`);
}

describe("reference agent ↔ built console (PostgreSQL)", () => {
  let cluster: Cluster;
  let app: (AppProcess & { logDir: string }) | undefined;
  let url = "";
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "cg-agent-console-"));
  const key = generateEd25519Key();
  const hostId = randomSlug("host");
  const keyId = `${hostId}-k1`;
  const profileSlug = randomSlug("bot");
  const events = path.join(work, "events.jsonl");
  const spoolDir = path.join(work, "spool");
  const out = path.join(work, "directives.json");
  const ids: string[] = [];
  const logs: string[] = [];

  function append(count: number): void {
    let offset = fs.existsSync(events) ? fs.statSync(events).size : 0;
    let text = "";
    for (let i = 0; i < count; i++) {
      const line = JSON.stringify({ type: "tool.allowed", occurredAt: new Date().toISOString(), attributes: { tool: "read_ticket", n: ids.length } });
      ids.push(stableEventId(offset, line));
      text += `${line}\n`;
      offset += Buffer.byteLength(line) + 1;
    }
    fs.appendFileSync(events, text);
  }

  const config = (extra: Partial<RunConfig> = {}): RunConfig => ({
    url, keyId, privateKey: privateKeyFromPem(key.privateKeyPem), profiles: [profileSlug], spoolDir, eventsFile: events,
    heartbeatSec: 60, directivesOut: out, pollMs: 25, backoff: { baseMs: 100, maxMs: 1000 }, maxSeconds: 90,
    log: (m) => logs.push(m), ...extra,
  });

  async function runUntil(done: () => Promise<boolean> | boolean, extra: Partial<RunConfig> = {}) {
    const controller = new AbortController();
    let checking = false;
    const timer = setInterval(async () => {
      if (checking) return;
      checking = true;
      try {
        if (await done()) controller.abort();
      } finally {
        checking = false;
      }
    }, 100);
    try {
      return await runAgent({ ...config(extra), signal: controller.signal });
    } finally {
      clearInterval(timer);
    }
  }

  async function storedCounts(): Promise<Map<string, number>> {
    const pool = new Pool({ connectionString: cluster.url("agentfault"), max: 1 });
    try {
      const { rows } = await pool.query<{ eventId: string; n: string }>(`SELECT "eventId", count(*) AS n FROM "IngestEvent" WHERE "hostId" = $1 GROUP BY "eventId"`, [hostId]);
      return new Map(rows.map((r) => [r.eventId, Number(r.n)]));
    } finally {
      await pool.end();
    }
  }

  beforeAll(async () => {
    cluster = startCluster(await freePort());
    const admin = new Pool({ connectionString: cluster.url(), max: 1 });
    await admin.query("CREATE DATABASE agentfault");
    await admin.end();
    const database = await openDatabase({ url: cluster.url("agentfault"), poolSize: 2 });
    try {
      await applyMigrations(database.sql);
      const tenant = await database.prisma.tenant.create({ data: { slug: randomSlug("t"), name: "T" } });
      const profile = await createProfile(database.prisma, tenant.id, { slug: profileSlug, ring: 1, tier: "L1" });
      await database.prisma.host.create({ data: { id: hostId, ratePerMinute: 10_000, profiles: { create: { profileId: profile.id } }, keys: { create: { id: keyId, publicKey: key.publicKeyBase64 } } } });
    } finally {
      await database.close();
    }
    app = await startTestApp({ databaseUrl: cluster.url("agentfault") });
    url = app.url;
  }, 180_000);

  afterAll(async () => {
    await stopTestApp(app);
    cluster?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("delivers events, pins the platform key and writes verified directives", { timeout: 120_000 }, async () => {
    append(600);
    await runUntil(async () => Spool.open(spoolDir).size === 0 && fs.existsSync(out));
    expect(Spool.open(spoolDir).size, logs.slice(-5).join("\n")).toBe(0);
    const stored = await storedCounts();
    for (const id of ids) expect(stored.get(id)).toBe(1);
    const state = JSON.parse(fs.readFileSync(out, "utf8")) as DirectivesFile;
    expect(state).toMatchObject({ mode: "normal", directives: { host: hostId, profiles: [{ slug: profileSlug }], killSwitches: [], policyVersion: null } });
    const published = (await (await fetch(`${url}/api/v1/platform-key`)).json()) as { keyId: string };
    expect(state.platformKeyId).toBe(published.keyId);
  });

  it("PostgreSQL stops mid-stream: 503s, the agent spools; after the restart every event is stored exactly once", { timeout: 180_000 }, async () => {
    pgCtl(cluster, "stop");
    try {
      append(700);
      logs.length = 0;
      const offline = await runAgent({ ...config(), maxSeconds: 4 });
      expect(offline.delivered).toBe(0);
      expect(Spool.open(spoolDir).size).toBeGreaterThanOrEqual(700);
      expect(logs.some((l) => l.startsWith("delivery failed (503"))).toBe(true);
    } finally {
      pgCtl(cluster, "start");
    }
    append(200);
    await runUntil(async () => Spool.open(spoolDir).size === 0);
    expect(Spool.open(spoolDir).size, logs.slice(-5).join("\n")).toBe(0);
    const stored = await storedCounts();
    expect(ids).toHaveLength(1500);
    for (const id of ids) expect(stored.get(id)).toBe(1);
  });
});
