import { describe, expect, it } from "vitest";
import { truncateLabel } from "./labels";

describe("truncateLabel", () => {
  it("keeps a label that fits", () => {
    expect(truncateLabel("acme-ticket-triage", 18)).toBe("acme-ticket-triage");
    expect(truncateLabel("", 5)).toBe("");
  });

  it("cuts a long label at the last word boundary that fits, with an ellipsis", () => {
    expect(truncateLabel("tenant:acme:no-bulk-close", 20)).toBe("tenant:acme:no-bulk…");
    expect(truncateLabel("globex-procurement-assistant", 20)).toBe("globex-procurement…");
    expect(truncateLabel("acme web widget assistant", 12)).toBe("acme web…");
  });

  it("never ends in a separator before the ellipsis", () => {
    expect(truncateLabel("deny-shell--exec-everywhere", 13)).toBe("deny-shell…");
    expect(truncateLabel("a.b.c.d.e.f.g.h", 6)).toBe("a.b.c…");
  });

  it("never cuts inside a word when a boundary exists", () => {
    const label = "acme-control-plane-operator";
    for (let max = 6; max < label.length; max++) {
      const cut = truncateLabel(label, max);
      expect(Array.from(cut).length).toBeLessThanOrEqual(max);
      expect(cut.endsWith("…")).toBe(true);
      const words = cut.slice(0, -1).split("-");
      expect(label.split("-").slice(0, words.length)).toEqual(words);
    }
  });

  it("cuts a first word longer than the room where it must", () => {
    expect(truncateLabel("supercalifragilistic-rule", 8)).toBe("superca…");
    expect(truncateLabel("abcdef", 1)).toBe("…");
  });

  it("counts code points, so a surrogate pair is never split", () => {
    expect(truncateLabel("🚀🚀🚀🚀🚀🚀", 4)).toBe("🚀🚀🚀…");
  });
});
