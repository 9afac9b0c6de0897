import { describe, expect, it } from "vitest";
import { formatUnifiedDiff, textDiff } from "./diff";

describe("textDiff", () => {
  it("marks kept, removed and added lines with their line numbers", () => {
    expect(textDiff("a\nb\nc\n", "a\nx\nc\nd\n")).toEqual([
      { kind: "same", text: "a", oldLine: 1, newLine: 1 },
      { kind: "removed", text: "b", oldLine: 2 },
      { kind: "added", text: "x", newLine: 2 },
      { kind: "same", text: "c", oldLine: 3, newLine: 3 },
      { kind: "added", text: "d", newLine: 4 },
    ]);
  });

  it("handles empty texts and identical texts", () => {
    expect(textDiff("", "a\n")).toEqual([{ kind: "added", text: "a", newLine: 1 }]);
    expect(textDiff("a\n", "")).toEqual([{ kind: "removed", text: "a", oldLine: 1 }]);
    expect(textDiff("a\r\nb\n", "a\nb").every((l) => l.kind === "same")).toBe(true);
  });

  it("finds a minimal diff in the middle", () => {
    const lines = textDiff("1\n2\n3\n4\n5\n", "1\n3\n4\n6\n5\n");
    expect(lines.filter((l) => l.kind !== "same").map((l) => `${l.kind} ${l.text}`)).toEqual(["removed 2", "added 6"]);
  });
});

describe("formatUnifiedDiff", () => {
  it("prints hunks with context, merging close changes", () => {
    const a = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n");
    const b = a.replace("line 2\n", "line two\n").replace("line 4\n", "").replace("line 18", "line eighteen");
    expect(formatUnifiedDiff(textDiff(a, b), { context: 1, from: "v1", to: "v2" })).toBe(
      [
        "--- v1", "+++ v2",
        "@@ -1,5 +1,4 @@", " line 1", "-line 2", "+line two", " line 3", "-line 4", " line 5",
        "@@ -17,3 +16,3 @@", " line 17", "-line 18", "+line eighteen", " line 19", "",
      ].join("\n"),
    );
  });

  it("is empty when nothing changed", () => {
    expect(formatUnifiedDiff(textDiff("a\n", "a\n"))).toBe("");
  });

  it("numbers an insertion into an empty text from 0", () => {
    expect(formatUnifiedDiff(textDiff("", "x\n"))).toBe("--- active\n+++ candidate\n@@ -0,0 +1,1 @@\n+x\n");
  });
});
