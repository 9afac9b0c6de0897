import { describe, expect, it } from "vitest";
import {
  DEFAULT_QUERY,
  hasFilters,
  pageCount,
  parseRegistryQuery,
  registryQueryString,
  sortLink,
} from "./index";

describe("parseRegistryQuery", () => {
  it("returns the defaults for an empty query", () => {
    expect(parseRegistryQuery({})).toEqual({ query: DEFAULT_QUERY, problems: [] });
  });

  it("reads every filter, sort and page parameter", () => {
    const { query, problems } = parseRegistryQuery({
      tenant: "acme",
      ring: "3",
      tier: "l2",
      health: "down",
      stage: "limited",
      owner: "build-team",
      q: " ticket ",
      sort: "ring",
      dir: "desc",
      page: "2",
      size: "50",
    });
    expect(problems).toEqual([]);
    expect(query).toEqual({
      tenant: "acme",
      ring: 3,
      tier: "L2",
      health: "down",
      stage: "limited",
      owner: "build-team",
      q: "ticket",
      sort: "ring",
      dir: "desc",
      page: 2,
      size: 50,
    });
  });

  it("accepts URLSearchParams and the first of repeated values", () => {
    expect(parseRegistryQuery(new URLSearchParams("ring=0&stage=rolled-back")).query).toMatchObject({
      ring: 0,
      stage: "rolled_back",
    });
    expect(parseRegistryQuery({ ring: ["4", "5"] }).query.ring).toBe(4);
  });

  it("drops invalid values with a readable reason for each", () => {
    const { query, problems } = parseRegistryQuery({
      tenant: "Acme Corp!",
      ring: "9",
      tier: "L7",
      health: "sick",
      stage: "beta",
      sort: "password",
      dir: "sideways",
      page: "-1",
      size: "7",
      q: "x".repeat(101),
    });
    expect(query).toEqual(DEFAULT_QUERY);
    expect(problems).toHaveLength(10);
    expect(problems).toContain('Ring "9" must be a number from 0 to 5.');
    expect(problems).toContain('Page "-1" must be a whole number of at least 1.');
    expect(problems.join(" ")).toMatch(/Tier "L7" must be one of L0, L1/);
  });

  it("treats blank parameters (an empty select in a GET form) as absent", () => {
    expect(parseRegistryQuery({ tenant: "", ring: "", q: "   " })).toEqual({ query: DEFAULT_QUERY, problems: [] });
  });
});

describe("registryQueryString", () => {
  it("leaves out defaults and round-trips through the parser", () => {
    expect(registryQueryString(DEFAULT_QUERY)).toBe("");
    const text = registryQueryString({ ...DEFAULT_QUERY, tenant: "acme", ring: 0, q: "a b", sort: "owner", page: 3 });
    expect(text).toBe("?tenant=acme&ring=0&q=a+b&sort=owner&page=3");
    const again = parseRegistryQuery(new URLSearchParams(text.slice(1)));
    expect(again.query).toEqual({ ...DEFAULT_QUERY, tenant: "acme", ring: 0, q: "a b", sort: "owner", page: 3 });
  });
});

describe("sortLink", () => {
  it("sorts ascending first, toggles on the active column, and resets the page", () => {
    const query = { ...DEFAULT_QUERY, page: 4, health: "down" as const };
    expect(sortLink(query, "ring")).toBe("?health=down&sort=ring");
    expect(sortLink({ ...query, sort: "ring" }, "ring")).toBe("?health=down&sort=ring&dir=desc");
    expect(sortLink({ ...query, sort: "ring", dir: "desc" }, "ring")).toBe("?health=down&sort=ring");
  });
});

describe("helpers", () => {
  it("knows when a filter is set and how many pages there are", () => {
    expect(hasFilters(DEFAULT_QUERY)).toBe(false);
    expect(hasFilters({ ring: 0 })).toBe(true);
    expect(pageCount(0, 25)).toBe(1);
    expect(pageCount(51, 25)).toBe(3);
  });
});
