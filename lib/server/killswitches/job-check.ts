import "server-only";
/**
 * The kill-switch check a job passes before policy: switches in force that
 * cover it turn the decision into DENY with rule ids `kill-switch:<id>`. Fail
 * safe: when the switches cannot be read the job is denied too (a database
 * that is down altogether is rethrown, so the caller answers 503).
 */
import type { Database } from "@/lib/db";
import { describeSwitch, killSwitchRuleId } from "@/lib/domain/killswitch";
import type { Evaluation } from "@/lib/domain/policy/types";
import { isDatabaseUnavailable } from "../host-auth";
import { releaseExpiredSwitches, switchStateForJob } from "./effects";

export const KILL_SWITCH_UNAVAILABLE = "kill-switch:unavailable";
export const KILL_SWITCH_UNSETTLED = "kill-switch:unsettled";

export interface JobUnderCheck {
  tenantId: string;
  tenantSlug: string;
  profileId: string;
  profileSlug: string;
  topic: string;
  riskTags: readonly string[];
}

function denial(ruleIds: string[], reason: string): Evaluation {
  return {
    decision: "DENY",
    ruleIds,
    reason: reason.slice(0, 500),
    approvalsNeeded: null,
    ttlSec: null,
    constraints: null,
    throttles: [],
    policyHash: "none",
  };
}

/** What the job path reads of kill switches, in one statement (see switchStateForJob). */
export interface JobSwitchCheck {
  /** The fence count (every switch row ever engaged): compared again inside the job's transaction; null when unreadable. */
  seen: number | null;
  /** DENY naming every covering switch and its reason, or null when no switch covers the job. */
  denial: Evaluation | null;
}

/**
 * One round trip for the whole check: the fence count, the switches in force
 * that may reach the job, and whether an automatic release is due (recorded
 * first, as any read does; rare). Fail safe: a failed read denies the job.
 */
export async function killSwitchCheck(database: Pick<Database, "sql" | "prisma">, job: JobUnderCheck, now: Date): Promise<JobSwitchCheck> {
  let state: Awaited<ReturnType<typeof switchStateForJob>>;
  try {
    state = await switchStateForJob(database.sql, job, now);
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw error;
    console.error("[killswitches] switches could not be read; denying (fail safe):", error);
    return { seen: null, denial: denial([KILL_SWITCH_UNAVAILABLE], `kill switches could not be read, failing safe: ${(error as Error).message}`) };
  }
  if (state.releaseDue) {
    try {
      await releaseExpiredSwitches(database.prisma, now);
    } catch (error) {
      // Recording auto releases is bookkeeping; "in force" was computed from the rows at `now` already.
      if (isDatabaseUnavailable(error)) throw error;
      console.error("[killswitches] recording automatic releases failed:", error);
    }
  }
  const switches = state.covering;
  if (switches.length === 0) return { seen: state.engaged, denial: null };
  const parts = switches.map((sw) => {
    const what = describeSwitch({ scope: sw.scope, tenant: job.tenantSlug, profile: job.profileSlug, capability: sw.capability });
    return `kill switch ${sw.id} (${what}) is engaged: ${sw.reason}`;
  });
  return { seen: state.engaged, denial: denial(switches.map((sw) => killSwitchRuleId(sw.id)), parts.join("; ")) };
}

/** Switches were engaged during each of `attempts` decisions of one job: deny it rather than decide a fourth time (fail safe). */
export function killSwitchUnsettled(attempts: number): Evaluation {
  return denial([KILL_SWITCH_UNSETTLED], `kill switches were engaged while this job was decided, ${attempts} times running; failing safe`);
}
