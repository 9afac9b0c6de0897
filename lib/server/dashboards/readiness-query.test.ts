import { describe, expect, it } from "vitest";
import { parseReadinessQuery, readinessSearch } from "./readiness-query";

describe("parseReadinessQuery", () => {
  it("reads tenant and stage, accepting the hyphenated stage spelling", () => {
    expect(parseReadinessQuery({ tenant: "acme", stage: "rolled-back" })).toEqual({ query: { tenant: "acme", stage: "rolled_back" }, problems: [] });
    expect(parseReadinessQuery({ stage: ["limited", "promoted"] }).query).toEqual({ stage: "limited" });
    expect(parseReadinessQuery({})).toEqual({ query: {}, problems: [] });
  });

  it("drops and names bad values", () => {
    const parsed = parseReadinessQuery({ tenant: "Not A Slug!", stage: "beta" });
    expect(parsed.query).toEqual({});
    expect(parsed.problems).toHaveLength(2);
    expect(parsed.problems.join(" ")).toMatch(/tenant/);
    expect(parsed.problems.join(" ")).toMatch(/stage: must be one of deploy_only/);
  });

  it("prints the address back", () => {
    expect(readinessSearch({ tenant: "acme", stage: "read_only" })).toBe("?tenant=acme&stage=read_only");
    expect(readinessSearch({})).toBe("");
  });
});
