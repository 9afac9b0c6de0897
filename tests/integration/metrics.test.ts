/**
 * GET /api/metrics: figures counted in SQL on both databases, the exposition
 * text, and who may scrape (metrics token in constant time, or a platform
 * admin), through the same handler the route uses.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/authz";
import { resetEnvCache } from "@/lib/env";
import { appendAudit } from "@/lib/server/audit";
import { MAX_EVENT_TYPES, collectMetrics, metricsText } from "@/lib/server/metrics/collect";
import { metricsResponse, type MetricsDeps } from "@/lib/server/metrics/handler";
import { configuredMetricsToken } from "@/lib/server/metrics/token";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";
import { createProfile, createTenant } from "../support/factories";
import { createActor, createJob } from "../support/job-factory";

const NOW = new Date();
const TOKEN = `metrics-${randomBytes(16).toString("hex")}`;

async function seedBatch(database: TestDatabase, profile: { id: string; tenantId: string }, types: string[], duplicates: number) {
  const hostId = randomSlug("host");
  const batch = await database.prisma.ingestBatch.create({
    data: { id: randomSlug("batch"), hostId, keyId: `${hostId}-k`, batchHash: `sha256:${"0".repeat(64)}`, accepted: types.length, duplicates, receiptId: randomSlug("rcpt") },
  });
  await database.prisma.ingestEvent.createMany({
    data: types.map((type, i) => ({ hostId, eventId: `e-${i}`, batchId: batch.id, tenantId: profile.tenantId, profileId: profile.id, type, occurredAt: NOW, attributes: {} })),
  });
}

function killSwitch(scope: "global" | "tenant" | "profile" | "capability", over: Record<string, unknown> = {}) {
  return { id: randomSlug("ks"), scope, reason: "test", engagedBy: "test", engagedAt: new Date(NOW.getTime() - 3_600_000), engageReceiptId: randomSlug("rcpt"), ...over };
}

function sample(text: string, line: string): number | undefined {
  const found = text.split("\n").find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe.each(BACKENDS)("metrics on %s", (backend) => {
  let database: TestDatabase;
  let text: string;
  let headBefore: number;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    const prisma = database.prisma;
    const acme = await createTenant(prisma, "acme");
    const globex = await createTenant(prisma, "globex");
    const a = await createProfile(prisma, acme.id, { health: "healthy" });
    const g = await createProfile(prisma, globex.id, { health: "down" });
    await createProfile(prisma, globex.id, { health: "down" });

    await seedBatch(database, a, ["tool.denied", "tool.denied", "cost.usage"], 1);
    await seedBatch(database, g, ["tool.denied", 'x-odd"type\\'], 2);

    const tenant = { id: acme.id, slug: acme.slug };
    const profile = { id: a.id, slug: a.slug };
    await createJob(prisma, { tenant, profile, status: "PENDING_APPROVAL", ttlSec: 3600 });
    await createJob(prisma, { tenant, profile: { id: g.id, slug: g.slug }, status: "PENDING_APPROVAL", ttlSec: 7200 });
    await createJob(prisma, { tenant, profile, status: "PENDING_APPROVAL", ttlSec: -3600 }); // expired, not yet swept (by far: a slow machine cannot flip it)
    await createJob(prisma, { tenant, profile, status: "ALLOWED" });
    await createJob(prisma, { tenant, profile, status: "DENIED" });
    await createJob(prisma, { tenant, profile, status: "APPROVED" });

    await prisma.killSwitch.createMany({
      data: [
        killSwitch("tenant", { tenantId: acme.id }),
        killSwitch("capability", { tenantId: acme.id, capability: "write" }),
        killSwitch("capability", { tenantId: globex.id, capability: "egress", autoReleaseAt: new Date(NOW.getTime() + 600_000) }),
        killSwitch("profile", { tenantId: acme.id, profileId: a.id, autoReleaseAt: new Date(NOW.getTime() - 60_000) }), // released itself
        killSwitch("global", { releasedAt: new Date(NOW.getTime() - 60_000), releasedBy: "u", releaseReason: "done" }),
      ],
    });

    headBefore = (await database.sql.query<{ seq: number }>(`SELECT seq FROM "AuditHead" WHERE id = 1`))[0]!.seq;
    for (let i = 0; i < 3; i += 1) {
      await prisma.$transaction((tx) => appendAudit(tx, { actor: { type: "system", id: "metrics-test" }, action: "test.append", resource: `thing:${i}` }));
    }
    for (const [seq, time] of [[headBefore + 1, "2026-11-22T10:00:00.000Z"], [headBefore + 3, "2026-11-22T10:05:00.500Z"]] as const) {
      await database.sql.query(
        `INSERT INTO "AuditCheckpoint" (seq, "headHash", "treeRoot", time, "keyId", signature, frontier) VALUES ($1, 'h', 'r', $2::timestamptz, 'k', 's', '{}'::jsonb)`,
        [seq, time],
      );
    }
    text = await metricsText(database, NOW);
  });
  afterAll(async () => database?.close());

  it("counts ingest events by type, batches and duplicates", () => {
    expect(sample(text, 'cellgate_ingest_events_total{type="tool.denied"}')).toBe(3);
    expect(sample(text, 'cellgate_ingest_events_total{type="cost.usage"}')).toBe(1);
    expect(sample(text, 'cellgate_ingest_events_total{type="x-odd\\"type\\\\"}')).toBe(1);
    expect(sample(text, "cellgate_ingest_batches_total")).toBe(2);
    expect(sample(text, "cellgate_ingest_duplicates_total")).toBe(3);
  });

  it("counts decisions by decision, zero for none, and only unexpired pending jobs", () => {
    expect(sample(text, 'cellgate_policy_decisions_total{decision="REQUIRE_APPROVAL"}')).toBe(4);
    expect(sample(text, 'cellgate_policy_decisions_total{decision="ALLOW"}')).toBe(1);
    expect(sample(text, 'cellgate_policy_decisions_total{decision="DENY"}')).toBe(1);
    expect(sample(text, 'cellgate_policy_decisions_total{decision="THROTTLE"}')).toBe(0);
    expect(sample(text, "cellgate_jobs_pending_approval")).toBe(2);
  });

  it("counts kill switches in force by scope (released and auto-released ones are not)", () => {
    expect(sample(text, 'cellgate_kill_switches_in_force{scope="global"}')).toBe(0);
    expect(sample(text, 'cellgate_kill_switches_in_force{scope="tenant"}')).toBe(1);
    expect(sample(text, 'cellgate_kill_switches_in_force{scope="profile"}')).toBe(0);
    expect(sample(text, 'cellgate_kill_switches_in_force{scope="capability"}')).toBe(2);
  });

  it("reports the audit head, checkpoints and profiles by health", () => {
    expect(sample(text, "cellgate_audit_head_seq")).toBe(headBefore + 3);
    expect(sample(text, "cellgate_audit_checkpoints_total")).toBe(2);
    expect(sample(text, "cellgate_audit_checkpoint_seq")).toBe(headBefore + 3);
    expect(sample(text, "cellgate_audit_checkpoint_timestamp_seconds")).toBe(Date.parse("2026-11-22T10:05:00.500Z") / 1000);
    expect(sample(text, 'cellgate_profiles{health="down"}')).toBe(2);
    expect(sample(text, 'cellgate_profiles{health="healthy"}')).toBe(1);
    expect(sample(text, 'cellgate_profiles{health="unknown"}')).toBe(0);
  });

  it("states HELP and TYPE once per family", () => {
    expect(text).toContain("# TYPE cellgate_ingest_events_total counter\n");
    expect(text).toContain("# TYPE cellgate_jobs_pending_approval gauge\n");
    expect(text.match(/^# HELP cellgate_policy_decisions_total /gm)).toHaveLength(1);
    expect(text.endsWith("\n")).toBe(true);
  });

  it("keeps the event-type series bounded: beyond the most frequent types the rest is summed as other", async () => {
    const fresh = await createTestDatabase(backend);
    try {
      const tenant = await createTenant(fresh.prisma, "many");
      const profile = await createProfile(fresh.prisma, tenant.id);
      const types = Array.from({ length: MAX_EVENT_TYPES + 3 }, (_, i) => `x-custom-${String(i).padStart(3, "0")}`);
      await seedBatch(fresh, profile, [...types, "tool.denied", "tool.denied"], 0);
      const family = (await collectMetrics(fresh, NOW)).find((f) => f.name === "cellgate_ingest_events_total")!;
      expect(family.samples).toHaveLength(MAX_EVENT_TYPES + 1);
      expect(family.samples.find((s) => s.labels?.type === "tool.denied")!.value).toBe(2);
      expect(family.samples.at(-1)).toEqual({ labels: { type: "other" }, value: 4 });
      expect(family.samples.reduce((n, s) => n + s.value, 0)).toBe(types.length + 2);
    } finally {
      await fresh.close();
    }
  });

  it("sees a job become due: with a later clock the pending gauge drops", async () => {
    const later = await collectMetrics(database, new Date(NOW.getTime() + 3 * 3_600_000));
    expect(later.find((f) => f.name === "cellgate_jobs_pending_approval")!.samples[0]!.value).toBe(0);
  });

  describe("who may scrape", () => {
    let admin: Actor;
    let viewer: Actor;
    let calls: number;
    const deps = (over: Partial<MetricsDeps> & { who?: Actor | null }): MetricsDeps => ({
      database: async () => database,
      token: () => TOKEN,
      actor: async () => {
        calls += 1;
        return over.who ?? null;
      },
      ...over,
    });
    const get = (headers: Record<string, string> = {}) => new Request("http://console.test/api/metrics", { headers });

    beforeAll(async () => {
      admin = await createActor(database.prisma, null, "platform_admin");
      const tenant = await createTenant(database.prisma, "member");
      viewer = await createActor(database.prisma, tenant.id, "tenant_admin");
    });

    it("answers the metrics text to the right bearer token without asking for a session", async () => {
      calls = 0;
      const response = await metricsResponse(get({ Authorization: `Bearer ${TOKEN}` }), deps({}));
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(sample(await response.text(), "cellgate_ingest_batches_total")).toBe(2);
      expect(calls).toBe(0);
    });

    it("answers a signed-in platform admin", async () => {
      const response = await metricsResponse(get(), deps({ who: admin }));
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("# TYPE cellgate_audit_head_seq gauge");
    });

    it("refuses with 401 problem+json: nobody, a tenant admin, a wrong token (even for an admin), no token configured, a short token", async () => {
      const cases: [Request, MetricsDeps][] = [
        [get(), deps({})],
        [get(), deps({ who: viewer })],
        [get({ Authorization: `Bearer ${TOKEN}x` }), deps({ who: admin })],
        [get({ Authorization: `Bearer ${TOKEN.slice(0, -1)}` }), deps({})],
        [get({ Authorization: `Bearer ${TOKEN}` }), deps({ token: () => undefined })],
        [get({ Authorization: "Bearer short-token" }), deps({ token: () => "short-token" })],
        [get({ Authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}` }), deps({})],
      ];
      for (const [request, d] of cases) {
        const response = await metricsResponse(request, d);
        expect(response.status).toBe(401);
        expect(response.headers.get("content-type")).toBe("application/problem+json");
        expect(response.headers.get("www-authenticate")).toBe('Bearer realm="cellgate-metrics"');
        const body = (await response.json()) as { status: number; title: string; detail: string };
        expect(body.status).toBe(401);
        expect(body.detail).not.toContain(TOKEN);
      }
    });

    it("answers 503 problem+json when the database cannot be read", async () => {
      const response = await metricsResponse(get({ Authorization: `Bearer ${TOKEN}` }), deps({ database: async () => { throw new Error("down"); } }));
      expect(response.status).toBe(503);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
    });
  });
});


describe("CELLGATE_METRICS_TOKEN", () => {
  const saved = process.env.CELLGATE_METRICS_TOKEN;
  const use = (value: string | undefined) => {
    if (value === undefined) delete process.env.CELLGATE_METRICS_TOKEN;
    else process.env.CELLGATE_METRICS_TOKEN = value;
    resetEnvCache();
    return configuredMetricsToken();
  };
  afterAll(() => use(saved));

  it("resolves a literal, a file: or an env: reference, and is off when unset, too short or unreadable", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-metrics-"));
    try {
      const file = path.join(dir, "token");
      fs.writeFileSync(file, `${TOKEN}\n`, { mode: 0o600 });
      expect(use(TOKEN)).toBe(TOKEN);
      expect(use(`file:${file}`)).toBe(TOKEN);
      process.env.H13_METRICS_TOKEN_TEST = `${TOKEN}-env`;
      expect(use("env:H13_METRICS_TOKEN_TEST")).toBe(`${TOKEN}-env`);
      expect(use(undefined)).toBeUndefined();
      expect(use("")).toBeUndefined();
      expect(use("too-short")).toBeUndefined();
      expect(use(`file:${path.join(dir, "missing")}`)).toBeUndefined();
    } finally {
      delete process.env.H13_METRICS_TOKEN_TEST;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
