/**
 * Kill switches, pure: the capability catalog, when a switch is in force and
 * what it covers. A switch is in force while it has not been released and
 * its automatic release time (if any) is still in the future. Used by the
 * console (jobs, approvals, directives) and by the host agent alike.
 */
import { matchesTopic, topicGlobProblem } from "@/lib/domain/policy/glob";

export const KILL_SWITCH_SCOPES = ["global", "tenant", "profile", "capability"] as const;

/** Longest reason for engaging or releasing a switch (the schema and the forms' maxLength). */
export const REASON_MAX = 500;
/** Longest tenant, profile or capability value of a switch's target (`topic:` and a 200-character glob). */
export const TARGET_MAX = 220;
export type KillSwitchScope = (typeof KILL_SWITCH_SCOPES)[number];

export interface Capability {
  id: string;
  label: string;
  description: string;
  /** Topic globs (lib/domain/policy/glob) a covered job matches. */
  topics: readonly string[];
  /** Risk tags a covered job carries (any one is enough). */
  riskTags: readonly string[];
}

/**
 * The fixed catalog; `tool:<name>` capabilities are derived from profiles'
 * tool lists and `topic:<glob>` ones from the topics the policies in force name.
 */
export const CAPABILITIES: readonly Capability[] = [
  {
    id: "write-tools",
    label: "Write tools",
    description: "Every tool that changes something (topics job.<bridge>.write.…).",
    topics: ["job.*.write.**"],
    riskTags: ["write"],
  },
  {
    id: "shell-network",
    label: "Shell and network",
    description: "Shell execution and outbound network access.",
    topics: ["job.*.shell.**", "job.*.network.**", "job.*.exec.**"],
    riskTags: ["network", "shell"],
  },
  {
    id: "pr-creation",
    label: "Pull request creation",
    description: "Opening pull requests.",
    topics: ["job.**.create_pr", "job.*.pr.**"],
    riskTags: [],
  },
  {
    id: "data-export",
    label: "Data export",
    description: "Exporting data out of the cell.",
    topics: ["job.*.export.**"],
    riskTags: ["pii"],
  },
];

export const TOOL_CAPABILITY_PREFIX = "tool:";
export const TOPIC_CAPABILITY_PREFIX = "topic:";
const TOOL_NAME = /^[A-Za-z0-9_-]{1,100}$/;

/** The catalog entry, or the derived `tool:<name>` capability; null when the id is unknown or malformed. */
export function capabilityById(id: string): Capability | null {
  const known = CAPABILITIES.find((c) => c.id === id);
  if (known) return known;
  if (id.startsWith(TOOL_CAPABILITY_PREFIX)) {
    const name = id.slice(TOOL_CAPABILITY_PREFIX.length);
    if (!TOOL_NAME.test(name)) return null;
    return {
      id,
      label: `Tool ${name}`,
      description: `Jobs calling the tool ${name} (topics whose last segment is ${name}).`,
      topics: [`job.**.${name.toLowerCase()}`],
      riskTags: [],
    };
  }
  if (id.startsWith(TOPIC_CAPABILITY_PREFIX)) {
    const glob = id.slice(TOPIC_CAPABILITY_PREFIX.length);
    if (topicGlobProblem(glob)) return null;
    return { id, label: `Topic ${glob}`, description: `Jobs whose topic matches ${glob} (a topic a policy in force names).`, topics: [glob], riskTags: [] };
  }
  return null;
}

/** Why a capability id is not usable, or null when it is. */
export function capabilityProblem(id: string): string | null {
  if (capabilityById(id)) return null;
  if (id.startsWith(TOOL_CAPABILITY_PREFIX)) return `"${id}": a tool name holds letters, digits, _ and - only (at most 100)`;
  if (id.startsWith(TOPIC_CAPABILITY_PREFIX)) {
    return `"${id}": ${topicGlobProblem(id.slice(TOPIC_CAPABILITY_PREFIX.length))}`;
  }
  return `unknown capability "${id}"; choose one of ${CAPABILITIES.map((c) => c.id).join(", ")}, tool:<name> or topic:<glob>`;
}

/**
 * Capabilities on offer: the catalog, one `tool:<name>` per tool the profiles
 * list, and one `topic:<glob>` per topic glob the policies in force name.
 */
export function capabilitiesFor(toolNames: Iterable<string>, topicGlobs: Iterable<string> = []): Capability[] {
  const derived = (prefix: string, values: Iterable<string>) =>
    [...new Set(values)].sort().flatMap((v) => capabilityById(`${prefix}${v}`) ?? []);
  return [...CAPABILITIES, ...derived(TOOL_CAPABILITY_PREFIX, toolNames), ...derived(TOPIC_CAPABILITY_PREFIX, topicGlobs)];
}

/** Does a job with this topic / these risk tags fall under the capability? */
export function capabilityMatches(capability: Capability, job: { topic?: string; riskTags?: readonly string[] }): boolean {
  if (job.topic !== undefined) {
    const topic = job.topic;
    if (capability.id.startsWith(TOOL_CAPABILITY_PREFIX)) {
      const name = capability.id.slice(TOOL_CAPABILITY_PREFIX.length).toLowerCase();
      const last = topic.split(".").at(-1)?.toLowerCase();
      if (last === name) return true;
    } else if (capability.topics.some((glob) => matchesTopic(glob, topic))) {
      return true;
    }
  }
  return Boolean(job.riskTags?.some((tag) => capability.riskTags.includes(tag)));
}

/** The fields of a switch that decide what it covers and whether it is in force. */
export interface KillSwitchState {
  scope: KillSwitchScope;
  tenantId: string | null;
  profileId: string | null;
  capability: string | null;
  releasedAt: Date | null;
  autoReleaseAt: Date | null;
}

export function isInForce(sw: Pick<KillSwitchState, "releasedAt" | "autoReleaseAt">, now: Date): boolean {
  if (sw.releasedAt) return false;
  return sw.autoReleaseAt === null || sw.autoReleaseAt.getTime() > now.getTime();
}

/** Released automatically (break-glass time passed) but not yet recorded as released. */
export function isExpiredUnrecorded(sw: Pick<KillSwitchState, "releasedAt" | "autoReleaseAt">, now: Date): boolean {
  return !sw.releasedAt && sw.autoReleaseAt !== null && sw.autoReleaseAt.getTime() <= now.getTime();
}

export interface CoverTarget {
  tenantId: string;
  profileId: string;
  topic?: string;
  riskTags?: readonly string[];
}

/**
 * Is the place (tenant, profile) inside the switch's reach? Global reaches
 * everything; tenant and tenant-wide capability switches their tenant; profile
 * and profile-narrowed capability switches their profile. Says nothing about
 * whether the switch is in force.
 */
export function reaches(sw: Pick<KillSwitchState, "scope" | "tenantId" | "profileId">, at: { tenantId: string; profileId: string }): boolean {
  switch (sw.scope) {
    case "global":
      return true;
    case "tenant":
      return sw.tenantId === at.tenantId;
    case "profile":
      return sw.profileId === at.profileId;
    case "capability":
      return sw.profileId ? sw.profileId === at.profileId : sw.tenantId === at.tenantId;
  }
}

/**
 * Does the switch cover this job (or, without a topic and risk tags, this
 * profile as a whole)? A capability switch covers only jobs matching its
 * capability; an unknown capability covers everything in its reach (fail safe).
 * Says nothing about whether the switch is in force: combine with isInForce.
 */
export function covers(sw: Pick<KillSwitchState, "scope" | "tenantId" | "profileId" | "capability">, target: CoverTarget): boolean {
  if (!reaches(sw, target)) return false;
  if (sw.scope !== "capability") return true;
  const capability = sw.capability ? capabilityById(sw.capability) : null;
  if (!capability) return true;
  return capabilityMatches(capability, target);
}

/** "kill-switch:<id>", the rule id a denied job names. */
export function killSwitchRuleId(id: string): string {
  return `kill-switch:${id}`;
}

/** One readable line naming what a switch stops. */
export function describeSwitch(sw: { scope: KillSwitchScope; tenant?: string | null; profile?: string | null; capability?: string | null }): string {
  switch (sw.scope) {
    case "global":
      return "everything, on every tenant";
    case "tenant":
      return `tenant ${sw.tenant ?? "?"}`;
    case "profile":
      return `profile ${sw.profile ?? "?"}`;
    case "capability": {
      const label = (sw.capability && capabilityById(sw.capability)?.label) ?? sw.capability ?? "?";
      return `${label} on ${sw.profile ? `profile ${sw.profile}` : `tenant ${sw.tenant ?? "?"}`}`;
    }
  }
}
