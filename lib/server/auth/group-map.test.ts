import { describe, expect, it } from "vitest";
import { entitlementsFor, groupsFromClaim, GroupMapError, parseGroupMap } from "./group-map";

describe("parseGroupMap", () => {
  it("parses tenant roles and platform admin, merging repeated groups", () => {
    const map = parseGroupMap(
      "cg-acme-approvers=acme:approver, cg-platform-admins=*:platform_admin,cg-acme-approvers=globex:viewer",
    );
    expect(map.get("cg-acme-approvers")).toEqual([
      { kind: "tenant", tenantSlug: "acme", role: "approver" },
      { kind: "tenant", tenantSlug: "globex", role: "viewer" },
    ]);
    expect(map.get("cg-platform-admins")).toEqual([{ kind: "platform_admin" }]);
  });

  it("treats an empty map as no grants", () => {
    expect(parseGroupMap("").size).toBe(0);
    expect(parseGroupMap(" , ").size).toBe(0);
  });

  it("keeps '=' inside group names (split on the last one)", () => {
    expect(parseGroupMap("team=a=acme:operator").get("team=a")).toEqual([
      { kind: "tenant", tenantSlug: "acme", role: "operator" },
    ]);
  });

  it.each([
    ["no-equals", /not group=tenant:role/],
    ["g=acme", /not group=tenant:role/],
    ["g=acme:owner", /unknown role "owner"/],
    ["g=acme:platform_admin", /\*:platform_admin/],
    ["g=*:viewer", /only valid with platform_admin/],
    ["g=Acme Corp:viewer", /not a tenant slug/],
  ])("rejects %s with a message naming the entry", (text, message) => {
    expect(() => parseGroupMap(text)).toThrow(GroupMapError);
    expect(() => parseGroupMap(text)).toThrow(message);
  });
});

describe("entitlementsFor", () => {
  const map = parseGroupMap("a=acme:approver,b=acme:approver,b=acme:viewer,admins=*:platform_admin");

  it("unions the grants of matched groups without duplicates", () => {
    const e = entitlementsFor(["b", "a", "unmapped"], map);
    expect(e.platformAdmin).toBe(false);
    expect(e.roles).toEqual([
      { tenantSlug: "acme", role: "approver" },
      { tenantSlug: "acme", role: "viewer" },
    ]);
    expect(e.matchedGroups).toEqual(["a", "b"]);
  });

  it("grants platform admin only through a mapped group", () => {
    expect(entitlementsFor(["admins"], map).platformAdmin).toBe(true);
    expect(entitlementsFor(["Admins"], map).platformAdmin).toBe(false);
  });

  it("grants nothing for no groups", () => {
    expect(entitlementsFor([], map)).toEqual({ platformAdmin: false, roles: [], matchedGroups: [] });
  });
});

describe("groupsFromClaim", () => {
  it("accepts an array or a single string and ignores anything else", () => {
    expect(groupsFromClaim(["a", 3, "", "b"])).toEqual(["a", "b"]);
    expect(groupsFromClaim("solo")).toEqual(["solo"]);
    expect(groupsFromClaim(undefined)).toEqual([]);
    expect(groupsFromClaim({ a: 1 })).toEqual([]);
  });
});
