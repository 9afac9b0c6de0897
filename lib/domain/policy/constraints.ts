/**
 * Tightest merge of constraints from every matched rule: the smallest
 * runtime and retry limits, the path prefixes allowed by every rule, and a
 * single egress profile — when rules name different ones, "none" (no egress),
 * since the console cannot know what two named profiles have in common.
 */
import type { Constraints } from "./types";

export const NO_EGRESS = "none";

export function mergeConstraints(list: readonly Constraints[]): Constraints | null {
  if (list.length === 0) return null;
  const merged: Constraints = {};
  for (const c of list) {
    if (c.maxRuntimeSec !== undefined) merged.maxRuntimeSec = Math.min(merged.maxRuntimeSec ?? Infinity, c.maxRuntimeSec);
    if (c.maxRetries !== undefined) merged.maxRetries = Math.min(merged.maxRetries ?? Infinity, c.maxRetries);
    if (c.egressProfile !== undefined) {
      merged.egressProfile = merged.egressProfile === undefined || merged.egressProfile === c.egressProfile ? c.egressProfile : NO_EGRESS;
    }
    if (c.pathLimits !== undefined) merged.pathLimits = merged.pathLimits === undefined ? [...c.pathLimits] : intersectPrefixes(merged.pathLimits, c.pathLimits);
  }
  return merged;
}

/** Path prefixes inside both lists (an empty list: no path at all). */
function intersectPrefixes(a: readonly string[], b: readonly string[]): string[] {
  const out = new Set<string>();
  for (const x of a) {
    for (const y of b) {
      if (within(x, y)) out.add(x);
      else if (within(y, x)) out.add(y);
    }
  }
  return [...out].sort();
}

/** Whether path prefix `inner` lies inside prefix `outer` (`/srv/a` is inside `/srv/`, `/srv`; not inside `/sr`). */
function within(inner: string, outer: string): boolean {
  if (inner === outer) return true;
  if (!inner.startsWith(outer)) return false;
  return outer.endsWith("/") || inner[outer.length] === "/";
}
