/**
 * Several console processes on one PostgreSQL: a nonce used at one is a
 * replay at the other (nonces live in the database). And a database that
 * goes away: 503 problem+json with Retry-After, never a 500.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../lib/db";
import { applyMigrations } from "../../lib/migrate";
import { startTestApp, stopTestApp, type AppProcess } from "../support/app-process";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { startCluster, type Cluster } from "../support/postgres-cluster";
import { batch, createTestHost, post, sign, signedPost } from "../support/signed-client";

type App = AppProcess & { logDir: string };

describe("two app processes sharing one PostgreSQL database", () => {
  let database: TestDatabase | undefined;
  const apps: App[] = [];
  afterAll(async () => {
    for (const app of apps) await stopTestApp(app);
    await database?.close();
  });

  it("refuses at B a request already accepted at A (replayed nonce)", { timeout: 240_000 }, async () => {
    database = await createTestDatabase("postgresql");
    const host = await createTestHost(database.prisma);
    const [a, b] = await Promise.all([startTestApp({ databaseUrl: database.url }), startTestApp({ databaseUrl: database.url })]);
    apps.push(a, b);
    expect(a.url).not.toBe(b.url);

    const request = sign({ url: `${a.url}/api/v1/ingest`, body: batch([{ type: "service.start", profile: host.profiles[0] }]), host });
    expect((await post(request)).status).toBe(202);
    // the same bytes, sent to the other process (same path, so the signature itself is valid there)
    const replay = await post({ ...request, url: `${b.url}/api/v1/ingest` });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ check: "replayed-nonce", type: "tag:cellgate,2026:problem/signature/replayed-nonce" });
    expect(await database.prisma.ingestEvent.count({ where: { hostId: host.hostId } })).toBe(1);
  });
});

describe("database unavailable", () => {
  let cluster: Cluster | undefined;
  let app: App | undefined;
  afterEach(async () => {
    await stopTestApp(app);
    cluster?.stop();
  });

  it("answers 503 problem+json with Retry-After once PostgreSQL is stopped", { timeout: 240_000 }, async () => {
    cluster = startCluster();
    const setup = await openDatabase({ url: cluster.url(), poolSize: 1 });
    await applyMigrations(setup.sql);
    const host = await createTestHost(setup.prisma);
    await setup.close();

    app = await startTestApp({ databaseUrl: cluster.url() });
    const url = `${app.url}/api/v1/ingest`;
    const send = () => signedPost({ url, body: batch([{ type: "service.start", profile: host.profiles[0] }]), host });
    expect((await send()).status).toBe(202);

    cluster.stop();
    const res = await send();
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ type: "tag:cellgate,2026:problem/database-unavailable", status: 503 });
  });
});
