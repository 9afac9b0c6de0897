import { describe, expect, it } from "vitest";
import { EVIDENCE_ITEMS } from "@/lib/domain/evidence";
import { TIERS, type TierName } from "@/lib/domain/tiers";
import { PROMOTION_TARGETS } from "./stages";
import { APPROVALS_REQUIRED, CANARY_MIN_REQUESTS, GATE_TABLE, MAX_EVIDENCE_AGE_SEC, gateRequirement, gateRulesHash } from "./table";

const H = 3600;
const ALL_BUT_CANARY = EVIDENCE_ITEMS.filter((i) => i !== "canary_survived");

describe("the gate table", () => {
  it("has one row per promotion target and tier, with items in checklist order and no repeats", () => {
    for (const target of PROMOTION_TARGETS) {
      expect(Object.keys(GATE_TABLE[target])).toEqual([...TIERS]);
      for (const tier of TIERS) {
        const { evidence } = gateRequirement(target, tier);
        expect(new Set(evidence).size).toBe(evidence.length);
        expect([...evidence].sort((a, b) => EVIDENCE_ITEMS.indexOf(a) - EVIDENCE_ITEMS.indexOf(b))).toEqual([...evidence]);
      }
    }
  });

  it("asks a read-only canary for the digest, clean logs and a drill; containment too from L2; everything but traffic from L4", () => {
    const base = ["intended_digest", "secrets_not_logged", "rollback_proven"];
    const contained = ["intended_digest", "denied_tools_absent", "egress_enforced", "secrets_not_logged", "rollback_proven"];
    const want: Record<TierName, string[]> = { L0: base, L1: base, L2: contained, L3: contained, L4: ALL_BUT_CANARY, L5: ALL_BUT_CANARY };
    for (const tier of TIERS) expect(gateRequirement("read_only", tier).evidence).toEqual(want[tier]);
  });

  it("asks limited production for the containment proofs, with cross-profile isolation from L2", () => {
    expect(gateRequirement("limited", "L0").evidence).toEqual(["intended_digest", "denied_tools_absent", "egress_enforced", "secrets_not_logged", "rollback_proven"]);
    expect(gateRequirement("limited", "L1").evidence).toEqual(gateRequirement("limited", "L0").evidence);
    for (const tier of ["L2", "L3", "L4", "L5"] as const) expect(gateRequirement("limited", tier).evidence).toEqual(ALL_BUT_CANARY);
  });

  it("asks promotion for all seven items at every tier, canary traffic included", () => {
    for (const tier of TIERS) expect(gateRequirement("promoted", tier).evidence).toEqual([...EVIDENCE_ITEMS]);
  });

  it("never asks for less at a higher stage or a higher tier", () => {
    for (const tier of TIERS) {
      const [r, l, p] = PROMOTION_TARGETS.map((t) => new Set(gateRequirement(t, tier).evidence));
      expect([...r!].every((i) => l!.has(i))).toBe(true);
      expect([...l!].every((i) => p!.has(i))).toBe(true);
    }
    for (const target of PROMOTION_TARGETS) {
      for (let k = 1; k < TIERS.length; k += 1) {
        const lower = gateRequirement(target, TIERS[k - 1]!);
        const higher = gateRequirement(target, TIERS[k]!);
        expect(lower.evidence.every((i) => higher.evidence.includes(i))).toBe(true);
        expect(higher.maxEvidenceAgeSec).toBeLessThanOrEqual(lower.maxEvidenceAgeSec);
        expect(higher.approvals).toBeGreaterThanOrEqual(lower.approvals);
        if (target === "promoted") expect(higher.canaryMinRequests!).toBeGreaterThan(lower.canaryMinRequests!);
      }
    }
  });

  it("requires a rollback drill at every stage", () => {
    for (const target of PROMOTION_TARGETS) for (const tier of TIERS) expect(gateRequirement(target, tier).evidence).toContain("rollback_proven");
  });

  it("ages evidence out after 7 days at L0–L1, 72 h at L2–L3 and 24 h at L4–L5", () => {
    expect(MAX_EVIDENCE_AGE_SEC).toEqual({ L0: 168 * H, L1: 168 * H, L2: 72 * H, L3: 72 * H, L4: 24 * H, L5: 24 * H });
    for (const target of PROMOTION_TARGETS) for (const tier of TIERS) expect(gateRequirement(target, tier).maxEvidenceAgeSec).toBe(MAX_EVIDENCE_AGE_SEC[tier]);
  });

  it("needs one approver up to L3 and two at L4–L5, at every stage", () => {
    expect(APPROVALS_REQUIRED).toEqual({ L0: 1, L1: 1, L2: 1, L3: 1, L4: 2, L5: 2 });
    for (const target of PROMOTION_TARGETS) for (const tier of TIERS) expect(gateRequirement(target, tier).approvals).toBe(APPROVALS_REQUIRED[tier]);
  });

  it("asks for canary traffic volume only for promoted", () => {
    expect(CANARY_MIN_REQUESTS).toEqual({ L0: 100, L1: 500, L2: 1000, L3: 2000, L4: 5000, L5: 10000 });
    for (const tier of TIERS) {
      expect(gateRequirement("read_only", tier).canaryMinRequests).toBeNull();
      expect(gateRequirement("limited", tier).canaryMinRequests).toBeNull();
      expect(gateRequirement("promoted", tier).canaryMinRequests).toBe(CANARY_MIN_REQUESTS[tier]);
    }
  });
});

describe("gateRulesHash", () => {
  it("is stable and differs by target, tier and (for promoted only) SLO", () => {
    const h = gateRulesHash("promoted", "L2", 0.01);
    expect(h).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(gateRulesHash("promoted", "L2", 0.01)).toBe(h);
    expect(gateRulesHash("limited", "L2", 0.01)).not.toBe(h);
    expect(gateRulesHash("promoted", "L3", 0.01)).not.toBe(h);
    expect(gateRulesHash("promoted", "L2", 0.02)).not.toBe(h);
    expect(gateRulesHash("limited", "L2", 0.02)).toBe(gateRulesHash("limited", "L2", 0.01));
    expect(() => gateRulesHash("promoted", "L2", Number.NaN)).not.toThrow();
  });
});
