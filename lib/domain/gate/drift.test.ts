import { describe, expect, it } from "vitest";
import { driftRuleId, driftsInForce, isRiskyTopic, reportMatches } from "./drift";

const H = (c: string) => `sha256:${c.repeat(64)}`;
const at = new Date("2026-12-03T07:00:00Z");
const registry = [
  { name: "update_ticket", schemaHash: H("a") },
  { name: "search_kb", schemaHash: H("b") },
];

describe("tool drift", () => {
  it("is a tool the registry does not list, or a schema hash other than the registered one", () => {
    expect(
      driftsInForce(registry, [
        { tool: "update_ticket", reportedHash: H("c"), detectedAt: at },
        { tool: "shell_exec", reportedHash: null, detectedAt: at },
        { tool: "search_kb", reportedHash: H("b"), detectedAt: at },
        { tool: "search_kb", reportedHash: null, detectedAt: at },
      ]),
    ).toEqual([
      { tool: "shell_exec", reportedHash: null, registeredHash: null, detectedAt: at, why: "not in the registry" },
      { tool: "update_ticket", reportedHash: H("c"), registeredHash: H("a"), detectedAt: at, why: `schema hash ${H("c")} (registered ${H("a")})` },
    ]);
  });

  it("lifts once the registry catches up (the tool listed with the reported hash)", () => {
    const report = [{ tool: "update_ticket", reportedHash: H("c"), detectedAt: at }];
    expect(driftsInForce([{ name: "update_ticket", schemaHash: H("c") }], report)).toEqual([]);
  });

  it("a report of the registered hash clears it; an unlisted tool never matches", () => {
    expect(reportMatches(registry, "update_ticket", H("a"))).toBe(true);
    expect(reportMatches(registry, "update_ticket", null)).toBe(true);
    expect(reportMatches(registry, "update_ticket", H("d"))).toBe(false);
    expect(reportMatches(registry, "shell_exec", null)).toBe(false);
  });

  it("blocks everything but reads", () => {
    expect(isRiskyTopic("job.mcp-bridge.read.search_kb")).toBe(false);
    expect(isRiskyTopic("job.mcp-bridge.write.update_ticket")).toBe(true);
    expect(isRiskyTopic("job.mcp-bridge.exec.run")).toBe(true);
    expect(isRiskyTopic("job.reader.write.read")).toBe(true);
    expect(driftRuleId("update_ticket")).toBe("drift:update_ticket");
  });
});
