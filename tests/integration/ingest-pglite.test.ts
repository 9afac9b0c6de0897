/**
 * The embedded default: the BUILT console on a PGlite data directory
 * (CELLGATE_DATA_DIR). An accepted batch is on disk after the server stops;
 * a replayed request is refused, also after a restart.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../lib/db";
import { applyMigrations } from "../../lib/migrate";
import { startTestApp, stopTestApp, type AppProcess } from "../support/app-process";
import { batch, createTestHost, eventId, post, sign, type TestHost } from "../support/signed-client";

describe("POST /api/v1/ingest on embedded PGlite", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-ingest-pglite-"));
  let app: (AppProcess & { logDir: string }) | undefined;
  afterAll(async () => {
    await stopTestApp(app);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("accepts a signed batch, refuses its replay (also after a restart), and keeps the events", { timeout: 300_000 }, async () => {
    let host: TestHost;
    const setup = await openDatabase({ dataDir });
    try {
      await applyMigrations(setup.sql);
      host = await createTestHost(setup.prisma);
    } finally {
      await setup.close();
    }

    app = await startTestApp({ dataDir });
    const id = eventId();
    const request = sign({
      url: `${app.url}/api/v1/ingest`,
      body: batch([{ id, type: "health.heartbeat", profile: host.profiles[0], attributes: { status: "degraded" } }]),
      host,
    });
    const res = await post(request);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: 1, duplicates: 0, receipt: { id: expect.any(String) } });
    const replay = await post(request);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ check: "replayed-nonce" });

    await stopTestApp(app);
    app = await startTestApp({ dataDir });
    const afterRestart = await post({ ...request, url: `${app.url}/api/v1/ingest` });
    expect(afterRestart.status).toBe(401);
    await stopTestApp(app);
    app = undefined;

    const check = await openDatabase({ dataDir });
    try {
      const events = await check.prisma.ingestEvent.findMany({ where: { hostId: host.hostId } });
      expect(events.map((e) => e.eventId)).toEqual([id]);
      const profile = await check.prisma.profile.findUniqueOrThrow({ where: { slug: host.profiles[0] } });
      expect(profile.health).toBe("degraded");
      expect(await check.prisma.receipt.count({ where: { actorId: host.hostId } })).toBe(1);
    } finally {
      await check.close();
    }
  });
});
