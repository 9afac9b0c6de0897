import "server-only";
/** Kill switches: reads, the engage plan, the two actions and their effects. */
export { listKillSwitches, switchesForBanner, visibleWhere, HISTORY_LIMIT, type KillSwitchList } from "./read";
export { capabilityOptions, killSwitchProfileOptions, PROFILE_OPTIONS_LIMIT, TOOL_OPTIONS_LIMIT, type ProfileOption } from "./options";
export { planKillSwitch, PLAN_LIST_LIMIT, type KillSwitchPlan } from "./plan";
export {
  engageKillSwitchAction,
  releaseKillSwitchAction,
  KILL_SWITCHES_PATH,
  type EngageResult,
  type ReleaseResult,
} from "./actions";
export { switchesCovering, switchesCoveringEach, switchesReaching, releaseExpiredSwitches, inForceWhere } from "./effects";
export type { KillSwitchView } from "./views";
