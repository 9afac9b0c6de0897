import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/authz";
import { setDatabase, type Db } from "@/lib/db";
import { getProfileEvidence } from "@/lib/server/evidence";
import { getProfileTimeline, parseTimelineQuery } from "@/lib/server/events";
import { getProfile } from "@/lib/server/profiles";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";
import { createProfile, createTenant } from "../support/factories";

const DIGEST = `sha256:${"ef".repeat(32)}`;
const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);

async function createProfileWithEvents(prisma: Db, events: { type: string; redacted?: boolean }[]) {
  const tenant = await createTenant(prisma);
  const slug = tenant.slug;
  const profile = await createProfile(prisma, tenant.id, {
    slug: `${slug}-agent`,
    unit: "agent.service",
    artifactDigest: DIGEST, // the digest the "intended digest" evidence reports
    unitState: "running",
    unitStateAt: new Date(T0),
  });
  const hostId = randomSlug("host");
  const batch = await prisma.ingestBatch.create({
    data: { id: randomUUID(), hostId, keyId: `${hostId}-k1`, batchHash: DIGEST, accepted: events.length, duplicates: 0, receiptId: `rcpt_${slug}` },
  });
  await prisma.ingestEvent.createMany({
    data: events.map((e, i) => ({
      hostId,
      eventId: `ev-${i}`,
      batchId: batch.id,
      tenantId: tenant.id,
      profileId: profile.id,
      type: e.type,
      occurredAt: new Date(T0 + i * 60_000),
      traceId: `trace-${i}`,
      attributes: { n: i, note: e.redacted ? "[REDACTED:bearer_token]" : "plain" },
      redactions: e.redacted ? { count: 1, fields: ["note"], kinds: { bearer_token: 1 } } : undefined,
    })),
  });
  const viewer: Actor = { userId: randomUUID(), platformAdmin: false, memberships: [{ tenantId: tenant.id, role: "viewer" }] };
  return { tenant, profile, hostId, viewer };
}

describe.each(BACKENDS)("profile timeline and evidence on %s", (backend) => {
  let database: TestDatabase;
  let a: Awaited<ReturnType<typeof createProfileWithEvents>>;
  let b: Awaited<ReturnType<typeof createProfileWithEvents>>;
  const typesA = ["health.heartbeat", "tool.denied", "health.heartbeat", "egress.denied", "tool.denied"];

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    setDatabase(database);
    // 30 events for A: 6 rounds of the five types; events 7 and 22 redacted.
    a = await createProfileWithEvents(
      database.prisma,
      Array.from({ length: 30 }, (_, i) => ({ type: typesA[i % 5]!, redacted: i === 7 || i === 22 })),
    );
    b = await createProfileWithEvents(database.prisma, [{ type: "auth.denied", redacted: true }, { type: "tool.denied" }]);
  });
  afterAll(async () => {
    setDatabase(undefined);
    await database?.close();
  });

  it("pages the events newest first, 25 a page, with the types present", async () => {
    const first = (await getProfileTimeline(a.viewer, a.profile.slug, { page: 1, type: null }))!;
    expect(first).toMatchObject({ total: 30, page: 1, pageCount: 2, size: 25 });
    expect(first.rows.map((r) => r.eventId)).toEqual(Array.from({ length: 25 }, (_, i) => `ev-${29 - i}`));
    expect(first.types).toEqual(["egress.denied", "health.heartbeat", "tool.denied"]);
    const second = (await getProfileTimeline(a.viewer, a.profile.slug, { page: 2, type: null }))!;
    expect(second.rows.map((r) => r.eventId)).toEqual(["ev-4", "ev-3", "ev-2", "ev-1", "ev-0"]);
    expect(second.rows[0]).toMatchObject({ type: "tool.denied", hostId: a.hostId, traceId: "trace-4", attributes: { n: 4 } });
    // A page past the end shows the last page.
    expect((await getProfileTimeline(a.viewer, a.profile.slug, { page: 99, type: null }))!.page).toBe(2);
  });

  it("filters by type, keeping the full list of types for the filter", async () => {
    const denied = (await getProfileTimeline(a.viewer, a.profile.slug, { page: 1, type: "tool.denied" }))!;
    expect(denied.total).toBe(12);
    expect(denied.rows.every((r) => r.type === "tool.denied")).toBe(true);
    expect(denied.types).toHaveLength(3);
    expect((await getProfileTimeline(a.viewer, a.profile.slug, { page: 1, type: "cost.usage" }))!.total).toBe(0);
  });

  it("tallies redacted events and their kinds, and marks each redacted row", async () => {
    const t = (await getProfileTimeline(a.viewer, a.profile.slug, { page: 1, type: null }))!;
    expect(t.redacted).toEqual({ events: 2, kinds: { bearer_token: 2 } });
    const marked = t.rows.filter((r) => r.redactions).map((r) => r.eventId);
    expect(marked).toEqual(["ev-22", "ev-7"]);
    expect(t.rows.find((r) => r.eventId === "ev-22")!.redactions).toEqual({ count: 1, fields: ["note"], kinds: { bearer_token: 1 } });
  });

  it("never shows another tenant's events or profile, even by its slug", async () => {
    expect(await getProfileTimeline(a.viewer, b.profile.slug, { page: 1, type: null })).toBeNull();
    expect(await getProfileEvidence(a.viewer, b.profile.slug)).toBeNull();
    const own = (await getProfileTimeline(b.viewer, b.profile.slug, { page: 1, type: null }))!;
    expect(own.total).toBe(2);
    expect(own.rows.every((r) => r.hostId === b.hostId)).toBe(true);
    expect(own.redacted.events).toBe(1);
    const admin: Actor = { userId: randomUUID(), platformAdmin: true, memberships: [] };
    expect((await getProfileTimeline(admin, b.profile.slug, { page: 1, type: null }))!.total).toBe(2);
  });

  it("builds the evidence checklist from stored rows: pass, fail and missing", async () => {
    const now = new Date(T0 + 3_600_000);
    await database.prisma.profileEvidence.createMany({
      data: [
        { profileId: a.profile.id, item: "intended_digest", passed: true, observedAt: new Date(T0), detail: { digest: DIGEST } },
        { profileId: a.profile.id, item: "egress_enforced", passed: false, observedAt: new Date(T0), detail: { reason: "reached 1.2.3.4:443" } },
        { profileId: a.profile.id, item: "rollback_proven", passed: true, observedAt: new Date(T0 + 1_800_000), detail: { durationSec: 200 } },
      ],
    });
    const list = (await getProfileEvidence(a.viewer, a.profile.slug, now))!;
    expect(list.counts).toEqual({ pass: 2, fail: 1, missing: 4 });
    expect(list.entries.find((e) => e.item === "intended_digest")).toMatchObject({ state: "pass", ageSec: 3600 });
    expect(list.entries.find((e) => e.item === "egress_enforced")).toMatchObject({ state: "fail", reason: "reached 1.2.3.4:443" });
    expect(list.entries.find((e) => e.item === "rollback_proven")).toMatchObject({ state: "pass", durationSec: 200, ageSec: 1800 });
    expect(list.entries.find((e) => e.item === "canary_survived")!.state).toBe("missing");
    // B's checklist is its own: nothing stored for it.
    expect((await getProfileEvidence(b.viewer, b.profile.slug, now))!.counts.missing).toBe(7);
  });

  it("reports the unit state on the profile", async () => {
    const detail = (await getProfile(a.viewer, a.profile.slug))!;
    expect(detail).toMatchObject({ unitState: "running", unitStateAt: new Date(T0), lastHeartbeatAt: null, heartbeatIntervalSec: 60 });
  });
});

describe("parseTimelineQuery", () => {
  it("reads the events page and type, ignoring bad values", () => {
    expect(parseTimelineQuery({ events: "2", type: "tool.denied" })).toEqual({ page: 2, type: "tool.denied" });
    expect(parseTimelineQuery({ events: "0", type: "DROP TABLE" })).toEqual({ page: 1, type: null });
    expect(parseTimelineQuery({ events: ["3", "4"], type: "x-custom.thing" })).toEqual({ page: 3, type: "x-custom.thing" });
    expect(parseTimelineQuery({})).toEqual({ page: 1, type: null });
  });
});
