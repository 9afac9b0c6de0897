/**
 * `node scripts/serve.mjs` (the last step of `npm start`) on PostgreSQL with
 * CELLGATE_WORKERS=2: two console processes share the port and answer; a
 * worker that dies is replaced while the other keeps serving; SIGTERM stops
 * them all. On PGlite it is always one process (the data dir has one owner).
 */
import { execFileSync } from "node:child_process";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, stopTestApp, type AppProcess } from "../support/app-process";
import { createTestDatabase, type TestDatabase } from "../support/databases";

/** Pids of the primary's children that are console processes. */
function workers(primary: number): number[] {
  let out = "";
  try {
    out = execFileSync("ps", ["-o", "pid=", "--ppid", String(primary)], { encoding: "utf8" });
  } catch {
    return []; // ps exits 1 when there is no such child
  }
  return out.split("\n").map((l) => Number(l.trim())).filter((n) => n > 0);
}

/** GET /api/health on a new connection each time (a kept-alive one may belong to a worker that died). */
function health(base: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/api/health`, { agent: false, timeout: 90_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("timeout", () => req.destroy(new Error("GET /api/health timed out")));
    req.on("error", reject);
  });
}

async function until<T>(what: string, probe: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("scripts/serve.mjs", () => {
  let database: TestDatabase;
  let app: (AppProcess & { logDir: string }) | undefined;
  beforeAll(async () => {
    database = await createTestDatabase("postgresql");
  });
  afterAll(async () => {
    await stopTestApp(app);
    await database?.close();
  });

  it("runs CELLGATE_WORKERS console processes on PostgreSQL, replaces one that dies, and stops them all on SIGTERM", async () => {
    app = await startTestApp({ databaseUrl: database.url, workers: 2 });
    const first = await until("two workers", () => workers(app!.pid), (w) => w.length === 2);
    const ok = () => health(app!.url);
    for (let i = 0; i < 10; i += 1) expect(await ok()).toBe(200);

    process.kill(first[0]!, "SIGKILL");
    // Once the primary has seen it die, the other serves meanwhile, and a new one takes its place.
    await until("the primary to reap the dead worker", () => workers(app!.pid), (w) => !w.includes(first[0]!));
    for (let i = 0; i < 5; i += 1) expect(await ok()).toBe(200);
    const next = await until("a replacement", () => workers(app!.pid), (w) => w.length === 2 && !w.includes(first[0]!));
    expect(next).toContain(first[1]);
    await until("the replacement serving", ok, (s) => s === 200);

    await app.stop();
    expect(app.exited()).toBe(true);
    for (const pid of next) expect(() => process.kill(pid, 0)).toThrow();
    app = undefined;
  }, 180_000);

  it("keeps one process on PGlite whatever CELLGATE_WORKERS says", async () => {
    app = await startTestApp({ workers: 2 });
    expect(workers(app.pid)).toEqual([]);
    expect(await health(app.url)).toBe(200);
    expect(await import("node:fs").then((fs) => fs.readFileSync(app!.logFile, "utf8"))).toContain("CELLGATE_WORKERS=2 ignored");
    await stopTestApp(app);
    app = undefined;
  }, 180_000);
});
