/**
 * POST /api/v1/ingest through real HTTP against the BUILT console on a fresh
 * PostgreSQL database: accepted batches and their effects, duplicates, the
 * all-or-nothing 400, 403, 413 (declared and streamed), 415 and 429.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "../support/databases";
import { startIngestApp, stopIngestApp, type AppProcess } from "../support/app-process";
import { batch, createTestHost, eventId, sign, signedPost, type TestHost } from "../support/signed-client";

const PROBLEM = "application/problem+json";
let database: TestDatabase;
let app: (AppProcess & { logDir: string }) | undefined;
let host: TestHost;
let url: string;

beforeAll(async () => {
  ({ database, host, app, url } = await startIngestApp());
}, 180_000);
afterAll(() => stopIngestApp({ app, database }));

async function problem(res: Response, status: number, type: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain(PROBLEM);
  const body = await res.json();
  expect(body).toMatchObject({ type: `tag:cellgate,2026:problem/${type}`, status });
  return body;
}

describe("POST /api/v1/ingest (PostgreSQL)", () => {
  it("accepts a batch (202 after commit), stores redacted events and one receipt + audit entry", async () => {
    const [p1, p2] = host.profiles;
    const jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    const ids = [eventId(), eventId(), eventId(), eventId(), eventId()];
    const body = batch([
      { id: ids[0], type: "tool.denied", profile: p1, attributes: { tool: "shell", reason: `Authorization: Bearer ${jwt}` } },
      { id: ids[1], type: "health.heartbeat", profile: p1, traceId: "4bf92f3577b34da6a3ce929d0e0e4736", attributes: { status: "healthy", intervalSec: 30 } },
      { id: ids[2], type: "cost.usage", profile: p2, attributes: { model: "m-1", tokensIn: 100, tokensOut: 20, cost: 0.0125 } },
      { id: ids[3], type: "canary.evidence", profile: p2, attributes: { item: "rollback_proven", passed: true, durationSec: 42 } },
      // Typed fields stay beside a nested detail object.
      { id: ids[4], type: "canary.evidence", profile: p2, attributes: { item: "intended_digest", passed: true, digest: "sha256:abababababababababababababababababababababababababababababababab", detail: { checkedBy: "boot-probe" } } },
    ]);
    const res = await signedPost({ url, body, host });
    expect(res.status).toBe(202);
    const answer = await res.json();
    expect(answer).toMatchObject({ accepted: 5, duplicates: 0, receipt: { id: expect.stringMatching(/^rcpt_/), auditSeq: expect.any(Number) } });

    const events = await database.prisma.ingestEvent.findMany({ where: { hostId: host.hostId }, orderBy: { eventId: "asc" } });
    expect(events.map((e) => e.eventId).sort()).toEqual([...ids].sort());
    const denied = events.find((e) => e.eventId === ids[0])!;
    expect(JSON.stringify(denied.attributes)).not.toContain(jwt);
    expect(denied.redactions).toMatchObject({ count: expect.any(Number) });
    expect((denied.redactions as { count: number }).count).toBeGreaterThan(0);

    expect(events.find((e) => e.eventId === ids[1])!.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    const profile = await database.prisma.profile.findUniqueOrThrow({ where: { slug: p1 } });
    expect(profile).toMatchObject({ health: "healthy", heartbeatIntervalSec: 30 });
    expect(profile.lastHeartbeatAt).not.toBeNull();
    const costs = await database.prisma.costRecord.findMany({ where: { profile: { slug: p2 } } });
    expect(costs.map((c) => ({ model: c.model, tokensIn: c.tokensIn, cost: c.cost.toString() }))).toEqual([
      { model: "m-1", tokensIn: 100, cost: "0.0125" },
    ]);

    const evidence = await database.prisma.profileEvidence.findMany({ where: { profile: { slug: p2 } }, orderBy: { item: "asc" } });
    expect(evidence.map((e) => ({ item: e.item, passed: e.passed, detail: e.detail }))).toEqual([
      { item: "intended_digest", passed: true, detail: { digest: "sha256:abababababababababababababababababababababababababababababababab", checkedBy: "boot-probe" } },
      { item: "rollback_proven", passed: true, detail: { durationSec: 42 } },
    ]);

    const batchRow = await database.prisma.ingestBatch.findFirstOrThrow({ where: { hostId: host.hostId } });
    expect(batchRow).toMatchObject({ accepted: 5, duplicates: 0, receiptId: answer.receipt.id, keyId: host.keyId });
    const audit = await database.prisma.auditEntry.findMany({ where: { actorType: "host", actorId: host.hostId } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!).toMatchObject({ action: "ingest.batch", seq: answer.receipt.auditSeq, hash: answer.receipt.auditHash });
    expect(audit[0]!.data).toMatchObject({ batchHash: batchRow.batchHash, accepted: 5, duplicates: 0, keyId: host.keyId });
  });

  it("counts re-sent events as duplicates and never stores them twice", async () => {
    const id = eventId();
    const events = [{ id, type: "service.start", profile: host.profiles[0], attributes: { unit: "x.service" } }];
    const first = await signedPost({ url, body: batch(events), host });
    expect(await first.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    const again = await signedPost({ url, body: batch([...events, { type: "service.stop", profile: host.profiles[0] }]), host });
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ accepted: 1, duplicates: 1 });
    const only = await signedPost({ url, body: batch(events), host });
    expect(only.status).toBe(202);
    expect(await only.json()).toMatchObject({ accepted: 0, duplicates: 1, receipt: { id: expect.any(String) } });
    expect(await database.prisma.ingestEvent.count({ where: { hostId: host.hostId, eventId: id } })).toBe(1);
    const profile = await database.prisma.profile.findUniqueOrThrow({ where: { slug: host.profiles[0] } });
    expect(profile.unitState).toBe("stopped");
  });

  it("refuses the whole batch (400) naming every bad index and field; nothing stored", async () => {
    const good = eventId();
    const body = batch([
      { id: good, type: "service.start", profile: host.profiles[0] },
      { type: "no.such.type", profile: host.profiles[0] },
      { type: "cost.usage", profile: host.profiles[0], attributes: { model: "m", tokensIn: -1, tokensOut: 1, cost: 1 } },
    ]);
    const body400 = await problem(await signedPost({ url, body, host }), 400, "invalid-batch");
    const indexes = (body400.errors as Array<{ index?: number; field: string }>).map((e) => e.index);
    expect(indexes).toContain(1);
    expect(indexes).toContain(2);
    expect(indexes).not.toContain(0);
    const errors = body400.errors as Array<{ index?: number; field: string }>;
    expect(errors.some((e) => e.index === 1 && e.field.includes("type"))).toBe(true);
    expect(JSON.stringify(body400.errors)).toContain("tokensIn");
    expect(await database.prisma.ingestEvent.count({ where: { eventId: good } })).toBe(0);
  });

  it("accepts x- custom types; truncated JSON and prototype-pollution keys are plain 400s", async () => {
    const res = await signedPost({ url, body: batch([{ type: "x-acme.custom", profile: host.profiles[1], attributes: { a: 1 } }]), host });
    expect(res.status).toBe(202);
    await problem(await signedPost({ url, body: '{"events":[{"id":"a"', host }), 400, "malformed-json");
    const polluted = `{"events":[{"id":"${eventId()}","type":"x-a","profile":"${host.profiles[1]}","occurredAt":"${new Date().toISOString()}","attributes":{"__proto__":{"admin":true}}}]}`;
    const res2 = await signedPost({ url, body: polluted, host });
    expect(res2.status).toBe(400);
    expect(res2.headers.get("content-type")).toContain(PROBLEM);
  });

  it("refuses (403) a batch naming a profile the host is not bound to, storing nothing", async () => {
    const good = eventId();
    const body = batch([
      { id: good, type: "service.start", profile: host.profiles[0] },
      { type: "service.start", profile: host.unboundProfile },
      { type: "service.start", profile: "no-such-profile-anywhere" },
    ]);
    const refused = await problem(await signedPost({ url, body, host }), 403, "profile-not-bound");
    expect(refused.profiles).toEqual([host.unboundProfile, "no-such-profile-anywhere"]);
    expect(await database.prisma.ingestEvent.count({ where: { eventId: good } })).toBe(0);
  });

  it("refuses a non-JSON Content-Type with 415", async () => {
    const body = batch([{ type: "service.start", profile: host.profiles[0] }]);
    await problem(await signedPost({ url, body, host, contentType: "text/plain" }), 415, "unsupported-media-type");
  });

  it("answers 413 for a declared Content-Length over 1 MiB without reading the body", async () => {
    const target = new URL(url);
    const status = await new Promise<{ status: number; type: string }>((resolve, reject) => {
      const req = http.request({
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        headers: { "Content-Type": "application/json", "Content-Length": String(5 * 1024 * 1024) },
      });
      req.on("response", (res) => {
        resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]) });
        res.resume();
        req.destroy();
      });
      req.on("error", reject);
      req.write("x".repeat(1024)); // the rest is never sent: the answer must come anyway
    });
    expect(status).toEqual({ status: 413, type: expect.stringContaining(PROBLEM) });
  });

  it("answers 413 for a chunked body (no Content-Length) that grows past 1 MiB", async () => {
    const big = batch([{ type: "x-big", profile: host.profiles[0], attributes: { pad: "y".repeat(1024 * 1024 + 10) } }]);
    const signed = sign({ url, body: big, host });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(big);
        for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.subarray(i, i + 64 * 1024));
        controller.close();
      },
    });
    const res = await fetch(url, { method: "POST", headers: signed.headers, body: stream, duplex: "half" } as RequestInit);
    await problem(res, 413, "payload-too-large");
  });

  it("answers 429 with Retry-After once the host exceeds its rate per minute", async () => {
    const slow = await createTestHost(database.prisma, { ratePerMinute: 3, profiles: 1 });
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 7; i++) {
      const res = await signedPost({ url, body: batch([{ type: "service.start", profile: slow.profiles[0] }]), host: slow });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
      else await res.body?.cancel();
    }
    // three per window: seven quick requests span at most two windows, so one is refused
    expect(statuses.every((s) => s === 202 || s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 202).length).toBeGreaterThanOrEqual(3);
    expect(limited).toBeDefined();
    const retryAfter = Number(limited!.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    await problem(limited!, 429, "rate-limited");
  });
});
