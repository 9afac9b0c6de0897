import { describe, expect, it } from "vitest";
import { DEMO_ACTIVITY_DAYS, DEMO_RUNAWAY_PROFILE, DEMO_RUNAWAY_USD, demoActivity } from "./demo-activity";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
let counter = 0;
const uuid = () => `00000000-0000-4000-8000-${String((counter += 1)).padStart(12, "0")}`;
const profile = (slug: string) => ({ slug, deniedTools: ["shell_exec", "delete_repo"], egress: ["tickets.internal:443"] });

describe("demoActivity", () => {
  it("is the same for the same slug and differs between slugs", () => {
    const strip = (a: ReturnType<typeof demoActivity>) => a.events.map(({ id: _id, ...e }) => e);
    expect(strip(demoActivity(profile("acme-a"), NOW, uuid))).toEqual(strip(demoActivity(profile("acme-a"), NOW, uuid)));
    expect(strip(demoActivity(profile("acme-b"), NOW, uuid))).not.toEqual(strip(demoActivity(profile("acme-a"), NOW, uuid)));
  });

  it("spreads denials, redactions and usage over the thirty days before now", () => {
    const { events, costs } = demoActivity(profile("globex-anything"), NOW, uuid);
    const types = new Set(events.map((e) => e.type));
    expect(types).toEqual(new Set(["cost.usage", "tool.denied", "egress.denied", "tool.allowed"]));
    for (const e of events) {
      expect(e.occurredAt.getTime()).toBeGreaterThanOrEqual(NOW - DEMO_ACTIVITY_DAYS * 86_400_000);
      expect(e.occurredAt.getTime()).toBeLessThan(NOW);
    }
    expect(events.filter((e) => e.type === "tool.denied").every((e) => ["shell_exec", "delete_repo"].includes(String(e.attributes.tool)))).toBe(true);
    expect(events.filter((e) => e.redactions).every((e) => e.redactions?.count === 1 && JSON.stringify(e.attributes).includes("[REDACTED:"))).toBe(true);
    expect(costs).toHaveLength(events.filter((e) => e.type === "cost.usage").length);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  });

  it("gives the runaway profile about its runaway spend in the last two hours", () => {
    const { costs } = demoActivity(profile(DEMO_RUNAWAY_PROFILE), NOW, uuid);
    const recent = costs.filter((c) => c.occurredAt.getTime() >= NOW - 2 * 3_600_000);
    const spent = recent.reduce((sum, c) => sum + Number(c.cost), 0);
    expect(spent).toBeGreaterThan(DEMO_RUNAWAY_USD * 0.99);
    expect(spent).toBeLessThan(DEMO_RUNAWAY_USD * 1.01);
    const background = costs.filter((c) => c.occurredAt.getTime() < NOW - 2 * 3_600_000).reduce((sum, c) => sum + Number(c.cost), 0);
    expect(background).toBeLessThan(2);
  });
});
