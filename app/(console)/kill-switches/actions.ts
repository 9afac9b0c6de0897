"use server";
import {
  engageKillSwitchAction as engageKillSwitch,
  releaseKillSwitchAction as releaseKillSwitch,
} from "@/lib/server/killswitches";

export async function engageKillSwitchAction(prev: unknown, formData: FormData) {
  return engageKillSwitch(prev, formData);
}

export async function releaseKillSwitchAction(prev: unknown, formData: FormData) {
  return releaseKillSwitch(prev, formData);
}
