import { describe, expect, it } from "vitest";
import { CANARY_STAGES } from "@/lib/domain/tiers";
import { PROMOTION_TARGETS, STAGE_RANK, checkTransition, isCanaryStage, isPromotionTarget, nextStage } from "./stages";

describe("nextStage", () => {
  it("climbs one stage at a time, restarts a rolled-back profile and stops at promoted", () => {
    expect(nextStage("deploy_only")).toBe("read_only");
    expect(nextStage("read_only")).toBe("limited");
    expect(nextStage("limited")).toBe("promoted");
    expect(nextStage("promoted")).toBeNull();
    expect(nextStage("rolled_back")).toBe("read_only");
  });

  it("ranks every stage, with rolled_back back at 0", () => {
    expect(CANARY_STAGES.map((s) => STAGE_RANK[s])).toEqual([0, 1, 2, 3, 0]);
    expect(PROMOTION_TARGETS.every((t) => STAGE_RANK[t] > 0)).toBe(true);
  });

  it("recognises stage names and promotion targets, nothing inherited", () => {
    expect(isCanaryStage("limited")).toBe(true);
    expect(isCanaryStage("toString")).toBe(false);
    expect(isPromotionTarget("promoted")).toBe(true);
    expect(isPromotionTarget("deploy_only")).toBe(false);
    expect(isPromotionTarget("rolled_back")).toBe(false);
  });
});

describe("checkTransition", () => {
  it("accepts exactly the next stage", () => {
    expect(checkTransition("deploy_only", "read_only")).toEqual({ ok: true, from: "deploy_only", to: "read_only" });
    expect(checkTransition("read_only", "limited")).toMatchObject({ ok: true });
    expect(checkTransition("limited", "promoted")).toMatchObject({ ok: true });
    expect(checkTransition("rolled_back", "read_only")).toEqual({ ok: true, from: "rolled_back", to: "read_only" });
  });

  const refused = (from: string, to: string) => {
    const check = checkTransition(from, to);
    if (check.ok) throw new Error(`${from} → ${to} was accepted`);
    return check.reason;
  };

  it("refuses two stages at once, naming the next stage", () => {
    expect(refused("deploy_only", "limited")).toBe("Promotion moves one stage at a time: from deploy_only the next stage is read_only, not limited.");
    expect(refused("deploy_only", "promoted")).toMatch(/one stage at a time/);
    expect(refused("read_only", "promoted")).toMatch(/next stage is limited, not promoted/);
  });

  it("refuses anything but read_only from rolled_back", () => {
    expect(refused("rolled_back", "limited")).toBe("A rolled-back profile restarts the canary: its next stage is read_only, not limited.");
    expect(refused("rolled_back", "promoted")).toMatch(/restarts the canary/);
    expect(refused("rolled_back", "deploy_only")).toMatch(/restarts the canary/);
  });

  it("refuses promoting a promoted profile, whatever the target", () => {
    for (const to of ["promoted", "limited", "read_only"]) expect(refused("promoted", to)).toMatch(/already promoted/);
  });

  it("refuses the same stage, a lower stage, rollback and unknown stages", () => {
    expect(refused("limited", "limited")).toBe("The profile is already at limited.");
    expect(refused("deploy_only", "deploy_only")).toMatch(/already at deploy_only/);
    expect(refused("limited", "read_only")).toMatch(/moving down is a rollback/);
    expect(refused("limited", "deploy_only")).toMatch(/moving down is a rollback/);
    expect(refused("limited", "rolled_back")).toMatch(/Rollback is its own action/);
    expect(refused("limited", "production")).toMatch(/No such stage "production"; stages are deploy_only, read_only/);
    expect(refused("staging", "limited")).toMatch(/Unknown current stage "staging"/);
  });
});
