import { describe, expect, it } from "vitest";
import { textProblem, urlInputProblem, valueProblem } from "./request-input";

describe("urlInputProblem", () => {
  it("accepts ordinary paths and queries, encoded or not", () => {
    for (const [path, search] of [
      ["/approvals/job_abc", ""],
      ["/profiles/acme-ticket-triage", "?tab=events"],
      ["/audit", "?actor=ann%40acme.test&action=job.vote"],
      ["/approvals", "?topic=job.mcp-bridge&riskTag="],
      ["/profiles/caf%C3%A9", "?q=a+b&x"],
      ["/approvals/%E2%80%AEtxt", ""], // bidi characters are shown marked, not refused
      ["/approvals/..%2F..%2Fetc", ""],
    ] as const) {
      expect(urlInputProblem(path, search)).toBeNull();
    }
  });

  it("names NUL, control characters, lone surrogates and malformed escapes in the path", () => {
    expect(urlInputProblem("/approvals/%00", "")).toBe("The address holds a NUL character.");
    expect(urlInputProblem("/approvals/a%07b", "")).toBe("The address holds a control character.");
    expect(urlInputProblem("/approvals/%ED%A0%80", "")).toBe("The address holds a malformed percent-escape (such as %E0%A4 cut short).");
    expect(urlInputProblem("/approvals/%E0%A4%A", "")).toBe("The address holds a malformed percent-escape (such as %E0%A4 cut short).");
    expect(urlInputProblem("/approvals/%", "")).not.toBeNull();
  });

  it("names the query parameter at fault", () => {
    expect(urlInputProblem("/audit", "?actor=%00")).toBe('The query parameter "actor" holds a NUL character.');
    expect(urlInputProblem("/approvals", "?topic=x&tier=%ZZ")).toBe("The query string holds a malformed percent-escape.");
    expect(urlInputProblem("/approvals", "?a%00=1")).toBe('The query parameter "a\u0000" holds a NUL character.');
  });
});

describe("textProblem and valueProblem", () => {
  it("finds lone surrogates that JavaScript strings can hold", () => {
    expect(textProblem("\uD800x")).toBe("holds broken Unicode (a lone surrogate)");
    expect(textProblem("😀")).toBeNull();
    expect(textProblem("tab\tand\nnewline")).toBeNull();
  });

  it("walks nested values, keys included", () => {
    expect(valueProblem({ jobId: "job_x", note: "fine" })).toBeNull();
    expect(valueProblem([{ note: "a\u0000b" }])).toBe("holds a NUL character");
    expect(valueProblem({ ["k\uDC00"]: 1 })).toBe("holds broken Unicode (a lone surrogate)");
    let deep: unknown = "x";
    for (let i = 0; i < 40; i += 1) deep = [deep];
    expect(valueProblem(deep)).toBe("is nested too deeply");
  });
});
