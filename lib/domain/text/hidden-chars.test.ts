import { describe, expect, it } from "vitest";
import { HIDDEN_CHARS_TAG, hasHiddenChars, jsonHasHiddenChars, revealHidden, splitHidden } from "./hidden-chars";

const RLO = "\u202E";

describe("hidden and direction-changing characters", () => {
  it("finds every bidi control and invisible format character the issue names", () => {
    for (const cp of [0x202e, 0x202a, 0x2066, 0x2067, 0x2068, 0x2069, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0xfeff, 0x061c]) {
      expect(hasHiddenChars(`a${String.fromCodePoint(cp)}b`)).toBe(true);
    }
    expect(hasHiddenChars("plain ascii, ünïcödé, 日本語, emoji 🙂, tab\tand newline\n")).toBe(false);
  });

  it("splits text into ordinary runs and visible markers, in order, losing nothing", () => {
    expect(splitHidden(`invoice${RLO}txt.exe`)).toEqual([
      { kind: "text", text: "invoice" },
      { kind: "hidden", code: "U+202E", name: "right-to-left override" },
      { kind: "text", text: "txt.exe" },
    ]);
    expect(splitHidden("\u200B\u200B")).toEqual([
      { kind: "hidden", code: "U+200B", name: "zero width space" },
      { kind: "hidden", code: "U+200B", name: "zero width space" },
    ]);
    expect(splitHidden("")).toEqual([]);
    expect(splitHidden("nothing hidden")).toEqual([{ kind: "text", text: "nothing hidden" }]);
  });

  it("writes them as ⟨U+XXXX⟩ for plain-text places", () => {
    expect(revealHidden(`invoice${RLO}txt.exe\uFEFF`)).toBe("invoice⟨U+202E⟩txt.exe⟨U+FEFF⟩");
    expect(revealHidden("fine")).toBe("fine");
  });

  it("looks through a whole JSON value, keys included", () => {
    expect(jsonHasHiddenChars({ a: [1, { b: `x${RLO}` }] })).toBe(true);
    expect(jsonHasHiddenChars({ [`k\u2066`]: 1 })).toBe(true);
    expect(jsonHasHiddenChars({ a: [1, "two", { three: null, four: true }] })).toBe(false);
    expect(HIDDEN_CHARS_TAG).toMatch(/^[a-z0-9][a-z0-9_.:-]{0,62}$/);
  });
});
