import { z } from "zod";
import { passkeyField, ZSwitchStatement } from "./passkeys";
import { capabilityProblem, KILL_SWITCH_SCOPES, REASON_MAX, TARGET_MAX } from "@/lib/domain/killswitch";

/** Break-glass: at most 7 days. */
export const AUTO_RELEASE_MAX_MINUTES = 7 * 24 * 60;

/** Form posts send "" for an empty optional field: treat it as absent. */
const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optionalTarget = (what: string) =>
  z.preprocess(blankToUndefined, z.string().trim().min(1).max(TARGET_MAX, `${what} is too long`).optional());

const reason = z
  .string({ error: "Give a reason" })
  .trim()
  .min(1, "Give a reason")
  .max(REASON_MAX, `Keep the reason under ${REASON_MAX} characters`);

const targetFields = {
  scope: z.enum(KILL_SWITCH_SCOPES, { error: `scope must be one of ${KILL_SWITCH_SCOPES.join(", ")}` }),
  tenant: optionalTarget("tenant"),
  profile: optionalTarget("profile"),
  capability: optionalTarget("capability"),
};

type TargetShape = { scope: (typeof KILL_SWITCH_SCOPES)[number]; tenant?: string; profile?: string; capability?: string };

/** What each scope needs: global nothing, tenant a tenant, profile a profile, capability a capability and a tenant or profile. */
function checkTarget(value: TargetShape, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
  switch (value.scope) {
    case "global":
      if (value.tenant) issue("tenant", "A global switch has no tenant");
      if (value.profile) issue("profile", "A global switch has no profile");
      if (value.capability) issue("capability", "A global switch has no capability");
      break;
    case "tenant":
      if (!value.tenant) issue("tenant", "Choose the tenant");
      if (value.profile) issue("profile", "A tenant switch has no profile; choose the profile scope instead");
      if (value.capability) issue("capability", "A tenant switch has no capability; choose the capability scope instead");
      break;
    case "profile":
      if (!value.profile) issue("profile", "Choose the profile");
      if (value.capability) issue("capability", "A profile switch has no capability; choose the capability scope instead");
      break;
    case "capability": {
      if (!value.capability) issue("capability", "Choose the capability");
      else {
        const problem = capabilityProblem(value.capability);
        if (problem) issue("capability", problem);
      }
      if (!value.tenant && !value.profile) issue("tenant", "Choose the tenant (or a profile) the capability switch applies to");
      break;
    }
  }
}

/** The target of a switch, as the plan preview takes it (e.g. from the URL). */
export const ZKillSwitchTarget = z.object(targetFields).superRefine(checkTarget);
export type KillSwitchTarget = z.infer<typeof ZKillSwitchTarget>;

export const ZEngageKillSwitchInput = z
  .object({
    ...targetFields,
    reason,
    /** Passkey proof: required for tenant-wide and global switches (lib/server/passkeys). */
    passkey: passkeyField(ZSwitchStatement),
    autoReleaseMinutes: z.preprocess(
      blankToUndefined,
      z.coerce
        .number({ error: "Automatic release must be a number of minutes" })
        .int("Automatic release must be a whole number of minutes")
        .min(1, "Automatic release must be at least 1 minute")
        .max(AUTO_RELEASE_MAX_MINUTES, `Automatic release must be within ${AUTO_RELEASE_MAX_MINUTES} minutes (7 days)`)
        .optional(),
    ),
  })
  .superRefine(checkTarget);
export type EngageKillSwitchInput = z.infer<typeof ZEngageKillSwitchInput>;

export const ZReleaseKillSwitchInput = z.object({
  id: z.string({ error: "Switch is required" }).trim().min(1, "Switch is required").max(100),
  reason,
  passkey: passkeyField(ZSwitchStatement),
});
export type ReleaseKillSwitchInput = z.infer<typeof ZReleaseKillSwitchInput>;
