/**
 * Budgets in a registry sync. The manifest is authoritative for the tenants
 * and profiles it lists: `budget: { monthlyUsd }` sets that budget, leaving
 * `budget` out clears it. This adds the budget differences to a registry plan
 * (planRegistrySync) as `budget.monthlyUsd` field diffs on update-tenant and
 * update-profile changes, turning an otherwise unchanged tenant or profile
 * into an update. New tenants and profiles carry their budget in their spec.
 */
import type { Manifest } from "../registry/manifest-schema";
import type { Change, FieldDiff, RegistryPlan } from "../registry/plan-types";

export const BUDGET_FIELD = "budget.monthlyUsd";

/** Current budgets (USD, null: none) of the tenants and profiles a manifest names, by slug. */
export interface CurrentBudgets {
  tenants: ReadonlyMap<string, number | null>;
  profiles: ReadonlyMap<string, number | null>;
}

/** "none" or the amount with cents, e.g. "2500.00". */
export function budgetText(value: number | null | undefined): string {
  return value === null || value === undefined ? "none" : value.toFixed(2);
}

function budgetDiff(current: number | null, wanted: number | null): FieldDiff | null {
  const from = budgetText(current);
  const to = budgetText(wanted);
  return from === to ? null : { field: BUDGET_FIELD, kind: "set", from, to };
}

export function withBudgetChanges(plan: RegistryPlan, manifest: Manifest, current: CurrentBudgets): RegistryPlan {
  const changes: Change[] = [...plan.changes];
  const unchanged = { ...plan.unchanged, tenants: [...plan.unchanged.tenants], profiles: [...plan.unchanged.profiles] };

  for (const spec of manifest.tenants) {
    if (!current.tenants.has(spec.slug)) continue; // created with its budget
    const diff = budgetDiff(current.tenants.get(spec.slug) ?? null, spec.budget?.monthlyUsd ?? null);
    if (!diff) continue;
    const i = changes.findIndex((c) => c.op === "update-tenant" && c.slug === spec.slug);
    const existing = changes[i];
    if (existing?.op === "update-tenant") changes[i] = { ...existing, diffs: [...existing.diffs, diff] };
    else if (unchanged.tenants.includes(spec.slug)) {
      unchanged.tenants = unchanged.tenants.filter((s) => s !== spec.slug);
      changes.push({ op: "update-tenant", scope: [spec.slug], slug: spec.slug, diffs: [diff], tenant: spec });
    }
  }

  for (const spec of manifest.profiles) {
    if (!current.profiles.has(spec.slug)) continue;
    const diff = budgetDiff(current.profiles.get(spec.slug) ?? null, spec.budget?.monthlyUsd ?? null);
    if (!diff) continue;
    const i = changes.findIndex((c) => c.op === "update-profile" && c.slug === spec.slug);
    const existing = changes[i];
    if (existing?.op === "update-profile") changes[i] = { ...existing, diffs: [...existing.diffs, diff] };
    else if (unchanged.profiles.includes(spec.slug)) {
      // Neither updated nor unchanged means the plan refused it (a problem); leave it so.
      unchanged.profiles = unchanged.profiles.filter((s) => s !== spec.slug);
      changes.push({ op: "update-profile", scope: [spec.tenant], slug: spec.slug, diffs: [diff], profile: spec });
    }
  }
  return { ...plan, changes, unchanged };
}
