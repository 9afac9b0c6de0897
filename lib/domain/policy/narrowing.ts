/**
 * The hierarchy rule: a lower-level document may only restrict. A candidate
 * rule is refused, naming both rules, when its match set can intersect that
 * of a higher-level DENY or REQUIRE_APPROVAL rule and
 *  - it decides something less restrictive (ALLOW or ALLOW_WITH_CONSTRAINTS
 *    under a REQUIRE_APPROVAL; anything but DENY under a DENY), or
 *  - it is a REQUIRE_APPROVAL asking for fewer approvals.
 * THROTTLE rules are never refused: they only ever add a limit.
 *
 * The evaluator already lets the strictest level win, so such a rule could
 * not take effect; refusing it keeps documents saying what actually happens.
 * Two match sets can intersect unless some field rules it out: topic globs
 * with no topic in common, a label required with two different values, or
 * disjoint rings, tiers or profiles (a profile document only covers its own
 * profile). Risk tags never rule it out: a job may carry any set of tags.
 */
import { topicGlobsIntersect } from "./glob";
import { qualifiedRuleId } from "./evaluate";
import { POLICY_LEVELS, type PolicyDocument, type PolicyRule, type RuleMatch, type WideningProblem } from "./types";

function setsIntersect<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): boolean {
  if (!a || !b) return true;
  return a.some((x) => b.includes(x));
}

/** Whether some job can match both rule matches. */
export function matchesCanOverlap(a: RuleMatch, b: RuleMatch): boolean {
  if (a.topics && b.topics && !a.topics.some((x) => b.topics?.some((y) => topicGlobsIntersect(x, y)))) return false;
  if (a.labels && b.labels) {
    const other = b.labels;
    if (Object.entries(a.labels).some(([k, v]) => Object.hasOwn(other, k) && other[k] !== v)) return false;
  }
  return setsIntersect(a.rings, b.rings) && setsIntersect(a.tiers, b.tiers) && setsIntersect(a.profiles, b.profiles);
}

/** A rule's match narrowed to what its document covers (a profile document: that profile only). */
function effectiveMatch(document: PolicyDocument, rule: PolicyRule): RuleMatch {
  if (document.level !== "profile" || !document.profile) return rule.match;
  const own = [document.profile];
  return { ...rule.match, profiles: rule.match.profiles ? rule.match.profiles.filter((p) => own.includes(p)) : own };
}

function at(rule: PolicyRule): string {
  return rule.line ? ` (line ${rule.line})` : "";
}

/** How `lower` would widen `upper` (named `name`), or null when it does not. */
function widening(lower: PolicyRule, upper: PolicyRule, name: string): string | null {
  if (lower.decision === "THROTTLE") return null;
  if (upper.decision === "DENY" && lower.decision !== "DENY") return `decides ${lower.decision} for jobs that ${name} denies`;
  if (upper.decision !== "REQUIRE_APPROVAL") return null;
  if (lower.decision === "ALLOW" || lower.decision === "ALLOW_WITH_CONSTRAINTS") {
    return `decides ${lower.decision} for jobs that ${name} holds for approval`;
  }
  const fewer = lower.decision === "REQUIRE_APPROVAL" && (lower.approvals ?? 1) < (upper.approvals ?? 1);
  return fewer ? `asks for ${lower.approvals ?? 1} approval(s) where ${name} asks for ${upper.approvals ?? 1}` : null;
}

export function checkNarrowing(candidate: PolicyDocument, higher: PolicyDocument[]): WideningProblem[] {
  const level = POLICY_LEVELS.indexOf(candidate.level);
  const problems: WideningProblem[] = [];
  for (const upperDoc of higher) {
    if (POLICY_LEVELS.indexOf(upperDoc.level) >= level) continue;
    if (upperDoc.level === "tenant" && upperDoc.tenant !== candidate.tenant) continue;
    for (const upper of upperDoc.rules) {
      if (upper.decision !== "DENY" && upper.decision !== "REQUIRE_APPROVAL") continue;
      const upperMatch = effectiveMatch(upperDoc, upper);
      const conflictsWith = qualifiedRuleId(upperDoc, upper.id);
      for (const lower of candidate.rules) {
        const why = widening(lower, upper, `${conflictsWith}${at(upper)}`);
        if (!why || !matchesCanOverlap(effectiveMatch(candidate, lower), upperMatch)) continue;
        problems.push({
          rule: lower.id,
          conflictsWith,
          message: `rule "${lower.id}"${at(lower)} ${why}; a lower level may only restrict: narrow its match or make it at least as strict`,
        });
      }
    }
  }
  return problems;
}
