import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { attributesOf, isKnownEventType, KNOWN_EVENT_TYPES } from "./event-schemas";
import { parseIngestBody } from "./parse-body";

const NOW = new Date("2026-11-22T20:00:00.000Z");
const DIGEST = `sha256:${"ab".repeat(32)}`;

/** The fields refused for one event of `type` with `attributes` ([] when accepted). */
function refusedFields(type: string, attributes: unknown): string[] {
  const events = [{ id: randomUUID(), type, profile: "globex-build-runner", occurredAt: "2026-11-22T19:00:00Z", attributes }];
  const result = parseIngestBody(new TextEncoder().encode(JSON.stringify({ events })), { now: NOW });
  return result.ok ? [] : result.problem.errors.map((e) => e.field.replace("events[0].attributes", "@"));
}

describe("known event types", () => {
  it("are the fourteen of the contract", () => {
    expect([...KNOWN_EVENT_TYPES].sort()).toEqual(
      [
        "alignment.checked", "auth.accepted", "auth.denied", "canary.evidence", "cost.usage", "egress.denied",
        "health.heartbeat", "policy.decision", "rollback.executed", "secret.loaded", "service.start", "service.stop",
        "tool.allowed", "tool.denied",
      ].sort(),
    );
    expect(isKnownEventType("toString")).toBe(false);
    expect(isKnownEventType("__proto__")).toBe(false);
  });
});

describe("attribute schemas per type", () => {
  it("health.heartbeat: status enum and interval 5–3600", () => {
    expect(refusedFields("health.heartbeat", {})).toEqual([]);
    expect(refusedFields("health.heartbeat", { status: "down", intervalSec: 5 })).toEqual([]);
    expect(refusedFields("health.heartbeat", { intervalSec: 3600 })).toEqual([]);
    expect(refusedFields("health.heartbeat", { status: "fine", intervalSec: 4 })).toEqual(["@.status", "@.intervalSec"]);
    expect(refusedFields("health.heartbeat", { intervalSec: 3601 })).toEqual(["@.intervalSec"]);
    expect(refusedFields("health.heartbeat", { intervalSec: 30.5 })).toEqual(["@.intervalSec"]);
  });

  it("service.start/stop: optional unit", () => {
    expect(refusedFields("service.start", { unit: "cellgate-agent.service", pid: 12 })).toEqual([]);
    expect(refusedFields("service.stop", { unit: "" })).toEqual(["@.unit"]);
  });

  it("canary.evidence: item, passed, rollback duration and intended digest", () => {
    expect(refusedFields("canary.evidence", { item: "egress_enforced", passed: true })).toEqual([]);
    expect(refusedFields("canary.evidence", { item: "rollback_proven", passed: true })).toEqual(["@.durationSec"]);
    expect(refusedFields("canary.evidence", { item: "rollback_proven", passed: false })).toEqual([]);
    expect(refusedFields("canary.evidence", { item: "intended_digest", passed: true })).toEqual(["@.digest"]);
    expect(refusedFields("canary.evidence", { item: "intended_digest", passed: true, digest: DIGEST })).toEqual([]);
    expect(refusedFields("canary.evidence", { item: "intended_digest", passed: true, digest: "sha256:XYZ" })).toEqual(["@.digest"]);
    expect(refusedFields("canary.evidence", { item: "vibes", passed: "yes" })).toEqual(["@.item", "@.passed"]);
    expect(refusedFields("canary.evidence", { item: "canary_survived", passed: true, detail: { requests: 1000 } })).toEqual([]);
    expect(refusedFields("canary.evidence", { item: "canary_survived", passed: true, durationSec: -1 })).toEqual(["@.durationSec"]);
  });

  it("cost.usage: model, non-negative integer tokens, non-negative cost", () => {
    const good = { model: "claude-x", tokensIn: 0, tokensOut: 2048, cost: 0 };
    expect(refusedFields("cost.usage", good)).toEqual([]);
    expect(refusedFields("cost.usage", { ...good, tokensIn: -1 })).toEqual(["@.tokensIn"]);
    expect(refusedFields("cost.usage", { ...good, tokensOut: 1.5 })).toEqual(["@.tokensOut"]);
    expect(refusedFields("cost.usage", { ...good, tokensIn: 2 ** 31 })).toEqual(["@.tokensIn"]);
    expect(refusedFields("cost.usage", { ...good, cost: -0.01 })).toEqual(["@.cost"]);
    expect(refusedFields("cost.usage", { ...good, cost: "0.01" })).toEqual(["@.cost"]);
    expect(refusedFields("cost.usage", { tokensIn: 1 })).toEqual(["@.model", "@.tokensOut", "@.cost"]);
  });

  it("tool, egress, auth, secret, alignment, rollback and policy attributes", () => {
    expect(refusedFields("tool.denied", { tool: "shell.exec", reason: "denied by profile" })).toEqual([]);
    expect(refusedFields("tool.allowed", {})).toEqual(["@.tool"]);
    expect(refusedFields("egress.denied", { destination: "1.2.3.4:22" })).toEqual([]);
    expect(refusedFields("egress.denied", { destination: 7 })).toEqual(["@.destination"]);
    expect(refusedFields("auth.accepted", {})).toEqual([]);
    expect(refusedFields("auth.denied", { principal: "x".repeat(257) })).toEqual(["@.principal"]);
    expect(refusedFields("secret.loaded", { ref: "secret://vault/acme/db-password" })).toEqual([]);
    expect(refusedFields("secret.loaded", { ref: "hunter2" })).toEqual(["@.ref"]);
    expect(refusedFields("alignment.checked", { passed: "true" })).toEqual(["@.passed"]);
    expect(refusedFields("rollback.executed", { target: "v3", durationSec: 9 })).toEqual([]);
    expect(refusedFields("rollback.executed", { durationSec: "9s" })).toEqual(["@.durationSec"]);
    expect(refusedFields("policy.decision", { decision: "allow", rule: "default", inputs: { a: 1 } })).toEqual([]);
    expect(refusedFields("policy.decision", { rule: "r" })).toEqual(["@.decision"]);
  });

  it("x- types accept any JSON object; unknown types are refused", () => {
    expect(refusedFields("x-acme.build", { anything: [1, "two", { three: null }] })).toEqual([]);
    expect(refusedFields("x-acme.build", "not an object")).toEqual(["@"]);
    expect(refusedFields("deploy.done", {})).toEqual(["events[0].type"]);
  });
});

describe("attributesOf", () => {
  it("gives typed attributes for the matching type only", () => {
    const event = { type: "cost.usage", attributes: { model: "m", tokensIn: 1, tokensOut: 2, cost: 0.5, extra: true } };
    expect(attributesOf(event, "cost.usage")?.tokensOut).toBe(2);
    expect(attributesOf(event, "health.heartbeat")).toBeNull();
  });
});
