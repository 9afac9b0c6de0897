import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { controlGaps } from "../tiers";
import { DEMO_HOSTS, demoManifest, demoProfiles } from "./demo-catalog";
import { parseManifest } from "./parse-manifest";

const key = (n: number) => Buffer.alloc(32, n).toString("base64");

describe("demo catalog", () => {
  it("is itself a valid registry manifest", () => {
    let n = 0;
    const manifest = demoManifest((hostId, count) => Array.from({ length: count }, (_, i) => ({ id: `${hostId}-k${i}`, publicKey: key(++n) })));
    const result = parseManifest(stringify(manifest));
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(manifest.profiles.length).toBeGreaterThanOrEqual(40);
    expect(DEMO_HOSTS.find((h) => h.id === "acme-sandbox-01")).toEqual({ id: "acme-sandbox-01", profiles: ["acme-ticket-triage"], keys: 1 });
    // Every profile runs on exactly one demo host, so its health comes from what a host reported.
    const hosted = DEMO_HOSTS.flatMap((h) => h.profiles);
    expect([...hosted].sort()).toEqual(manifest.profiles.map((p) => p.slug).sort());
  });

  it("covers every ring, tier, health and canary stage, with some profiles short of their tier", () => {
    const profiles = demoProfiles();
    expect(new Set(profiles.map((p) => p.spec.ring)).size).toBe(6);
    expect(new Set(profiles.map((p) => p.spec.tier)).size).toBe(6);
    expect(new Set(profiles.map((p) => p.extras.health)).size).toBe(4);
    expect(new Set(profiles.map((p) => p.extras.targetStage)).size).toBe(5);
    const gaps = profiles.map((p) => controlGaps(p.spec.tier, p.extras.controls).length);
    expect(gaps.filter((g) => g === 0).length).toBeGreaterThan(10);
    expect(gaps.filter((g) => g > 0).length).toBeGreaterThan(5);
    expect(profiles.filter((p) => p.spec.tier === "L0").every((p) => p.spec.secrets.length === 0)).toBe(true);
  });
});
