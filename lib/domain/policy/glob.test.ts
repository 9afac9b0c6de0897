import { describe, expect, it } from "vitest";
import { matchesTopic, topicGlobProblem, topicGlobsIntersect } from "./glob";

describe("topic globs: matching", () => {
  it.each([
    ["job.mcp-bridge.write.update_ticket", "job.mcp-bridge.write.update_ticket", true],
    ["job.*.write.update_ticket", "job.mcp-bridge.write.update_ticket", true],
    ["job.*.write", "job.mcp-bridge.write.update_ticket", false],
    ["job.*", "job.a.b", false],
    ["job.*.*.*", "job.a.b.c", true],
    ["job.**", "job", true],
    ["job.**", "job.a", true],
    ["job.**", "job.a.b.c", true],
    ["job.**", "jobs.a", false],
    ["**", "anything.at.all", true],
    ["**.shell_exec", "shell_exec", true],
    ["**.shell_exec", "job.x.read.shell_exec", true],
    ["**.shell_exec", "job.x.read.shell_exec_safe", false],
    ["job.**.shell_exec", "job.shell_exec", true],
    ["job.**.shell_exec", "job.a.b.shell_exec", true],
    ["job.**.**.x", "job.x", true],
    ["job.*.write.*_ticket", "job.a.write.update_ticket", true],
    ["job.*.write.*_ticket", "job.a.write.update_tickets", false],
    ["job.*.write.*payment*", "job.a.write.send_payment_now", true],
    ["job.*.write.*payment*", "job.a.write.payment", true],
    ["job.*.write.update*", "job.a.write.update", true],
    ["job.*.write.update*", "job.a.write.up", false],
  ])("%s vs %s → %s", (glob, topic, expected) => {
    expect(matchesTopic(glob, topic)).toBe(expected);
  });

  it("treats regular-expression characters literally", () => {
    expect(matchesTopic("job.a-b", "job.a-b")).toBe(true);
    expect(matchesTopic("job.a-b", "jobxa-b")).toBe(false);
  });
});

describe("topic globs: validation", () => {
  it.each([
    ["job..x", "empty segment"],
    ["job.x.", "empty segment"],
    ["job.a**", "whole segment"],
    ["Job.X", "lower-case"],
    ["job.a b", "lower-case"],
    ["", "empty"],
  ])("refuses %j (%s)", (glob, words) => {
    expect(topicGlobProblem(glob)).toContain(words);
  });

  it("accepts *, ** and partial-segment stars", () => {
    for (const glob of ["job.*", "job.**", "**", "job.*.write.*_ticket", "a.**.b"]) expect(topicGlobProblem(glob)).toBeNull();
  });
});

describe("topic globs: intersection", () => {
  it.each([
    ["job.*.write.**", "job.**.shell_exec", true],
    ["job.*.read.search_kb", "job.**.shell_exec", false],
    ["job.*.write.*_ticket", "job.*.write.*payment*", true],
    ["job.*.write.*_ticket", "job.*.write.issue_refund", false],
    ["job.*.read.**", "job.*.write.**", false],
    ["job.a.**", "job.**.z", true],
    ["job.a", "job.**", true],
    ["job.*", "job.*.*", false],
    ["**", "x.y", true],
    ["job.ab*", "job.*cd", true],
    ["job.ab*", "job.b*", false],
    ["job.a*b", "job.*c*", true],
  ])("%s ∩ %s → %s", (a, b, expected) => {
    expect(topicGlobsIntersect(a, b)).toBe(expected);
    expect(topicGlobsIntersect(b, a)).toBe(expected);
  });
});
