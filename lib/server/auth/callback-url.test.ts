import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "./callback-url";

describe("safeCallbackUrl", () => {
  it("keeps paths on this console", () => {
    expect(safeCallbackUrl("/profiles?tenant=acme&page=2")).toBe("/profiles?tenant=acme&page=2");
    expect(safeCallbackUrl("http://127.0.0.1:3000/receipts", "http://127.0.0.1:3000")).toBe("/receipts");
  });

  it.each([
    ["https://evil.example/", "http://127.0.0.1:3000"],
    ["//evil.example/x", undefined],
    ["/\\evil.example", undefined],
    ["javascript:alert(1)", undefined],
    ["profiles", undefined],
    ["/signin?callbackUrl=/x", undefined],
    ["", undefined],
    [null, undefined],
  ])("sends %s to /", (raw, origin) => {
    expect(safeCallbackUrl(raw, origin)).toBe("/");
  });
});
