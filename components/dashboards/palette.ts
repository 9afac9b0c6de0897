/**
 * Chart colours: the Okabe–Ito palette, distinguishable with the common
 * colour-vision deficiencies; series also carry names in legends and tables,
 * so colour is never the only cue.
 */
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"] as const;

/** Fixed colours for decision types, the same on every chart. */
export const DECISION_COLORS = {
  ALLOW: "#009E73",
  ALLOW_WITH_CONSTRAINTS: "#56B4E9",
  REQUIRE_APPROVAL: "#E69F00",
  THROTTLE: "#CC79A7",
  DENY: "#D55E00",
} as const;

export function seriesColor(index: number): string {
  return PALETTE[index % PALETTE.length] ?? PALETTE[0];
}
