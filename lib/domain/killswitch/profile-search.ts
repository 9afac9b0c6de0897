/**
 * The kill-switch form's profile picker, pure: which options match what the
 * admin typed (every word must appear in the slug, tenant or tier; a slug
 * that starts with the query first), optionally within one tenant; and which
 * form fields each scope needs.
 */
import type { KillSwitchScope } from "./index";

export interface PickerProfile {
  slug: string;
  tenant: string;
  tier: string;
}

export function searchProfiles<T extends PickerProfile>(options: readonly T[], query: string, tenant?: string, limit = 50): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const q = words.join(" ");
  const matches = options.filter((o) => {
    if (tenant && o.tenant !== tenant) return false;
    const hay = `${o.slug} ${o.tenant} ${o.tier}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  const starts = (o: T) => (q && o.slug.toLowerCase().startsWith(q) ? 0 : 1);
  return [...matches].sort((a, b) => starts(a) - starts(b) || a.slug.localeCompare(b.slug)).slice(0, limit);
}

export type EngageTargetField = "tenant" | "profile" | "capability";

/** The target fields a scope needs (the automatic release is offered for every scope). */
export function fieldsForScope(scope: KillSwitchScope): EngageTargetField[] {
  switch (scope) {
    case "global":
      return [];
    case "tenant":
      return ["tenant"];
    case "profile":
      return ["profile"];
    case "capability":
      return ["tenant", "profile", "capability"];
  }
}
