import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DEMO_HEARTBEAT_SEC, demoHistory } from "./demo-events";
import { evidenceChecklist } from ".";

const now = Date.UTC(2026, 10, 22, 12);
const digest = `sha256:${"1".repeat(64)}`;
const history = (health: "healthy" | "degraded" | "down" | "unknown", rich = false) =>
  demoHistory({ slug: "acme-ticket-triage", health, artifactDigest: digest, hostId: "acme-sandbox-01", rich }, now, randomUUID);

describe("demoHistory", () => {
  it("places the last heartbeat so that the live thresholds give the seeded health", () => {
    const age = (h: ReturnType<typeof history>) => (now - h.profile.lastHeartbeatAt!.getTime()) / 1000;
    expect(age(history("healthy"))).toBeLessThan(2 * DEMO_HEARTBEAT_SEC);
    const degraded = age(history("degraded"));
    expect(degraded).toBeGreaterThanOrEqual(2 * DEMO_HEARTBEAT_SEC);
    expect(degraded).toBeLessThan(5 * DEMO_HEARTBEAT_SEC);
    expect(age(history("down"))).toBeGreaterThanOrEqual(5 * DEMO_HEARTBEAT_SEC);
    // A host that never reported: no events, no evidence, nothing claimed.
    expect(history("unknown")).toMatchObject({ events: [], evidence: [], costs: [], profile: { lastHeartbeatAt: null, lastSeenAt: null, unitState: null } });
    expect(history("down").profile.unitState).toBe("stopped");
  });

  it("gives unique event ids, never a future event, and one redacted event in the rich story", () => {
    const h = history("healthy", true);
    expect(new Set(h.events.map((e) => e.eventId)).size).toBe(h.events.length);
    expect(h.events.every((e) => e.occurredAt.getTime() <= now)).toBe(true);
    const redacted = h.events.filter((e) => e.redactions);
    expect(redacted).toHaveLength(1);
    expect(JSON.stringify(redacted[0]!.attributes)).toContain("[REDACTED:bearer_token]");
  });

  it("links evidence and costs to their events; the rich story lacks canary traffic and holds a leak for later", () => {
    for (const rich of [true, false]) {
      const h = history("healthy", rich);
      const ids = new Set(h.events.map((e) => e.id));
      expect(h.evidence.every((e) => ids.has(e.eventId))).toBe(true);
      expect(h.costs.length).toBeGreaterThan(0);
      expect(h.costs.every((c) => ids.has(c.eventId))).toBe(true);
      const list = evidenceChecklist(h.evidence, new Date(now), { intendedDigest: digest });
      expect(list.counts).toEqual(rich ? { pass: 6, fail: 0, missing: 1 } : { pass: 7, fail: 0, missing: 0 });
      expect(h.laterFailure).toEqual(rich ? { item: "secrets_not_logged", detail: { reason: expect.stringMatching(/API-key/) } } : null);
    }
  });

  it("drills rollback within five minutes, except the slow one", () => {
    const drill = (h: ReturnType<typeof history>) => h.evidence.find((e) => e.item === "rollback_proven")!.detail.durationSec;
    expect(drill(history("healthy"))).toBeLessThan(300);
    expect(drill(demoHistory({ slug: "x", health: "healthy", artifactDigest: digest, hostId: "h", rich: false, slowDrill: true }, now, randomUUID))).toBeGreaterThan(300);
  });

  it("a quiet workload reports its health and evidence, and no tool, egress or model activity", () => {
    const quiet = demoHistory({ slug: "x", health: "healthy", artifactDigest: digest, hostId: "h", rich: false, quiet: true }, now, randomUUID);
    expect(quiet.costs).toEqual([]);
    expect(new Set(quiet.events.map((e) => e.type))).toEqual(new Set(["service.start", "health.heartbeat", "canary.evidence"]));
    expect(quiet.evidence).toHaveLength(7);
  });
});
