import { describe, expect, it } from "vitest";
import { dashboardSearch, parseDashboardPageQuery, parseDashboardQuery } from "./dashboards";

describe("dashboard query", () => {
  it("defaults the range to a day and takes tenant and profile slugs", () => {
    expect(parseDashboardQuery(new URLSearchParams(""))).toEqual({ ok: true, query: { range: "day" } });
    expect(parseDashboardQuery(new URLSearchParams("range=month&tenant=acme&profile=acme-ticket-triage"))).toEqual({
      ok: true,
      query: { range: "month", tenant: "acme", profile: "acme-ticket-triage" },
    });
  });

  it("names each bad field for the API", () => {
    const result = parseDashboardQuery(new URLSearchParams("range=year&tenant=Acme%20Corp"));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field).sort()).toEqual(["range", "tenant"]);
  });

  it("drops only the bad values on a page and says so", () => {
    const { query, problems } = parseDashboardPageQuery({ range: "year", tenant: "globex" });
    expect(query).toEqual({ range: "day", tenant: "globex" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^range: /);
  });

  it("writes the default range out of the address", () => {
    expect(dashboardSearch({ range: "day", tenant: "acme" })).toBe("?tenant=acme");
    expect(dashboardSearch({ range: "week" })).toBe("?range=week");
    expect(dashboardSearch({ range: "day" })).toBe("");
  });
});
