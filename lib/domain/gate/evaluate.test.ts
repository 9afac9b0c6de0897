import { describe, expect, it } from "vitest";
import { EVIDENCE_ITEMS, type EvidenceRow } from "@/lib/domain/evidence";
import { TIERS, requiredControls, type CanaryStageName, type TierName } from "@/lib/domain/tiers";
import { canaryTrafficItem, evaluateGate, formatPercent, type GateInput } from "./evaluate";
import { CANARY_MIN_REQUESTS, MAX_EVIDENCE_AGE_SEC, gateRequirement } from "./table";
import { PROMOTION_TARGETS, nextStage } from "./stages";

const now = new Date("2026-11-22T12:00:00Z");
const H = 3600;
const DIGEST = `sha256:${"a".repeat(64)}`;
const ago = (sec: number) => new Date(now.getTime() - sec * 1000);
const row = (item: string, passed: boolean, ageSec: number, detail: unknown = {}): EvidenceRow => ({ item, passed, observedAt: ago(ageSec), detail });
const detailOf = (item: string) => (item === "rollback_proven" ? { durationSec: 196 } : item === "intended_digest" ? { digest: DIGEST } : {});
const allPassing = (ageSec = 2 * H) => EVIDENCE_ITEMS.map((item) => row(item, true, ageSec, detailOf(item)));

/** A profile that passes the gate to `target`, unless a test changes something. */
function input(tier: TierName = "L2", stage: CanaryStageName = "limited", target: string = nextStage(stage) ?? "promoted"): GateInput {
  return {
    profile: { slug: "acme-ticket-triage", tier, stage, artifactDigest: DIGEST, rollbackEndpoint: "https://rollback.internal/x", rollbackManifestDigest: `sha256:${"c".repeat(64)}` },
    target,
    evidence: allPassing(),
    controls: requiredControls(tier).map((control) => ({ control, evidencedAt: ago(10 * 86_400) })),
    killSwitches: [],
    canary: { requests: 18_240, errors: 20, stage: "limited" },
    now,
  };
}
const withRow = (i: GateInput, replacement: EvidenceRow): GateInput => ({ ...i, evidence: [...i.evidence.filter((r) => r.item !== replacement.item), replacement] });
const without = (i: GateInput, item: string): GateInput => ({ ...i, evidence: i.evidence.filter((r) => r.item !== item) });
const unmet = (i: GateInput) => evaluateGate(i).unmet.map((u) => u.detail);

describe("evaluateGate: a passing request", () => {
  it("passes with every item met, for every stage and tier", () => {
    for (const tier of TIERS) {
      for (const [stage, target] of [["deploy_only", "read_only"], ["read_only", "limited"], ["limited", "promoted"], ["rolled_back", "read_only"]] as const) {
        const i = input(tier, stage, target);
        if (target === "promoted") i.canary = { requests: CANARY_MIN_REQUESTS[tier], errors: 0, stage: "limited" };
        const result = evaluateGate(i);
        expect(result.unmet, `${tier} ${stage} → ${target}`).toEqual([]);
        expect(result.passed).toBe(true);
        expect(result.requirement).toBe(gateRequirement(target, tier));
        expect(result.approvalsRequired).toBe(tier === "L4" || tier === "L5" ? 2 : 1);
      }
    }
  });

  it("lists the transition, rollback target, the row's evidence, every required control, kill switches and (for promoted) traffic", () => {
    const result = evaluateGate(input("L2", "limited"));
    expect(result.items.map((i) => i.id)).toEqual([
      "transition",
      "rollback_target",
      ...EVIDENCE_ITEMS.map((i) => `evidence:${i}`),
      ...requiredControls("L2").map((c) => `control:${c}`),
      "kill_switch",
      "canary_traffic",
    ]);
    expect(result.items.every((i) => i.met && i.label.length > 0 && i.detail.length > 0)).toBe(true);
    expect(result.items.find((i) => i.id === "canary_traffic")!.detail).toBe("Canary traffic: 18240 requests at stage limited, error rate 0.11 % (SLO 1 %)");
    expect(result.items.find((i) => i.id === "evidence:rollback_proven")!.detail).toBe("Rollback drill: took 3 min 16 s, observed 2 h ago");
  });

  it("asks only for the row's evidence: a read-only canary at L0 needs no egress proof", () => {
    const i = without(without(input("L0", "deploy_only"), "egress_enforced"), "canary_survived");
    expect(evaluateGate(i).passed).toBe(true);
    expect(evaluateGate(i).items.map((x) => x.id)).not.toContain("evidence:egress_enforced");
    expect(evaluateGate(i).items.map((x) => x.id)).not.toContain("canary_traffic");
    expect(unmet(without(input("L2", "deploy_only"), "egress_enforced"))).toEqual(["Egress policy enforced: missing"]);
  });
});

describe("evaluateGate: unmet items named in plain words", () => {
  it("names a failing item, and the control it voids (acme-ticket-triage)", () => {
    const i = withRow(input("L2", "limited"), row("secrets_not_logged", false, 2 * H));
    const i2 = without(i, "canary_survived");
    expect(unmet(i2)).toEqual([
      "Secrets not logged: failing (observed 2 h ago)",
      "Canary survived real traffic: missing",
      "No secrets in image or logs not evidenced: Secrets not logged: failing (observed 2 h ago)",
    ]);
    expect(evaluateGate(i2).passed).toBe(false);
  });

  it("names a slow, unreported or missing rollback drill", () => {
    expect(unmet(withRow(input(), row("rollback_proven", true, 2 * H, { durationSec: 420 })))).toEqual([
      "Rollback drill: took 7 min (limit 5 min), observed 2 h ago",
      "Rollback tested not evidenced: Rollback drill: took 7 min (limit 5 min), observed 2 h ago",
    ]);
    expect(unmet(withRow(input(), row("rollback_proven", true, 2 * H, { durationSec: 299 })))).toEqual([]);
    expect(unmet(withRow(input(), row("rollback_proven", true, 2 * H, { durationSec: 300 })))[0]).toBe("Rollback drill: took 5 min (limit 5 min), observed 2 h ago");
    expect(unmet(without(input("L0", "deploy_only"), "rollback_proven"))).toEqual(["Rollback drill: missing"]);
  });

  it("refuses a drill older than the tier allows", () => {
    const stale = withRow(input("L4", "read_only"), row("rollback_proven", true, 25 * H, { durationSec: 100 }));
    expect(unmet(stale)[0]).toBe("Evidence older than 24 h: Rollback drill observed 25 h ago");
  });

  it("applies the tier's freshness limit at its boundary", () => {
    for (const tier of TIERS) {
      const limit = MAX_EVIDENCE_AGE_SEC[tier];
      const at = withRow(input(tier, "deploy_only"), row("intended_digest", true, limit, { digest: DIGEST }));
      const past = withRow(input(tier, "deploy_only"), row("intended_digest", true, limit + 1, { digest: DIGEST }));
      expect(evaluateGate(at).passed, tier).toBe(true);
      expect(evaluateGate(past).passed, tier).toBe(false);
    }
    const old = withRow(input("L4", "deploy_only"), row("egress_enforced", true, 3 * 86_400));
    expect(unmet(old)).toEqual([
      "Evidence older than 24 h: Egress policy enforced observed 3 days ago",
      "Default-deny egress not evidenced: Evidence older than 24 h: Egress policy enforced observed 3 days ago",
    ]);
    // The same three-day-old observation is fresh at L1 (7 days).
    expect(evaluateGate(withRow(input("L1", "read_only"), row("egress_enforced", true, 3 * 86_400))).passed).toBe(true);
  });

  it("refuses an intended-digest pass that names another digest", () => {
    const i = withRow(input("L0", "deploy_only"), row("intended_digest", true, 60, { digest: `sha256:${"b".repeat(64)}` }));
    expect(unmet(i)[0]).toMatch(/^Intended digest running: failing \(observed 1 min ago\) — running sha256:b+, not the registered digest$/);
  });

  it("names a missing rollback target, or the missing half of one", () => {
    const none = input();
    none.profile = { ...none.profile, rollbackEndpoint: null, rollbackManifestDigest: "" };
    expect(unmet(none)).toEqual(["No rollback target registered"]);
    const noDigest = input();
    noDigest.profile = { ...noDigest.profile, rollbackManifestDigest: null };
    expect(unmet(noDigest)).toEqual(["No rollback target registered: the manifest digest is missing"]);
    const noEndpoint = input();
    noEndpoint.profile = { ...noEndpoint.profile, rollbackEndpoint: "  " };
    expect(unmet(noEndpoint)).toEqual(["No rollback target registered: the endpoint is missing"]);
  });

  it("names a required control without evidence", () => {
    const i = input("L2", "read_only");
    i.controls = i.controls.filter((c) => c.control !== "scoped_tokens");
    expect(unmet(i)).toEqual(["Scoped tokens not evidenced: no evidence recorded"]);
  });

  it("names every kill switch in force, or how many when only counted", () => {
    const i = input("L2", "read_only");
    expect(unmet({ ...i, killSwitches: [{ id: "ks_01", scope: "profile", reason: "incident 42" }, { id: "ks_02" }] })).toEqual([
      "Kill switch ks_01 in force (profile): incident 42",
      "Kill switch ks_02 in force",
    ]);
    expect(unmet({ ...i, killSwitches: 1 })).toEqual(["1 kill switch in force"]);
    expect(unmet({ ...i, killSwitches: 3 })).toEqual(["3 kill switches in force"]);
    expect(unmet({ ...i, killSwitches: 0 })).toEqual([]);
    expect(unmet({ ...i, killSwitches: Number.NaN })).toEqual(["1 kill switch in force"]); // unknown: fail closed
  });

  it("names every unmet item at once", () => {
    const i = without(input("L4", "limited"), "canary_survived");
    i.profile = { ...i.profile, rollbackEndpoint: null, rollbackManifestDigest: null };
    i.killSwitches = [{ id: "ks_9" }];
    i.canary = { requests: 120, errors: 0, stage: "limited" };
    expect(unmet(i)).toEqual([
      "No rollback target registered",
      "Canary survived real traffic: missing",
      "Kill switch ks_9 in force",
      "Canary traffic: 120 requests at stage limited, 5000 needed",
    ]);
  });
});

describe("canary traffic (promoted only)", () => {
  const slo = 0.01;
  it("needs the tier's volume at stage limited", () => {
    expect(canaryTrafficItem({ requests: 999, errors: 0, stage: "limited" }, 1000, slo)).toMatchObject({ met: false, detail: "Canary traffic: 999 requests at stage limited, 1000 needed" });
    expect(canaryTrafficItem({ requests: 1000, errors: 0, stage: "limited" }, 1000, slo).met).toBe(true);
    expect(canaryTrafficItem({ requests: 50_000, errors: 0, stage: "read_only" }, 1000, slo).detail).toBe(
      "Canary traffic: 50000 requests at stage read_only, 1000 needed at stage limited",
    );
    expect(canaryTrafficItem(null, 1000, slo).detail).toBe("Canary traffic: none reported, 1000 requests needed at stage limited");
    expect(canaryTrafficItem({ requests: 0, errors: 0, stage: "limited" }, 1000, slo).detail).toBe("Canary traffic: 0 requests at stage limited, 1000 needed");
  });

  it("needs the error rate strictly under the SLO", () => {
    expect(canaryTrafficItem({ requests: 1000, errors: 9, stage: "limited" }, 1000, slo).met).toBe(true);
    expect(canaryTrafficItem({ requests: 1000, errors: 10, stage: "limited" }, 1000, slo)).toMatchObject({
      met: false,
      detail: "Canary traffic: error rate 1 % (10 of 1000 requests), not under the SLO of 1 %",
    });
    expect(canaryTrafficItem({ requests: 2000, errors: 19, stage: "limited" }, 1000, 0.005).met).toBe(false);
    expect(canaryTrafficItem({ requests: 120, errors: 60, stage: "limited" }, 1000, slo).detail).toBe(
      "Canary traffic: 120 requests at stage limited, 1000 needed; error rate 50 % (60 of 120 requests), not under the SLO of 1 %",
    );
  });

  it("refuses figures that do not add up and an SLO that is not a rate", () => {
    for (const bad of [{ requests: 10, errors: 11 }, { requests: -1, errors: 0 }, { requests: 1.5, errors: 0 }, { requests: Number.NaN, errors: 0 }]) {
      expect(canaryTrafficItem({ ...bad, stage: "limited" }, 1, slo).detail).toMatch(/figures do not add up/);
    }
    for (const s of [0, -0.01, 1.5, Number.NaN]) expect(canaryTrafficItem({ requests: 5000, errors: 0, stage: "limited" }, 1, s).detail).toMatch(/not a rate between 0 and 1/);
    expect(canaryTrafficItem({ requests: 5000, errors: 0, stage: "limited" }, 1, 1).met).toBe(true);
  });

  it("uses the profile's SLO, or 1 % when it names none", () => {
    const i = input("L2", "limited");
    i.canary = { requests: 2000, errors: 30, stage: "limited" }; // 1.5 %
    expect(evaluateGate(i).passed).toBe(false);
    i.profile = { ...i.profile, sloErrorRate: 0.02 };
    expect(evaluateGate(i).passed).toBe(true);
    i.profile = { ...i.profile, sloErrorRate: Number.NaN };
    expect(evaluateGate(i).passed).toBe(false);
  });

  it("formats rates as percentages", () => {
    expect(formatPercent(0.01)).toBe("1 %");
    expect(formatPercent(0.0011)).toBe("0.11 %");
    expect(formatPercent(0.125)).toBe("12.5 %");
  });
});

describe("evaluateGate: invalid transitions", () => {
  it("refuses with the reason only, needing no approver", () => {
    for (const [stage, target] of [["deploy_only", "limited"], ["promoted", "promoted"], ["rolled_back", "promoted"], ["limited", "rolled_back"], ["limited", "nonsense"]] as const) {
      const result = evaluateGate(input("L2", stage, target));
      expect(result.passed).toBe(false);
      expect(result.items).toHaveLength(1);
      expect(result.unmet[0]!.id).toBe("transition");
      expect(result.requirement).toBeNull();
      expect(result.approvalsRequired).toBe(0);
      expect(result.snapshot.policyHash).toBeNull();
    }
    expect(unmet(input("L2", "deploy_only", "promoted"))).toEqual([
      "Promotion moves one stage at a time: from deploy_only the next stage is read_only, not promoted.",
    ]);
    expect(unmet(input("L2", "promoted", "promoted"))).toEqual(["The profile is already promoted; there is no stage above it."]);
  });

  it("has a rule row for every valid target", () => {
    for (const target of PROMOTION_TARGETS) for (const tier of TIERS) expect(gateRequirement(target, tier)).toBeDefined();
  });
});

describe("evaluateGate: the snapshot", () => {
  it("gives the same hash for two evaluations on unchanged evidence, even later on", () => {
    const a = evaluateGate(input());
    const b = evaluateGate({ ...input(), now: new Date(now.getTime() + 3600_000), canary: { requests: 30_000, errors: 21, stage: "limited" } });
    expect(b.snapshotHash).toBe(a.snapshotHash);
    expect(a.snapshotHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.snapshot).toMatchObject({ from: "limited", to: "promoted", profile: { slug: "acme-ticket-triage", tier: "L2" } });
  });

  it("changes when any evidence changes, when a control attestation changes, and with the rules", () => {
    const h = evaluateGate(input()).snapshotHash;
    expect(evaluateGate(withRow(input(), row("secrets_not_logged", false, 2 * H))).snapshotHash).not.toBe(h);
    expect(evaluateGate(withRow(input(), row("egress_enforced", true, 60))).snapshotHash).not.toBe(h);
    expect(evaluateGate(without(input(), "canary_survived")).snapshotHash).not.toBe(h);
    const c = input();
    c.controls = c.controls.slice(1);
    expect(evaluateGate(c).snapshotHash).not.toBe(h);
    const slo = input();
    slo.profile = { ...slo.profile, sloErrorRate: 0.05 };
    expect(evaluateGate(slo).snapshotHash).not.toBe(h);
  });
});
