import { describe, expect, it } from "vitest";
import {
  CAPABILITIES,
  capabilitiesFor,
  capabilityById,
  capabilityMatches,
  capabilityProblem,
  covers,
  describeSwitch,
  isExpiredUnrecorded,
  isInForce,
  type KillSwitchState,
} from ".";

const T1 = "11111111-1111-4111-8111-111111111111";
const T2 = "22222222-2222-4222-8222-222222222222";
const P1 = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const P2 = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
const now = new Date("2026-11-22T12:00:00Z");

function sw(over: Partial<KillSwitchState>): KillSwitchState {
  return { scope: "global", tenantId: null, profileId: null, capability: null, releasedAt: null, autoReleaseAt: null, ...over };
}

describe("isInForce", () => {
  it("is in force until released or until the automatic release time", () => {
    expect(isInForce(sw({}), now)).toBe(true);
    expect(isInForce(sw({ autoReleaseAt: new Date(now.getTime() + 1) }), now)).toBe(true);
    expect(isInForce(sw({ autoReleaseAt: now }), now)).toBe(false);
    expect(isInForce(sw({ releasedAt: new Date(now.getTime() - 1000) }), now)).toBe(false);
    expect(isExpiredUnrecorded(sw({ autoReleaseAt: now }), now)).toBe(true);
    expect(isExpiredUnrecorded(sw({ autoReleaseAt: now, releasedAt: now }), now)).toBe(false);
  });
});

describe("covers", () => {
  const job = { tenantId: T1, profileId: P1, topic: "job.bridge.write.update_ticket", riskTags: [] };

  it("global covers everything; tenant its tenant; profile its profile", () => {
    expect(covers(sw({}), job)).toBe(true);
    expect(covers(sw({ scope: "tenant", tenantId: T1 }), job)).toBe(true);
    expect(covers(sw({ scope: "tenant", tenantId: T2 }), job)).toBe(false);
    expect(covers(sw({ scope: "profile", tenantId: T1, profileId: P1 }), job)).toBe(true);
    expect(covers(sw({ scope: "profile", tenantId: T1, profileId: P2 }), job)).toBe(false);
  });

  it("a capability covers matching jobs within its tenant or its profile only", () => {
    const writes = sw({ scope: "capability", tenantId: T1, capability: "write-tools" });
    expect(covers(writes, job)).toBe(true);
    expect(covers(writes, { ...job, topic: "job.bridge.read.ticket" })).toBe(false);
    expect(covers(writes, { ...job, tenantId: T2 })).toBe(false);
    const narrowed = sw({ scope: "capability", tenantId: T1, profileId: P2, capability: "write-tools" });
    expect(covers(narrowed, job)).toBe(false);
    expect(covers(narrowed, { ...job, profileId: P2 })).toBe(true);
  });

  it("matches risk tags, PR globs and tool names", () => {
    const net = sw({ scope: "capability", tenantId: T1, capability: "shell-network" });
    expect(covers(net, { ...job, topic: "job.bridge.read.ticket", riskTags: ["network"] })).toBe(true);
    expect(covers(net, { ...job, topic: "job.runner.shell.ls" })).toBe(true);
    const pr = sw({ scope: "capability", tenantId: T1, capability: "pr-creation" });
    expect(covers(pr, { ...job, topic: "job.github.write.create_pr" })).toBe(true);
    expect(covers(pr, { ...job, topic: "job.github.pr.merge" })).toBe(true);
    expect(covers(pr, { ...job, topic: "job.github.read.list_prs" })).toBe(false);
    const tool = sw({ scope: "capability", tenantId: T1, capability: "tool:update_ticket" });
    expect(covers(tool, job)).toBe(true);
    expect(covers(tool, { ...job, topic: "job.bridge.write.close_ticket" })).toBe(false);
  });

  it("an unknown capability covers everything in its reach (fail safe); no topic covers nothing", () => {
    expect(covers(sw({ scope: "capability", tenantId: T1, capability: "made-up" }), job)).toBe(true);
    expect(covers(sw({ scope: "capability", tenantId: T1, capability: "write-tools" }), { tenantId: T1, profileId: P1 })).toBe(false);
  });
});

describe("capability catalog", () => {
  it("has the issue's capabilities and derives tool capabilities from tool lists", () => {
    expect(CAPABILITIES.map((c) => c.id)).toEqual(expect.arrayContaining(["write-tools", "shell-network", "pr-creation"]));
    expect(capabilitiesFor(["read_ticket", "read_ticket", "bad name"]).map((c) => c.id)).toContain("tool:read_ticket");
    expect(capabilitiesFor(["bad name"]).some((c) => c.id.includes("bad"))).toBe(false);
    expect(capabilityById("tool:")).toBeNull();
    expect(capabilitiesFor([], ["job.*.write.**", "job.*.write.**", "Bad Glob"]).filter((c) => c.id.startsWith("topic:")).map((c) => c.id)).toEqual([
      "topic:job.*.write.**",
    ]);
    const refunds = capabilityById("topic:job.billing.refund.**")!;
    expect(capabilityMatches(refunds, { topic: "job.billing.refund.card" })).toBe(true);
    expect(capabilityMatches(refunds, { topic: "job.billing.invoice.send" })).toBe(false);
    expect(capabilityProblem("topic:job..x")).toMatch(/^"topic:job\.\.x": .*empty segment/);
    expect(capabilityProblem("nope")).toMatch(/unknown capability "nope"/);
    expect(capabilityProblem("tool:a b")).toMatch(/tool name/);
    expect(capabilityProblem("write-tools")).toBeNull();
    expect(capabilityMatches(capabilityById("write-tools")!, { riskTags: ["write"] })).toBe(true);
  });

  it("describes what a switch stops", () => {
    expect(describeSwitch({ scope: "global" })).toBe("everything, on every tenant");
    expect(describeSwitch({ scope: "capability", tenant: "acme", capability: "write-tools" })).toBe("Write tools on tenant acme");
    expect(describeSwitch({ scope: "capability", tenant: "acme", profile: "acme-x", capability: "tool:x" })).toBe("Tool x on profile acme-x");
  });
});
