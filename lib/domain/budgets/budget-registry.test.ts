import { describe, expect, it } from "vitest";
import { formatPlan } from "../registry/format-plan";
import type { Manifest, ProfileSpec } from "../registry/manifest-schema";
import { parseManifest } from "../registry/parse-manifest";
import { emptyPlan } from "../registry/plan-types";
import { budgetText, withBudgetChanges } from "./registry-budgets";

const D = `sha256:${"ab".repeat(32)}`;

function profile(slug: string, budget?: number): ProfileSpec {
  return {
    slug, tenant: "acme", owner: "ops", ring: 2, tier: "L1", unit: `${slug}.service`, artifactDigest: D,
    rollbackTarget: { endpoint: "https://deploy.internal/x", manifestDigest: D }, evidencePath: "evidence/x/",
    tools: [], deniedTools: [], egress: [], secrets: [], ...(budget === undefined ? {} : { budget: { monthlyUsd: budget } }),
  };
}

const yaml = (budgetLine: string) => `apiVersion: cellgate/v1
kind: Registry
tenants:
  - slug: acme
    name: Acme
    ${budgetLine}
`;

describe("budget fields in the manifest", () => {
  it("accepts budget.monthlyUsd on tenants and profiles", () => {
    const parsed = parseManifest(yaml("budget: { monthlyUsd: 2500.5 }"));
    expect(parsed.ok && parsed.manifest.tenants[0]!.budget).toEqual({ monthlyUsd: 2500.5 });
  });

  it("names the line of a bad budget: not positive, too many decimals, unknown field, not a number", () => {
    const errors = (line: string) => {
      const parsed = parseManifest(yaml(line));
      return parsed.ok ? [] : parsed.errors.map((e) => `${e.line}: ${e.path}: ${e.message}`);
    };
    expect(errors("budget: { monthlyUsd: 0 }")).toEqual(["6: tenants[0].budget.monthlyUsd: must be greater than 0 (leave budget out for none)"]);
    expect(errors("budget: { monthlyUsd: 10.001 }")).toEqual(["6: tenants[0].budget.monthlyUsd: must have at most two decimal places (cents)"]);
    expect(errors("budget: { monthlyUsd: 10, currency: EUR }")).toEqual(["6: tenants[0].budget.currency: unknown field"]);
    expect(errors('budget: { monthlyUsd: "ten" }')).toEqual(["6: tenants[0].budget.monthlyUsd: must be a number of US dollars"]);
  });
});

describe("withBudgetChanges", () => {
  const manifest = (tenantBudget: number | undefined, profiles: ProfileSpec[]): Manifest => ({
    apiVersion: "cellgate/v1",
    kind: "Registry",
    tenants: [{ slug: "acme", name: "Acme", ...(tenantBudget === undefined ? {} : { budget: { monthlyUsd: tenantBudget } }) }],
    profiles,
    hosts: [],
  });

  it("turns an unchanged tenant or profile whose budget differs into an update, and prints it", () => {
    const plan = { ...emptyPlan(), unchanged: { tenants: ["acme"], profiles: ["bot-a", "bot-b"], hosts: [], keys: [] } };
    const current = { tenants: new Map([["acme", null]]), profiles: new Map([["bot-a", 250], ["bot-b", 99.5]]) };
    const out = withBudgetChanges(plan, manifest(1000, [profile("bot-a"), profile("bot-b", 99.5)]), current);
    expect(out.changes.map((c) => [c.op, "slug" in c ? c.slug : null, "diffs" in c ? c.diffs : null])).toEqual([
      ["update-tenant", "acme", [{ field: "budget.monthlyUsd", kind: "set", from: "none", to: "1000.00" }]],
      ["update-profile", "bot-a", [{ field: "budget.monthlyUsd", kind: "set", from: "250.00", to: "none" }]],
    ]);
    expect(out.unchanged.tenants).toEqual([]);
    expect(out.unchanged.profiles).toEqual(["bot-b"]);
    expect(formatPlan(out)).toEqual([
      "~ tenant acme: budget.monthlyUsd none → 1000.00",
      "~ profile bot-a: budget.monthlyUsd 250.00 → none",
      "= 1 profile unchanged",
    ]);
    expect(plan.changes).toEqual([]); // the input plan is not modified
  });

  it("adds the budget diff to an existing update, and leaves new and refused profiles alone", () => {
    const spec = profile("bot-a", 5);
    const plan = {
      ...emptyPlan(),
      changes: [{ op: "update-profile" as const, scope: ["acme"], slug: "bot-a", diffs: [{ field: "ring", kind: "set" as const, from: "1", to: "2" }], profile: spec }],
      problems: ["profile bot-moved belongs to tenant other; a profile cannot move to tenant acme"],
    };
    const current = { tenants: new Map([["acme", 10]]), profiles: new Map([["bot-a", null], ["bot-moved", 1]]) };
    const out = withBudgetChanges(plan, manifest(10, [spec, profile("bot-moved", 2), profile("bot-new", 3)]), current);
    expect(out.changes).toHaveLength(1);
    expect(out.changes[0]).toMatchObject({ op: "update-profile", diffs: [{ field: "ring" }, { field: "budget.monthlyUsd", from: "none", to: "5.00" }] });
    expect(budgetText(0.1)).toBe("0.10");
  });
});
