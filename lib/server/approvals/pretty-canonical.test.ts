import { describe, expect, it } from "vitest";
import { canonicalJob } from "@/lib/domain/jobs";
import { compactJson, prettyCanonical } from "./pretty-canonical";

describe("prettyCanonical", () => {
  const { canonical } = canonicalJob({
    topic: "job.mcp-bridge.write.update_ticket",
    tenant: "acme",
    profile: "acme-ticket-triage",
    riskTags: ["writes", "pii"],
    labels: { requester: "a@b.test" },
    payload: { "10": "ten", "2": "two", text: 'say "hi", {ok}: [x]\\', n: 1e21, nested: { empty: {}, list: [] }, u: "é\u2028" },
  });

  it("only adds whitespace: compacting gives back the hashed bytes", () => {
    const pretty = prettyCanonical(canonical);
    expect(pretty).not.toBe(canonical);
    expect(compactJson(pretty)).toBe(canonical);
    expect(JSON.parse(pretty)).toEqual(JSON.parse(canonical));
  });

  it("keeps the canonical key order, integer-like keys included", () => {
    const pretty = prettyCanonical(canonical);
    expect(pretty.indexOf('"10": "ten"')).toBeGreaterThan(-1);
    expect(pretty.indexOf('"10"')).toBeLessThan(pretty.indexOf('"2"'));
    expect(pretty).toContain('"empty": {}');
    expect(pretty).toContain('"list": []');
    expect(pretty).toContain('"text": "say \\"hi\\", {ok}: [x]\\\\"');
    expect(pretty.split("\n")[1]).toBe('  "labels": {');
  });
});
