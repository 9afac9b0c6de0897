"use server";
import {
  engageKillSwitchAction as engageKillSwitch,
  releaseKillSwitchAction as releaseKillSwitch,
} from "@/lib/server/killswitches";
import { engageChallengeAction, releaseChallengeAction } from "@/lib/server/killswitches/actions";

export async function engageKillSwitchAction(prev: unknown, formData: FormData) {
  return engageKillSwitch(prev, formData);
}

export async function releaseKillSwitchAction(prev: unknown, formData: FormData) {
  return releaseKillSwitch(prev, formData);
}

/** The statement a passkey signs to engage the switch the form describes. */
export async function engageChallenge(prev: unknown, formData: FormData) {
  return engageChallengeAction(prev, formData);
}

/** The statement a passkey signs to release a switch with the form's reason. */
export async function releaseChallenge(prev: unknown, formData: FormData) {
  return releaseChallengeAction(prev, formData);
}
