import { describe, expect, it } from "vitest";
import { fieldsForScope, searchProfiles } from "./profile-search";

const options = [
  { slug: "acme-ticket-triage", tenant: "acme", tier: "L2" },
  { slug: "acme-chat-concierge", tenant: "acme", tier: "L3" },
  { slug: "globex-build-runner", tenant: "globex", tier: "L3" },
  { slug: "ticket-router", tenant: "globex", tier: "L1" },
];

describe("the kill-switch profile picker", () => {
  it("matches every word against slug, tenant and tier, slugs starting with the query first", () => {
    expect(searchProfiles(options, "ticket").map((o) => o.slug)).toEqual(["ticket-router", "acme-ticket-triage"]);
    expect(searchProfiles(options, "L3 globex").map((o) => o.slug)).toEqual(["globex-build-runner"]);
    expect(searchProfiles(options, "  ACME  ").map((o) => o.slug)).toEqual(["acme-chat-concierge", "acme-ticket-triage"]);
    expect(searchProfiles(options, "tikcet")).toEqual([]);
    expect(searchProfiles(options, "")).toHaveLength(4);
  });

  it("keeps to one tenant when asked, and to the limit", () => {
    expect(searchProfiles(options, "ticket", "acme").map((o) => o.slug)).toEqual(["acme-ticket-triage"]);
    expect(searchProfiles(options, "", undefined, 2)).toHaveLength(2);
  });

  it("shows only the fields a scope needs", () => {
    expect(fieldsForScope("global")).toEqual([]);
    expect(fieldsForScope("tenant")).toEqual(["tenant"]);
    expect(fieldsForScope("profile")).toEqual(["profile"]);
    expect(fieldsForScope("capability")).toEqual(["tenant", "profile", "capability"]);
  });
});
