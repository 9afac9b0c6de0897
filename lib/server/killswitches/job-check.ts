import "server-only";
/**
 * The kill-switch check a job passes before policy: switches in force that
 * cover it turn the decision into DENY with rule ids `kill-switch:<id>`. Fail
 * safe: when the switches cannot be read the job is denied too (a database
 * that is down altogether is rethrown, so the caller answers 503).
 */
import type { Db } from "@/lib/db";
import { describeSwitch, killSwitchRuleId, type KillSwitchScope } from "@/lib/domain/killswitch";
import type { Evaluation } from "@/lib/domain/policy/types";
import { isDatabaseUnavailable } from "../host-auth";
import { releaseExpiredSwitches, switchesCovering } from "./effects";

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

/** DENY naming every covering switch and its reason, or null when no switch covers the job. */
export async function killSwitchDenial(prisma: Db, job: JobUnderCheck, now: Date): Promise<Evaluation | null> {
  try {
    await releaseExpiredSwitches(prisma, now);
  } catch (error) {
    // Recording auto releases is bookkeeping; the check below computes "in force" itself.
    if (isDatabaseUnavailable(error)) throw error;
    console.error("[killswitches] recording automatic releases failed:", error);
  }
  try {
    const switches = await switchesCovering(prisma, { tenantId: job.tenantId, profileId: job.profileId, topic: job.topic, riskTags: job.riskTags }, now);
    if (switches.length === 0) return null;
    const parts = switches.map((sw) => {
      const what = describeSwitch({ scope: sw.scope as KillSwitchScope, tenant: job.tenantSlug, profile: job.profileSlug, capability: sw.capability });
      return `kill switch ${sw.id} (${what}) is engaged: ${sw.reason}`;
    });
    return denial(switches.map((sw) => killSwitchRuleId(sw.id)), parts.join("; "));
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw error;
    console.error("[killswitches] switches could not be read; denying (fail safe):", error);
    return denial([KILL_SWITCH_UNAVAILABLE], `kill switches could not be read, failing safe: ${(error as Error).message}`);
  }
}

/** Switches were engaged during each of `attempts` decisions of one job: deny it rather than decide a fourth time (fail safe). */
export function killSwitchUnsettled(attempts: number): Evaluation {
  return denial([KILL_SWITCH_UNSETTLED], `kill switches were engaged while this job was decided, ${attempts} times running; failing safe`);
}
