import { describe, expect, it } from "vitest";
import { bucketLabel, bucketTick } from "@/components/dashboards/buckets";
import { auditHref, bucketSpan, formatDuration, timelineHref } from "@/components/dashboards/safety/links";
import { parseAuditQuery } from "@/lib/schemas/audit-explorer";

describe("safety dashboard links", () => {
  it("builds audit explorer links that parse back to the same filters", () => {
    const { from, to } = bucketSpan("2026-11-20T11:00:00.000Z", 3600);
    const href = auditHref({ tenant: "acme", profile: "acme-ticket-triage" }, "job.submit", from, to);
    expect(href).toBe("/audit?action=job.submit&tenant=acme&profile=acme-ticket-triage&from=2026-11-20T11%3A00&to=2026-11-20T12%3A00");
    const params = Object.fromEntries(new URL(href, "http://x").searchParams);
    expect(parseAuditQuery(params)).toEqual({ query: { action: "job.submit", tenant: "acme", profile: "acme-ticket-triage", from, to }, problems: [] });
  });

  it("uses whole days for day buckets and leaves out an unscoped tenant", () => {
    const { from, to } = bucketSpan("2026-11-20T00:00:00.000Z", 86_400);
    const href = auditHref({ tenant: null }, "killswitch", from, to);
    expect(href).toBe("/audit?action=killswitch&from=2026-11-20&to=2026-11-20");
    const params = Object.fromEntries(new URL(href, "http://x").searchParams);
    expect(parseAuditQuery(params).query).toEqual({ action: "killswitch", from, to });
  });

  it("links to a profile's timeline filtered by type", () => {
    expect(timelineHref("acme-ticket-triage", "tool.denied")).toBe("/profiles/acme-ticket-triage?type=tool.denied#events");
    expect(timelineHref("acme-ticket-triage")).toBe("/profiles/acme-ticket-triage#events");
  });

  it("labels buckets in UTC and durations in readable units", () => {
    expect(bucketTick("2026-11-20T11:05:00.000Z", "hour")).toBe("11:05");
    expect(bucketTick("2026-11-20T18:00:00.000Z", "week")).toBe("11-20 18h");
    expect(bucketTick("2026-11-20T00:00:00.000Z", "month")).toBe("11-20");
    expect(bucketLabel("2026-11-20T11:05:00.000Z")).toBe("2026-11-20 11:05 UTC");
    expect([formatDuration(null), formatDuration(42), formatDuration(210), formatDuration(7200), formatDuration(259_200)]).toEqual(["—", "42 s", "3.5 min", "2.0 h", "3.0 d"]);
  });
});
